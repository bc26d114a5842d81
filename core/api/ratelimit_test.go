package api

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestPerUserForgetsOnlyIdleUsers(t *testing.T) {
	p := newPerUser(rate.Every(time.Second), 2)
	t0 := time.Unix(1_700_000_000, 0)
	for i := range maxPaced {
		if _, ok := p.admit(fmt.Sprint("u", i), t0); !ok {
			t.Fatalf("user %d refused on their first request", i)
		}
	}
	// u0 is still paced a moment later; the rest refill over time.
	if _, ok := p.admit("u0", t0); !ok {
		t.Fatal("u0's second request is within the burst")
	}
	if wait, ok := p.admit("u0", t0); ok || wait != time.Second {
		t.Fatalf("u0 past the burst: wait %v, admitted %v", wait, ok)
	}
	later := t0.Add(1500 * time.Millisecond)
	if _, ok := p.admit("newcomer", later); !ok {
		t.Fatal("newcomer refused")
	}
	// Every user but u0 (half a token short) had refilled and was dropped.
	if len(p.users) != 2 || p.users["u0"] == nil {
		t.Errorf("kept %d limiters, want u0's and the newcomer's", len(p.users))
	}
	if _, ok := p.admit("u0", later); !ok {
		t.Error("u0 refused after a token refilled")
	}
	if _, ok := p.admit("u0", later); ok {
		t.Error("u0's forgotten debt was forgiven")
	}
}

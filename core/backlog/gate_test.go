package backlog

import (
	"context"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	ctx := context.Background()
	// A rate of 3 a second admits a burst of 3, then nothing until the
	// bucket refills.
	g := NewGate(3, 10)
	for i := 0; i < 3; i++ {
		release, ok := g.TryAdmit(ctx, 0)
		if !ok {
			t.Fatalf("envelope %d of the burst refused", i)
		}
		release()
	}
	if _, ok := g.TryAdmit(ctx, time.Second); ok {
		t.Error("a fourth envelope in the same instant was admitted past the rate")
	}

	// Two slots: a third envelope waits for one, and is refused when none
	// frees within its wait.
	g = NewGate(1000, 2)
	r1, ok1 := g.TryAdmit(ctx, 0)
	_, ok2 := g.TryAdmit(ctx, 0)
	if !ok1 || !ok2 {
		t.Fatal("two slots did not admit two envelopes")
	}
	if _, ok := g.TryAdmit(ctx, 20*time.Millisecond); ok {
		t.Error("a third envelope got in while both slots were taken")
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		r1()
	}()
	if _, ok := g.TryAdmit(ctx, 5*time.Second); !ok {
		t.Error("a freed slot was not given to the envelope waiting for it")
	}

	// Admit waits instead of refusing, and gives up with its context.
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := g.Admit(cctx); err == nil {
		t.Error("Admit got a slot while both were taken")
	}
}

package advisor

import (
	"context"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/policy"
	"github.com/wingman-dev/wingman/core/store"
)

// runningSince is a running container that started at started.
func runningSince(name string, started time.Time) domain.Fact {
	f := running(name)
	f.Attrs["started_at"] = started.Format(time.RFC3339Nano)
	return f
}

// seen runs OnSeen on facts observed now.
func (f *fixture) seen(facts ...domain.Fact) {
	f.t.Helper()
	for i := range facts {
		facts[i].ObservedAt = f.clock.Now()
	}
	var b events.Batch
	if err := f.s.Update(context.Background(), func(tx store.Tx) error {
		b.Reset()
		return f.adv.OnSeen(tx, &b, facts)
	}); err != nil {
		f.t.Fatalf("OnSeen: %v", err)
	}
}

// A crash-looping container is "running" for a moment between crashes:
// that moment must not resolve its incident or withdraw its plan; only
// running for StableAfter does.
func TestRecoveryWaitsUntilRunningIsSteady(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1))
		inc := f.only()
		started := f.clock.Advance(time.Second)
		f.advise(runningSince("web", started))
		f.seen(runningSince("web", started))
		if got := f.only(); got.State != domain.IncidentOpen {
			t.Fatalf("a container running for a moment resolved its incident: %s", got.State)
		}
		if p := f.plan(inc.PlanID); p.Status != domain.PlanPending {
			t.Fatalf("plan = %s, want still pending", p.Status)
		}
		// The same, unchanged fact a collection later shows it stayed up.
		f.clock.Advance(StableAfter)
		f.seen(runningSince("web", started))
		if got := f.only(); got.State != domain.IncidentResolved {
			t.Fatalf("a container running for %s did not resolve its incident: %s", StableAfter, got.State)
		}
		if p := f.plan(inc.PlanID); p.Status != domain.PlanExpired {
			t.Fatalf("plan = %s, want expired", p.Status)
		}
	})
}

func TestRecovered(t *testing.T) {
	now := t0
	tests := []struct {
		name string
		fact domain.Fact
		want bool
	}{
		{"no start time", running("web"), true},
		{"just started", runningSince("web", now.Add(-time.Second)), false},
		{"steady", runningSince("web", now.Add(-StableAfter)), true},
		{"exited", exited("web", 0), false},
	}
	for _, tt := range tests {
		tt.fact.ObservedAt = now
		if got := recovered(tt.fact); got != tt.want {
			t.Errorf("%s: recovered = %v, want %v", tt.name, got, tt.want)
		}
	}
}

package backlog

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// Gate admits envelopes from offline backlogs, pushed or pulled: at most
// a rate a second, and at most a few being stored at once. The rate keeps
// the total load down; the slots keep a live report from queueing behind
// many backlog writes for the one database writer.
type Gate struct {
	limiter *rate.Limiter
	slots   chan struct{}
}

// NewGate admits perSecond envelopes a second, slots at a time.
func NewGate(perSecond float64, slots int) *Gate {
	return &Gate{limiter: rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond))), slots: make(chan struct{}, max(1, slots))}
}

// TryAdmit admits one envelope if a slot frees up within wait and the
// rate allows it; release gives the slot back once the envelope is stored.
// The slot comes first, so that a refusal for want of one spends nothing
// of the rate.
func (g *Gate) TryAdmit(ctx context.Context, wait time.Duration) (release func(), ok bool) {
	release = func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			return nil, false
		case <-ctx.Done():
			return nil, false
		}
	}
	if !g.limiter.Allow() {
		release()
		return nil, false
	}
	return release, true
}

// Admit waits until one envelope may go, for the puller, which has
// nothing better to do meanwhile.
func (g *Gate) Admit(ctx context.Context) (release func(), err error) {
	if err := g.limiter.Wait(ctx); err != nil {
		return nil, err
	}
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

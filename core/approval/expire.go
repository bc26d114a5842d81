package approval

import (
	"context"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// ExpireDue expires every pending plan past its expiry and returns how many.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	n := 0
	err := s.update(ctx, func(tx store.Tx, b *events.Batch, _ *error) error {
		now := s.Now()
		plans, err := tx.ExpiredPlans(now)
		if err != nil {
			return err
		}
		for _, p := range plans {
			if err := s.expire(tx, b, p, now); err != nil {
				return err
			}
		}
		n = len(plans)
		return nil
	})
	return n, err
}

func (s *Service) expire(tx store.Tx, b *events.Batch, p domain.Plan, now time.Time) error {
	if err := tx.SetPlanStatus(p.ID, domain.PlanExpired, &now); err != nil {
		return err
	}
	b.Changed("plan", p.ID, now)
	return audit(tx, domain.System, now, "plan.expire", p.ID, domain.OutcomeOK,
		"no decision before "+p.ExpiresAt.UTC().Format(time.RFC3339), map[string]any{"approvers": p.Approvers()})
}

// Withdraw ends a pending plan whose reason went away (its incident
// resolved by itself): it expires at once.
func (s *Service) Withdraw(tx store.Tx, b *events.Batch, planID string) error {
	p, err := tx.GetPlan(planID, true)
	if err != nil || p.Status != domain.PlanPending {
		return err
	}
	return s.expire(tx, b, p, s.Now())
}

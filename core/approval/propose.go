package approval

import (
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/policy"
	"github.com/wingman-dev/wingman/core/store"
)

// Propose stores p as a pending plan by author, with the approvals and
// expiry that policy requires. A plan that policy denies is not stored: the
// refusal is audited and returned (it wraps domain.ErrPolicy). It runs
// inside the caller's transaction, so that an incident and its plan appear
// together.
func (s *Service) Propose(tx store.Tx, b *events.Batch, author domain.Principal, p *domain.Plan) error {
	now := s.Now()
	req, err := s.requirements(tx, p.Actions)
	if err != nil {
		if aerr := audit(tx, author, now, "plan.propose", p.IncidentID, domain.OutcomeRefused, err.Error(),
			map[string]any{"title": p.Title}); aerr != nil {
			return aerr
		}
		return fmt.Errorf("propose %q: %w", p.Title, err)
	}
	p.Author = author.UserID
	p.Status = domain.PlanPending
	p.RequiredApprovals = req.Approvals
	p.AuthorMayApprove = req.AuthorMayApprove
	p.CreatedAt = now
	p.ExpiresAt = now.Add(req.ExpireAfter)
	if err := tx.CreatePlan(p); err != nil {
		return err
	}
	b.Changed("plan", p.ID, now)
	return audit(tx, author, now, "plan.propose", p.ID, domain.OutcomeOK, "", map[string]any{
		"title": p.Title, "incident": p.IncidentID, "required_approvals": p.RequiredApprovals,
		"expires_at": p.ExpiresAt.Format(time.RFC3339),
	})
}

// requirements vets the actions, then asks policy what they need.
func (s *Service) requirements(tx store.Tx, actions []domain.Action) (policy.Requirements, error) {
	if s.CheckAction != nil {
		for i, a := range actions {
			if err := s.CheckAction(tx, a); err != nil {
				return policy.Requirements{}, fmt.Errorf("action %d (%s.%s): %w", i, a.Plugin, a.Action, err)
			}
		}
	}
	return s.Policy().Evaluate(actions)
}

package approval

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// Approve records p's approval of a plan. When the plan then has enough
// distinct approvers it becomes approved and its tasks are queued. Refusals
// wrap domain.ErrForbidden, ErrNotFound, ErrExpired, ErrDecided or ErrPolicy.
func (s *Service) Approve(ctx context.Context, p domain.Principal, planID, comment string) (domain.DecisionResponse, error) {
	return s.decide(ctx, p, planID, domain.DecisionApprove, comment)
}

// Reject records p's rejection; one rejection ends the plan.
func (s *Service) Reject(ctx context.Context, p domain.Principal, planID, reason string) (domain.DecisionResponse, error) {
	if reason == "" {
		return domain.DecisionResponse{}, fmt.Errorf("reject %s: a reason is required: %w", planID, domain.ErrInvalid)
	}
	return s.decide(ctx, p, planID, domain.DecisionReject, reason)
}

func (s *Service) decide(ctx context.Context, p domain.Principal, planID string, d domain.Decision, comment string) (domain.DecisionResponse, error) {
	var resp domain.DecisionResponse
	action := "plan." + string(d)
	err := s.update(ctx, func(tx store.Tx, b *events.Batch, refused *error) error {
		now := s.Now()
		refuse := func(err error) error {
			*refused = fmt.Errorf("%s %s: %w", d, planID, err)
			return audit(tx, p, now, action, planID, domain.OutcomeRefused, err.Error(), nil)
		}
		if err := auth.Require(p, domain.RoleOperator); err != nil {
			return refuse(err)
		}
		plan, err := tx.GetPlan(planID, true)
		if errors.Is(err, domain.ErrNotFound) {
			return refuse(fmt.Errorf("no plan has this id: %w", domain.ErrNotFound))
		}
		if err != nil {
			return err
		}
		if plan.Status == domain.PlanPending && !now.Before(plan.ExpiresAt) {
			if err := s.expire(tx, b, plan, now); err != nil {
				return err
			}
			plan.Status = domain.PlanExpired
		}
		if reason := s.checkDecidable(plan, p, d); reason != nil {
			return refuse(reason)
		}
		if d == domain.DecisionApprove {
			if err := workersExist(tx, plan); errors.Is(err, domain.ErrPolicy) {
				return refuse(err)
			} else if err != nil {
				return err
			}
		}
		approval := domain.Approval{PlanID: plan.ID, UserID: p.UserID, UserName: p.Name, Role: p.Role,
			Decision: d, Comment: comment, At: now}
		if err := tx.AddApproval(approval); err != nil {
			return err
		}
		plan.Approvals = append(plan.Approvals, approval)
		// apply updates plan in memory as it writes, so the answer needs
		// no second read.
		outcome, err := s.apply(tx, b, &plan, d, now)
		if err != nil {
			return err
		}
		if err := audit(tx, p, now, action, plan.ID, domain.OutcomeOK, comment, map[string]any{
			"outcome": outcome, "approvers": plan.Approvers(), "required_approvals": plan.RequiredApprovals,
		}); err != nil {
			return err
		}
		resp = domain.DecisionResponse{Outcome: outcome, Plan: plan,
			ApprovalsNeeded: max(0, plan.RequiredApprovals-plan.Approvers())}
		if plan.Status != domain.PlanPending {
			resp.ApprovalsNeeded = 0
		}
		return nil
	})
	return resp, err
}

// checkDecidable says why p may not decide plan now, or nil.
func (s *Service) checkDecidable(plan domain.Plan, p domain.Principal, d domain.Decision) error {
	switch {
	case plan.Status == domain.PlanExpired:
		return fmt.Errorf("it expired at %s without enough approvals: %w",
			plan.ExpiresAt.UTC().Format(time.RFC3339), domain.ErrExpired)
	case plan.Status.Decided():
		return fmt.Errorf("it is already %s: %w", plan.Status, domain.ErrDecided)
	}
	for _, a := range plan.Approvals {
		if a.UserID == p.UserID {
			return fmt.Errorf("%s approved it already; approvals must come from distinct people: %w", p.Name, domain.ErrPolicy)
		}
	}
	if d == domain.DecisionReject {
		// Saying no is always allowed: it changes nothing on any host.
		return nil
	}
	if _, err := s.Policy().Evaluate(plan.Actions); err != nil {
		return err
	}
	if !plan.AuthorMayApprove && plan.Author == p.UserID {
		return fmt.Errorf("the plan's author may not approve it under the policy: %w", domain.ErrPolicy)
	}
	return nil
}

// workersExist refuses a plan whose tasks would go to a worker that is not
// registered (any more): they could never run.
func workersExist(tx store.Tx, plan domain.Plan) error {
	for _, a := range plan.Actions {
		_, err := tx.GetWorker(a.Worker)
		if errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("worker %s is not registered, so %s.%s on %s could never run: %w",
				a.Worker, a.Plugin, a.Action, a.Target, domain.ErrPolicy)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// apply moves the plan after a recorded decision (already in
// plan.Approvals), in the store and in plan, and returns the outcome.
func (s *Service) apply(tx store.Tx, b *events.Batch, plan *domain.Plan, d domain.Decision, now time.Time) (string, error) {
	b.Changed("plan", plan.ID, now)
	if d == domain.DecisionReject {
		plan.Status, plan.DecidedAt = domain.PlanRejected, &now
		return domain.DecisionOutcomeRejected, tx.SetPlanStatus(plan.ID, domain.PlanRejected, &now)
	}
	if plan.Approvers() < plan.RequiredApprovals {
		return domain.DecisionOutcomePending, nil
	}
	// Approved, and at once dispatched: its tasks are queued below.
	plan.Status, plan.DecidedAt = domain.PlanDispatched, &now
	if err := tx.SetPlanStatus(plan.ID, domain.PlanDispatched, &now); err != nil {
		return "", err
	}
	for i, a := range plan.Actions {
		task := domain.Task{PlanID: plan.ID, ActionIndex: i, WorkerID: a.Worker, Plugin: a.Plugin, Action: a.Action,
			Target: a.Target, Params: a.Params, BlastRadius: a.BlastRadius, Status: domain.TaskQueued, CreatedAt: now}
		if err := tx.CreateTask(&task); err != nil {
			return "", err
		}
		plan.Tasks = append(plan.Tasks, task)
		b.Changed("task", task.ID, now)
		b.Wake(a.Worker)
		if err := tx.NotifyTask(a.Worker); err != nil {
			return "", err
		}
	}
	return domain.DecisionOutcomeApproved, nil
}

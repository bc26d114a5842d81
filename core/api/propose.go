// POST /api/v1/plans: a plan a person writes, proposed through the same gate as the advisor's.

package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// maxPlanActions bounds a plan a person writes.
const maxPlanActions = 50

// proposePlan stores a plan an operator wrote. It goes through the same
// Propose as the advisor's: policy decides what it needs, and it waits for
// approval like any other. A refusal by policy or by a check of its
// actions is audited.
func (s *Server) proposePlan(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleOperator); err != nil {
		return s.refused(r.Context(), p, "plan.propose", "", err)
	}
	var req domain.ProposePlanRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	if err := checkProposal(req); err != nil {
		return err
	}
	plan := domain.Plan{Title: req.Title, Rationale: req.Rationale, IncidentID: req.IncidentID, Actions: req.Actions}
	var b events.Batch
	var refused error
	err := s.Store.Update(r.Context(), func(tx store.Tx) error {
		b.Reset()
		refused = nil
		for i, a := range plan.Actions {
			if _, err := tx.GetWorker(a.Worker); err != nil {
				return fmt.Errorf("actions[%d]: worker %q: %w", i, a.Worker, err)
			}
		}
		err := s.Approvals.Propose(tx, &b, p, &plan)
		if errors.Is(err, domain.ErrPolicy) || errors.Is(err, domain.ErrInvalid) {
			// Propose audited the refusal in this transaction: keep it.
			refused = err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if refused != nil {
		return refused
	}
	s.Hub.Flush(&b)
	writeJSON(w, http.StatusCreated, plan)
	return nil
}

// checkProposal checks what a plan must say before anything is looked up.
func checkProposal(req domain.ProposePlanRequest) error {
	var errs []string
	if strings.TrimSpace(req.Title) == "" {
		errs = append(errs, "title is empty")
	}
	if strings.TrimSpace(req.Rationale) == "" {
		errs = append(errs, "rationale is empty: say why the change is needed")
	}
	if len(req.Actions) == 0 || len(req.Actions) > maxPlanActions {
		errs = append(errs, fmt.Sprintf("actions: give 1 to %d", maxPlanActions))
	}
	for i, a := range req.Actions {
		if a.Plugin == "" || a.Action == "" || a.Worker == "" || a.Target == "" {
			errs = append(errs, fmt.Sprintf("actions[%d]: plugin, action, worker and target are all needed", i))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("plan: %s: %w", strings.Join(errs, "; "), domain.ErrInvalid)
	}
	return nil
}

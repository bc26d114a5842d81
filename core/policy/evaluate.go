package policy

import (
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Requirements is what a plan must gather before it may run.
type Requirements struct {
	// Approvals is the number of distinct people who must approve.
	Approvals int
	// AuthorMayApprove reports whether the plan's author counts as one.
	AuthorMayApprove bool
	// ExpireAfter is how long after creation an unapproved plan expires.
	ExpireAfter time.Duration
}

// Evaluate decides what a plan made of actions needs.
//
// Each action gets the defaults, overridden by the keys set in the first
// rule that matches it on Plugin, Action, Target and Worker. An action whose
// BlastRadius.Reversible is false needs the default irreversible_approvals
// unless that rule sets approvals. Across actions, Approvals is the largest
// any action needs, AuthorMayApprove holds only if every action allows it,
// and ExpireAfter is the shortest.
//
// If a deny entry matches any action, Evaluate returns an error that wraps
// [domain.ErrPolicy] and names the first such action and the entry's
// reason, for example
//
//	docker restart on db-main (worker site-a): denied by policy: databases are changed by hand
//
// A plan with no actions is refused the same way, since there is nothing to
// approve.
func (p *Policy) Evaluate(actions []domain.Action) (Requirements, error) {
	if len(actions) == 0 {
		return Requirements{}, fmt.Errorf("plan has no actions, so there is nothing to approve: %w", domain.ErrPolicy)
	}
	// Deny is checked for every action before anything else so that a rule
	// can never soften a denial.
	for _, a := range actions {
		for _, d := range p.deny {
			if d.matches(a) {
				return Requirements{}, &deniedError{action: a, reason: d.reason}
			}
		}
	}
	req := p.requirements(actions[0])
	for _, a := range actions[1:] {
		r := p.requirements(a)
		req.Approvals = max(req.Approvals, r.Approvals)
		req.AuthorMayApprove = req.AuthorMayApprove && r.AuthorMayApprove
		req.ExpireAfter = min(req.ExpireAfter, r.ExpireAfter)
	}
	return req, nil
}

// requirements is what one action needs on its own.
func (p *Policy) requirements(a domain.Action) Requirements {
	req := Requirements{
		Approvals:        p.defaults.approvals,
		AuthorMayApprove: p.defaults.authorMayApprove,
		ExpireAfter:      p.defaults.expireAfter,
	}
	if !a.BlastRadius.Reversible {
		req.Approvals = p.defaults.irreversibleApprovals
	}
	for _, r := range p.rules {
		if !r.matches(a) {
			continue
		}
		if r.approvals != 0 {
			req.Approvals = r.approvals
		}
		if r.authorMayApprove != nil {
			req.AuthorMayApprove = *r.authorMayApprove
		}
		if r.expireAfter != 0 {
			req.ExpireAfter = r.expireAfter
		}
		break
	}
	return req
}

// deniedError refuses a plan because a deny entry matched one of its
// actions. Its text is read by whoever proposed the plan, so it names the
// action the way they wrote it and ends with the policy author's reason.
type deniedError struct {
	action domain.Action
	reason string
}

func (e *deniedError) Error() string {
	return describe(e.action) + ": denied by policy: " + e.reason
}

func (e *deniedError) Unwrap() error { return domain.ErrPolicy }

// describe names an action as "docker restart on db-main (worker site-a)",
// leaving out the parts the action does not have.
func describe(a domain.Action) string {
	s := a.Plugin + " " + a.Action
	if a.Target != "" {
		s += " on " + a.Target
	}
	if a.Worker != "" {
		s += " (worker " + a.Worker + ")"
	}
	return s
}

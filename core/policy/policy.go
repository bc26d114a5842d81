package policy

import (
	"path"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Bounds on approvals. Fewer than one would let a plan run unseen; more than
// ten is more people than a homelab has, and such plans could only expire.
const (
	minApprovals = 1
	maxApprovals = 10
)

// Policy decides what a plan needs before it may run. A Policy does not
// change once Default, Parse or Load has returned it, so one value may be
// shared by every request without locking.
type Policy struct {
	defaults defaults
	rules    []rule
	deny     []denial
}

type defaults struct {
	approvals             int
	irreversibleApprovals int
	authorMayApprove      bool
	expireAfter           time.Duration
}

// rule overrides the defaults for the actions it selects. A zero approvals
// or expireAfter means the rule leaves it to the defaults: Parse refuses
// zero for both, so zero is never meant literally.
type rule struct {
	selector
	approvals        int
	authorMayApprove *bool
	expireAfter      time.Duration
}

// denial refuses every plan with an action it selects.
type denial struct {
	selector
	reason string
}

// selector holds the globs a rule or deny entry uses to pick actions. An
// empty pattern matches anything, so an entry names only what it cares about.
type selector struct {
	plugin, action, target, worker string
}

// Default returns the policy that applies when there is no policy file: one
// approver, two for irreversible actions, never the plan's author, and 24
// hours to gather them. It has no rules and denies nothing.
func Default() *Policy {
	return &Policy{defaults: defaults{
		approvals:             1,
		irreversibleApprovals: 2,
		authorMayApprove:      false,
		expireAfter:           24 * time.Hour,
	}}
}

func (s selector) matches(a domain.Action) bool {
	return match(s.plugin, a.Plugin) &&
		match(s.action, a.Action) &&
		match(s.target, a.Target) &&
		match(s.worker, a.Worker)
}

// isEmpty reports whether s has no patterns and so selects every action.
func (s selector) isEmpty() bool {
	return s == selector{}
}

func match(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	// Parse refused malformed patterns, so the error cannot occur here.
	ok, _ := path.Match(pattern, name)
	return ok
}

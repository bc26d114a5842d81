package domain

import "time"

// BlastRadius says how far an action reaches and whether it can be undone.
type BlastRadius struct {
	Scope        string `json:"scope" yaml:"scope"`
	MutatesState bool   `json:"mutates_state" yaml:"mutates_state"`
	Reversible   bool   `json:"reversible" yaml:"reversible"`
}

// Action is one step of a plan: what a plugin on one worker should do.
type Action struct {
	Plugin      string         `json:"plugin"`
	Action      string         `json:"action"`
	Worker      string         `json:"worker"`
	Target      string         `json:"target"`
	Params      map[string]any `json:"params,omitempty"`
	BlastRadius BlastRadius    `json:"blast_radius"`
}

// PlanStatus is where a plan is in its life.
type PlanStatus string

// Plan statuses. A plan is pending until enough approvals arrive, someone
// rejects it, or it expires. Once approved its tasks are queued at once
// (dispatched); it is running from the first task a worker takes, and ends
// succeeded, failed or rolled_back with its tasks.
const (
	PlanPending    PlanStatus = "pending"
	PlanRejected   PlanStatus = "rejected"
	PlanExpired    PlanStatus = "expired"
	PlanDispatched PlanStatus = "dispatched"
	PlanRunning    PlanStatus = "running"
	PlanSucceeded  PlanStatus = "succeeded"
	PlanFailed     PlanStatus = "failed"
	PlanRolledBack PlanStatus = "rolled_back"
)

// Decided reports whether no approval can change the plan any more.
func (s PlanStatus) Decided() bool { return s != PlanPending }

// Finished reports whether the plan has reached an end state.
func (s PlanStatus) Finished() bool {
	switch s {
	case PlanRejected, PlanExpired, PlanSucceeded, PlanFailed, PlanRolledBack:
		return true
	}
	return false
}

// Plan is a proposed change: actions, why, and the approvals it gathered.
// RequiredApprovals and AuthorMayApprove are fixed by policy when the plan
// is created, so a later policy edit does not change a plan under review.
type Plan struct {
	ID                string     `json:"id"`
	IncidentID        string     `json:"incident_id,omitempty"`
	Title             string     `json:"title"`
	Rationale         string     `json:"rationale"`
	Author            string     `json:"author"`
	Status            PlanStatus `json:"status"`
	Actions           []Action   `json:"actions"`
	RequiredApprovals int        `json:"required_approvals"`
	AuthorMayApprove  bool       `json:"author_may_approve"`
	CreatedAt         time.Time  `json:"created_at"`
	ExpiresAt         time.Time  `json:"expires_at"`
	DecidedAt         *time.Time `json:"decided_at,omitempty"`
	Approvals         []Approval `json:"approvals,omitempty"`
	Tasks             []Task     `json:"tasks,omitempty"`
}

// Approvers counts the distinct users who approved.
func (p Plan) Approvers() int {
	seen := map[string]bool{}
	for _, a := range p.Approvals {
		if a.Decision == DecisionApprove {
			seen[a.UserID] = true
		}
	}
	return len(seen)
}

// PlanFilter narrows a plan listing; empty fields match everything.
type PlanFilter struct {
	Status PlanStatus
	Limit  int
}

// Decision is what one person said about a plan.
type Decision string

// Decisions.
const (
	DecisionApprove Decision = "approve"
	DecisionReject  Decision = "reject"
)

// Approval records one person's decision on a plan, with the role they
// acted in.
type Approval struct {
	PlanID   string    `json:"plan_id"`
	UserID   string    `json:"user_id"`
	UserName string    `json:"user_name"`
	Role     Role      `json:"role"`
	Decision Decision  `json:"decision"`
	Comment  string    `json:"comment,omitempty"`
	At       time.Time `json:"at"`
}

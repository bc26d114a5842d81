package domain

import "time"

// Outcome says whether an audited attempt went through.
type Outcome string

// Outcomes.
const (
	OutcomeOK      Outcome = "ok"
	OutcomeRefused Outcome = "refused"
)

// AuditEvent is one entry of the append-only audit log. Hash covers every
// other field and PrevHash, so editing any stored event breaks the chain
// from that event on.
type AuditEvent struct {
	Seq       int64          `json:"seq"`
	At        time.Time      `json:"at"`
	ActorKind PrincipalKind  `json:"actor_kind"`
	ActorID   string         `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	ActorRole Role           `json:"actor_role,omitempty"`
	Action    string         `json:"action"`
	Subject   string         `json:"subject,omitempty"`
	Outcome   Outcome        `json:"outcome"`
	Reason    string         `json:"reason,omitempty"`
	Detail    map[string]any `json:"detail,omitempty"`
	PrevHash  string         `json:"prev_hash"`
	Hash      string         `json:"hash"`
}

// TaskStarted is the audit event of a task handed to its worker by actor.
// The PostgreSQL store writes the same event in SQL (see sqlstore's claim);
// storetest holds the two to one shape.
func TaskStarted(actor Principal, t Task, at time.Time) *AuditEvent {
	return &AuditEvent{At: at, ActorKind: actor.Kind, ActorID: actor.UserID, ActorName: actor.Name, ActorRole: actor.Role,
		Action: "task.start", Subject: t.ID, Outcome: OutcomeOK,
		Detail: map[string]any{"plan": t.PlanID, "action": t.Plugin + " " + t.Action, "target": t.Target}}
}

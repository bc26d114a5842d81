package domain

import "time"

// IncidentState is where an incident is in its life.
type IncidentState string

// Incident states.
const (
	IncidentOpen         IncidentState = "open"
	IncidentAcknowledged IncidentState = "acknowledged"
	IncidentResolved     IncidentState = "resolved"
)

// Severity ranks incidents.
type Severity string

// Severities, mildest first.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Incident is something wrong that the advisor noticed in the facts. At most
// one incident is open per (WorkerID, TargetType, Target): a container that
// keeps crashing is one incident, not one per crash.
type Incident struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	Title      string        `json:"title"`
	Detail     string        `json:"detail,omitempty"`
	Severity   Severity      `json:"severity"`
	State      IncidentState `json:"state"`
	SiteName   string        `json:"site_name,omitempty"`
	WorkerID   string        `json:"worker_id"`
	TargetType string        `json:"target_type"`
	Target     string        `json:"target"`
	PlanID     string        `json:"plan_id,omitempty"`
	OpenedAt   time.Time     `json:"opened_at"`
	AckedAt    *time.Time    `json:"acked_at,omitempty"`
	ResolvedAt *time.Time    `json:"resolved_at,omitempty"`
}

// IncidentFilter narrows an incident listing; empty fields match everything.
type IncidentFilter struct {
	State IncidentState
	// Unresolved keeps open and acknowledged incidents only.
	Unresolved bool
	WorkerID   string
	Limit      int
}

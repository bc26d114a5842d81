package domain

import "time"

// WorkerHealth is what the control plane believes about a worker.
type WorkerHealth string

// Worker health values. A worker is unknown until it first reports.
const (
	WorkerUnknown     WorkerHealth = "unknown"
	WorkerHealthy     WorkerHealth = "healthy"
	WorkerDegraded    WorkerHealth = "degraded"
	WorkerUnreachable WorkerHealth = "unreachable"
)

// Worker is one wingworker at one site.
type Worker struct {
	ID           string       `json:"id"`
	SiteName     string       `json:"site_name"`
	Health       WorkerHealth `json:"health"`
	Version      string       `json:"version,omitempty"`
	Capabilities []string     `json:"capabilities,omitempty"`
	CreatedAt    time.Time    `json:"created_at"`
	LastSeenAt   *time.Time   `json:"last_seen_at,omitempty"`
}

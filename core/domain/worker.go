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
	// Sandbox is how the worker confines its skills, decoded from
	// Capabilities when the worker is read; nil when it never said.
	Sandbox *SandboxState `json:"sandbox,omitempty"`
	// Backlog is the offline buffer as of the newest heartbeat.
	Backlog Backlog `json:"backlog"`
	// ReportedAt is the timestamp of the newest heartbeat applied: an older
	// one, synced late from the buffer, does not overwrite it.
	ReportedAt *time.Time `json:"reported_at,omitempty"`
	// LastSyncAt is when the worker last reported an empty backlog.
	LastSyncAt *time.Time `json:"last_sync_at,omitempty"`
	// Gaps are the most recent drops from the worker's offline buffer.
	Gaps []Gap `json:"gaps,omitempty"`
	// Sync is where its backlog can be pulled; never shown in the API.
	Sync *SyncEndpoint `json:"-"`
}

// Online reports whether the control plane hears from the worker.
func (w Worker) Online() bool { return w.Health != WorkerUnreachable && w.Health != WorkerUnknown }

// WorkerReport is one heartbeat as the store records it.
type WorkerReport struct {
	Health       WorkerHealth
	Version      string
	Capabilities []string
	Backlog      Backlog
	Sync         *SyncEndpoint
	// ReportedAt is the envelope's timestamp; SeenAt when it arrived.
	ReportedAt, SeenAt time.Time
}

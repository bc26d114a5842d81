package domain

import (
	"encoding/json"
	"time"
)

// PayloadType names what an envelope carries.
type PayloadType string

// Payload types.
const (
	PayloadFacts           PayloadType = "facts"
	PayloadLogs            PayloadType = "logs"
	PayloadExecutionResult PayloadType = "execution_result"
	PayloadHealth          PayloadType = "health"
)

// Envelope is one message from a worker, exactly as DESIGN.md gives it. The
// offline buffer stores the same bytes, so a file can be replayed as it is.
// ID makes ingest idempotent; when a worker leaves it empty the control
// plane derives it from the envelope's content.
type Envelope struct {
	ID          string          `json:"id,omitempty"`
	WorkerID    string          `json:"worker_id"`
	SiteName    string          `json:"site_name"`
	Timestamp   time.Time       `json:"timestamp"`
	PayloadType PayloadType     `json:"payload_type"`
	Payload     json.RawMessage `json:"payload"`
}

// FactsPayload is the payload of a facts envelope.
type FactsPayload struct {
	Facts []WireFact `json:"facts"`
}

// WireFact is a fact as a worker sends it; the envelope supplies the worker,
// site and, unless ObservedAt is set, the time.
type WireFact struct {
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Status     string         `json:"status"`
	Attrs      map[string]any `json:"attrs,omitempty"`
	ObservedAt *time.Time     `json:"observed_at,omitempty"`
}

// HealthPayload is the payload of a health envelope (the heartbeat).
type HealthPayload struct {
	Status       WorkerHealth   `json:"status"`
	Version      string         `json:"version,omitempty"`
	Capabilities []string       `json:"capabilities,omitempty"`
	Detail       map[string]any `json:"detail,omitempty"`
	// Backlog is the worker's offline buffer when the report was made.
	Backlog *Backlog `json:"backlog,omitempty"`
	// Gaps are drops from the buffer not yet acknowledged; a worker repeats
	// them until a heartbeat carrying them is taken.
	Gaps []Gap `json:"gaps,omitempty"`
	// HeldTasks are the tasks the worker holds (running, or finished with
	// the result still on its way): their leases are renewed, so a task
	// run during an outage is not handed out again.
	HeldTasks []string `json:"held_tasks,omitempty"`
	// Sync, when set, is where the control plane may pull the backlog.
	Sync *SyncEndpoint `json:"sync,omitempty"`
}

// ExecutionResultPayload is the payload of an execution_result envelope.
type ExecutionResultPayload struct {
	TaskID string `json:"task_id"`
	// Attempt is the task's attempt the result is for (WorkerTask.Attempt);
	// 0 from a worker that does not send it.
	Attempt    int            `json:"attempt,omitempty"`
	Status     TaskStatus     `json:"status"`
	Output     string         `json:"output,omitempty"`
	Error      string         `json:"error,omitempty"`
	StartedAt  *time.Time     `json:"started_at,omitempty"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
	Validation map[string]any `json:"validation,omitempty"`
}

// LogsPayload is the payload of a logs envelope: summaries only. A raw log
// line never leaves the site.
type LogsPayload struct {
	Summaries []LogSummary `json:"summaries"`
}

// Limits of a logs payload, shared by the worker that makes summaries
// (core/logsum) and the control plane that refuses what exceeds them
// (core/ingest).
const (
	MaxLogSamples      = 20
	MaxLogTemplates    = 500
	MaxLogSampleLength = 1024
)

// LogSummary describes one log source over one window.
type LogSummary struct {
	Source    string           `json:"source"`
	From      time.Time        `json:"from"`
	To        time.Time        `json:"to"`
	Levels    map[string]int   `json:"levels"`
	Templates []LogTemplate    `json:"templates,omitempty"`
	Samples   []RedactedSample `json:"samples,omitempty"`
}

// LogTemplate is a mined message shape with its count.
type LogTemplate struct {
	Template string `json:"template"`
	Count    int    `json:"count"`
}

// RedactedSample is one example line with secrets, addresses and e-mail
// removed.
type RedactedSample struct {
	Level string `json:"level"`
	Text  string `json:"text"`
}

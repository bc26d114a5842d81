package domain

import "time"

// TaskStatus is where a task is in its life.
type TaskStatus string

// Task statuses.
const (
	TaskQueued     TaskStatus = "queued"
	TaskRunning    TaskStatus = "running"
	TaskSucceeded  TaskStatus = "succeeded"
	TaskFailed     TaskStatus = "failed"
	TaskRolledBack TaskStatus = "rolled_back"
)

// Finished reports whether the task has reached an end state.
func (s TaskStatus) Finished() bool {
	return s == TaskSucceeded || s == TaskFailed || s == TaskRolledBack
}

// TaskEnd is how one task ended, as the store records it.
type TaskEnd struct {
	ID            string
	Status        TaskStatus
	Output, Error string
	At            time.Time
}

// Task is one action of an approved plan, routed to the worker that owns
// its target.
type Task struct {
	ID          string         `json:"id"`
	PlanID      string         `json:"plan_id"`
	ActionIndex int            `json:"action_index"`
	WorkerID    string         `json:"worker_id"`
	Plugin      string         `json:"plugin"`
	Action      string         `json:"action"`
	Target      string         `json:"target"`
	Params      map[string]any `json:"params,omitempty"`
	BlastRadius BlastRadius    `json:"blast_radius"`
	Status      TaskStatus     `json:"status"`
	Attempts    int            `json:"attempts"`
	LeaseUntil  *time.Time     `json:"lease_until,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	StartedAt   *time.Time     `json:"started_at,omitempty"`
	FinishedAt  *time.Time     `json:"finished_at,omitempty"`
	Output      string         `json:"output,omitempty"`
	Error       string         `json:"error,omitempty"`
}

// TaskType is the kind of work a task asks of a worker (the wire format's
// task_type).
type TaskType string

// Task types.
const (
	TaskExecuteScript TaskType = "execute_script"
	TaskCollectFacts  TaskType = "collect_facts"
	TaskHealthCheck   TaskType = "health_check"
)

// MaxTaskBatch is the most tasks one long poll hands out (?max=).
const MaxTaskBatch = 100

// WorkerTask is a task as a worker receives it from the long poll.
type WorkerTask struct {
	TaskID         string         `json:"task_id"`
	TaskType       TaskType       `json:"task_type"`
	ScriptID       string         `json:"script_id"`
	Params         map[string]any `json:"params,omitempty"`
	TimeoutSeconds int            `json:"timeout_seconds"`
	PlanID         string         `json:"plan_id"`
	Plugin         string         `json:"plugin"`
	Action         string         `json:"action"`
	Target         string         `json:"target"`
	BlastRadius    BlastRadius    `json:"blast_radius"`
	// Attempt counts from 1; a task handed out again after its lease ran
	// out comes with the next number, and its result must carry it.
	Attempt int `json:"attempt"`
}

package offline

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/wingman-dev/wingman/core/domain"
)

// TaskState is how far a held task got.
type TaskState string

// Task states, in order.
const (
	// TaskReceived: taken from the control plane, not started.
	TaskReceived TaskState = "received"
	// TaskStarted: handed to its plugin. Found at start-up, it means the
	// worker stopped while the task ran.
	TaskStarted TaskState = "started"
	// TaskFinished: the result is known and waits to go into the outbox.
	TaskFinished TaskState = "finished"
)

// HeldTask is one task in the inbox.
type HeldTask struct {
	Task   domain.WorkerTask              `json:"task"`
	State  TaskState                      `json:"state"`
	Result *domain.ExecutionResultPayload `json:"result,omitempty"`
	// Seq numbers the tasks in the order taken, so that a restart runs
	// the tasks of one poll in the order they were handed out.
	Seq uint64 `json:"seq,omitempty"`
}

// Inbox keeps the tasks a worker holds on disk (inbox/task-<id>.json), so
// that a restart, offline or not, loses none and runs none twice. It is
// safe for concurrent use.
type Inbox struct {
	dir string
	log *slog.Logger

	mu    sync.Mutex
	tasks map[string]HeldTask
	seq   uint64 // the highest Seq given
}

// OpenInbox opens the inbox in the buffer's folder dir. A file that cannot
// be read as a held task is moved to the buffer's quarantine.
func OpenInbox(dir string, log *slog.Logger) (*Inbox, error) {
	in := &Inbox{dir: filepath.Join(dir, "inbox"), log: log, tasks: map[string]HeldTask{}}
	if err := os.MkdirAll(in.dir, 0o700); err != nil {
		return nil, fmt.Errorf("open task inbox: %w", err)
	}
	entries, err := os.ReadDir(in.dir)
	if err != nil {
		return nil, fmt.Errorf("open task inbox: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) {
			os.Remove(filepath.Join(in.dir, name))
			continue
		}
		var h HeldTask
		data, err := os.ReadFile(filepath.Join(in.dir, name))
		if err == nil {
			err = json.Unmarshal(data, &h)
		}
		if err == nil {
			err = h.check(name)
		}
		if err != nil {
			log.Error("task inbox: moving a bad file to quarantine", "file", name, "err", err)
			if err := os.Rename(filepath.Join(in.dir, name), filepath.Join(dir, "quarantine", "inbox-"+name)); err != nil {
				return nil, fmt.Errorf("open task inbox: quarantine %s: %w", name, err)
			}
			continue
		}
		in.tasks[h.Task.TaskID] = h
		in.seq = max(in.seq, h.Seq)
	}
	return in, nil
}

func taskFile(id string) string { return "task-" + id + ".json" }

// check refuses a file that is not a held task this version can finish:
// an unknown state (a newer worker's, before a downgrade) or a finished
// task without its result would stop the worker at every start.
func (h HeldTask) check(name string) error {
	switch {
	case h.Task.TaskID == "" || name != taskFile(h.Task.TaskID):
		return errors.New("not a held task")
	case h.State != TaskReceived && h.State != TaskStarted && h.State != TaskFinished:
		return fmt.Errorf("unknown state %q", h.State)
	case h.State == TaskFinished && h.Result == nil:
		return errors.New("finished without a result")
	}
	return nil
}

// Add records a task taken from the control plane and reports whether it
// is new: a task already held is never run a second time.
func (in *Inbox) Add(t domain.WorkerTask) (bool, error) {
	if !taskIDPattern.MatchString(t.TaskID) {
		return false, fmt.Errorf("task id %q cannot name a file", t.TaskID)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, held := in.tasks[t.TaskID]; held {
		return false, nil
	}
	in.seq++
	return true, in.save(HeldTask{Task: t, State: TaskReceived, Seq: in.seq})
}

// Start marks a task handed to its plugin.
func (in *Inbox) Start(id string) error { return in.move(id, TaskStarted, nil) }

// Finish records a task's result, before it goes to the outbox.
func (in *Inbox) Finish(id string, r domain.ExecutionResultPayload) error {
	return in.move(id, TaskFinished, &r)
}

func (in *Inbox) move(id string, state TaskState, r *domain.ExecutionResultPayload) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	h, ok := in.tasks[id]
	if !ok {
		return fmt.Errorf("task %s is not in the inbox", id)
	}
	h.State, h.Result = state, r
	return in.save(h)
}

// save writes h; in.mu is held.
func (in *Inbox) save(h HeldTask) error {
	data, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("task %s: %w", h.Task.TaskID, err)
	}
	if err := writeAtomic(in.dir, taskFile(h.Task.TaskID), data); err != nil {
		return fmt.Errorf("task inbox: %w", err)
	}
	in.tasks[h.Task.TaskID] = h
	return nil
}

// Remove forgets a task whose result is in the outbox.
func (in *Inbox) Remove(id string) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if err := os.Remove(filepath.Join(in.dir, taskFile(id))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("task inbox: %w", err)
	}
	delete(in.tasks, id)
	return nil
}

// Held lists the tasks held in the order they were taken.
func (in *Inbox) Held() []HeldTask {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := make([]HeldTask, 0, len(in.tasks))
	for _, h := range in.tasks {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b HeldTask) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.Task.TaskID, b.Task.TaskID))
	})
	return out
}

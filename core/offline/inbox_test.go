package offline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestInboxSurvivesRestarts(t *testing.T) {
	dir := t.TempDir()
	in, err := OpenInbox(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	tasks := []domain.WorkerTask{{TaskID: "tk-1", PlanID: "pl-1", Plugin: "docker", Action: "restart", Attempt: 1},
		{TaskID: "tk-2", PlanID: "pl-1", Plugin: "script", Action: "run_bash", Attempt: 1},
		{TaskID: "tk-3", PlanID: "pl-1", Plugin: "docker", Action: "start", Attempt: 1}}
	for _, tk := range tasks {
		if fresh, err := in.Add(tk); !fresh || err != nil {
			t.Fatalf("add %s: %v %v", tk.TaskID, fresh, err)
		}
	}
	if fresh, err := in.Add(tasks[0]); fresh || err != nil {
		t.Errorf("adding a held task again: fresh=%v %v; a held task must never run twice", fresh, err)
	}
	if err := in.Start("tk-2"); err != nil {
		t.Fatal(err)
	}
	res := domain.ExecutionResultPayload{TaskID: "tk-3", Status: domain.TaskSucceeded, Output: "done"}
	if err := in.Start("tk-3"); err != nil {
		t.Fatal(err)
	}
	if err := in.Finish("tk-3", res); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Add(domain.WorkerTask{TaskID: "../etc/passwd"}); err == nil {
		t.Error("a task id that is a path was taken")
	}
	if err := os.WriteFile(filepath.Join(dir, "inbox", "task-tk-9.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "quarantine"), 0o700); err != nil {
		t.Fatal(err)
	}

	again, err := OpenInbox(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]TaskState{}
	for _, h := range again.Held() {
		states[h.Task.TaskID] = h.State
		if h.Task.TaskID == "tk-3" && (h.Result == nil || h.Result.Output != "done") {
			t.Errorf("the finished task's result was not kept: %+v", h)
		}
	}
	want := map[string]TaskState{"tk-1": TaskReceived, "tk-2": TaskStarted, "tk-3": TaskFinished}
	if len(states) != len(want) {
		t.Fatalf("held after restart = %v, want %v", states, want)
	}
	for id, s := range want {
		if states[id] != s {
			t.Errorf("%s is %s, want %s", id, states[id], s)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "quarantine", "inbox-task-tk-9.json")); err != nil {
		t.Errorf("the corrupt inbox file was not quarantined: %v", err)
	}
	if err := again.Remove("tk-3"); err != nil {
		t.Fatal(err)
	}
	if third, _ := OpenInbox(dir, quiet()); len(third.Held()) != 2 {
		t.Errorf("a removed task came back: %+v", third.Held())
	}
}

// TestInboxRefusesWhatItCannotFinish: a held task in an unknown state, or
// finished without its result, is quarantined rather than stop the worker.
func TestInboxRefusesWhatItCannotFinish(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"inbox", "quarantine"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	bad := map[string]string{
		"task-tk-1.json": `{"task":{"task_id":"tk-1"},"state":"paused"}`,
		"task-tk-2.json": `{"task":{"task_id":"tk-2"},"state":"finished"}`,
		"task-tk-3.json": `{"task":{"task_id":"tk-9"},"state":"received"}`,
	}
	for name, body := range bad {
		if err := os.WriteFile(filepath.Join(dir, "inbox", name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	in, err := OpenInbox(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if held := in.Held(); len(held) != 0 {
		t.Errorf("held = %+v, want none", held)
	}
	if q, _ := os.ReadDir(filepath.Join(dir, "quarantine")); len(q) != 3 {
		t.Errorf("%d files quarantined, want 3", len(q))
	}
}

// TestInboxHeldInOrderTaken: a worker takes several tasks in one poll and
// runs them in the order handed out; after a restart the tasks it still
// holds come back in that order, not in the order of a map or of their
// ids.
func TestInboxHeldInOrderTaken(t *testing.T) {
	dir := t.TempDir()
	in, err := OpenInbox(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"tk-e", "tk-b", "tk-d", "tk-a", "tk-c", "tk-f", "tk-0"}
	for _, id := range ids[:4] {
		if _, err := in.Add(domain.WorkerTask{TaskID: id}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(in *Inbox, want []string) {
		t.Helper()
		held := in.Held()
		if len(held) != len(want) {
			t.Fatalf("held %d tasks, want %v", len(held), want)
		}
		for i, h := range held {
			if h.Task.TaskID != want[i] {
				t.Fatalf("held[%d] = %s, want %v in this order", i, h.Task.TaskID, want)
			}
		}
	}
	check(in, ids[:4])
	for round := 0; round < 3; round++ {
		again, err := OpenInbox(dir, quiet())
		if err != nil {
			t.Fatal(err)
		}
		check(again, ids[:4])
	}
	// Tasks taken after a restart come after those held from before it.
	again, err := OpenInbox(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Remove("tk-b"); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[4:] {
		if _, err := again.Add(domain.WorkerTask{TaskID: id}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"tk-e", "tk-d", "tk-a", "tk-c", "tk-f", "tk-0"}
	check(again, want)
	last, err := OpenInbox(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	check(last, want)
}

package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
)

// countingExecutor runs every task successfully and counts the runs.
type countingExecutor struct{ runs map[string]int }

func (e *countingExecutor) Capabilities() []string {
	return []string{"docker.restart", "script.run_bash"}
}

func (e *countingExecutor) Has(plugin, action string) bool {
	return plugin+"."+action == "docker.restart" || plugin+"."+action == "script.run_bash"
}

func (e *countingExecutor) Execute(_ context.Context, t domain.WorkerTask) domain.ExecutionResultPayload {
	e.runs[t.TaskID]++
	return domain.ExecutionResultPayload{TaskID: t.TaskID, Status: domain.TaskSucceeded}
}

// TestHeldTasksAfterARestart: what a worker finds in its inbox when it
// starts decides what runs. A task received but not started runs; one the
// worker stopped in runs again only if its action is idempotent, else it
// fails with the reason; one already finished is only delivered. Each ends
// as one result in the outbox and leaves the inbox.
func TestHeldTasksAfterARestart(t *testing.T) {
	tests := []struct {
		name       string
		state      offline.TaskState
		plugin     string
		action     string
		wantRuns   int
		wantStatus domain.TaskStatus
		wantError  string
	}{
		{"received runs", offline.TaskReceived, "script", "run_bash", 1, domain.TaskSucceeded, ""},
		{"interrupted idempotent runs again", offline.TaskStarted, "docker", "restart", 1, domain.TaskSucceeded, ""},
		{"interrupted non-idempotent fails", offline.TaskStarted, "script", "run_bash", 0, domain.TaskFailed, "not idempotent, so it is not run again"},
		{"finished is delivered", offline.TaskFinished, "script", "run_bash", 0, domain.TaskSucceeded, ""},
		{"unknown action is refused", offline.TaskReceived, "proxmox", "snapshot", 0, domain.TaskFailed, "refused by worker: this worker has no proxmox.snapshot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			out, err := offline.Open(dir, offline.Options{MaxBytes: 1 << 20, MaxAge: time.Hour, Log: log})
			if err != nil {
				t.Fatal(err)
			}
			in, err := offline.OpenInbox(dir, log)
			if err != nil {
				t.Fatal(err)
			}
			task := domain.WorkerTask{TaskID: "tk-1", PlanID: "pl-1", Plugin: tt.plugin, Action: tt.action, Attempt: 1}
			if _, err := in.Add(task); err != nil {
				t.Fatal(err)
			}
			switch tt.state {
			case offline.TaskStarted:
				_ = in.Start("tk-1")
			case offline.TaskFinished:
				_ = in.Finish("tk-1", domain.ExecutionResultPayload{TaskID: "tk-1", Attempt: 1, Status: domain.TaskSucceeded})
			}
			held := in.Held()
			exec := &countingExecutor{runs: map[string]int{}}
			w := &Worker{Config: config.Worker{ID: "w1", SiteName: "A"}, Executor: exec, Outbox: out, Inbox: in,
				Log: log, Now: time.Now}
			w.execute(context.Background(), held[0])

			if exec.runs["tk-1"] != tt.wantRuns {
				t.Errorf("ran %d times, want %d", exec.runs["tk-1"], tt.wantRuns)
			}
			if len(in.Held()) != 0 {
				t.Errorf("still held: %+v", in.Held())
			}
			items := out.List()
			if len(items) != 1 || items[0].TaskID != "tk-1" {
				t.Fatalf("outbox = %+v, want the one result", items)
			}
			data, _ := out.Read(items[0].Name)
			var env domain.Envelope
			var res domain.ExecutionResultPayload
			if err := json.Unmarshal(data, &env); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(env.Payload, &res); err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.wantStatus || !strings.Contains(res.Error, tt.wantError) || res.Attempt != 1 {
				t.Errorf("result = %+v, want %s with %q", res, tt.wantStatus, tt.wantError)
			}
		})
	}
}

// TestRefused: only wingmand's own refusal moves an envelope aside; a
// proxy's error page on the way, or a server that is down, is retried.
func TestRefused(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"wingmand: invalid", 400, `{"error":{"code":"invalid","message":"invalid request: bad"}}`, true},
		{"wingmand: another worker's", 403, `{"error":{"code":"forbidden","message":"forbidden: not yours"}}`, true},
		{"proxy: forbidden page", 403, `<html>Access Denied</html>`, false},
		{"proxy: not found page", 404, `<html>Not Found</html>`, false},
		{"wingmand: rate limited", 429, `{"error":{"code":"rate_limited","message":"rate limited"}}`, false},
		{"proxy: bad gateway", 502, ``, false},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tt.status)
			fmt.Fprint(w, tt.body)
		}))
		_, err := client.New(srv.URL, "t").IngestFile(context.Background(), []byte("{}"), false)
		srv.Close()
		if got := refused(err); got != tt.want {
			t.Errorf("%s: refused(%v) = %v, want %v", tt.name, err, got, tt.want)
		}
	}
}

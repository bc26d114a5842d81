package worker_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon/daemontest"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/storetest"
	"github.com/wingman-dev/wingman/core/worker"
)

// restarter runs every docker.restart successfully.
type restarter struct{}

func (restarter) Capabilities() []string         { return []string{"docker.restart"} }
func (restarter) Has(plugin, action string) bool { return plugin+"."+action == "docker.restart" }
func (restarter) Execute(_ context.Context, t domain.WorkerTask) domain.ExecutionResultPayload {
	return domain.ExecutionResultPayload{TaskID: t.TaskID, Status: domain.TaskSucceeded}
}

// batchCounter counts the ingest batches a client sends.
type batchCounter struct{ batches atomic.Int32 }

func (c *batchCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Content-Type") == domain.NDJSON {
		c.batches.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestResultsGoInBatches: a real worker against a real wingmand takes its
// tasks several at a time and reports results waiting together in one
// request. In that batch a result for another worker's task is refused
// and set aside alone; the others are stored, and every task ends.
func TestResultsGoInBatches(t *testing.T) {
	d, url := daemontest.Start(t, nil)
	s := d.Store()
	tokens := storetest.AddWorkers(t, s, "bw-w", 2)
	var mine []domain.Task
	var foreign string
	if err := s.Update(context.Background(), func(tx store.Tx) error {
		if _, err := storetest.Enqueue(tx, "bw-w0", "docker", "restart", 20); err != nil {
			return err
		}
		ids, err := storetest.Enqueue(tx, "bw-w1", "docker", "restart", 1)
		if err != nil {
			return err
		}
		foreign = ids[0]
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Three tasks the worker took before it stopped, results buffered.
	early, _, err := s.ClaimTasks(context.Background(), "bw-w0", 3, time.Now(), time.Now().Add(time.Hour),
		domain.Principal{Kind: domain.PrincipalWorker, Name: "bw-w0", WorkerID: "bw-w0"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	out, err := offline.Open(dir, offline.Options{MaxBytes: 10 << 20, MaxAge: time.Hour, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	in, err := offline.OpenInbox(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	put := func(taskID string, attempt int) {
		raw, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: taskID, Attempt: attempt, Status: domain.TaskSucceeded})
		if _, err := out.Put(domain.Envelope{ID: "env-" + taskID, WorkerID: "bw-w0", Timestamp: time.Now(),
			PayloadType: domain.PayloadExecutionResult, Payload: raw}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tk := range early {
		put(tk.ID, tk.Attempts)
	}
	put(foreign, 1)

	counter := &batchCounter{}
	w := &worker.Worker{Config: config.Worker{ID: "bw-w0", SiteName: "Site B", CollectInterval: time.Hour},
		Client:   client.New(url, tokens[0], client.WithHTTPClient(&http.Client{Transport: counter})),
		Executor: restarter{}, Outbox: out, Inbox: in, Log: log, Version: "test", Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := s.View(context.Background(), func(tx store.Tx) error {
			open, err := tx.OpenTasks("bw-w0")
			mine = open
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(mine) == 0 && out.Backlog().Files == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s, %d tasks still open and %d files unsent", len(mine), out.Backlog().Files)
		}
	}
	if n := counter.batches.Load(); n == 0 {
		t.Error("the results waiting together were not sent as a batch")
	}
	if q := out.Backlog().Quarantined; q != 1 {
		t.Errorf("%d files set aside, want the one result for another worker's task", q)
	}
	if err := s.View(context.Background(), func(tx store.Tx) error {
		tk, err := tx.GetTask(foreign)
		if err == nil && tk.Status != domain.TaskQueued {
			t.Errorf("another worker's task became %s through a refused result", tk.Status)
		}
		ts, err := tx.GetTasks([]string{early[0].ID, early[1].ID, early[2].ID})
		for _, tk := range ts {
			if tk.Status != domain.TaskSucceeded || tk.Attempts != 1 {
				t.Errorf("buffered result's task = %s after %d attempts, want succeeded after 1", tk.Status, tk.Attempts)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

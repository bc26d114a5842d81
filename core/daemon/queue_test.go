package daemon_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/daemon/daemontest"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// replica is one wingmand serving in-process on a real port.
type replica struct {
	d   *daemon.Daemon
	url string
}

// startReplicas serves n wingmand replicas on one PostgreSQL schema.
func startReplicas(t testing.TB, dbURL string, n int, tune func(*config.Daemon)) []replica {
	t.Helper()
	var out []replica
	for i := 0; i < n; i++ {
		d, url := daemontest.Start(t, func(cfg *config.Daemon) {
			cfg.DatabaseURL = dbURL
			cfg.TaskPoll, cfg.SweepInterval = time.Second, 200*time.Millisecond
			if tune != nil {
				tune(cfg)
			}
		})
		out = append(out, replica{d: d, url: url})
	}
	return out
}

func poll(c *client.Client, wait time.Duration) (*domain.WorkerTask, error) {
	return c.NextTask(context.Background(), wait)
}

func reportAttempt(c *client.Client, worker, taskID string, attempt int, status domain.TaskStatus) error {
	raw, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: taskID, Attempt: attempt, Status: status})
	_, err := c.Ingest(context.Background(), domain.Envelope{WorkerID: worker, Timestamp: time.Now(),
		PayloadType: domain.PayloadExecutionResult, Payload: raw})
	return err
}

// TestQueueRolledBackEnqueue: a task queued in a transaction that rolls
// back is never handed out, and its NOTIFY never reaches a listener.
func TestQueueRolledBackEnqueue(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	reps := startReplicas(t, url, 1, nil)
	tokens := storetest.AddWorkers(t, reps[0].d.Store(), "rb-w", 1)
	var heard atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan struct{})
	var once sync.Once
	// NOTIFY channels span the database, and other tests share it: count
	// only this test's worker.
	go postgres.Listen(ctx, url, postgres.TaskChannel, slog.New(slog.NewTextHandler(io.Discard, nil)),
		func(worker string) {
			if worker == "rb-w0" {
				heard.Add(1)
			}
		}, func() { once.Do(func() { close(listening) }) })
	<-listening

	err := reps[0].d.Store().Update(context.Background(), func(tx store.Tx) error {
		if _, err := storetest.Enqueue(tx, "rb-w0", "docker", "restart", 1); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if err == nil || !strings.Contains(err.Error(), "roll back") {
		t.Fatalf("update = %v", err)
	}
	task, err := poll(client.New(reps[0].url, tokens[0]), 1500*time.Millisecond)
	if err != nil || task != nil {
		t.Fatalf("after a rolled-back enqueue the worker got %+v, %v", task, err)
	}
	if n := heard.Load(); n != 0 {
		t.Fatalf("a rolled-back enqueue notified %d time(s)", n)
	}
	// The same enqueue committed is heard.
	if err := reps[0].d.Store().Update(context.Background(), func(tx store.Tx) error {
		_, err := storetest.Enqueue(tx, "rb-w0", "docker", "restart", 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); heard.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a committed enqueue was not notified")
		}
	}
}

// TestQueueWithoutWakeups: when the LISTEN connection is cut, the
// listener reconnects, and a task whose wake-up was lost still starts
// within one poll interval.
func TestQueueWithoutWakeups(t *testing.T) {
	t.Parallel()
	// Other tests share the database: name this test's connections so
	// that only its own listeners are cut.
	url := storetest.PostgresURL(t) + "&application_name=nowake"
	// Replica 0 looks for tasks by itself every second; replica 1 only
	// every 20 s, so that a task starting there at once was woken by NOTIFY.
	reps := append(startReplicas(t, url, 1, nil),
		startReplicas(t, url, 1, func(c *config.Daemon) { c.TaskPoll = 20 * time.Second })...)
	tokens := storetest.AddWorkers(t, reps[0].d.Store(), "nw-w", 1)

	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	res, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, postgres.ListenerApp("nowake"))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("no LISTEN connection to cut")
	}

	// Replica 0 waits for nw-w0's task; it is queued with no NOTIFY and no
	// in-process wake at all, as if the notification had been lost.
	type got struct {
		task *domain.WorkerTask
		err  error
		at   time.Time
	}
	ch := make(chan got, 1)
	go func() {
		task, err := poll(client.New(reps[0].url, tokens[0]), 30*time.Second)
		ch <- got{task, err, time.Now()}
	}()
	time.Sleep(300 * time.Millisecond)
	queued := time.Now()
	if _, err := admin.Exec(`INSERT INTO plans (id, incident_id, title, rationale, author, status, actions, required_approvals, author_may_approve, created_at, expires_at)
		VALUES ('pl-lost', '', 't', 't', 't', 'dispatched', '[]', 1, 0, 0, 9999999999999)`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`INSERT INTO tasks (id, plan_id, action_index, worker_id, plugin, action, target, status, created_at)
		VALUES ('tk-lost', 'pl-lost', 0, 'nw-w0', 'docker', 'restart', 'x', 'queued', 0)`); err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil || r.task == nil || r.task.TaskID != "tk-lost" {
		t.Fatalf("long poll = %+v, %v", r.task, r.err)
	}
	// One poll interval is 1s here; allow for a loaded machine, but far
	// less than the 30s the poll would wait without the fallback.
	if took := r.at.Sub(queued); took > 3*time.Second {
		t.Fatalf("task started %s after it was queued, want within one poll interval (1s)", took)
	}

	// The listeners reconnected: a notified task now starts at once on
	// the other replica.
	time.Sleep(500 * time.Millisecond)
	go func() {
		task, err := poll(client.New(reps[1].url, tokens[0]), 30*time.Second)
		ch <- got{task, err, time.Now()}
	}()
	time.Sleep(300 * time.Millisecond)
	queued = time.Now()
	if err := reps[0].d.Store().Update(context.Background(), func(tx store.Tx) error {
		_, err := storetest.Enqueue(tx, "nw-w0", "docker", "restart", 1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r = <-ch
	if r.err != nil || r.task == nil {
		t.Fatalf("long poll on the other replica = %+v, %v", r.task, r.err)
	}
	if took := r.at.Sub(queued); took > 10*time.Second {
		t.Errorf("a notified task took %s to start on the other replica; the LISTEN did not come back", took)
	}
}

// TestQueueLostLease: a worker that dies mid-task loses its lease; an
// idempotent action is handed out again, anything else fails, and both
// are in the audit log.
func TestQueueLostLease(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	reps := startReplicas(t, url, 1, func(c *config.Daemon) { c.TaskLease = 300 * time.Millisecond })
	s := reps[0].d.Store()
	tokens := storetest.AddWorkers(t, s, "ll-w", 1)
	var restartID, scriptID string
	if err := s.Update(context.Background(), func(tx store.Tx) error {
		ids, err := storetest.Enqueue(tx, "ll-w0", "docker", "restart", 1)
		if err != nil {
			return err
		}
		restartID = ids[0]
		ids, err = storetest.Enqueue(tx, "ll-w0", "script", "run_bash", 1)
		scriptID = ids[0]
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c := client.New(reps[0].url, tokens[0])
	// The worker takes both tasks and dies without reporting.
	for i := 0; i < 2; i++ {
		if task, err := poll(c, 5*time.Second); err != nil || task == nil {
			t.Fatalf("take task %d: %+v %v", i, task, err)
		}
	}
	// The lease runs out; the sweep hands the restart out again.
	task, err := poll(c, 10*time.Second)
	if err != nil || task == nil || task.TaskID != restartID {
		t.Fatalf("after the lease: %+v, %v; want %s again", task, err, restartID)
	}
	// The first attempt's worker comes back late: its result is for an
	// attempt that was reclaimed, and changes nothing.
	if task.Attempt != 2 {
		t.Fatalf("re-handed task is attempt %d, want 2", task.Attempt)
	}
	if err := reportAttempt(c, "ll-w0", restartID, 1, domain.TaskFailed); err != nil {
		t.Fatal(err)
	}
	_ = s.View(context.Background(), func(tx store.Tx) error {
		if rt, _ := tx.GetTask(restartID); rt.Status != domain.TaskRunning {
			t.Errorf("a result for attempt 1 changed attempt 2 to %s", rt.Status)
		}
		return nil
	})
	if err := reportAttempt(c, "ll-w0", restartID, 2, domain.TaskSucceeded); err != nil {
		t.Fatal(err)
	}
	// The two leases end a moment apart; the sweep fails the script on its
	// own tick.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var st domain.Task
		_ = s.View(context.Background(), func(tx store.Tx) (err error) { st, err = tx.GetTask(scriptID); return err })
		if st.Status.Finished() {
			break
		}
	}
	err = s.View(context.Background(), func(tx store.Tx) error {
		rt, err := tx.GetTask(restartID)
		if err != nil {
			return err
		}
		st, err := tx.GetTask(scriptID)
		if err != nil {
			return err
		}
		if rt.Status != domain.TaskSucceeded || rt.Attempts != 2 {
			t.Errorf("restart task = %s after %d attempts, want succeeded after 2", rt.Status, rt.Attempts)
		}
		if st.Status != domain.TaskFailed || !strings.Contains(st.Error, "not idempotent") {
			t.Errorf("script task = %s %q, want failed as not idempotent", st.Status, st.Error)
		}
		evs, err := tx.ListAudit(0, 1000)
		var retried bool
		for _, ev := range evs {
			retried = retried || ev.Action == "task.retry" && ev.Subject == restartID
		}
		if !retried {
			t.Error("no task.retry audit event")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

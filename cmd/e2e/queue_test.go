package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// TestQueueExactlyOnceAcrossProcesses: two real wingmand processes on one
// PostgreSQL, 50 workers long-polling both in turn, 10,000 tasks: every
// task is handed out exactly once and every plan ends succeeded. Half the
// workers take and report one task at a time, half in batches as
// wingworker does.
func TestQueueExactlyOnceAcrossProcesses(t *testing.T) {
	const workers, perWorker = 50, 200
	url := storetest.PostgresURL(t)
	procs := []*daemon{startDaemon(t, "--database-url", url), startDaemon(t, "--database-url", url)}
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tokens := storetest.AddWorkers(t, s, "eo-w", workers)

	var seen sync.Map
	var dup, done atomic.Int32
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("eo-w%d", i)
			clients := []*client.Client{client.New(procs[0].url, tokens[i]), client.New(procs[1].url, tokens[i])}
			var err error
			for n := 0; ctx.Err() == nil && n < perWorker; {
				c := clients[(n+i)%2] // alternate processes
				var tasks []domain.WorkerTask
				if i%2 == 0 {
					task, err := c.NextTask(ctx, 5*time.Second)
					if err != nil {
						t.Errorf("%s: %v", id, err)
						return
					}
					if task != nil {
						tasks = append(tasks, *task)
					}
				} else if tasks, err = c.NextTasks(ctx, 5*time.Second, 1+n%16); err != nil {
					t.Errorf("%s: %v", id, err)
					return
				}
				if len(tasks) == 0 {
					continue
				}
				files := make([][]byte, len(tasks))
				for k, task := range tasks {
					if _, loaded := seen.LoadOrStore(task.TaskID, id); loaded {
						dup.Add(1)
					}
					raw, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: task.TaskID, Attempt: task.Attempt, Status: domain.TaskSucceeded})
					files[k], _ = json.Marshal(domain.Envelope{WorkerID: id, Timestamp: time.Now(),
						PayloadType: domain.PayloadExecutionResult, Payload: raw})
				}
				if len(files) == 1 {
					_, err = c.IngestFile(ctx, files[0], false)
				} else {
					var items []domain.IngestItem
					if items, err = c.IngestFiles(ctx, files); err == nil {
						for _, it := range items {
							err = errors.Join(err, client.ItemError(it))
						}
					}
				}
				if err != nil {
					t.Errorf("%s: report: %v", id, err)
					return
				}
				n += len(tasks)
				done.Add(int32(len(tasks)))
			}
		}(i)
	}
	start := time.Now()
	for i := 0; i < workers; i++ {
		if err := s.Update(context.Background(), func(tx store.Tx) error {
			_, err := storetest.Enqueue(tx, fmt.Sprintf("eo-w%d", i), "docker", "restart", perWorker)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	t.Logf("%d tasks through 2 wingmand processes and %d workers in %s", done.Load(), workers, time.Since(start))
	if dup.Load() != 0 || done.Load() != workers*perWorker {
		t.Fatalf("handed out %d tasks with %d duplicates, want %d exactly once", done.Load(), dup.Load(), workers*perWorker)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var total, ok, once, plansOK int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'succeeded'), COUNT(*) FILTER (WHERE attempts = 1) FROM tasks`).Scan(&total, &ok, &once); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM plans WHERE status = 'succeeded'`).Scan(&plansOK); err != nil {
		t.Fatal(err)
	}
	if total != workers*perWorker || ok != total || once != total || plansOK != workers {
		t.Fatalf("tasks %d, succeeded %d, claimed once %d, plans succeeded %d", total, ok, once, plansOK)
	}
	// Each task started and finished once in the audit log, and each plan
	// ended once, whether claimed alone or in a batch (where PostgreSQL
	// writes the task.start events in SQL).
	var starts, finishes, planEnds int
	if err := db.QueryRow(`SELECT COUNT(*) FILTER (WHERE action = 'task.start'), COUNT(*) FILTER (WHERE action = 'task.finish'),
		COUNT(*) FILTER (WHERE action = 'plan.finish') FROM audit_log`).Scan(&starts, &finishes, &planEnds); err != nil {
		t.Fatal(err)
	}
	if starts != total || finishes != total || planEnds != workers {
		t.Fatalf("audit: %d task.start, %d task.finish, %d plan.finish, want %d, %d and %d", starts, finishes, planEnds, total, total, workers)
	}
}

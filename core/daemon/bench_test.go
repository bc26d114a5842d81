package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon/daemontest"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// startSQLite serves one wingmand on the embedded store.
func startSQLite(b *testing.B) replica {
	d, url := daemontest.Start(b, nil)
	return replica{d: d, url: url}
}

// operator makes an operator token on s.
func operator(b *testing.B, s store.Store) string {
	var secret string
	err := s.Update(context.Background(), func(tx store.Tx) (err error) {
		secret, _, err = auth.IssueAPIToken(tx, "bench-op", domain.RoleOperator, time.Now(), nil)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return secret
}

// pendingPlan proposes a plan for worker as the advisor would.
func pendingPlan(b *testing.B, s store.Store, worker string) string {
	p := domain.Plan{Title: "bench", Rationale: "bench", Author: "advisor", Status: domain.PlanPending, RequiredApprovals: 1,
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour),
		Actions: []domain.Action{{Plugin: "docker", Action: "restart", Worker: worker, Target: "web",
			BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true}}}}
	if err := s.Update(context.Background(), func(tx store.Tx) error { return tx.CreatePlan(&p) }); err != nil {
		b.Fatal(err)
	}
	return p.ID
}

// BenchmarkApprovalToTaskStart measures, per approval, the time from the
// operator's approve request to the worker's long poll returning the task:
// on the embedded store; on PostgreSQL with the worker polling the replica
// that took the approval (woken in-process); and with the worker on the
// other replica, woken by NOTIFY. Without a NOTIFY (a lost one) the bound
// is the poll interval, task_poll, by design.
//
//	go test ./core/daemon -run '^$' -bench ApprovalToTaskStart -benchtime 200x
func BenchmarkApprovalToTaskStart(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		r := startSQLite(b)
		benchApprovalLatency(b, r, r)
	})
	b.Run("postgres-same-replica", func(b *testing.B) {
		reps := startReplicas(b, storetest.PostgresURL(b), 1, shippedTiming)
		benchApprovalLatency(b, reps[0], reps[0])
	})
	b.Run("postgres-notify-other-replica", func(b *testing.B) {
		reps := startReplicas(b, storetest.PostgresURL(b), 2, func(c *config.Daemon) {
			shippedTiming(c)
			c.TaskPoll = time.Minute
		})
		benchApprovalLatency(b, reps[0], reps[1])
	})
}

// shippedTiming undoes the tests' quick poll and lease sweep, which would
// be background load a real install does not have.
func shippedTiming(c *config.Daemon) {
	shipped := config.DefaultDaemon(func(string) string { return "" })
	c.TaskPoll, c.SweepInterval = shipped.TaskPoll, shipped.SweepInterval
}

func benchApprovalLatency(b *testing.B, approveOn, pollOn replica) {
	s := approveOn.d.Store()
	worker := "bench-w" + fmt.Sprint(time.Now().UnixNano()%100000)
	tokens := storetest.AddWorkers(b, s, worker, 1)
	op := client.New(approveOn.url, operator(b, s))
	wc := client.New(pollOn.url, tokens[0])
	plans := make([]string, b.N)
	for i := range plans {
		plans[i] = pendingPlan(b, s, worker+"0")
	}
	got := make(chan time.Time, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			t, err := wc.NextTask(ctx, 30*time.Second)
			if err == nil && t != nil {
				got <- time.Now()
			}
		}
	}()
	time.Sleep(100 * time.Millisecond) // the first long poll is waiting
	lat := make([]time.Duration, 0, b.N)
	appr := make([]time.Duration, 0, b.N)
	after := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for _, id := range plans {
		start := time.Now()
		if _, err := op.Approve(ctx, id, ""); err != nil {
			b.Fatal(err)
		}
		answered := time.Now()
		appr = append(appr, answered.Sub(start))
		select {
		case at := <-got:
			lat = append(lat, at.Sub(start))
			// The task may start before the approver has read the answer.
			after = append(after, max(0, at.Sub(answered)))
		case <-time.After(10 * time.Second):
			b.Fatalf("the task of %s did not start", id)
		}
	}
	b.StopTimer()
	// p50/p99: from sending the approval to the worker holding the task;
	// after-p50/p99: from the approval's answer (the decision committed).
	reportLatency(b, "", lat)
	reportLatency(b, "after-", after)
	sort.Slice(appr, func(i, j int) bool { return appr[i] < appr[j] })
	b.ReportMetric(float64(appr[len(appr)/2].Microseconds())/1000, "approve-p50-ms")
}

func reportLatency(b *testing.B, prefix string, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, prefix+"p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, prefix+"p99-ms")
}

// BenchmarkQueueThroughput measures tasks per second through the whole
// path as wingworker drives it (claim up to 32 tasks by long poll, report
// their results in one ingest batch) with 50 workers on 2 PostgreSQL
// replicas, or 50 workers on the embedded store, as shipped.
//
//	go test ./core/daemon -run '^$' -bench QueueThroughput -benchtime 20000x
func BenchmarkQueueThroughput(b *testing.B) {
	b.Run("postgres-2-replicas", func(b *testing.B) {
		reps := startReplicas(b, storetest.PostgresURL(b), 2, shippedTiming)
		benchThroughput(b, reps)
	})
	b.Run("sqlite", func(b *testing.B) {
		benchThroughput(b, []replica{startSQLite(b)})
	})
}

// workerBatch is what wingworker takes in one long poll (its taskBatch).
const workerBatch = 32

func benchThroughput(b *testing.B, reps []replica) {
	const workers = 50
	s := reps[0].d.Store()
	tokens := storetest.AddWorkers(b, s, "tp-w", workers)
	per := max(1, b.N/workers)
	for i := 0; i < workers; i++ {
		if err := s.Update(context.Background(), func(tx store.Tx) error {
			_, err := storetest.Enqueue(tx, fmt.Sprintf("tp-w%d", i), "docker", "restart", per)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	var done atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("tp-w%d", i)
			c := client.New(reps[i%len(reps)].url, tokens[i])
			for n := 0; n < per; {
				ts, err := c.NextTasks(context.Background(), 5*time.Second, workerBatch)
				if err != nil {
					b.Error(err)
					return
				}
				files := make([][]byte, len(ts))
				for k, t := range ts {
					files[k] = resultEnvelope(id, t.TaskID, t.Attempt)
				}
				if len(files) == 0 {
					continue
				}
				items, err := c.IngestFiles(context.Background(), files)
				if err != nil {
					b.Error(err)
					return
				}
				for _, it := range items {
					if err := client.ItemError(it); err != nil || it.Accepted != 1 {
						b.Errorf("result %s: %+v, %v", it.ID, it, err)
						return
					}
				}
				n += len(ts)
				done.Add(int64(len(ts)))
			}
		}(i)
	}
	wg.Wait()
	b.ReportMetric(float64(done.Load())/time.Since(start).Seconds(), "tasks/s")
}

// resultEnvelope is a task's successful result as the worker buffers it.
func resultEnvelope(worker, taskID string, attempt int) []byte {
	raw, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: taskID, Attempt: attempt, Status: domain.TaskSucceeded})
	env, _ := json.Marshal(domain.Envelope{ID: "env-" + taskID, WorkerID: worker, Timestamp: time.Now(),
		PayloadType: domain.PayloadExecutionResult, Payload: raw})
	return env
}

package approval_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// meetTx holds every transaction at LockPlans until all of them have
// finished their tasks, so that none has committed when the others ask
// whether the plan ended.
type meetTx struct {
	store.Tx
	meet *sync.WaitGroup
}

func (m meetTx) LockPlans(ids []string) error {
	m.meet.Done()
	m.meet.Wait()
	return m.Tx.LockPlans(ids)
}

// TestPlanEndsOnceWhenItsLastTasksEndTogether: two transactions (two
// replicas, or two batches) end the last two tasks of one plan at the same
// time on PostgreSQL, under READ COMMITTED. Each has ended its own task
// before either locks the plan; the one that locks second must see the
// other's task ended, so the plan ends exactly once: never twice, never
// not at all.
func TestPlanEndsOnceWhenItsLastTasksEndTogether(t *testing.T) {
	url := storetest.PostgresURL(t)
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc := &approval.Service{Store: s, Hub: events.NewHub(), Now: time.Now}
	worker := domain.Principal{Kind: domain.PrincipalWorker, Name: "pe-w", WorkerID: "pe-w"}
	const plans = 5
	for round := 0; round < plans; round++ {
		var ids []string
		if err := s.Update(context.Background(), func(tx store.Tx) (err error) {
			ids, err = storetest.Enqueue(tx, "pe-w", "docker", "restart", 2)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if tks, _, err := s.ClaimTasks(context.Background(), "pe-w", 2, time.Now(), time.Now().Add(time.Hour), worker); err != nil || len(tks) != 2 {
			t.Fatalf("claim: %v, %v", tks, err)
		}
		var meet sync.WaitGroup
		meet.Add(len(ids))
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				var b events.Batch
				err := s.Update(context.Background(), func(tx store.Tx) error {
					checked, err := svc.CheckResults(tx, worker, []domain.ExecutionResultPayload{{TaskID: id, Attempt: 1, Status: domain.TaskSucceeded}})
					if err != nil {
						return err
					}
					return svc.FinishResults(meetTx{tx, &meet}, &b, worker, checked)
				})
				if err != nil {
					t.Error(err)
				}
			}(id)
		}
		wg.Wait()
	}
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var succeeded, finishes, taskFinishes int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM plans WHERE status = 'succeeded'`).Scan(&succeeded); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT COUNT(*) FILTER (WHERE action = 'plan.finish'), COUNT(*) FILTER (WHERE action = 'task.finish') FROM audit_log`).
		Scan(&finishes, &taskFinishes); err != nil {
		t.Fatal(err)
	}
	if succeeded != plans || finishes != plans || taskFinishes != 2*plans {
		t.Fatalf("%d plans succeeded with %d plan.finish and %d task.finish events, want %d, %d and %d",
			succeeded, finishes, taskFinishes, plans, plans, 2*plans)
	}
}

package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// AddWorkers registers workers prefix0..prefix(n-1) and returns their
// tokens.
func AddWorkers(t testing.TB, s store.Store, prefix string, n int) []string {
	t.Helper()
	tokens := make([]string, n)
	err := s.Update(context.Background(), func(tx store.Tx) error {
		for i := range tokens {
			id := fmt.Sprintf("%s%d", prefix, i)
			if err := tx.CreateWorker(domain.Worker{ID: id, SiteName: "A", Health: domain.WorkerUnknown, CreatedAt: time.Now()}); err != nil {
				return err
			}
			secret, _, err := auth.IssueWorkerToken(tx, id, time.Now())
			if err != nil {
				return err
			}
			tokens[i] = secret
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// Enqueue queues n tasks for a worker under one dispatched plan, the way
// an approval does (NOTIFY included), and returns their ids.
func Enqueue(tx store.Tx, worker, plugin, action string, n int) ([]string, error) {
	p := domain.Plan{Title: "test", Rationale: "test", Author: "test", Status: domain.PlanDispatched, RequiredApprovals: 1,
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour),
		Actions: []domain.Action{{Plugin: plugin, Action: action, Worker: worker, Target: "t"}}}
	if err := tx.CreatePlan(&p); err != nil {
		return nil, err
	}
	var ids []string
	for i := 0; i < n; i++ {
		task := domain.Task{PlanID: p.ID, ActionIndex: i, WorkerID: worker, Plugin: plugin, Action: action, Target: "t",
			Status: domain.TaskQueued, CreatedAt: time.Now()}
		if err := tx.CreateTask(&task); err != nil {
			return nil, err
		}
		ids = append(ids, task.ID)
	}
	return ids, tx.NotifyTask(worker)
}

// Package storetest is the one suite every store.Store implementation must
// pass, and the helpers that give each test its own database.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/audit"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Opener opens a fresh, empty store for one test. raw is a plain
// connection to the same database, used to tamper with rows the way an
// attacker with database access would.
type Opener func(t *testing.T) (s store.Store, raw *sql.DB)

// Run runs the whole suite against the stores that open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store, *sql.DB)
	}{
		{"EnvelopesAreIdempotent", testEnvelopes},
		{"FactsLatestAndHistory", testFacts},
		{"FactsOutOfOrder", testFactsOutOfOrder},
		{"FactsBigBatch", testFactsBigBatch},
		{"Workers", testWorkers},
		{"WorkerReports", testWorkerReports},
		{"LeasesOffline", testLeasesOffline},
		{"UsersAndTokens", testTokens},
		{"Users", testUsers},
		{"Incidents", testIncidents},
		{"PlansApprovalsTasks", testPlans},
		{"ClaimTaskOnce", testClaimOnce},
		{"RollbackDiscards", testRollback},
		{"AuditChain", testAudit},
		{"AuditTamperDetected", testAuditTamper},
		{"AuditConcurrentAppends", testAuditConcurrentAppends},
		{"ConcurrentFirstUse", testConcurrentFirstUse},
		{"Counts", testCounts},
		{"WebSessions", testWebSessions},
		{"Skills", testSkills},
		{"SkillRowLock", testSkillLock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, raw := open(t)
			tt.fn(t, s, raw)
		})
	}
}

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
}

func testEnvelopes(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		// A batch may repeat an id, and name ids seen before.
		for i, c := range []struct {
			ids, fresh []string
		}{
			{[]string{"env-1"}, []string{"env-1"}},
			{[]string{"env-1"}, nil},
			{[]string{"env-2", "env-1", "env-3", "env-2"}, []string{"env-2", "env-3"}},
		} {
			fresh, err := tx.MarkEnvelopes("w1", c.ids, domain.PayloadFacts, t0)
			if err != nil {
				return err
			}
			if len(fresh) != len(c.fresh) {
				t.Errorf("mark #%d %v: fresh = %v, want %v", i, c.ids, fresh, c.fresh)
			}
			for _, id := range c.fresh {
				if !fresh[id] {
					t.Errorf("mark #%d %v: fresh = %v, want %v", i, c.ids, fresh, c.fresh)
				}
			}
		}
		return nil
	})
}

func fact(name, status string, at time.Time, attrs map[string]any) domain.Fact {
	return domain.Fact{WorkerID: "w1", SiteName: "Site A", Type: "container", Name: name, Status: status, Attrs: attrs, ObservedAt: at}
}

func testFacts(t *testing.T, s store.Store, _ *sql.DB) {
	var changes []domain.FactChange
	update(t, s, func(tx store.Tx) (err error) {
		changes, err = tx.ApplyFacts([]domain.Fact{
			fact("web", "running", t0, map[string]any{"image": "nginx"}),
			fact("db", "running", t0, nil),
		})
		return err
	})
	if len(changes) != 2 {
		t.Fatalf("first sighting: %d changes, want 2", len(changes))
	}
	// Same state again: no change, no history. Then a real change.
	update(t, s, func(tx store.Tx) (err error) {
		changes, err = tx.ApplyFacts([]domain.Fact{fact("web", "running", t0.Add(time.Minute), map[string]any{"image": "nginx"})})
		return err
	})
	if len(changes) != 0 {
		t.Fatalf("unchanged fact reported %d changes", len(changes))
	}
	update(t, s, func(tx store.Tx) (err error) {
		changes, err = tx.ApplyFacts([]domain.Fact{fact("web", "exited", t0.Add(2*time.Minute), map[string]any{"image": "nginx", "exit_code": 1})})
		return err
	})
	if len(changes) != 1 || changes[0].PrevStatus != "running" || changes[0].Status != "exited" {
		t.Fatalf("changes = %+v, want running -> exited", changes)
	}
	view(t, s, func(tx store.Tx) error {
		facts, err := tx.ListFacts(domain.FactFilter{Name: "web"})
		if err != nil {
			return err
		}
		if len(facts) != 1 || facts[0].Status != "exited" || !facts[0].ObservedAt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("latest = %+v", facts)
		}
		if code, _ := facts[0].IntAttr("exit_code"); code != 1 {
			t.Errorf("exit_code attr = %v", facts[0].Attrs)
		}
		hist, err := tx.FactHistory(domain.FactFilter{Name: "web"})
		if err != nil {
			return err
		}
		if len(hist) != 2 || hist[0].Status != "exited" || hist[1].Status != "running" {
			t.Fatalf("history = %+v, want exited then running", hist)
		}
		all, err := tx.ListFacts(domain.FactFilter{Status: "running"})
		if err != nil {
			return err
		}
		if len(all) != 1 || all[0].Name != "db" {
			t.Errorf("filter by status = %+v", all)
		}
		return nil
	})
}

func testFactsOutOfOrder(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		_, err := tx.ApplyFacts([]domain.Fact{fact("web", "running", t0.Add(time.Hour), nil)})
		return err
	})
	// An older state arriving late, and a batch holding two states of one
	// key in the wrong order.
	update(t, s, func(tx store.Tx) error {
		_, err := tx.ApplyFacts([]domain.Fact{
			fact("web", "exited", t0, nil),
			fact("api", "running", t0.Add(2*time.Minute), nil),
			fact("api", "exited", t0.Add(time.Minute), nil),
		})
		return err
	})
	view(t, s, func(tx store.Tx) error {
		facts, err := tx.ListFacts(domain.FactFilter{})
		if err != nil {
			return err
		}
		got := map[string]string{}
		for _, f := range facts {
			got[f.Name] = f.Status
		}
		if got["web"] != "running" || got["api"] != "running" {
			t.Fatalf("latest = %v, want the newest states (web running, api running)", got)
		}
		hist, err := tx.FactHistory(domain.FactFilter{Name: "web"})
		if err != nil {
			return err
		}
		if len(hist) != 2 {
			t.Fatalf("web history = %+v, want the late state kept in history", hist)
		}
		return nil
	})
}

func testFactsBigBatch(t *testing.T, s store.Store, _ *sql.DB) {
	var batch []domain.Fact
	for i := 0; i < 1234; i++ {
		batch = append(batch, fact(string(rune('a'+i%26))+time.Duration(i).String(), "running", t0, map[string]any{"i": i}))
	}
	update(t, s, func(tx store.Tx) error {
		ch, err := tx.ApplyFacts(batch)
		if len(ch) != len(batch) {
			t.Errorf("changes = %d, want %d", len(ch), len(batch))
		}
		return err
	})
	view(t, s, func(tx store.Tx) error {
		facts, err := tx.ListFacts(domain.FactFilter{})
		if len(facts) != len(batch) {
			t.Errorf("stored %d facts, want %d", len(facts), len(batch))
		}
		return err
	})
}

func testWorkers(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "A", Health: domain.WorkerUnknown, CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.CreateWorker(domain.Worker{ID: "w2", SiteName: "B", Health: domain.WorkerUnknown, CreatedAt: t0}); err != nil {
			return err
		}
		wantErr(t, tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "A", Health: domain.WorkerUnknown, CreatedAt: t0}), domain.ErrConflict)
		return tx.SeeWorker("w1", domain.WorkerReport{Health: domain.WorkerHealthy, Version: "1.2.3", Capabilities: []string{"docker", "sandbox:degraded:landlock"},
			ReportedAt: t0.Add(time.Minute), SeenAt: t0.Add(time.Minute)})
	})
	update(t, s, func(tx store.Tx) error {
		w, err := tx.GetWorker("w1")
		if err != nil {
			return err
		}
		if w.Health != domain.WorkerHealthy || w.Version != "1.2.3" || len(w.Capabilities) != 2 || w.LastSeenAt == nil {
			t.Fatalf("w1 = %+v", w)
		}
		// The sandbox is read back from the capabilities it travelled in.
		if w.Sandbox == nil || w.Sandbox.String() != "DEGRADED (landlock)" {
			t.Fatalf("w1 sandbox = %+v, want degraded without landlock", w.Sandbox)
		}
		silent, err := tx.SilentWorkers(t0.Add(30 * time.Second))
		if err != nil {
			return err
		}
		if len(silent) != 1 || silent[0].ID != "w2" {
			t.Fatalf("silent = %+v, want w2 (never reported)", silent)
		}
		if err := tx.SetWorkerHealth("w2", domain.WorkerUnreachable); err != nil {
			return err
		}
		if silent, _ = tx.SilentWorkers(t0.Add(time.Hour)); len(silent) != 1 || silent[0].ID != "w1" {
			t.Fatalf("silent after marking w2 = %+v, want only w1", silent)
		}
		wantErr(t, tx.DeleteWorker("nope"), domain.ErrNotFound)
		_, err = tx.GetWorker("nope")
		wantErr(t, err, domain.ErrNotFound)
		if err := tx.DeleteWorker("w2"); err != nil {
			return err
		}
		all, err := tx.ListWorkers()
		if len(all) != 1 {
			t.Fatalf("workers after delete = %+v", all)
		}
		return err
	})
}

func testTokens(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		u1, err := tx.EnsureUser(domain.User{Name: "alice", Role: domain.RoleOperator, Issuer: domain.LocalIssuer, Subject: "alice", CreatedAt: t0})
		if err != nil {
			return err
		}
		u2, err := tx.EnsureUser(domain.User{Name: "alice", Role: domain.RoleAdmin, Issuer: domain.LocalIssuer, Subject: "alice", CreatedAt: t0})
		if err != nil {
			return err
		}
		if u1.ID != u2.ID || u2.Role != domain.RoleOperator {
			t.Fatalf("EnsureUser made a second user or changed the role: %+v %+v", u1, u2)
		}
		tk := domain.Token{ID: "tok-1", Name: "alice", Kind: domain.TokenAPI, Role: domain.RoleOperator, UserID: u1.ID, Hash: []byte{1, 2, 3}, CreatedAt: t0}
		if err := tx.CreateToken(tk); err != nil {
			return err
		}
		dup := tk
		dup.ID = "tok-2"
		wantErr(t, tx.CreateToken(dup), domain.ErrConflict)
		got, err := tx.TokenByHash([]byte{1, 2, 3})
		if err != nil {
			return err
		}
		if got.ID != "tok-1" || got.Role != domain.RoleOperator || got.RevokedAt != nil {
			t.Fatalf("token = %+v", got)
		}
		_, err = tx.TokenByHash([]byte{9})
		wantErr(t, err, domain.ErrNotFound)
		if err := tx.CreateToken(domain.Token{ID: "tok-w", Name: "w1", Kind: domain.TokenWorker, WorkerID: "w1", Hash: []byte{7}, CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.RevokeToken("tok-1", t0.Add(time.Hour)); err != nil {
			return err
		}
		wantErr(t, tx.RevokeToken("tok-x", t0), domain.ErrNotFound)
		if err := tx.RevokeWorkerTokens("w1", t0.Add(time.Hour)); err != nil {
			return err
		}
		list, err := tx.ListTokens()
		if err != nil {
			return err
		}
		for _, tk := range list {
			if tk.RevokedAt == nil || !tk.RevokedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("token %s not revoked: %+v", tk.ID, tk)
			}
		}
		return nil
	})
}

func testIncidents(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		in := domain.Incident{Kind: "container_exited", Title: "web exited", Severity: domain.SeverityWarning,
			State: domain.IncidentOpen, WorkerID: "w1", TargetType: "container", Target: "web", OpenedAt: t0}
		if err := tx.CreateIncident(&in); err != nil {
			return err
		}
		if in.ID == "" {
			t.Fatal("no id given")
		}
		second := in
		second.ID = ""
		wantErr(t, tx.CreateIncident(&second), domain.ErrConflict)
		open, err := tx.OpenIncident("w1", "container", "web")
		if err != nil || open.ID != in.ID {
			t.Fatalf("open incident = %+v, %v", open, err)
		}
		now := t0.Add(time.Hour)
		open.State, open.ResolvedAt, open.PlanID = domain.IncidentResolved, &now, "pl-1"
		if err := tx.UpdateIncident(open); err != nil {
			return err
		}
		_, err = tx.OpenIncident("w1", "container", "web")
		wantErr(t, err, domain.ErrNotFound)
		// Once resolved, the same target may have a new incident.
		third := domain.Incident{Kind: "container_exited", Title: "again", Severity: domain.SeverityCritical,
			State: domain.IncidentOpen, WorkerID: "w1", TargetType: "container", Target: "web", OpenedAt: t0.Add(2 * time.Hour)}
		if err := tx.CreateIncident(&third); err != nil {
			return err
		}
		list, err := tx.ListIncidents(domain.IncidentFilter{})
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].ID != third.ID || list[1].PlanID != "pl-1" || list[1].ResolvedAt == nil {
			t.Fatalf("incidents = %+v", list)
		}
		if l, _ := tx.ListIncidents(domain.IncidentFilter{State: domain.IncidentResolved}); len(l) != 1 {
			t.Errorf("resolved = %+v", l)
		}
		_, err = tx.GetIncident("in-none")
		wantErr(t, err, domain.ErrNotFound)
		return nil
	})
}

func newPlan() domain.Plan {
	return domain.Plan{Title: "restart web", Rationale: "it crashed", Author: "advisor", Status: domain.PlanPending,
		Actions: []domain.Action{{Plugin: "docker", Action: "restart", Worker: "w1", Target: "web",
			Params:      map[string]any{"container": "web"},
			BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true}}},
		RequiredApprovals: 2, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
}

func testPlans(t *testing.T, s store.Store, _ *sql.DB) {
	p := newPlan()
	update(t, s, func(tx store.Tx) error { return tx.CreatePlan(&p) })
	if len(p.ID) != len("pl-7f3a") {
		t.Errorf("plan id %q is not short", p.ID)
	}
	update(t, s, func(tx store.Tx) error {
		got, err := tx.GetPlan(p.ID, true)
		if err != nil {
			return err
		}
		if !got.Actions[0].BlastRadius.Reversible || got.RequiredApprovals != 2 || got.Status != domain.PlanPending {
			t.Fatalf("plan = %+v", got)
		}
		a := domain.Approval{PlanID: p.ID, UserID: "u-1", UserName: "alice", Role: domain.RoleOperator, Decision: domain.DecisionApprove, At: t0}
		if err := tx.AddApproval(a); err != nil {
			return err
		}
		wantErr(t, tx.AddApproval(a), domain.ErrConflict)
		decided := t0.Add(time.Minute)
		if err := tx.SetPlanStatus(p.ID, domain.PlanDispatched, &decided); err != nil {
			return err
		}
		task := domain.Task{PlanID: p.ID, WorkerID: "w1", Plugin: "docker", Action: "restart", Target: "web",
			Params: map[string]any{"container": "web"}, Status: domain.TaskQueued, CreatedAt: t0}
		return tx.CreateTask(&task)
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetPlan(p.ID, false)
		if err != nil {
			return err
		}
		if got.Status != domain.PlanDispatched || got.DecidedAt == nil || len(got.Approvals) != 1 || len(got.Tasks) != 1 || got.Approvers() != 1 {
			t.Fatalf("plan after approval = %+v", got)
		}
		if got.Tasks[0].Params["container"] != "web" {
			t.Errorf("task params = %v", got.Tasks[0].Params)
		}
		_, err = tx.GetPlan("pl-none", false)
		wantErr(t, err, domain.ErrNotFound)
		return nil
	})
	old := newPlan()
	old.ExpiresAt = t0.Add(-time.Minute)
	update(t, s, func(tx store.Tx) error { return tx.CreatePlan(&old) })
	view(t, s, func(tx store.Tx) error {
		exp, err := tx.ExpiredPlans(t0)
		if err != nil {
			return err
		}
		if len(exp) != 1 || exp[0].ID != old.ID {
			t.Fatalf("expired = %+v, want %s", exp, old.ID)
		}
		pending, err := tx.ListPlans(domain.PlanFilter{Status: domain.PlanPending})
		if len(pending) != 1 {
			t.Fatalf("pending = %+v", pending)
		}
		return err
	})
}

func testClaimOnce(t *testing.T, s store.Store, _ *sql.DB) {
	p := newPlan()
	p.Status = domain.PlanDispatched
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreatePlan(&p); err != nil {
			return err
		}
		// An approval queues a plan's tasks in one instant, under random
		// ids: they must still go out in the plan's order.
		for i := 0; i < 5; i++ {
			task := domain.Task{PlanID: p.ID, ActionIndex: i, WorkerID: "w1", Plugin: "docker", Action: "restart",
				Target: "web", Status: domain.TaskQueued, CreatedAt: t0}
			if err := tx.CreateTask(&task); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		if ended, err := tx.EndedPlans([]string{p.ID}); err != nil || len(ended) != 0 {
			t.Errorf("EndedPlans with every task queued = %v, %v", ended, err)
		}
		return nil
	})
	// Claims of 1, 3 and 2 tasks: the last finds only one left, and then
	// nothing is left.
	var claimed []string
	claimer := domain.Principal{Kind: domain.PrincipalWorker, Name: "w1", WorkerID: "w1"}
	for i, n := range []int{1, 3, 2, 1} {
		tks, moved, err := s.ClaimTasks(context.Background(), "w1", n, t0, t0.Add(time.Minute), claimer)
		if err != nil {
			t.Fatalf("claim %d: %v", i, err)
		}
		// The plan starts running with its first task handed out.
		if want := i == 0; (len(moved) == 1 && moved[0] == p.ID) != want {
			t.Errorf("claim %d moved plans %v, want %s moved: %v", i, moved, p.ID, want)
		}
		update(t, s, func(tx store.Tx) error {
			if want := min(n, 5-len(claimed)); len(tks) != want {
				t.Errorf("claim %d of %d: got %d tasks, want %d", i, n, len(tks), want)
			}
			var ends []domain.TaskEnd
			for _, tk := range tks {
				if tk.Status != domain.TaskRunning || tk.Attempts != 1 || tk.LeaseUntil == nil {
					t.Errorf("claimed = %+v", tk)
				}
				if tk.ActionIndex != len(claimed) {
					t.Errorf("claim %d: action %d handed out when %d was the oldest left", i, tk.ActionIndex, len(claimed))
				}
				claimed = append(claimed, tk.ID)
				ends = append(ends, domain.TaskEnd{ID: tk.ID, Status: domain.TaskSucceeded, Output: "ok", At: t0.Add(time.Second)})
			}
			ended, err := tx.FinishTasks(ends)
			if err != nil {
				return err
			}
			if len(ended) != len(ends) {
				t.Errorf("claim %d: %d running tasks finished, want %d", i, len(ended), len(ends))
			}
			for k := range ends {
				ends[k].Status, ends[k].Output = domain.TaskFailed, "late"
			}
			if again, err := tx.FinishTasks(ends); err != nil || len(again) != 0 {
				t.Errorf("finished tasks were finished again: %v, %v", again, err)
			}
			return nil
		})
	}
	if len(claimed) != 5 {
		t.Fatalf("claimed %v, want five distinct tasks", claimed)
	}
	view(t, s, func(tx store.Tx) error {
		tks, err := tx.GetTasks(append([]string{"tk-missing"}, claimed...))
		if err != nil {
			return err
		}
		if len(tks) != 5 {
			t.Fatalf("GetTasks = %d tasks, want 5", len(tks))
		}
		for _, tk := range tks {
			if tk.Status != domain.TaskSucceeded || tk.Output != "ok" || tk.FinishedAt == nil {
				t.Fatalf("finished task = %+v", tk)
			}
		}
		counts, err := tx.TaskCounts([]string{p.ID, "pl-none"})
		if err != nil {
			return err
		}
		if len(counts) != 1 || counts[p.ID][domain.TaskSucceeded] != 5 {
			t.Fatalf("TaskCounts = %v", counts)
		}
		if ended, err := tx.EndedPlans([]string{p.ID, "pl-none"}); err != nil || len(ended) != 1 || ended[0] != p.ID {
			t.Fatalf("EndedPlans after every task ended = %v, %v", ended, err)
		}
		// Each claim recorded domain.TaskStarted, in queue order, however
		// the store wrote it.
		evs, err := tx.ListAudit(0, 100)
		if err != nil {
			return err
		}
		var started []domain.AuditEvent
		for _, ev := range evs {
			if ev.Action == "task.start" {
				started = append(started, ev)
			}
		}
		byID := map[string]domain.Task{}
		for _, tk := range tks {
			byID[tk.ID] = tk
		}
		if len(started) != len(claimed) {
			t.Fatalf("%d task.start events, want %d", len(started), len(claimed))
		}
		for i, ev := range started {
			want := domain.TaskStarted(claimer, byID[claimed[i]], t0)
			wantDetail, _ := audit.Normalize(want.Detail)
			if ev.Subject != claimed[i] || ev.ActorKind != want.ActorKind || ev.ActorName != want.ActorName ||
				ev.ActorID != want.ActorID || ev.ActorRole != want.ActorRole || ev.Reason != want.Reason ||
				ev.Outcome != want.Outcome || !ev.At.Equal(t0) || !reflect.DeepEqual(ev.Detail, wantDetail) {
				t.Errorf("task.start event %d = %+v, want %+v", i, ev, want)
			}
		}
		return nil
	})
	// However written, the events seal into a chain that verifies.
	update(t, s, func(tx store.Tx) error {
		_, err := tx.SealAudit(0)
		return err
	})
	view(t, s, func(tx store.Tx) error {
		evs, err := tx.ListAudit(0, 100)
		if err != nil {
			return err
		}
		if len(evs) != len(claimed) || evs[len(evs)-1].Seq != int64(len(claimed)) {
			t.Fatalf("sealed %d events, want the %d task.start events", len(evs), len(claimed))
		}
		if err := audit.Verify(evs); err != nil {
			t.Fatalf("verify the claims' events: %v", err)
		}
		return nil
	})
}

func testRollback(t *testing.T, s store.Store, _ *sql.DB) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "A", Health: domain.WorkerUnknown, CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AppendAudit(&domain.AuditEvent{Action: "worker.add", Outcome: domain.OutcomeOK, At: t0}); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, err, boom)
	view(t, s, func(tx store.Tx) error {
		w, _ := tx.ListWorkers()
		ev, _ := tx.ListAudit(0, 10)
		if len(w) != 0 || len(ev) != 0 {
			t.Fatalf("rolled-back transaction left %d workers and %d audit events", len(w), len(ev))
		}
		return nil
	})
}

// appendEvents appends n events and seals them.
func appendEvents(t *testing.T, s store.Store, n int) {
	for i := 0; i < n; i++ {
		update(t, s, func(tx store.Tx) error {
			return tx.AppendAudit(&domain.AuditEvent{At: t0.Add(time.Duration(i) * time.Second), ActorKind: domain.PrincipalUser,
				ActorID: "u-1", ActorName: "alice", ActorRole: domain.RoleOperator, Action: "plan.approve",
				Subject: "pl-1", Outcome: domain.OutcomeOK, Detail: map[string]any{"i": i, "comment": "ok"}})
		})
	}
	update(t, s, func(tx store.Tx) error {
		_, err := tx.SealAudit(0)
		return err
	})
}

// testAuditConcurrentAppends appends from many transactions at once while
// sealers run, and checks one intact chain holds every event.
func testAuditConcurrentAppends(t *testing.T, s store.Store, _ *sql.DB) {
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := s.Update(context.Background(), func(tx store.Tx) error {
					if err := tx.AppendAudit(&domain.AuditEvent{At: t0, ActorKind: domain.PrincipalSystem, ActorName: "w",
						Action: "test", Outcome: domain.OutcomeOK, Detail: map[string]any{"w": w, "i": i}}); err != nil {
						return err
					}
					if i%5 == 0 {
						_, err := tx.SealAudit(0)
						return err
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	// Before the last seal, unsealed events are listed after the sealed ones.
	view(t, s, func(tx store.Tx) error {
		evs, err := tx.ListAudit(0, 1000)
		if len(evs) != writers*each {
			t.Fatalf("listed %d events before sealing, want %d", len(evs), writers*each)
		}
		return err
	})
	update(t, s, func(tx store.Tx) error {
		_, err := tx.SealAudit(0)
		return err
	})
	view(t, s, func(tx store.Tx) error {
		evs, err := tx.ListAudit(0, 1000)
		if err != nil {
			return err
		}
		if len(evs) != writers*each || evs[len(evs)-1].Seq != writers*each {
			t.Fatalf("chain holds %d events ending at %d, want %d", len(evs), evs[len(evs)-1].Seq, writers*each)
		}
		if err := audit.Verify(evs); err != nil {
			t.Fatalf("verify: %v", err)
		}
		return nil
	})
}

func testAudit(t *testing.T, s store.Store, _ *sql.DB) {
	appendEvents(t, s, 5)
	view(t, s, func(tx store.Tx) error {
		evs, err := tx.ListAudit(0, 100)
		if err != nil {
			return err
		}
		if len(evs) != 5 || evs[0].Seq != 1 || evs[0].PrevHash != audit.Genesis {
			t.Fatalf("events = %+v", evs)
		}
		if err := audit.Verify(evs); err != nil {
			t.Fatalf("verify a fresh chain: %v", err)
		}
		page, err := tx.ListAudit(3, 100)
		if len(page) != 2 || page[0].Seq != 4 {
			t.Fatalf("page after 3 = %+v", page)
		}
		return err
	})
}

func testAuditTamper(t *testing.T, s store.Store, raw *sql.DB) {
	appendEvents(t, s, 4)
	ctx := context.Background()
	if _, err := raw.ExecContext(ctx, `UPDATE audit_log SET reason = 'edited' WHERE seq = 2`); err == nil {
		t.Fatal("an UPDATE of the audit log went through the append-only trigger")
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 1`); err == nil {
		t.Fatal("a DELETE from the audit log went through the append-only trigger")
	}
	// An attacker with database access drops the trigger first.
	for _, q := range dropAuditTriggers(s.Kind()) {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := raw.ExecContext(ctx, `UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	view(t, s, func(tx store.Tx) error {
		evs, err := tx.ListAudit(0, 100)
		if err != nil {
			return err
		}
		err = audit.Verify(evs)
		if err == nil || !errors.Is(err, audit.ErrBroken) {
			t.Fatalf("verify after tampering = %v, want a broken chain", err)
		}
		if want := "at event 3"; !strings.Contains(err.Error(), want) {
			t.Fatalf("verify = %q, want it to name %q", err, want)
		}
		return nil
	})
}

func dropAuditTriggers(kind string) []string {
	if kind == "postgres" {
		return []string{`DROP TRIGGER audit_log_no_change ON audit_log`, `DROP TRIGGER audit_log_no_delete ON audit_log`}
	}
	return []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
}

func testCounts(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "A", Health: domain.WorkerUnknown, CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.SeeWorker("w1", domain.WorkerReport{Health: domain.WorkerHealthy, ReportedAt: t0, SeenAt: t0}); err != nil {
			return err
		}
		p := newPlan()
		if err := tx.CreatePlan(&p); err != nil {
			return err
		}
		_, err := tx.ApplyFacts([]domain.Fact{fact("web", "running", t0, nil)})
		return err
	})
	view(t, s, func(tx store.Tx) error {
		c, err := tx.Counts(t0, t0.Add(-time.Minute))
		if err != nil {
			return err
		}
		if c.Workers != 1 || c.WorkersOnline != 1 || c.PendingPlans != 1 || c.Facts != 1 || c.OpenIncidents != 0 {
			t.Fatalf("counts = %+v", c)
		}
		return nil
	})
}

// testConcurrentFirstUse runs many transactions at once, each the first to
// use its query text, in both kinds of transaction. Preparing a new
// statement must never wait for a connection that another transaction,
// itself waiting, holds.
func testConcurrentFirstUse(t *testing.T, s store.Store, _ *sql.DB) {
	done := make(chan error, 64)
	for i := 0; i < 64; i++ {
		go func(i int) {
			f := domain.FactFilter{Limit: 1}
			if i&1 != 0 {
				f.WorkerID = "w"
			}
			if i&2 != 0 {
				f.Type = "container"
			}
			if i&4 != 0 {
				f.Name = "web"
			}
			if i&8 != 0 {
				f.Status = "running"
			}
			read := func(tx store.Tx) error {
				if _, err := tx.ListFacts(f); err != nil {
					return err
				}
				_, err := tx.FactHistory(f)
				return err
			}
			if i&16 != 0 {
				done <- s.Update(context.Background(), read)
			} else {
				done <- s.View(context.Background(), read)
			}
		}(i)
	}
	timeout := time.After(30 * time.Second)
	for i := 0; i < 64; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-timeout:
			t.Fatalf("%d of 64 transactions did not finish: the store deadlocked", 64-i)
		}
	}
}

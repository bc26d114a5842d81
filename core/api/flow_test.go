package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const twoApprovers = `
defaults:
  expire_after: 1h
rules:
  - target: "db-*"
    approvals: 2
  - target: "brief-*"
    expire_after: 50ms
deny:
  - target: "vault"
    reason: "the vault is changed by hand"
`

// planFor ingests a crash of container name and returns the plan the
// advisor proposed for it.
func (e *env) planFor(workerToken, name string) domain.Plan {
	e.t.Helper()
	e.must(202, "POST", "/api/v1/ingest", workerToken, crashed("w1", name, time.Now().UTC()), nil)
	var incs []domain.Incident
	e.must(200, "GET", "/api/v1/incidents?state=open", e.admin, nil, &incs)
	for _, in := range incs {
		if in.Target == name {
			if in.PlanID == "" {
				e.t.Fatalf("incident %s for %s has no plan: %s", in.ID, name, in.Detail)
			}
			var p domain.Plan
			e.must(200, "GET", "/api/v1/plans/"+in.PlanID, e.admin, nil, &p)
			return p
		}
	}
	e.t.Fatalf("no open incident for %s in %+v", name, incs)
	return domain.Plan{}
}

func TestApprovalFlow(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, twoApprovers)
			w1 := e.worker("w1")
			alice, bob := e.token("alice", domain.RoleOperator), e.token("bob", domain.RoleOperator)
			alice2 := e.token("alice", domain.RoleOperator) // the same person, a second token
			viewer := e.token("vera", domain.RoleViewer)

			p := e.planFor(w1, "db-main")
			a := p.Actions[0]
			if p.Status != domain.PlanPending || p.RequiredApprovals != 2 || a.Plugin != "docker" || a.Action != "restart" ||
				a.Worker != "w1" || a.Target != "db-main" || !a.BlastRadius.Reversible || p.Rationale == "" {
				t.Fatalf("proposed plan = %+v", p)
			}
			approve := func(token string) (int, domain.APIError, domain.DecisionResponse) {
				var d domain.DecisionResponse
				st, apiErr := e.call("POST", "/api/v1/plans/"+p.ID+"/approve", token, domain.ApproveRequest{Comment: "go"}, &d)
				return st, apiErr, d
			}
			if st, apiErr, _ := approve(viewer); st != 403 || apiErr.Code != domain.CodeForbidden {
				t.Fatalf("viewer approve = %d %+v", st, apiErr)
			}
			st, _, d := approve(alice)
			if st != 200 || d.Outcome != domain.DecisionOutcomePending || d.ApprovalsNeeded != 1 {
				t.Fatalf("first approval = %d %+v", st, d)
			}
			if st, apiErr, _ := approve(alice2); st != 403 || apiErr.Code != domain.CodePolicy {
				t.Fatalf("same person twice = %d %+v, want policy_refused", st, apiErr)
			}
			st, _, d = approve(bob)
			if st != 200 || d.Outcome != domain.DecisionOutcomeApproved || len(d.Plan.Tasks) != 1 || d.Plan.Status != domain.PlanDispatched {
				t.Fatalf("second approval = %d %+v", st, d)
			}
			if st, apiErr, _ := approve(bob); st != 409 || apiErr.Code != domain.CodeDecided {
				t.Fatalf("approve a decided plan = %d %+v", st, apiErr)
			}

			// The worker takes the task and reports success.
			var task domain.WorkerTask
			e.must(200, "GET", "/api/v1/worker/tasks?wait=1s", w1, nil, &task)
			if task.PlanID != p.ID || task.Plugin != "docker" || task.Action != "restart" || task.Params["container"] != "db-main" {
				t.Fatalf("task = %+v", task)
			}
			e.must(204, "GET", "/api/v1/worker/tasks?wait=10ms", w1, nil, nil)
			res, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: task.TaskID, Status: domain.TaskSucceeded, Output: "restarted"})
			e.must(202, "POST", "/api/v1/ingest", w1, domain.Envelope{WorkerID: "w1", Timestamp: time.Now(),
				PayloadType: domain.PayloadExecutionResult, Payload: res}, nil)
			var done domain.Plan
			e.must(200, "GET", "/api/v1/plans/"+p.ID, viewer, nil, &done)
			if done.Status != domain.PlanSucceeded || done.Tasks[0].Output != "restarted" {
				t.Fatalf("plan after the result = %+v", done)
			}

			// Unknown, expired, denied, rejected.
			if st, apiErr := e.call("POST", "/api/v1/plans/pl-none/approve", alice, domain.ApproveRequest{}, nil); st != 404 || apiErr.Code != domain.CodeNotFound {
				t.Fatalf("unknown plan = %d %+v", st, apiErr)
			}
			brief := e.planFor(w1, "brief-job")
			time.Sleep(80 * time.Millisecond)
			if st, apiErr := e.call("POST", "/api/v1/plans/"+brief.ID+"/approve", alice, domain.ApproveRequest{}, nil); st != 409 || apiErr.Code != domain.CodeExpired {
				t.Fatalf("expired plan = %d %+v", st, apiErr)
			}
			e.must(202, "POST", "/api/v1/ingest", w1, crashed("w1", "vault", time.Now().UTC()), nil)
			var incs []domain.Incident
			e.must(200, "GET", "/api/v1/incidents", viewer, nil, &incs)
			for _, in := range incs {
				if in.Target == "vault" && (in.PlanID != "" || !strings.Contains(in.Detail, "the vault is changed by hand")) {
					t.Fatalf("denied target got %+v", in)
				}
			}
			other := e.planFor(w1, "web")
			if st, apiErr := e.call("POST", "/api/v1/plans/"+other.ID+"/reject", bob, domain.RejectRequest{}, nil); st != 400 || apiErr.Code != domain.CodeInvalid {
				t.Fatalf("reject without reason = %d %+v", st, apiErr)
			}
			var rej domain.DecisionResponse
			e.must(200, "POST", "/api/v1/plans/"+other.ID+"/reject", bob, domain.RejectRequest{Reason: "not now"}, &rej)
			if rej.Plan.Status != domain.PlanRejected || rej.Outcome != domain.DecisionOutcomeRejected {
				t.Fatalf("reject = %+v", rej)
			}

			// Every decision and refusal is in the audit log with its actor.
			var page domain.AuditPage
			e.must(200, "GET", "/api/v1/audit", viewer, nil, &page)
			want := map[string]bool{"plan.approve/ok/alice": false, "plan.approve/ok/bob": false,
				"plan.approve/refused/vera": false, "plan.approve/refused/alice": false, "plan.reject/ok/bob": false,
				"plan.propose/refused/wingman": false, "task.finish/ok/w1": false, "plan.expire/ok/wingman": false}
			for _, ev := range page.Events {
				want[ev.Action+"/"+string(ev.Outcome)+"/"+ev.ActorName] = true
			}
			for k, seen := range want {
				if !seen {
					t.Errorf("audit log lacks %s", k)
				}
			}
		})
	}
}

func TestIncidentResolvesWhenContainerRecovers(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, "")
			w1 := e.worker("w1")
			p := e.planFor(w1, "web")
			payload, _ := json.Marshal(domain.FactsPayload{Facts: []domain.WireFact{{Type: "container", Name: "web", Status: "running",
				Attrs: map[string]any{"image": "nginx:1.25", "restart_count": 1}}}})
			e.must(202, "POST", "/api/v1/ingest", w1, domain.Envelope{WorkerID: "w1", Timestamp: time.Now().UTC(),
				PayloadType: domain.PayloadFacts, Payload: payload}, nil)
			var got domain.Plan
			e.must(200, "GET", "/api/v1/plans/"+p.ID, e.admin, nil, &got)
			if got.Status != domain.PlanExpired {
				t.Fatalf("plan of a recovered container = %s, want expired", got.Status)
			}
			var incs []domain.Incident
			e.must(200, "GET", "/api/v1/incidents?state=open", e.admin, nil, &incs)
			if len(incs) != 0 {
				t.Fatalf("open incidents after recovery = %+v", incs)
			}
		})
	}
}

// TestRemovedWorker: removing a worker fails the tasks it still had, so
// their plans end, and a plan for it can no longer be approved.
func TestRemovedWorker(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, "")
			w1 := e.worker("w1")
			op := e.token("olive", domain.RoleOperator)
			queued, pending := e.planFor(w1, "web"), e.planFor(w1, "db")
			e.must(200, "POST", "/api/v1/plans/"+queued.ID+"/approve", op, domain.ApproveRequest{}, nil)
			e.must(204, "DELETE", "/api/v1/workers/w1", e.admin, nil, nil)
			var p domain.Plan
			e.must(200, "GET", "/api/v1/plans/"+queued.ID, op, nil, &p)
			if p.Status != domain.PlanFailed || len(p.Tasks) != 1 || !strings.Contains(p.Tasks[0].Error, "worker w1 was removed") {
				t.Fatalf("plan of a removed worker = %s, tasks %+v", p.Status, p.Tasks)
			}
			st, apiErr := e.call("POST", "/api/v1/plans/"+pending.ID+"/approve", op, domain.ApproveRequest{}, nil)
			if st != 403 || apiErr.Code != domain.CodePolicy || !strings.Contains(apiErr.Message, "worker w1 is not registered") {
				t.Fatalf("approve for a removed worker = %d %+v", st, apiErr)
			}
		})
	}
}

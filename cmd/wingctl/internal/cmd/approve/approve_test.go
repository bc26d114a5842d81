package approve

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdApprove(t *testing.T) {
	tests := []struct {
		name      string
		args      string
		want      ApproveOptions
		wantUsage bool
	}{
		{name: "defaults", args: "pl-7f3a",
			want: ApproveOptions{PlanID: "pl-7f3a", Timeout: 10 * time.Minute, PollInterval: DefaultPollInterval}},
		{name: "all flags", args: "pl-7f3a --comment ok --wait --timeout 5m",
			want: ApproveOptions{PlanID: "pl-7f3a", Comment: "ok", Wait: true, Timeout: 5 * time.Minute, PollInterval: DefaultPollInterval}},
		{name: "no plan", args: "", wantUsage: true},
		{name: "two plans", args: "pl-1 pl-2", wantUsage: true},
		{name: "timeout without wait", args: "pl-1 --timeout 5m", wantUsage: true},
		{name: "zero timeout", args: "pl-1 --wait --timeout 0s", wantUsage: true},
		{name: "bad timeout", args: "pl-1 --wait --timeout soon", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.JSON, NewCmdApprove, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.IO, tt.want.Client, tt.want.Format = got.IO, got.Client, output.JSON
			if got.PlanID != tt.want.PlanID || got.Comment != tt.want.Comment || got.Wait != tt.want.Wait ||
				got.Timeout != tt.want.Timeout || got.PollInterval != tt.want.PollInterval || got.Format != tt.want.Format {
				t.Errorf("options = %+v\nwant      %+v", got, tt.want)
			}
		})
	}
}

// planServer answers the approve and then hands out the plan's later
// states, one per GET, repeating the last.
type planServer struct {
	*apitest.Server
	mu     sync.Mutex
	states []domain.Plan
	body   domain.ApproveRequest
}

func newPlanServer(t *testing.T, decision http.HandlerFunc, later ...domain.Plan) *planServer {
	s := &planServer{Server: apitest.New(t), states: later}
	s.Handle("POST /api/v1/plans/{id}/approve", apitest.Capture(&s.body, decision))
	s.Handle("GET /api/v1/plans/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		p := s.states[0]
		if len(s.states) > 1 {
			s.states = s.states[1:]
		}
		s.mu.Unlock()
		apitest.JSON(http.StatusOK, p)(w, r)
	})
	return s
}

func decided(outcome string, need int, p domain.Plan) http.HandlerFunc {
	return apitest.JSON(http.StatusOK, domain.DecisionResponse{Outcome: outcome, ApprovalsNeeded: need, Plan: p})
}

// noStdin fails the test if approve ever reads stdin: it must never prompt.
type noStdin struct{ t *testing.T }

func (r noStdin) Read([]byte) (int, error) {
	r.t.Error("approve read stdin")
	return 0, nil
}

func TestApproveRun(t *testing.T) {
	plan := apitest.Plan()
	approved := apitest.WithStatus(plan, domain.PlanDispatched, "", "")
	running := apitest.WithStatus(plan, domain.PlanRunning, domain.TaskRunning, "")
	succeeded := apitest.WithStatus(plan, domain.PlanSucceeded, domain.TaskSucceeded, "")
	failed := apitest.WithStatus(plan, domain.PlanFailed, domain.TaskFailed, "container did not start")
	rolledBack := apitest.WithStatus(plan, domain.PlanRolledBack, domain.TaskRolledBack, "health check failed")

	tests := []struct {
		name       string
		args       string
		format     output.Format
		decision   http.HandlerFunc
		later      []domain.Plan
		wantCode   int
		wantErr    string
		wantOut    string
		wantErrOut string
		wantGets   int
	}{
		{name: "approved", args: "pl-7f3a --comment ok", decision: decided("approved", 0, approved),
			wantOut: "Approved plan pl-7f3a: Restart nginx on edge-1 (dispatched)\n"},
		{name: "pending", args: "pl-7f3a", decision: decided("pending", 1, plan),
			wantCode: 3, wantErr: "approval recorded; plan pl-7f3a needs 1 more approval"},
		{name: "pending does not wait", args: "pl-7f3a --wait", decision: decided("pending", 1, plan), later: []domain.Plan{succeeded},
			wantCode: 3, wantErr: "approval recorded; plan pl-7f3a needs 1 more approval"},
		{name: "wait until succeeded", args: "pl-7f3a --wait", decision: decided("approved", 0, approved),
			later:      []domain.Plan{approved, running, running, succeeded},
			wantOut:    "Plan pl-7f3a succeeded.\n",
			wantErrOut: "Approved plan pl-7f3a; waiting for it to finish.\npl-7f3a: running\npl-7f3a: succeeded\n",
			wantGets:   4},
		{name: "wait until failed", args: "pl-7f3a --wait", decision: decided("approved", 0, approved),
			later: []domain.Plan{running, failed}, wantCode: 10,
			wantErr:    "plan pl-7f3a failed: task tk-91 (docker restart nginx on edge-1) failed: container did not start",
			wantOut:    "Plan pl-7f3a failed.\n",
			wantErrOut: "Approved plan pl-7f3a; waiting for it to finish.\npl-7f3a: running\npl-7f3a: failed\n",
			wantGets:   2},
		{name: "wait until rolled back", args: "pl-7f3a --wait", decision: decided("approved", 0, approved),
			later: []domain.Plan{rolledBack}, wantCode: 10,
			wantErr:    "plan pl-7f3a was rolled back: task tk-91 (docker restart nginx on edge-1) rolled_back: health check failed",
			wantOut:    "Plan pl-7f3a rolled_back.\n",
			wantErrOut: "Approved plan pl-7f3a; waiting for it to finish.\npl-7f3a: rolled_back\n",
			wantGets:   1},
		{name: "wait times out", args: "pl-7f3a --wait --timeout 30ms", decision: decided("approved", 0, approved),
			later: []domain.Plan{running}, wantCode: 1,
			wantErr:    "timed out after 30ms waiting for plan pl-7f3a (status running)",
			wantErrOut: "Approved plan pl-7f3a; waiting for it to finish.\npl-7f3a: running\n",
			wantGets:   -1},
		{name: "refused by policy", args: "pl-7f3a",
			decision: apitest.Error(http.StatusForbidden, domain.CodePolicy, "the plan's author may not approve it"),
			wantCode: 7, wantErr: "approve pl-7f3a: refused by policy: the plan's author may not approve it"},
		{name: "expired", args: "pl-7f3a --wait",
			decision: apitest.Error(http.StatusConflict, domain.CodeExpired, "plan pl-7f3a expired 2m ago"),
			wantCode: 8, wantErr: "approve pl-7f3a: plan expired: plan pl-7f3a expired 2m ago"},
		{name: "already decided", args: "pl-7f3a",
			decision: apitest.Error(http.StatusConflict, domain.CodeDecided, "plan pl-7f3a was rejected by bob"),
			wantCode: 8, wantErr: "approve pl-7f3a: plan already decided: plan pl-7f3a was rejected by bob"},
		{name: "viewer", args: "pl-7f3a",
			decision: apitest.Error(http.StatusForbidden, domain.CodeForbidden, "approving needs the operator role"),
			wantCode: 5, wantErr: "approve pl-7f3a: forbidden: approving needs the operator role"},
		{name: "no such plan", args: "pl-0",
			decision: apitest.Error(http.StatusNotFound, domain.CodeNotFound, "plan pl-0 not found"),
			wantCode: 4, wantErr: "approve pl-0: plan pl-0 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newPlanServer(t, tt.decision, tt.later...)
			format := tt.format
			if format == "" {
				format = output.Table
			}
			f, out, errOut := srv.Factory(format)
			f.IOStreams.In = noStdin{t}
			cmd := NewCmdApprove(f, func(o *ApproveOptions) error {
				o.PollInterval = time.Millisecond
				return approveRun(context.Background(), o)
			})
			err := apitest.Run(cmd, tt.args)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Errorf("exit code = %d (%v), want %d", code, err, tt.wantCode)
			}
			if err != nil && err.Error() != tt.wantErr {
				t.Errorf("err = %q\nwant  %q", err, tt.wantErr)
			}
			if out.String() != tt.wantOut {
				t.Errorf("out = %q\nwant  %q", out, tt.wantOut)
			}
			if errOut.String() != tt.wantErrOut {
				t.Errorf("errOut = %q\nwant     %q", errOut, tt.wantErrOut)
			}
			gets := 0
			for _, r := range srv.Requests() {
				if r == "GET /api/v1/plans/pl-7f3a" {
					gets++
				}
			}
			if tt.wantGets >= 0 && gets != tt.wantGets {
				t.Errorf("polled %d times, want %d", gets, tt.wantGets)
			}
		})
	}
}

func TestApproveRunSendsComment(t *testing.T) {
	srv := newPlanServer(t, decided("approved", 0, apitest.WithStatus(apitest.Plan(), domain.PlanDispatched, "", "")))
	apitest.Exec(t, srv.Server, output.Table, NewCmdApprove, "pl-7f3a --comment checked")
	if srv.body.Comment != "checked" {
		t.Errorf("comment = %q", srv.body.Comment)
	}
}

// With -o json a script gets the plan whatever the outcome, and the exit
// code still tells the outcome.
func TestApproveRunJSON(t *testing.T) {
	plan := apitest.Plan()
	succeeded := apitest.WithStatus(plan, domain.PlanSucceeded, domain.TaskSucceeded, "")
	tests := []struct {
		name       string
		args       string
		decision   http.HandlerFunc
		wantStatus domain.PlanStatus
		wantCode   int
	}{
		{"pending", "pl-7f3a", decided("pending", 1, plan), domain.PlanPending, 3},
		{"approved", "pl-7f3a", decided("approved", 0, apitest.WithStatus(plan, domain.PlanDispatched, "", "")), domain.PlanDispatched, 0},
		{"waited", "pl-7f3a --wait", decided("approved", 0, apitest.WithStatus(plan, domain.PlanDispatched, "", "")), domain.PlanSucceeded, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newPlanServer(t, tt.decision, succeeded)
			f, out, _ := srv.Factory(output.JSON)
			cmd := NewCmdApprove(f, func(o *ApproveOptions) error {
				o.PollInterval = time.Millisecond
				return approveRun(context.Background(), o)
			})
			err := apitest.Run(cmd, tt.args)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Errorf("exit code = %d (%v), want %d", code, err, tt.wantCode)
			}
			var got domain.Plan
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("out is not a plan: %v\n%s", err, out)
			}
			if got.ID != "pl-7f3a" || got.Status != tt.wantStatus {
				t.Errorf("plan %s %s, want status %s", got.ID, got.Status, tt.wantStatus)
			}
		})
	}
}

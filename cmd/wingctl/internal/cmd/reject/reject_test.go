package reject

import (
	"net/http"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdReject(t *testing.T) {
	tests := []struct {
		name       string
		args       string
		wantPlan   string
		wantReason string
		wantUsage  bool
	}{
		{name: "reason", args: "pl-7f3a --reason dup", wantPlan: "pl-7f3a", wantReason: "dup"},
		{name: "no reason", args: "pl-7f3a", wantUsage: true},
		{name: "blank reason", args: "pl-7f3a --reason= ", wantUsage: true},
		{name: "no plan", args: "--reason dup", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdReject, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.PlanID != tt.wantPlan || got.Reason != tt.wantReason {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestRejectRun(t *testing.T) {
	rejected := apitest.WithStatus(apitest.Plan(), domain.PlanRejected, "", "")
	tests := []struct {
		name     string
		answer   http.HandlerFunc
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"rejected", apitest.JSON(http.StatusOK, domain.DecisionResponse{Outcome: "rejected", Plan: rejected}), 0,
			"Rejected plan pl-7f3a: Restart nginx on edge-1 (rejected)\n", ""},
		{"already decided", apitest.Error(http.StatusConflict, domain.CodeDecided, "plan pl-7f3a is already approved"), 8,
			"", "reject pl-7f3a: plan already decided: plan pl-7f3a is already approved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body domain.RejectRequest
			srv := apitest.Serve(t, "POST /api/v1/plans/{id}/reject", apitest.Capture(&body, tt.answer))
			f, out, _ := srv.Factory(output.Table)
			err := apitest.Run(NewCmdReject(f, nil), "pl-7f3a --reason duplicate")
			if code := cmdutil.ExitCode(err); code != tt.wantCode || (err != nil && err.Error() != tt.wantErr) {
				t.Errorf("err = %v (exit %d), want %q (exit %d)", err, code, tt.wantErr, tt.wantCode)
			}
			if out.String() != tt.wantOut {
				t.Errorf("out = %q, want %q", out, tt.wantOut)
			}
			if body.Reason != "duplicate" {
				t.Errorf("reason sent = %q", body.Reason)
			}
		})
	}
}

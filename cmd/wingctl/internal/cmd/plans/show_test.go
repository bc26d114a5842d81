package plans

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdShow(t *testing.T) {
	tests := []struct {
		args      string
		wantID    string
		wantUsage bool
	}{
		{args: "pl-7f3a", wantID: "pl-7f3a"},
		{args: "", wantUsage: true},
		{args: "pl-1 pl-2", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.YAML, NewCmdShow, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.ID != tt.wantID || got.Format != output.YAML {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestShowRun(t *testing.T) {
	failed := apitest.WithStatus(apitest.Plan(), domain.PlanFailed, domain.TaskFailed, "container did not start")
	failed.DecidedAt = apitest.At(-3 * time.Minute)
	tests := []struct {
		name string
		plan domain.Plan
		want string
	}{
		{"pending", apitest.Plan(), `pl-7f3a  Restart nginx on edge-1
Status:     pending
Approvals:  1/2 (author may approve: no)
Incident:   in-3c1d
Author:     advisor
Created:    2026-03-01T11:55:00Z (5m ago)
Expires:    2026-03-01T12:55:00Z (in 55m)

Rationale:
  nginx exited 5 times in 10 minutes.
  A restart cleared the same fault last week.

Actions:
  #  PLUGIN  ACTION   WORKER  TARGET  SCOPE      MUTATES  REVERSIBLE
  1  docker  restart  edge-1  nginx   container  yes      yes

Approvals:
  USER   ROLE      DECISION  WHEN    COMMENT
  alice  operator  approve   2m ago  looks right
`},
		{"failed with tasks", failed, `pl-7f3a  Restart nginx on edge-1
Status:     failed
Approvals:  1/2 (author may approve: no)
Incident:   in-3c1d
Author:     advisor
Created:    2026-03-01T11:55:00Z (5m ago)
Decided:    2026-03-01T11:57:00Z (3m ago)

Rationale:
  nginx exited 5 times in 10 minutes.
  A restart cleared the same fault last week.

Actions:
  #  PLUGIN  ACTION   WORKER  TARGET  SCOPE      MUTATES  REVERSIBLE
  1  docker  restart  edge-1  nginx   container  yes      yes

Approvals:
  USER   ROLE      DECISION  WHEN    COMMENT
  alice  operator  approve   2m ago  looks right

Tasks:
  ID     #  WORKER  ACTION                STATUS  ATTEMPTS  FINISHED  ERROR
  tk-91  1  edge-1  docker restart nginx  failed  1         10s ago   container did not start
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := apitest.Serve(t, "GET /api/v1/plans/{id}", apitest.JSON(http.StatusOK, tt.plan))
			out, _ := apitest.Exec(t, srv, output.Table, NewCmdShow, "pl-7f3a")
			if out.String() != tt.want {
				t.Errorf("out:\n%s\nwant:\n%s", out, tt.want)
			}
		})
	}
}

func TestShowRunJSONIsThePlan(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/plans/{id}", apitest.JSON(http.StatusOK, apitest.Plan()))
	out, _ := apitest.Exec(t, srv, output.JSON, NewCmdShow, "pl-7f3a")
	var got domain.Plan
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.ID != "pl-7f3a" || len(got.Approvals) != 1 {
		t.Errorf("json = %s, err = %v", out, err)
	}
}

func TestShowRunNotFound(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/plans/{id}", apitest.Error(http.StatusNotFound, domain.CodeNotFound, "no plan pl-0"))
	f, _, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdShow(f, nil), "pl-0")
	if !errors.Is(err, domain.ErrNotFound) || err.Error() != "get plan pl-0: not found: no plan pl-0" {
		t.Errorf("err = %v", err)
	}
}

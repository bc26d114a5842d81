package plans

import (
	"errors"
	"net/http"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		name       string
		args       string
		wantStatus string
		wantLimit  int
		wantUsage  bool
	}{
		{name: "no flags"},
		{name: "status and limit", args: "--status pending --limit 5", wantStatus: "pending", wantLimit: 5},
		{name: "rolled back", args: "--status rolled_back", wantStatus: "rolled_back"},
		{name: "unknown status", args: "--status done", wantUsage: true},
		{name: "negative limit", args: "--limit -1", wantUsage: true},
		{name: "argument", args: "pending", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.JSON, NewCmdList, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.wantStatus || got.Limit != tt.wantLimit || got.Format != output.JSON {
				t.Errorf("options = %+v", got)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	approved := apitest.WithStatus(apitest.Plan(), domain.PlanSucceeded, domain.TaskSucceeded, "")
	approved.ID, approved.Title = "pl-6e21", "Prune images on nas-1"
	tests := []struct {
		name    string
		format  output.Format
		answer  []domain.Plan
		wantOut string
	}{
		{"table", output.Table, []domain.Plan{apitest.Plan(), approved},
			"ID       STATUS     APPROVALS  ACTIONS  CREATED  EXPIRES  TITLE\n" +
				"pl-7f3a  pending    1/2        1        5m ago   in 55m   Restart nginx on edge-1\n" +
				"pl-6e21  succeeded  1/2        1        5m ago   -        Prune images on nas-1\n"},
		{"empty table", output.Table, nil, ""},
		{"empty json", output.JSON, nil, "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := apitest.Serve(t, "GET /api/v1/plans", apitest.JSON(http.StatusOK, tt.answer))
			out, errOut := apitest.Exec(t, srv, tt.format, NewCmdList, "--status pending --limit 2")
			if out.String() != tt.wantOut {
				t.Errorf("out:\n%s\nwant:\n%s", out, tt.wantOut)
			}
			if errOut.String() != "" {
				t.Errorf("errOut = %q", errOut)
			}
			if got := srv.Requests(); len(got) != 1 || got[0] != "GET /api/v1/plans?limit=2&status=pending" {
				t.Errorf("requests = %q", got)
			}
		})
	}
}

func TestListRunForbidden(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/plans", apitest.Error(http.StatusForbidden, domain.CodeForbidden, "viewer role needed"))
	f, out, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdList(f, nil), "")
	if !errors.Is(err, domain.ErrForbidden) || err.Error() != "list plans: forbidden: viewer role needed" {
		t.Errorf("err = %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("out = %q", out)
	}
}

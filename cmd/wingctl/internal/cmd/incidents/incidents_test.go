package incidents

import (
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		args      string
		want      ListOptions
		wantUsage bool
	}{
		{args: ""},
		{args: "--state open --worker edge-1 --limit 3", want: ListOptions{State: "open", Worker: "edge-1", Limit: 3}},
		{args: "--state acknowledged", want: ListOptions{State: "acknowledged"}},
		{args: "--state closed", wantUsage: true},
		{args: "--limit -2", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdList, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.State != tt.want.State || got.Worker != tt.want.Worker || got.Limit != tt.want.Limit {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestNewCmdShow(t *testing.T) {
	if got, err := apitest.ParseOptions(output.Table, NewCmdShow, "in-3c1d"); err != nil || got.ID != "in-3c1d" {
		t.Errorf("options = %+v, err = %v", got, err)
	}
	_, err := apitest.ParseOptions(output.Table, NewCmdShow, "")
	apitest.WantUsage(t, err)
}

func incident() domain.Incident {
	return domain.Incident{
		ID: "in-3c1d", Kind: "container_crashloop", Title: "nginx keeps crashing", Detail: "Exited 5 times in 10 minutes.",
		Severity: domain.SeverityCritical, State: domain.IncidentOpen, SiteName: "home", WorkerID: "edge-1",
		TargetType: "container", Target: "nginx", PlanID: "pl-7f3a", OpenedAt: apitest.Now.Add(-12 * time.Minute),
	}
}

func TestListRun(t *testing.T) {
	resolved := incident()
	resolved.ID, resolved.State, resolved.PlanID, resolved.Severity = "in-2a00", domain.IncidentResolved, "", domain.SeverityWarning
	resolved.OpenedAt = apitest.Now.Add(-3 * time.Hour)
	srv := apitest.Serve(t, "GET /api/v1/incidents", apitest.JSON(http.StatusOK, []domain.Incident{incident(), resolved}))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdList, "--state open")
	want := "ID       SEVERITY  STATE     WORKER  TARGET           OPENED   PLAN     TITLE\n" +
		"in-3c1d  critical  open      edge-1  container/nginx  12m ago  pl-7f3a  nginx keeps crashing\n" +
		"in-2a00  warning   resolved  edge-1  container/nginx  3h ago   -        nginx keeps crashing\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
	if r := srv.Requests(); r[0] != "GET /api/v1/incidents?state=open" {
		t.Errorf("request = %q", r[0])
	}
}

func TestListRunEmptyOnTerminal(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/incidents", apitest.JSON(http.StatusOK, []domain.Incident{}))
	f, out, errOut := srv.Factory(output.Table)
	f.IOStreams.SetStdoutTTY(true)
	if err := apitest.Run(NewCmdList(f, nil), ""); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 || errOut.String() != "No incidents found.\n" {
		t.Errorf("out = %q, errOut = %q", out, errOut)
	}
}

func TestShowRun(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/incidents/{id}", apitest.JSON(http.StatusOK, incident()))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdShow, "in-3c1d")
	want := `in-3c1d  nginx keeps crashing
Kind:          container_crashloop
Severity:      critical
State:         open
Site:          home
Worker:        edge-1
Target:        container/nginx
Plan:          pl-7f3a
Opened:        2026-03-01T11:48:00Z (12m ago)
Acknowledged:  -
Resolved:      -

Exited 5 times in 10 minutes.
`
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
}

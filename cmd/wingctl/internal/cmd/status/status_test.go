package status

import (
	"net/http"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdStatus(t *testing.T) {
	got, err := apitest.ParseOptions(output.YAML, NewCmdStatus, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != output.YAML {
		t.Errorf("format = %q", got.Format)
	}
	_, err = apitest.ParseOptions(output.YAML, NewCmdStatus, "extra")
	apitest.WantUsage(t, err)
}

func TestStatusRun(t *testing.T) {
	s := domain.Status{Version: "0.3.0", Store: "sqlite", Now: apitest.Now, Workers: 3, WorkersOnline: 2,
		OpenIncidents: 1, PendingPlans: 4, Facts: 120}
	srv := apitest.Serve(t, "GET /api/v1/status", apitest.JSON(http.StatusOK, s))

	out, _ := apitest.Exec(t, srv, output.Table, NewCmdStatus, "")
	want := "Server:          " + srv.URL + `
Version:         0.3.0
Store:           sqlite
Server time:     2026-03-01T12:00:00Z (just now)
Workers:         3 (2 online)
Open incidents:  1
Pending plans:   4
Facts:           120
`
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}

	out, _ = apitest.Exec(t, srv, output.YAML, NewCmdStatus, "")
	want = `version: 0.3.0
store: sqlite
now: "2026-03-01T12:00:00Z"
workers: 3
workers_online: 2
open_incidents: 1
pending_plans: 4
facts: 120
`
	if out.String() != want {
		t.Errorf("yaml:\n%s\nwant:\n%s", out, want)
	}
}

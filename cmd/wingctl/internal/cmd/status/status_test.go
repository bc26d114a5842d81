package status

import (
	"net/http"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdStatus(t *testing.T) {
	f, _, _ := apitest.NewFactory("http://unused", "t", output.YAML)
	var got *StatusOptions
	if err := apitest.Run(NewCmdStatus(f, func(o *StatusOptions) error { got = o; return nil }), ""); err != nil {
		t.Fatal(err)
	}
	if got.Format != output.YAML {
		t.Errorf("format = %q", got.Format)
	}
	err := apitest.Run(NewCmdStatus(f, func(*StatusOptions) error { return nil }), "extra")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("err = %v, want a usage error", err)
	}
}

func TestStatusRun(t *testing.T) {
	s := domain.Status{Version: "0.3.0", Store: "sqlite", Now: apitest.Now, Workers: 3, WorkersOnline: 2,
		OpenIncidents: 1, PendingPlans: 4, Facts: 120}
	srv := apitest.New(t)
	srv.Handle("GET /api/v1/status", apitest.JSON(http.StatusOK, s))

	f, out, _ := srv.Factory(output.Table)
	if err := apitest.Run(NewCmdStatus(f, nil), ""); err != nil {
		t.Fatal(err)
	}
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

	f, out, _ = srv.Factory(output.YAML)
	if err := apitest.Run(NewCmdStatus(f, nil), ""); err != nil {
		t.Fatal(err)
	}
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

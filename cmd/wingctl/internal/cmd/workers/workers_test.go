package workers

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdAdd(t *testing.T) {
	tests := []struct {
		args      string
		wantID    string
		wantSite  string
		wantUsage bool
	}{
		{args: "edge-1 --site home", wantID: "edge-1", wantSite: "home"},
		{args: "edge-1", wantUsage: true},
		{args: "--site home", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdAdd, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.ID != tt.wantID || got.Site != tt.wantSite {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestNewCmdRemove(t *testing.T) {
	if got, err := apitest.ParseOptions(output.Table, NewCmdRemove, "edge-1"); err != nil || got.ID != "edge-1" {
		t.Errorf("options = %+v, err = %v", got, err)
	}
	_, err := apitest.ParseOptions(output.Table, NewCmdRemove, "")
	apitest.WantUsage(t, err)
}

func TestListRun(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/workers", apitest.JSON(http.StatusOK, []domain.Worker{
		{ID: "edge-1", SiteName: "home", Health: domain.WorkerHealthy, Version: "0.3.0", LastSeenAt: apitest.At(-12 * time.Second),
			LastSyncAt: apitest.At(-12 * time.Second), Sandbox: &domain.SandboxState{Mode: domain.SandboxFull}},
		{ID: "nas-1", SiteName: "office", Health: domain.WorkerUnknown},
		{ID: "pve-1", SiteName: "office", Health: domain.WorkerUnreachable, Version: "0.3.0", LastSeenAt: apitest.At(-3 * time.Hour),
			Backlog:    domain.Backlog{Files: 180, Bytes: 1536 << 10, Oldest: apitest.At(-3 * time.Hour), Quarantined: 2},
			LastSyncAt: apitest.At(-3 * time.Hour),
			Gaps:       []domain.Gap{{ID: "gap-1", PayloadType: domain.PayloadFacts, Files: 30, Bytes: 9000, Reason: domain.GapCap}},
			Sandbox:    &domain.SandboxState{Mode: domain.SandboxDegraded, Missing: []string{"landlock"}}},
		{ID: "rpi-1", SiteName: "home", Health: domain.WorkerHealthy, Version: "0.3.0", LastSeenAt: apitest.At(-5 * time.Second),
			LastSyncAt: apitest.At(-5 * time.Second), Sandbox: &domain.SandboxState{Mode: domain.SandboxOff, Missing: []string{"landlock"}}},
	}))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdList, "")
	want := "" +
		"ID      SITE    HEALTH       SANDBOX              LAST SEEN  BACKLOG                                            LAST SYNC  GAPS               VERSION\n" +
		"edge-1  home    healthy      full                 12s ago    -                                                  12s ago    -                  0.3.0\n" +
		"nas-1   office  unknown      -                    never      -                                                  never      -                  -\n" +
		"pve-1   office  unreachable  DEGRADED (landlock)  3h ago     180 files, 1.5 MiB, oldest 3h ago (2 quarantined)  3h ago     1 (30 files lost)  0.3.0\n" +
		"rpi-1   home    healthy      off (landlock)       5s ago     -                                                  5s ago     -                  0.3.0\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}

	// -o json has the sandbox in its structured form, and nothing for a
	// worker that never said.
	out, _ = apitest.Exec(t, srv, output.JSON, NewCmdList, "")
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 4 {
		t.Fatalf("json = %s (%v)", out, err)
	}
	wantBox := []string{`{"mode":"full"}`, `null`, `{"missing":["landlock"],"mode":"degraded"}`, `{"missing":["landlock"],"mode":"off"}`}
	for i, w := range got {
		if box, _ := json.Marshal(w["sandbox"]); string(box) != wantBox[i] {
			t.Errorf("%s: sandbox = %s, want %s", w["id"], box, wantBox[i])
		}
	}
}

func TestAddRun(t *testing.T) {
	created := domain.CreatedWorker{Secret: "wk_s3cret", Worker: domain.Worker{ID: "edge-1", SiteName: "home", Health: domain.WorkerUnknown}}
	tests := []struct {
		format     output.Format
		wantOut    string
		wantErrOut string
	}{
		{output.Table, "wk_s3cret\n", "Registered worker edge-1 at site home. Its token is shown only once; store it now:\n"},
		{output.JSON, "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var req domain.CreateWorkerRequest
			srv := apitest.Serve(t, "POST /api/v1/workers", apitest.Capture(&req, apitest.JSON(http.StatusCreated, created)))
			out, errOut := apitest.Exec(t, srv, tt.format, NewCmdAdd, "edge-1 --site home")
			if req != (domain.CreateWorkerRequest{ID: "edge-1", SiteName: "home"}) {
				t.Errorf("request = %+v", req)
			}
			if tt.format == output.JSON {
				var got map[string]any
				if err := json.Unmarshal(out.Bytes(), &got); err != nil || got["token"] != "wk_s3cret" {
					t.Errorf("json = %s (%v), want a \"token\" key", out, err)
				}
			} else if out.String() != tt.wantOut {
				t.Errorf("out = %q, want %q", out, tt.wantOut)
			}
			if errOut.String() != tt.wantErrOut {
				t.Errorf("errOut = %q, want %q", errOut, tt.wantErrOut)
			}
		})
	}
}

func TestAddRunConflict(t *testing.T) {
	srv := apitest.Serve(t, "POST /api/v1/workers", apitest.Error(http.StatusConflict, domain.CodeConflict, "worker edge-1 already exists"))
	f, out, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdAdd(f, nil), "edge-1 --site home")
	if !errors.Is(err, domain.ErrConflict) || cmdutil.ExitCode(err) != 1 || out.Len() != 0 {
		t.Errorf("err = %v, out = %q", err, out)
	}
}

func TestRemoveRun(t *testing.T) {
	srv := apitest.Serve(t, "DELETE /api/v1/workers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "edge-1" {
			apitest.Error(http.StatusNotFound, domain.CodeNotFound, "no worker "+r.PathValue("id"))(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	out, errOut := apitest.Exec(t, srv, output.Table, NewCmdRemove, "edge-1")
	if out.Len() != 0 || errOut.String() != "Removed worker edge-1.\n" {
		t.Errorf("out = %q, errOut = %q", out, errOut)
	}
	f, _, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdRemove(f, nil), "edge-9")
	if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || err.Error() != "delete worker edge-9: not found: no worker edge-9" {
		t.Errorf("err = %v", err)
	}
}

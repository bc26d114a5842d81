package root

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/core/domain"
)

// run runs wingctl as a process would, with an environment that has no
// config file and no admin token unless vars add them.
func run(t *testing.T, args string, vars map[string]string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, "cfg"), "WINGMAN_DATA_DIR": filepath.Join(dir, "data")}
	for k, v := range vars {
		env[k] = v
	}
	ios, _, out, errOut := iostreams.Test()
	code = Run(context.Background(), strings.Fields(args), ios, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// server is a wingmand stand-in with one route per exit code.
func server(t *testing.T) *apitest.Server {
	srv := apitest.New(t)
	plan := apitest.Plan()
	srv.Handle("GET /api/v1/status", apitest.JSON(http.StatusOK, domain.Status{Version: "0.3.0"}))
	srv.Handle("GET /api/v1/plans/pl-0", apitest.Error(http.StatusNotFound, domain.CodeNotFound, "plan pl-0 not found"))
	srv.Handle("GET /api/v1/tokens", apitest.Error(http.StatusForbidden, domain.CodeForbidden, "admin role needed"))
	srv.Handle("POST /api/v1/workers", apitest.Error(http.StatusConflict, domain.CodeConflict, "worker edge-1 exists"))
	srv.Handle("POST /api/v1/plans/pl-pending/approve", apitest.JSON(http.StatusOK,
		domain.DecisionResponse{Outcome: "pending", ApprovalsNeeded: 1, Plan: plan}))
	srv.Handle("POST /api/v1/plans/pl-mine/approve", apitest.Error(http.StatusForbidden, domain.CodePolicy, "the plan's author may not approve it"))
	srv.Handle("POST /api/v1/plans/pl-done/approve", apitest.Error(http.StatusConflict, domain.CodeDecided, "plan pl-done was rejected"))
	srv.Handle("POST /api/v1/plans/pl-7f3a/approve", apitest.JSON(http.StatusOK,
		domain.DecisionResponse{Outcome: "approved", Plan: apitest.WithStatus(plan, domain.PlanDispatched, "", "")}))
	srv.Handle("GET /api/v1/plans/pl-7f3a", apitest.JSON(http.StatusOK,
		apitest.WithStatus(plan, domain.PlanFailed, domain.TaskFailed, "exit status 1")))
	return srv
}

func TestExitCodes(t *testing.T) {
	srv := server(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()

	up := map[string]string{"WINGMAN_SERVER": srv.URL, "WINGMAN_TOKEN": apitest.Token}
	tests := []struct {
		name       string
		args       string
		vars       map[string]string
		wantCode   int
		wantStderr string
	}{
		{"success", "status", up, 0, ""},
		{"other error", "workers add edge-1 --site home", up, 1, "wingctl: create worker edge-1: already exists: worker edge-1 exists\n"},
		{"unknown flag", "plans list --bogus", up, 2, "wingctl: unknown flag: --bogus\nRun 'wingctl plans list --help' for usage.\n"},
		{"unknown command", "plan list", up, 2, "wingctl: unknown command \"plan\" for wingctl; did you mean plans?\nRun 'wingctl --help' for usage.\n"},
		{"unknown verb", "plans lst", up, 2, "wingctl: unknown command \"lst\" for wingctl plans; did you mean list?\nRun 'wingctl plans --help' for usage.\n"},
		{"bad output", "status -o xml", up, 2, "wingctl: invalid argument \"xml\" for \"-o, --output\" flag: \"xml\" is not one of table, json, yaml\nRun 'wingctl status --help' for usage.\n"},
		{"missing reason", "reject pl-1", up, 2, "wingctl: --reason is required: say why the plan should not run\nRun 'wingctl reject --help' for usage.\n"},
		{"bad server", "status --server ftp://x", up, 2, "wingctl: server \"ftp://x\" (from --server): scheme must be http or https\nRun 'wingctl status --help' for usage.\n"},
		{"pending", "approve pl-pending", up, 3, "wingctl: approval recorded; plan pl-pending needs 1 more approval\n"},
		{"not found", "plans show pl-0", up, 4, "wingctl: get plan pl-0: plan pl-0 not found\n"},
		{"forbidden", "tokens list", up, 5, "wingctl: list tokens: forbidden: admin role needed\n"},
		{"bad token", "status --token forged", up, 6, "wingctl: get status: not authenticated: token not recognised\n"},
		{"no token", "status", map[string]string{"WINGMAN_SERVER": srv.URL}, 6, ""},
		{"policy", "approve pl-mine", up, 7, "wingctl: approve pl-mine: refused by policy: the plan's author may not approve it\n"},
		{"decided", "approve pl-done", up, 8, "wingctl: approve pl-done: plan already decided: plan pl-done was rejected\n"},
		{"unreachable", "status --server " + down, up, 9, ""},
		{"task failed", "approve pl-7f3a --wait", up, 10, "Approved plan pl-7f3a; waiting for it to finish.\npl-7f3a: failed\n" +
			"wingctl: plan pl-7f3a failed: task tk-91 (docker restart nginx on edge-1) failed: exit status 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args, tt.vars)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if tt.wantStderr != "" && stderr != tt.wantStderr {
				t.Errorf("stderr = %q\nwant     %q", stderr, tt.wantStderr)
			}
			if !strings.HasPrefix(stderr, "wingctl: ") && tt.wantCode != 0 && tt.wantCode != 10 {
				t.Errorf("stderr = %q, want a wingctl: prefix", stderr)
			}
			if strings.Contains(stderr, "Usage:") {
				t.Errorf("usage dumped on error:\n%s", stderr)
			}
		})
	}
}

func TestUnreachableNamesServer(t *testing.T) {
	_, _, stderr := run(t, "status --token x --server http://127.0.0.1:1", nil)
	if !strings.HasPrefix(stderr, "wingctl: get status: server unreachable: http://127.0.0.1:1: ") {
		t.Errorf("stderr = %q", stderr)
	}
}

// A local user can use wingctl right after starting wingmand: with no token
// configured, a loopback server gets the bootstrap admin token.
func TestAdminTokenOnLoopback(t *testing.T) {
	srv := server(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "admin.token"), []byte(apitest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "status -o json --server "+srv.URL, map[string]string{"WINGMAN_DATA_DIR": data})
	if code != 0 || !strings.Contains(stdout, `"version": "0.3.0"`) {
		t.Errorf("code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestConfigFile(t *testing.T) {
	srv := server(t)
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "wingman"), 0o700); err != nil {
		t.Fatal(err)
	}
	yaml := "server: " + srv.URL + "\ntoken: " + apitest.Token + "\n"
	if err := os.WriteFile(filepath.Join(cfg, "wingman", "config.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "status", map[string]string{"XDG_CONFIG_HOME": cfg})
	if code != 0 {
		t.Errorf("code %d, stderr %q", code, stderr)
	}
	// The environment beats the file.
	code, _, _ = run(t, "status", map[string]string{"XDG_CONFIG_HOME": cfg, "WINGMAN_TOKEN": "forged"})
	if code != cmdutil.ExitUnauthenticated {
		t.Errorf("code %d with a forged WINGMAN_TOKEN, want %d", code, cmdutil.ExitUnauthenticated)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range []string{"", "--help", "approve --help"} {
		code, stdout, stderr := run(t, args, nil)
		if code != 0 || stderr != "" {
			t.Errorf("%q: code %d, stderr %q", args, code, stderr)
		}
		if !strings.Contains(stdout, cmdutil.ExitCodesHelp) || !strings.Contains(stdout, "Examples:") {
			t.Errorf("%q: help lacks the exit codes or examples:\n%s", args, stdout)
		}
	}
}

// Every command teaches: a long description, and examples for every verb.
func TestEveryCommandHasLongHelpAndExamples(t *testing.T) {
	f, _, _ := apitest.NewFactory("http://unused", "", "")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Long == "" {
			t.Errorf("%s has no Long help", c.CommandPath())
		}
		if !c.HasSubCommands() && c.Example == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewCmdRoot(f))
}

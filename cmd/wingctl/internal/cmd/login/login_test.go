package login

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

func TestNewCmdLoginShadowed(t *testing.T) {
	f, _, _ := apitest.NewFactory("http://unused", "", output.Table)
	f.Getenv = func(k string) string { return map[string]string{"WINGMAN_TOKEN": "wm_x"}[k] }
	var got *LoginOptions
	if err := apitest.Run(NewCmdLogin(f, func(o *LoginOptions) error { got = o; return nil }), "--device"); err != nil {
		t.Fatal(err)
	}
	if got.ShadowedBy != "WINGMAN_TOKEN" {
		t.Errorf("ShadowedBy = %q, want WINGMAN_TOKEN", got.ShadowedBy)
	}
}

func TestNewCmdLogin(t *testing.T) {
	tests := []struct {
		args       string
		wantDevice bool
		wantOpen   bool
		wantUsage  bool
	}{
		{args: "--device", wantDevice: true, wantOpen: true},
		{args: "--browser", wantOpen: true},
		{args: "--browser --no-open"},
		{args: "--device --browser", wantUsage: true},
		{args: "--timeout 0s", wantUsage: true},
		{args: "now", wantUsage: true},
		// The test's environment is empty: no SSH, and no display.
		{args: "", wantDevice: !sso.HasBrowser(func(string) string { return "" }, runtime.GOOS), wantOpen: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdLogin, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.UseDevice != tt.wantDevice || (got.Open != nil) != tt.wantOpen {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

// lockedBuffer is written by the login while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// world is a real wingmand in this process with single sign-on through a
// real provider, whose people are alice (admin), bob (operator) and carol
// (no mapped group: no role).
type world struct {
	p      *oidctest.Provider
	server string
}

func newWorld(t *testing.T, opts ...oidctest.Option) *world {
	t.Helper()
	p := oidctest.New(t, opts...)
	p.AddUser(oidctest.User{Username: "alice", Name: "Alice", Groups: []string{"wingman-admins"}})
	p.AddUser(oidctest.User{Username: "bob", Name: "Bob", Groups: []string{"ops"}})
	p.AddUser(oidctest.User{Username: "carol"})
	settings, err := config.LoadOIDC(func(k string) string {
		return map[string]string{"OIDC_ENABLED": "true", "OIDC_ISSUER_URL": p.Issuer, "OIDC_CLIENT_ID": oidctest.WebClientID,
			"OIDC_CLI_CLIENT_ID": oidctest.CLIClientID, "OIDC_ROLE_MAP": "wingman-admins=admin,ops=operator",
			"OIDC_DEFAULT_ROLE": "none"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	return &world{p: p, server: startDaemon(t, daemon.WithOIDC(settings))}
}

func startDaemon(t *testing.T, opts ...daemon.Option) string {
	t.Helper()
	cfg := config.DefaultDaemon(func(string) string { return "" })
	cfg.DataDir = t.TempDir()
	d, err := daemon.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// login runs "wingctl login" against the world's server with the flow's
// options, while answer plays the person from what wingctl printed.
func (w *world) login(t *testing.T, device bool, answer func(errOut *lockedBuffer)) (*LoginOptions, string, error) {
	t.Helper()
	var out bytes.Buffer
	errOut := &lockedBuffer{}
	opts := &LoginOptions{
		IO:           &iostreams.IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: errOut},
		Server:       func() (string, error) { return w.server, nil },
		Format:       output.JSON,
		Credentials:  sso.Credentials{Path: filepath.Join(t.TempDir(), sso.CredentialsFile)},
		ProviderHTTP: w.p.HTTPClient(),
		UseDevice:    device,
		Timeout:      30 * time.Second,
	}
	done := make(chan error, 1)
	go func() { done <- loginRun(t.Context(), opts) }()
	answer(errOut)
	select {
	case err := <-done:
		return opts, out.String() + errOut.String(), err
	case <-time.After(30 * time.Second):
		t.Fatalf("login did not end:\n%s", errOut)
	}
	return nil, "", nil
}

func waitFor(t *testing.T, w *lockedBuffer, re *regexp.Regexp) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(w.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no %s in %q", re, w.String())
	return ""
}

var (
	codeRE = regexp.MustCompile(`Code: (\S+)`)
	urlRE  = regexp.MustCompile(`(?m)^  (http\S+)$`)
)

func TestLoginRun(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name   string
		device bool
		user   string
		want   string // on stderr
		code   int
	}{
		// With -o json, stdout has the principal as the server sees it.
		{"device", true, "bob", "Logged in to " + w.server + " as Bob (operator).", 0},
		{"browser", false, "alice", `"role": "admin"`, 0},
		{"no role", true, "carol", "wingctl users set-role", cmdutil.ExitForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := func(errOut *lockedBuffer) {
				if tt.device {
					if err := w.p.ApproveDevice(waitFor(t, errOut, codeRE), tt.user); err != nil {
						t.Error(err)
					}
					return
				}
				back, err := w.p.Login(t.Context(), waitFor(t, errOut, urlRE), tt.user)
				if err != nil {
					t.Error(err)
					return
				}
				resp, err := http.Get(back.String())
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
			opts, printed, err := w.login(t, tt.device, answer)
			if cmdutil.ExitCode(err) != tt.code || !strings.Contains(printed+errString(err), tt.want) {
				t.Fatalf("exit %d (%v), want %d saying %q; printed:\n%s", cmdutil.ExitCode(err), err, tt.code, tt.want, printed)
			}
			// Kept even without a role: it works once an admin gives one.
			l, ok, err := opts.Credentials.Get(w.server)
			if err != nil || !ok || l.IDToken == "" || l.RefreshToken == "" || l.Issuer != w.p.Issuer {
				t.Errorf("stored login = %+v, %v, %v", l, ok, err)
			}
			if st, err := os.Stat(opts.Credentials.Path); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("credentials file: %v %v, want mode 0600", st, err)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestLoginRunWithoutSSO(t *testing.T) {
	server := startDaemon(t)
	ios, _, _, _ := iostreams.Test()
	err := loginRun(t.Context(), &LoginOptions{IO: ios, Server: func() (string, error) { return server, nil }, Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "does not offer single sign-on") {
		t.Errorf("err = %v", err)
	}
}

func TestLoginRunDenied(t *testing.T) {
	w := newWorld(t)
	_, printed, err := w.login(t, true, func(errOut *lockedBuffer) {
		if err := w.p.DenyDevice(waitFor(t, errOut, codeRE)); err != nil {
			t.Error(err)
		}
	})
	if !errors.Is(err, cmdutil.ErrLoginDenied) || cmdutil.ExitCode(err) != cmdutil.ExitLoginDenied {
		t.Errorf("err = %v, want a denied login; printed:\n%s", err, printed)
	}
}

package factory

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
	"github.com/wingman-dev/wingman/core/domain"
)

// env is a fake environment whose config and data dirs live in a temp dir.
type env struct {
	vars                map[string]string
	configFile, dataDir string
}

func newEnv(t *testing.T, configYAML, adminToken string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{
		vars:       map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "cfg"), "WINGMAN_DATA_DIR": filepath.Join(dir, "data")},
		configFile: filepath.Join(dir, "cfg", "wingman", "config.yaml"),
		dataDir:    filepath.Join(dir, "data"),
	}
	if configYAML != "" {
		write(t, e.configFile, configYAML)
	}
	if adminToken != "" {
		write(t, filepath.Join(e.dataDir, "admin.token"), adminToken+"\n")
	}
	return e
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (e *env) getenv(k string) string { return e.vars[k] }

func TestResolveOrder(t *testing.T) {
	tests := []struct {
		name       string
		flags      cmdutil.GlobalFlags
		vars       map[string]string
		config     string
		admin      string
		wantServer string
		wantToken  string
		wantSource string
	}{
		{name: "flag beats env and file",
			flags:  cmdutil.GlobalFlags{Server: "http://flag:1", Token: "flag-tok"},
			vars:   map[string]string{"WINGMAN_SERVER": "http://env:1", "WINGMAN_TOKEN": "env-tok"},
			config: "server: http://file:1\ntoken: file-tok\n", admin: "admin-tok",
			wantServer: "http://flag:1", wantToken: "flag-tok", wantSource: "--token"},
		{name: "env beats file",
			vars:   map[string]string{"WINGMAN_SERVER": "http://env:1", "WINGMAN_TOKEN": "env-tok"},
			config: "server: http://file:1\ntoken: file-tok\n", admin: "admin-tok",
			wantServer: "http://env:1", wantToken: "env-tok", wantSource: "WINGMAN_TOKEN"},
		{name: "file beats admin token",
			config: "server: http://127.0.0.1:8470\ntoken: file-tok\n", admin: "admin-tok",
			wantServer: "http://127.0.0.1:8470", wantToken: "file-tok", wantSource: "config"},
		{name: "admin token on the default loopback server",
			admin:      "admin-tok",
			wantServer: "http://127.0.0.1:8470", wantToken: "admin-tok", wantSource: "admin"},
		{name: "admin token on localhost",
			flags: cmdutil.GlobalFlags{Server: "localhost:9000"}, admin: "admin-tok",
			wantServer: "http://localhost:9000", wantToken: "admin-tok", wantSource: "admin"},
		{name: "admin token on IPv6 loopback",
			vars: map[string]string{"WINGMAN_SERVER": "http://[::1]:8470/"}, admin: "admin-tok",
			wantServer: "http://[::1]:8470", wantToken: "admin-tok", wantSource: "admin"},
		{name: "flag server with file token",
			flags: cmdutil.GlobalFlags{Server: "https://wingman.example"}, config: "token: file-tok\n",
			wantServer: "https://wingman.example", wantToken: "file-tok", wantSource: "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.config, tt.admin)
			for k, v := range tt.vars {
				e.vars[k] = v
			}
			got, err := Resolve(tt.flags, e.getenv)
			if err != nil {
				t.Fatal(err)
			}
			if got.Server != tt.wantServer || got.Token != tt.wantToken {
				t.Errorf("got %s %s, want %s %s", got.Server, got.Token, tt.wantServer, tt.wantToken)
			}
			wantSource := map[string]string{"config": e.configFile, "admin": filepath.Join(e.dataDir, "admin.token")}[tt.wantSource]
			if wantSource == "" {
				wantSource = tt.wantSource
			}
			if got.TokenSource != wantSource {
				t.Errorf("source = %q, want %q", got.TokenSource, wantSource)
			}
		})
	}
}

// The bootstrap admin token is a local secret: a server that is not on
// loopback, from any source, must never get it.
func TestAdminTokenNeverLeavesLoopback(t *testing.T) {
	servers := []struct {
		flags  cmdutil.GlobalFlags
		vars   map[string]string
		config string
	}{
		{flags: cmdutil.GlobalFlags{Server: "http://192.0.2.10:8470"}},
		{vars: map[string]string{"WINGMAN_SERVER": "https://wingman.example"}},
		{config: "server: http://10.0.0.5:8470\n"},
		{flags: cmdutil.GlobalFlags{Server: "http://127.0.0.1.evil.example:8470"}},
		{flags: cmdutil.GlobalFlags{Server: "http://localhost.evil.example"}},
	}
	for _, s := range servers {
		e := newEnv(t, s.config, "admin-tok")
		for k, v := range s.vars {
			e.vars[k] = v
		}
		got, err := Resolve(s.flags, e.getenv)
		if !errors.Is(err, domain.ErrUnauthenticated) || got.Token != "" {
			t.Errorf("%+v: got %+v, %v; want no token and ErrUnauthenticated", s, got, err)
		}

		// Through the factory, too: no client means no request was sent.
		ios, _, _, _ := iostreams.Test()
		f := New(ios, e.getenv)
		*f.Globals = s.flags
		if c, err := f.Client(); c != nil || cmdutil.ExitCode(err) != cmdutil.ExitUnauthenticated {
			t.Errorf("%+v: factory client = %v, %v", s, c, err)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	e := newEnv(t, "server: [oops\n", "")
	if _, err := Resolve(cmdutil.GlobalFlags{Token: "t"}, e.getenv); err == nil {
		t.Error("broken config file accepted")
	}
	// A flag that fills every gap means the broken file is never read.
	if _, err := Resolve(cmdutil.GlobalFlags{Server: "http://x", Token: "t"}, e.getenv); err != nil {
		t.Errorf("config file read although flags were complete: %v", err)
	}
	e = newEnv(t, "", "")
	_, err := Resolve(cmdutil.GlobalFlags{Server: "ftp://x", Token: "t"}, e.getenv)
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("bad scheme: err = %v, want a usage error", err)
	}
	_, err = Resolve(cmdutil.GlobalFlags{}, e.getenv)
	if err == nil || err.Error() != "not authenticated: no token for http://127.0.0.1:8470; run wingctl login, pass --token, set WINGMAN_TOKEN or put token: in "+e.configFile {
		t.Errorf("no token: err = %v", err)
	}
}

// A login ranks below --token and WINGMAN_TOKEN, above the config file and
// the admin token, and is only ever sent to the server it was made for.
func TestResolveLogin(t *testing.T) {
	const local = "http://127.0.0.1:8470"
	tests := []struct {
		name       string
		flags      cmdutil.GlobalFlags
		vars       map[string]string
		loginFor   string
		wantToken  string
		wantSource string
	}{
		{name: "login beats file and admin token", loginFor: local, wantSource: "credentials"},
		{name: "env beats login", loginFor: local, vars: map[string]string{"WINGMAN_TOKEN": "env-tok"},
			wantToken: "env-tok", wantSource: "WINGMAN_TOKEN"},
		{name: "flag beats login", loginFor: local, flags: cmdutil.GlobalFlags{Token: "flag-tok"},
			wantToken: "flag-tok", wantSource: "--token"},
		{name: "another server's login is not sent", loginFor: "https://other.lan",
			wantToken: "file-tok", wantSource: "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "token: file-tok\n", "admin-tok")
			for k, v := range tt.vars {
				e.vars[k] = v
			}
			creds := sso.Credentials{Path: sso.CredentialsPath(e.getenv)}
			if err := creds.Put(tt.loginFor, sso.Login{IDToken: "id-tok", Expiry: time.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			got, err := Resolve(tt.flags, e.getenv)
			if err != nil {
				t.Fatal(err)
			}
			wantSource := map[string]string{"config": e.configFile, "credentials": creds.Path}[tt.wantSource]
			if wantSource == "" {
				wantSource = tt.wantSource
			}
			if got.Token != tt.wantToken || got.TokenSource != wantSource || (got.Login != nil) != (tt.wantSource == "credentials") {
				t.Errorf("got %+v, want token %q from %s", got, tt.wantToken, wantSource)
			}
		})
	}

	e := newEnv(t, "", "")
	write(t, sso.CredentialsPath(e.getenv), "{broken")
	if _, err := Resolve(cmdutil.GlobalFlags{}, e.getenv); err == nil {
		t.Error("a broken credentials file was ignored")
	}
}

// The factory's client sends the login's ID token.
func TestFactorySendsLogin(t *testing.T) {
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		_, _ = w.Write([]byte(`{"kind":"user","name":"Bob"}`))
	}))
	defer srv.Close()
	e := newEnv(t, "", "")
	if err := (sso.Credentials{Path: sso.CredentialsPath(e.getenv)}).Put(srv.URL, sso.Login{IDToken: "id-tok", Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	f := New(ios, e.getenv)
	f.Globals.Server = srv.URL
	c, err := f.Client()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Whoami(t.Context()); err != nil || auth != "Bearer id-tok" {
		t.Errorf("Authorization = %q (%v), want the login's ID token", auth, err)
	}
	if s, err := f.Server(); err != nil || s != srv.URL {
		t.Errorf("Server() = %q, %v", s, err)
	}
}

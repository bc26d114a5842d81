package sso

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// lockedBuffer is written by a flow while the test reads it.
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

// waitFor waits until re matches what w holds and returns its first group.
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

// provider starts an OpenID provider with bob, an operator, and returns
// wingctl's OAuth configuration for it as Discover makes it.
func provider(t *testing.T, opts ...oidctest.Option) (*oidctest.Provider, *oauth2.Config, context.Context) {
	t.Helper()
	p := oidctest.New(t, opts...)
	p.AddUser(oidctest.User{Username: "bob", Name: "Bob", Groups: []string{"ops"}})
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, p.HTTPClient())
	conf, err := Discover(ctx, p.HTTPClient(), domain.AuthConfig{OIDC: true, Issuer: p.Issuer,
		ClientID: oidctest.CLIClientID, Scopes: []string{"openid", "profile"}})
	if err != nil {
		t.Fatal(err)
	}
	return p, conf, ctx
}

func TestDiscover(t *testing.T) {
	p, conf, _ := provider(t)
	if !slices.Equal(conf.Scopes, []string{"openid", "profile", "offline_access"}) {
		t.Errorf("scopes = %q, want the server's and offline_access", conf.Scopes)
	}
	ep := conf.Endpoint
	if conf.ClientID != oidctest.CLIClientID || ep.AuthStyle != oauth2.AuthStyleInParams ||
		!strings.HasPrefix(ep.AuthURL, p.Issuer) || !strings.HasPrefix(ep.TokenURL, p.Issuer) || !strings.HasPrefix(ep.DeviceAuthURL, p.Issuer) {
		t.Errorf("config = %+v", conf)
	}
	if _, err := Discover(t.Context(), p.HTTPClient(), domain.AuthConfig{Issuer: p.Issuer + "/nope"}); err == nil {
		t.Error("discovery of a wrong issuer succeeded")
	}
}

func TestDeviceApproved(t *testing.T) {
	p, conf, ctx := provider(t)
	var out lockedBuffer
	done := make(chan error, 1)
	var tok *oauth2.Token
	go func() {
		var err error
		tok, err = Device(ctx, conf, &out)
		done <- err
	}()
	if err := p.ApproveDevice(waitFor(t, &out, codeRE), "bob"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	l, err := NewLogin(p.Issuer, conf, tok)
	if err != nil {
		t.Fatal(err)
	}
	if l.RefreshToken == "" || l.TokenURL != conf.Endpoint.TokenURL || time.Until(l.Expiry) < 4*time.Minute || !strings.Contains(out.String(), "open "+p.Issuer) {
		t.Errorf("login = %+v, output %q", l, out.String())
	}
}

func TestDeviceRefused(t *testing.T) {
	tests := []struct {
		name   string
		opts   []oidctest.Option
		answer func(p *oidctest.Provider, code string) error
		want   error
		says   string
	}{
		{"denied", nil, func(p *oidctest.Provider, code string) error { return p.DenyDevice(code) },
			cmdutil.ErrLoginDenied, "denied at the identity provider"},
		{"expired", []oidctest.Option{oidctest.WithDeviceTiming(2*time.Second, time.Second)},
			func(*oidctest.Provider, string) error { return nil }, cmdutil.ErrLoginExpired, "device code expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, conf, ctx := provider(t, tt.opts...)
			var out lockedBuffer
			done := make(chan error, 1)
			go func() {
				_, err := Device(ctx, conf, &out)
				done <- err
			}()
			if err := tt.answer(p, waitFor(t, &out, codeRE)); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) {
					t.Errorf("err = %v, want %v saying %q", err, tt.want, tt.says)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the device flow did not end")
			}
		})
	}
}

// browse runs the browser flow, with the test playing the browser through
// visit, and returns its outcome.
func browse(t *testing.T, ctx context.Context, conf *oauth2.Config, visit func(authURL string)) (*oauth2.Token, string, error) {
	t.Helper()
	var out lockedBuffer
	type res struct {
		tok *oauth2.Token
		err error
	}
	done := make(chan res, 1)
	go func() {
		tok, err := Browser(ctx, *conf, nil, &out)
		done <- res{tok, err}
	}()
	visit(waitFor(t, &out, urlRE))
	select {
	case r := <-done:
		return r.tok, out.String(), r.err
	case <-time.After(20 * time.Second):
		t.Fatal("the browser flow did not end")
	}
	return nil, "", nil
}

func get(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestBrowser(t *testing.T) {
	p, conf, ctx := provider(t)
	var back string
	tok, out, err := browse(t, ctx, conf, func(authURL string) {
		u, err := p.Login(ctx, authURL, "bob")
		if err != nil {
			t.Error(err)
			return
		}
		if u.Hostname() != "127.0.0.1" || u.Path != CallbackPath {
			t.Errorf("redirect to %s, want the loopback listener", u)
		}
		au, _ := url.Parse(authURL)
		if q := au.Query(); q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || len(q.Get("state")) < 20 {
			t.Errorf("auth URL %s: want PKCE S256 and a random state", authURL)
		}
		back = u.String()
		if code := get(t, back); code != 200 {
			t.Errorf("callback answered %d", code)
		}
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, _, err := idTokenOf(tok); err != nil || tok.RefreshToken == "" {
		t.Errorf("tokens = %+v, %v", tok, err)
	}
	// One callback only: the listener is gone.
	if code := get(t, back); code != 0 {
		t.Errorf("a second callback was answered %d", code)
	}
}

func TestBrowserStateMismatch(t *testing.T) {
	p, conf, ctx := provider(t)
	_, _, err := browse(t, ctx, conf, func(authURL string) {
		u, err := p.Login(ctx, authURL, "bob")
		if err != nil {
			t.Error(err)
			return
		}
		q := u.Query()
		q.Set("state", "forged-"+q.Get("state"))
		u.RawQuery = q.Encode()
		if code := get(t, u.String()); code != 400 {
			t.Errorf("forged callback answered %d, want 400", code)
		}
	})
	if !errors.Is(err, cmdutil.ErrLoginDenied) || !strings.Contains(err.Error(), "state") {
		t.Errorf("err = %v, want a refused state", err)
	}
}

func TestBrowserOtherRequests(t *testing.T) {
	p, conf, ctx := provider(t)
	_, _, err := browse(t, ctx, conf, func(authURL string) {
		u, err := p.Login(ctx, authURL, "bob")
		if err != nil {
			t.Error(err)
			return
		}
		// Neither another path nor another host name is the callback.
		if code := get(t, "http://"+u.Host+"/favicon.ico"); code != 404 {
			t.Errorf("favicon: %d", code)
		}
		req, _ := http.NewRequest("GET", u.String(), nil)
		req.Host = "rebound.example:" + u.Port()
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 404 {
			t.Errorf("another Host: %v %v", resp, err)
		}
		get(t, u.String())
	})
	if err != nil {
		t.Errorf("the real callback after stray requests: %v", err)
	}
}

func TestCredentials(t *testing.T) {
	dir := t.TempDir()
	c := Credentials{Path: filepath.Join(dir, "wingman", CredentialsFile)}
	if _, ok, err := c.Get("http://a"); ok || err != nil {
		t.Fatalf("empty: %v %v", ok, err)
	}
	a := Login{Issuer: "https://id", ClientID: "wingctl", IDToken: "a.b.c", Expiry: time.Unix(1700000000, 0).UTC(), RefreshToken: "r"}
	if err := c.Put("http://a", a); err != nil {
		t.Fatal(err)
	}
	if err := c.Put("http://b", Login{IDToken: "x"}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{c.Path: 0o600, filepath.Dir(c.Path): 0o700 | os.ModeDir} {
		if st, err := os.Stat(path); err != nil || st.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, st.Mode(), err, want)
		}
	}
	if got, ok, err := c.Get("http://a"); !ok || err != nil || got != a {
		t.Errorf("Get = %+v %v %v", got, ok, err)
	}
	if had, err := c.Delete("http://a"); !had || err != nil {
		t.Errorf("Delete = %v %v", had, err)
	}
	if had, err := c.Delete("http://a"); had || err != nil {
		t.Errorf("second Delete = %v %v", had, err)
	}
	if _, ok, _ := c.Get("http://b"); !ok {
		t.Error("deleting one server's login forgot another's")
	}
	// The lock file stays (removing it would race another wingctl taking
	// it); no temporary file may.
	entries, _ := os.ReadDir(filepath.Dir(c.Path))
	for _, e := range entries {
		if e.Name() != CredentialsFile && e.Name() != CredentialsFile+".lock" {
			t.Errorf("file left beside the credentials: %s", e.Name())
		}
	}
	if err := os.WriteFile(c.Path, []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get("http://b"); err == nil || !strings.Contains(err.Error(), c.Path) {
		t.Errorf("broken file: %v, want an error naming it", err)
	}
}

func TestHasBrowser(t *testing.T) {
	tests := []struct {
		env  map[string]string
		goos string
		want bool
	}{
		{map[string]string{"DISPLAY": ":0"}, "linux", true},
		{map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "linux", true},
		{nil, "linux", false},
		{nil, "freebsd", false},
		{map[string]string{"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.2 5022 10.0.0.1 22"}, "linux", false},
		{map[string]string{"SSH_TTY": "/dev/pts/1"}, "darwin", false},
		{nil, "darwin", true},
		{nil, "windows", true},
	}
	for _, tt := range tests {
		if got := HasBrowser(func(k string) string { return tt.env[k] }, tt.goos); got != tt.want {
			t.Errorf("HasBrowser(%v, %s) = %v, want %v", tt.env, tt.goos, got, tt.want)
		}
	}
}

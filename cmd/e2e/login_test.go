package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// deviceLifetime is short so that an expired device code takes seconds to
// see, and long enough for a code the test approves at once.
const deviceLifetime = 5 * time.Second

// TestLoginSSO is the single sign-on path end to end: wingmand started
// with OIDC_* pointing at a real provider in this process, people logging
// in with the real wingctl by device code and through the loopback
// listener, their roles from their groups, an approval that names its
// user in the audit log, a viewer refused, an admin's role override, and
// the refusals of a forged callback and an expired device code.
func TestLoginSSO(t *testing.T) {
	p := oidctest.New(t, oidctest.WithDeviceTiming(deviceLifetime, time.Second))
	p.AddUser(oidctest.User{Username: "alice", Name: "Alice Liddell", Email: "alice@example.com", Groups: []string{"wingman-admins"}})
	p.AddUser(oidctest.User{Username: "bob", Name: "Bob Ops", Email: "bob@example.com", Groups: []string{"staff", "ops"}})
	p.AddUser(oidctest.User{Username: "vera", Name: "Vera Viewer", Email: "vera@example.com", Groups: []string{"staff"}})

	d := &daemon{t: t, dataDir: t.TempDir(), home: t.TempDir(), env: []string{
		"OIDC_ENABLED=true", "OIDC_ISSUER_URL=" + p.Issuer, "OIDC_CLIENT_ID=" + oidctest.WebClientID,
		"OIDC_CLI_CLIENT_ID=" + oidctest.CLIClientID, "OIDC_ROLE_MAP=wingman-admins=admin,ops=operator,staff=viewer",
		"OIDC_DEFAULT_ROLE=none",
	}}
	addr := freePort(t)
	d.url = "http://" + addr
	d.args = []string{"serve", "--listen", addr, "--data-dir", d.dataDir}
	d.start()
	t.Cleanup(d.stop)

	// Each person has a home of their own, where wingctl keeps their login.
	alice, bob, vera := person(t, d), person(t, d), person(t, d)

	// bob logs in over SSH: a device code, approved elsewhere.
	s := bob.start("login")
	if err := p.ApproveDevice(s.expect(codeLine), "bob"); err != nil {
		t.Fatal(err)
	}
	if r := s.wait(); r.code != 0 || !strings.Contains(r.stderr, "Logged in to "+d.url+" as Bob Ops (operator).") {
		t.Fatalf("login --device: exit %d\n%s", r.code, r.stderr)
	}

	// alice logs in on a desktop: the browser comes back to the loopback.
	s = alice.start("login", "--browser", "--no-open")
	back, err := p.Login(t.Context(), s.expect(urlLine), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if back.Hostname() != "127.0.0.1" {
		t.Fatalf("the provider sent the browser to %s, not to the loopback listener", back)
	}
	if code := visit(t, back.String()); code != 200 {
		t.Errorf("the loopback callback answered %d", code)
	}
	if r := s.wait(); r.code != 0 || !strings.Contains(r.stderr, "as Alice Liddell (admin).") {
		t.Fatalf("login --browser: exit %d\n%s", r.code, r.stderr)
	}
	if code := visit(t, back.String()); code != 0 {
		t.Errorf("the loopback listener still answers after its one callback: %d", code)
	}

	s = vera.start("login", "--device")
	if err := p.ApproveDevice(s.expect(codeLine), "vera"); err != nil {
		t.Fatal(err)
	}
	if r := s.wait(); r.code != 0 {
		t.Fatalf("vera's login: exit %d\n%s", r.code, r.stderr)
	}

	// Each has the role their groups map to.
	for who, want := range map[*user]domain.Role{alice: domain.RoleAdmin, bob: domain.RoleOperator, vera: domain.RoleViewer} {
		var pr domain.Principal
		who.mustJSON(&pr, "whoami")
		if pr.Role != want || pr.ExpiresAt == nil || pr.TokenID != "" {
			t.Errorf("whoami = %+v, want role %s and the ID token's expiry", pr, want)
		}
	}
	if r := bob.run("whoami"); r.code != 0 || !strings.Contains(r.stdout, "Expires:") || !strings.Contains(r.stdout, "Bob Ops") {
		t.Errorf("whoami table:\n%s", r.stdout)
	}

	// A crashed container gives a plan to approve.
	var worker struct{ Token string }
	d.mustJSON(d.adminToken(), &worker, "workers", "add", "site-a-docker", "--site", "Site A")
	d.ingest(worker.Token, crashEnvelope("site-a-docker", "web"))
	d.ingest(worker.Token, crashEnvelope("site-a-docker", "cache"))
	var incidents []domain.Incident
	bob.mustJSON(&incidents, "incidents", "list", "--state", "open")
	plans := map[string]string{}
	for _, in := range incidents {
		plans[in.Target] = in.PlanID
	}
	if plans["web"] == "" || plans["cache"] == "" {
		t.Fatalf("incidents = %+v, want plans for web and cache", incidents)
	}

	if r := vera.run("approve", plans["web"]); r.code != 5 || !strings.Contains(r.stderr, "needs the operator role; Vera Viewer has viewer") {
		t.Errorf("viewer approves: exit %d %q, want 5", r.code, r.stderr)
	}
	if r := bob.run("approve", plans["web"], "--comment", "from sso"); r.code != 0 {
		t.Fatalf("operator approves: exit %d %q", r.code, r.stderr)
	}

	// The admin lists the users and lets vera operate.
	var users []domain.User
	alice.mustJSON(&users, "users", "list")
	if len(users) != 3 {
		t.Errorf("users = %+v, want alice, bob and vera", users)
	}
	if r := bob.run("users", "set-role", "vera@example.com", "operator"); r.code != 5 {
		t.Errorf("operator sets a role: exit %d, want 5", r.code)
	}
	if r := alice.run("users", "set-role", "vera@example.com", "operator"); r.code != 0 {
		t.Fatalf("set-role: exit %d %q", r.code, r.stderr)
	}
	if r := vera.run("approve", plans["cache"]); r.code != 0 {
		t.Errorf("vera approves after the override: exit %d %q", r.code, r.stderr)
	}

	// The audit log names each person with the role they acted with.
	var page domain.AuditPage
	alice.mustJSON(&page, "audit", "list")
	approved := map[string]domain.Role{}
	roleSet := false
	for _, ev := range page.Events {
		if ev.Action == "plan.approve" && ev.Outcome == domain.OutcomeOK {
			approved[ev.ActorName] = ev.ActorRole
		}
		roleSet = roleSet || (ev.Action == "user.role" && ev.ActorName == "Alice Liddell" && ev.ActorRole == domain.RoleAdmin)
	}
	if approved["Bob Ops"] != domain.RoleOperator || approved["Vera Viewer"] != domain.RoleOperator || !roleSet {
		t.Errorf("audit: approvals %v, role change audited %v", approved, roleSet)
	}

	// An explicit token still wins over the login.
	var viewer struct{ Token string }
	d.mustJSON(d.adminToken(), &viewer, "tokens", "create", "--name", "ci", "--role", "viewer")
	if r := bob.runEnv([]string{"WINGMAN_TOKEN=" + viewer.Token}, "whoami", "-o", "json"); r.code != 0 || !strings.Contains(r.stdout, `"name": "ci"`) {
		t.Errorf("WINGMAN_TOKEN beside a login: exit %d %s", r.code, r.stdout)
	}

	// A callback whose state is not this login's is refused.
	s = alice.start("login", "--browser", "--no-open")
	back, err = p.Login(t.Context(), s.expect(urlLine), "alice")
	if err != nil {
		t.Fatal(err)
	}
	q := back.Query()
	q.Set("state", "forged")
	back.RawQuery = q.Encode()
	if code := visit(t, back.String()); code != 400 {
		t.Errorf("a forged callback answered %d, want 400", code)
	}
	if r := s.wait(); r.code != 11 || !strings.Contains(r.stderr, "state") {
		t.Errorf("state mismatch: exit %d %q, want 11", r.code, r.stderr)
	}

	// A device code nobody approves expires.
	s = bob.start("login", "--device")
	s.expect(codeLine)
	if r := s.wait(); r.code != 12 || !strings.Contains(r.stderr, "device code expired") {
		t.Errorf("expired device code: exit %d %q, want 12", r.code, r.stderr)
	}
	// A failed login leaves the one before in place.
	if r := bob.run("whoami"); r.code != 0 {
		t.Errorf("whoami after a failed login: exit %d %q", r.code, r.stderr)
	}

	if r := bob.run("logout"); r.code != 0 || !strings.Contains(r.stderr, "Logged out of "+d.url) {
		t.Errorf("logout: exit %d %q", r.code, r.stderr)
	}
	if r := bob.run("whoami"); r.code != 6 {
		t.Errorf("whoami after logout: exit %d %q, want 6", r.code, r.stderr)
	}
}

var (
	codeLine = regexp.MustCompile(`Code: (\S+)`)
	urlLine  = regexp.MustCompile(`(?m)^  (http\S+)$`)
)

// user is a person at a terminal: wingctl with a home of their own and no
// token, against d.
type user struct {
	t    *testing.T
	d    *daemon
	home string
}

func person(t *testing.T, d *daemon) *user { return &user{t: t, d: d, home: t.TempDir()} }

func (u *user) command(ctx context.Context, extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "wingctl"), args...)
	cmd.Env = append(append(cleanEnv(u.home), "WINGMAN_SERVER="+u.d.url), extraEnv...)
	return cmd
}

func (u *user) run(args ...string) result { return u.runEnv(nil, args...) }

func (u *user) runEnv(env []string, args ...string) result {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := u.command(ctx, env, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		u.t.Fatalf("wingctl %v: %v", args, err)
	}
	return result{code, out.String(), errOut.String()}
}

func (u *user) mustJSON(out any, args ...string) {
	u.t.Helper()
	r := u.run(append(args, "-o", "json")...)
	if r.code != 0 {
		u.t.Fatalf("wingctl %v: exit %d\n%s", args, r.code, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
		u.t.Fatalf("wingctl %v: decode %q: %v", args, r.stdout, err)
	}
}

// session is a wingctl still running, whose stderr the test reads as a
// person reads the terminal.
type session struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr lockedBuffer
	done   chan error
}

func (u *user) start(args ...string) *session {
	u.t.Helper()
	s := &session{t: u.t, done: make(chan error, 1)}
	s.cmd = u.command(context.Background(), nil, args...)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		u.t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	u.t.Cleanup(func() { _ = s.cmd.Process.Kill() })
	return s
}

// expect waits for re on stderr and returns its first group.
func (s *session) expect(re *regexp.Regexp) string {
	s.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.stderr.String()); m != nil {
			return m[1]
		}
	}
	s.t.Fatalf("wingctl %v printed no %s:\n%s", s.cmd.Args[1:], re, s.stderr.String())
	return ""
}

func (s *session) wait() result {
	s.t.Helper()
	select {
	case err := <-s.done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			s.t.Fatal(err)
		}
		return result{code, s.stdout.String(), s.stderr.String()}
	case <-time.After(30 * time.Second):
		s.t.Fatalf("wingctl %v did not end:\n%s", s.cmd.Args[1:], s.stderr.String())
	}
	return result{}
}

// lockedBuffer is written by exec's copying goroutine while the test reads.
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

// visit GETs u as the browser does when the provider redirects it, and
// returns the status, 0 when nothing answers.
func visit(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

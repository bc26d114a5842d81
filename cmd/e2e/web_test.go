// The web console end to end, in headless Chromium.

package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// TestWebConsole is the web console in a real browser: headless Chromium,
// driven over the DevTools protocol, against two wingmand replicas sharing
// one PostgreSQL and a real OpenID provider. An operator signs in at the
// provider's login form, sees the dashboard, and approves a plan on the
// other replica with the same session; a form sent without its CSRF token
// does nothing; a viewer is refused with the server's words.
func TestWebConsole(t *testing.T) {
	chrome := chromium(t)
	p := oidctest.New(t)
	p.AddUser(oidctest.User{Username: "bob", Password: "bob-secret", Name: "Bob Ops", Email: "bob@example.com", Groups: []string{"ops"}})
	p.AddUser(oidctest.User{Username: "vera", Password: "vera-secret", Name: "Vera Viewer", Email: "vera@example.com", Groups: []string{"staff"}})
	dbURL := storetest.PostgresURL(t)
	one, two := webDaemon(t, p, dbURL), webDaemon(t, p, dbURL)
	p.AddClient(oidctest.Client{ID: oidctest.WebClientID, Secret: oidctest.WebClientSecret,
		RedirectURIs: []string{one.url + "/web/callback", two.url + "/web/callback"}})

	admin := one.adminToken()
	var worker struct{ Token string }
	one.mustJSON(admin, &worker, "workers", "add", "site-a-docker", "--site", "Site A")
	one.ingest(worker.Token, crashEnvelope("site-a-docker", "web"))
	one.ingest(worker.Token, crashEnvelope("site-a-docker", "cache"))
	var incidents []domain.Incident
	one.mustJSON(admin, &incidents, "incidents", "list", "--state", "open")
	plans := map[string]string{}
	for _, in := range incidents {
		plans[in.Target] = in.PlanID
	}
	if plans["web"] == "" || plans["cache"] == "" {
		t.Fatalf("incidents = %+v, want plans for web and cache", incidents)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	alloc, cancel := chromedp.NewExecAllocator(ctx, append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))...)
	defer cancel()
	browser, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	defer cancel()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	// Each person browses in a context of their own, with their own
	// cookies, as in a browser profile of their own.
	person := func() context.Context {
		c, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		return c
	}

	// bob opens the server's address and is sent to sign in.
	bob := person()
	do(t, bob, "sign in and see the dashboard",
		chromedp.Navigate(one.url+"/"),
		signIn("bob", "bob-secret"),
		chromedp.WaitVisible(chromedp.CSS("#dashboard")))
	who, dash := text(t, bob, "#user"), text(t, bob, "#dashboard")
	if who != "Bob Ops (operator)" || !strings.Contains(dash, "Running containers") || !strings.Contains(dash, "Open incidents") {
		t.Fatalf("signed in as %q; dashboard:\n%s", who, dash)
	}
	if n, err := chromedp.Run(bob, chromedp.Evaluate[int](`document.querySelectorAll('#dashboard svg.chart').length`)); err != nil || n == 0 {
		t.Errorf("the dashboard has %d charts (%v):\n%s", n, err, dash)
	}

	// The same session on the other replica: the session lives in the
	// shared database, and cookies are per host, not per port.
	do(t, bob, "approve on the other replica",
		chromedp.Navigate(two.url+"/web/plans/"+plans["web"]),
		chromedp.WaitVisible(chromedp.CSS("#approve")),
		chromedp.SendKeys(chromedp.CSS("#approve input[name=comment]"), "from the browser"),
		chromedp.Click(chromedp.CSS("#approve button")),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	if notice, status := text(t, bob, ".notice"), text(t, bob, "#plan-status"); !strings.Contains(notice, "Approved") || status != "dispatched" {
		t.Fatalf("after approving: notice %q, status %q", notice, status)
	}

	// A form sent without its CSRF token does nothing.
	do(t, bob, "approve without the CSRF token",
		chromedp.Navigate(one.url+"/web/plans/"+plans["cache"]),
		chromedp.WaitVisible(chromedp.CSS("#approve")),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#approve input[name=csrf]').remove()`),
		chromedp.Click(chromedp.CSS("#approve button")),
		chromedp.WaitVisible(chromedp.CSS("p.message")))
	if refused := text(t, bob, "p.message"); !strings.Contains(refused, "CSRF check failed") {
		t.Errorf("a form without its token: %q", refused)
	}
	if s := planStatus(t, one, admin, plans["cache"]); s != domain.PlanPending {
		t.Errorf("after a form without its token the plan is %s, want pending", s)
	}

	// vera follows a link to the plan, signs in, and is refused.
	vera := person()
	do(t, vera, "viewer approves",
		chromedp.Navigate(two.url+"/web/plans/"+plans["cache"]),
		signIn("vera", "vera-secret"),
		chromedp.WaitVisible(chromedp.CSS("#approve")))
	who = text(t, vera, "#user")
	do(t, vera, "viewer approves",
		chromedp.Click(chromedp.CSS("#approve button")),
		chromedp.WaitVisible(chromedp.CSS(".refusal")))
	if refused := text(t, vera, ".refusal"); who != "Vera Viewer (viewer)" ||
		!strings.Contains(refused, "this needs the operator role; Vera Viewer has viewer") {
		t.Errorf("viewer %q refused with %q", who, refused)
	}
	if s := planStatus(t, one, admin, plans["cache"]); s != domain.PlanPending {
		t.Errorf("after the viewer's approval the plan is %s, want pending", s)
	}

	// The audit log names each person with the role they acted with.
	var page domain.AuditPage
	one.mustJSON(admin, &page, "audit", "list")
	seen := map[string]bool{}
	for _, ev := range page.Events {
		seen[ev.Action+" "+ev.ActorName+" "+string(ev.ActorRole)+" "+string(ev.Outcome)] = true
	}
	for _, want := range []string{"web.signin Bob Ops operator ok", "plan.approve Bob Ops operator ok",
		"web.signin Vera Viewer viewer ok", "plan.approve Vera Viewer viewer refused"} {
		if !seen[want] {
			t.Errorf("no audit event %q in %v", want, seen)
		}
	}
}

// chromium finds the browser: Debian's chromium, which .ci/run installs.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is required under CI=true (.ci/run installs it)")
	}
	t.Skip("no chromium on PATH (apt-get install chromium); CI=true makes this a failure")
	return ""
}

// webDaemon starts a wingmand replica on dbURL that signs people in at p.
func webDaemon(t *testing.T, p *oidctest.Provider, dbURL string) *daemon {
	t.Helper()
	d := &daemon{t: t, dataDir: t.TempDir(), home: t.TempDir()}
	addr := freePort(t)
	d.url = "http://" + addr
	d.env = []string{"OIDC_ENABLED=true", "OIDC_ISSUER_URL=" + p.Issuer,
		"OIDC_CLIENT_ID=" + oidctest.WebClientID, "OIDC_CLIENT_SECRET=" + oidctest.WebClientSecret,
		"OIDC_CLI_CLIENT_ID=" + oidctest.CLIClientID, "OIDC_ROLE_MAP=ops=operator,staff=viewer", "OIDC_DEFAULT_ROLE=none",
		"WINGMAN_PUBLIC_URL=" + d.url}
	d.args = []string{"serve", "--listen", addr, "--data-dir", d.dataDir, "--database-url", dbURL}
	d.start()
	t.Cleanup(d.stop)
	return d
}

// signIn fills in the provider's login form.
func signIn(user, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS("input[name=username]")),
		chromedp.SendKeys(chromedp.CSS("input[name=username]"), user),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	)
}

// do runs a step in the browser and stops the test when it fails.
func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("%s: %v (at %s)", step, err, loc)
	}
}

// text reads the text of the element sel selects.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// planStatus reads a plan's status through the API.
func planStatus(t *testing.T, d *daemon, token, id string) domain.PlanStatus {
	t.Helper()
	var p domain.Plan
	d.mustJSON(token, &p, "plans", "show", id)
	return p.Status
}

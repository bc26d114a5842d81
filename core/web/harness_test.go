// A console in front of a stub API, on a real store, signing people in at
// a real OpenID provider; a browser with a cookie jar that the tests drive.

package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
	"github.com/wingman-dev/wingman/core/policy"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/core/web"
)

// clock is the console's time, which a test moves on.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// world is the console, its store, the provider and the people.
type world struct {
	t     *testing.T
	p     *oidctest.Provider
	st    store.Store
	url   string
	clock *clock
}

// The people: bob operates, vera views, nina is in no mapped group.
var people = []oidctest.User{
	{Username: "bob", Name: "Bob Ops", Email: "bob@example.com", Groups: []string{"ops"}},
	{Username: "vera", Name: "Vera Viewer", Email: "vera@example.com", Groups: []string{"staff"}},
	{Username: "nina", Name: "Nina Nobody", Email: "nina@example.com"},
}

// sessionTTL is short enough to pass in a test by moving the clock.
const sessionTTL = time.Hour

func newWorld(t *testing.T, change ...func(*web.Config)) *world {
	t.Helper()
	w := &world{t: t, p: oidctest.New(t), clock: &clock{}}
	for _, u := range people {
		w.p.AddUser(u)
	}
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	sso := config.OIDC{Enabled: true, IssuerURL: w.p.Issuer, ClientID: oidctest.WebClientID, ClientSecret: oidctest.WebClientSecret,
		CLIClientID: oidctest.CLIClientID, Scopes: []string{"openid", "profile", "email"}, RoleClaim: "groups",
		RoleMap: map[string]domain.Role{"ops": domain.RoleOperator, "staff": domain.RoleViewer}}
	v, err := oidc.New(sso, oidc.WithHTTPClient(w.p.HTTPClient()), oidc.WithKeyRefreshCooldown(0))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	cfg := web.Config{
		Store: st, Auth: &auth.Authenticator{Store: st, Now: w.clock.now, OIDC: v},
		Approvals: &approval.Service{Store: st, Policy: policy.Default, Hub: events.NewHub(), Now: w.clock.now},
		OIDC:      sso, Web: config.Web{SessionTTL: sessionTTL}, Logger: log, Now: w.clock.now,
	}
	for _, c := range change {
		c(&cfg)
	}
	api := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { http.Error(rw, "the API", http.StatusTeapot) })
	h, err := web.New(cfg, api)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	w.url = srv.URL
	w.p.AddClient(oidctest.Client{ID: oidctest.WebClientID, Secret: oidctest.WebClientSecret,
		RedirectURIs: []string{srv.URL + "/web/callback"}})
	return w
}

// plan proposes a plan that restarts a container, as the advisor would,
// and returns its id.
func (w *world) plan() string {
	w.t.Helper()
	svc := &approval.Service{Store: w.st, Policy: policy.Default, Hub: events.NewHub(), Now: w.clock.now}
	p := &domain.Plan{Title: "Restart web", Rationale: "web exited 7 times in 10 minutes.", Actions: []domain.Action{{
		Plugin: "docker", Action: "restart", Worker: "site-a", Target: "web",
		BlastRadius: domain.BlastRadius{Scope: "container web", MutatesState: true, Reversible: true}}}}
	err := w.st.Update(context.Background(), func(tx store.Tx) error {
		if _, err := tx.GetWorker("site-a"); err != nil {
			if err := tx.CreateWorker(domain.Worker{ID: "site-a", SiteName: "Site A", Health: domain.WorkerHealthy, CreatedAt: w.clock.now()}); err != nil {
				return err
			}
		}
		return svc.Propose(tx, &events.Batch{}, domain.System, p)
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

func (w *world) planStatus(id string) domain.PlanStatus {
	w.t.Helper()
	var s domain.PlanStatus
	err := w.st.View(context.Background(), func(tx store.Tx) (err error) {
		s, err = tx.PlanStatus(id, false)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// browser is a person's browser: a cookie jar, and redirects shown to the
// test rather than followed.
type browser struct {
	w  *world
	hc *http.Client
	// lastSecret is the session cookie the browser was last given, kept
	// after the cookie is gone.
	lastSecret string
}

func (w *world) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{w: w, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is an answer: its status, where it redirects and its body.
type page struct {
	status   int
	location string
	body     string
}

func (b *browser) do(method, path string, form url.Values) page {
	b.w.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	target := path
	if strings.HasPrefix(path, "/") {
		target = b.w.url + path
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		b.w.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header.Get("Location"), string(raw)}
}

func (b *browser) get(path string) page { return b.do(http.MethodGet, path, nil) }

func (b *browser) post(path string, form url.Values) page { return b.do(http.MethodPost, path, form) }

// leave opens path signed out and returns where the console sends the
// browser: the provider's authorization endpoint.
func (b *browser) leave(path string) string {
	b.w.t.Helper()
	pg := b.get(path)
	if pg.status != http.StatusSeeOther || !strings.HasPrefix(pg.location, b.w.p.Issuer+"/") {
		b.w.t.Fatalf("GET %s signed out = %d to %q, want a redirect to the provider", path, pg.status, pg.location)
	}
	return pg.location
}

// signIn signs username in from path, the provider's login played as a
// browser would, and returns the page the console sends the browser back
// to.
func (b *browser) signIn(username, path string) page {
	b.w.t.Helper()
	back, err := b.w.p.Login(b.w.t.Context(), b.leave(path), username)
	if err != nil {
		b.w.t.Fatal(err)
	}
	return b.get(back.String())
}

// mustSignIn signs in and checks the console sends the browser back to
// path.
func (b *browser) mustSignIn(username, path string) {
	b.w.t.Helper()
	if pg := b.signIn(username, path); pg.status != http.StatusSeeOther || pg.location != path {
		b.w.t.Fatalf("sign-in of %s = %d to %q, want back to %s\n%s", username, pg.status, pg.location, path, pg.body)
	}
	b.lastSecret = b.cookie("wingman_session")
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page's forms.
func (b *browser) csrf(path string) string {
	b.w.t.Helper()
	pg := b.get(path)
	m := csrfField.FindStringSubmatch(pg.body)
	if pg.status != http.StatusOK || m == nil {
		b.w.t.Fatalf("GET %s = %d without a CSRF token:\n%s", path, pg.status, pg.body)
	}
	return m[1]
}

// cookie returns the value of the browser's cookie called name.
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.w.url)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie replaces the value of the browser's cookie called name.
func setCookie(b *browser, name, value string) {
	u, _ := url.Parse(b.w.url)
	b.hc.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

func wantIn(t *testing.T, what string, pg page, status int, texts ...string) {
	t.Helper()
	if pg.status != status {
		t.Fatalf("%s = %d, want %d\n%s", what, pg.status, status, pg.body)
	}
	for _, s := range texts {
		if !strings.Contains(pg.body, s) {
			t.Errorf("%s: no %q in\n%s", what, s, pg.body)
		}
	}
}

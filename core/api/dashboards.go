// Dashboard endpoints: rendering a template or a spec into the data every
// client draws, and the pre-built templates. The rendering lives in the
// dashboards packages, which core does not import: the server is handed a
// Dashboards, and cmd/wingmand wires in the implementation.

package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
)

// Dashboards renders dashboards for the API.
type Dashboards interface {
	// Render resolves a template or a spec into the rendered dashboard,
	// which the API encodes as JSON. A spec it refuses is a
	// *domain.ProblemsError; an unknown template wraps domain.ErrNotFound.
	// It fails as a whole only when ctx ends: a query that fails leaves an
	// error on its components.
	Render(ctx context.Context, req domain.RenderRequest) (any, error)
	// Templates lists the pre-built dashboards, without their sources.
	Templates() []domain.DashboardTemplate
	// Template returns one pre-built dashboard with its source; an unknown
	// name wraps domain.ErrNotFound.
	Template(name string) (domain.DashboardTemplate, error)
}

// DashboardLimits bound what the render endpoint does. A zero field takes
// its default.
type DashboardLimits struct {
	// Rate and Burst pace each user's renders; past them the endpoint
	// answers 429 with Retry-After. A render may run dozens of queries,
	// and a spec may come from a script or an LLM in a loop.
	Rate  rate.Limit
	Burst int
	// Timeout bounds one render as a whole.
	Timeout time.Duration
	// MaxBody caps a render request, and so the spec inside it; Config's
	// MaxBody when zero.
	MaxBody int64
}

// Defaults of DashboardLimits: a TUI reloading on every change and a few
// scripts stay well inside them.
const (
	DefaultRenderRate    rate.Limit = 2
	DefaultRenderBurst              = 10
	DefaultRenderTimeout            = 5 * time.Second
)

func (l DashboardLimits) withDefaults(maxBody int64) DashboardLimits {
	if l.Rate <= 0 {
		l.Rate = DefaultRenderRate
	}
	if l.Burst <= 0 {
		l.Burst = DefaultRenderBurst
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultRenderTimeout
	}
	if l.MaxBody <= 0 {
		l.MaxBody = maxBody
	}
	return l
}

// dashboardEndpoints hold what the dashboard handlers keep between
// requests.
type dashboardEndpoints struct {
	dash   Dashboards
	limits DashboardLimits
	paced  *perUser
}

func newDashboardEndpoints(cfg Config) *dashboardEndpoints {
	lim := cfg.DashboardLimits.withDefaults(cfg.MaxBody)
	return &dashboardEndpoints{dash: cfg.Dashboards, limits: lim, paced: newPerUser(lim.Rate, lim.Burst)}
}

// errNoDashboards answers on a server built without dashboards.
var errNoDashboards = fmt.Errorf("this server does not serve dashboards: %w", domain.ErrNotFound)

func (s *Server) renderDashboard(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleViewer); err != nil {
		return err
	}
	e := s.dashboards
	if e.dash == nil {
		return errNoDashboards
	}
	// Paced before the body is read: a refused request costs nothing.
	if wait, ok := e.paced.admit(principalKey(p), time.Now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return fmt.Errorf("%s renders dashboards faster than %g a second; send again in %s: %w",
			p.Name, float64(e.limits.Rate), wait.Round(100*time.Millisecond), domain.ErrRateLimited)
	}
	var req domain.RenderRequest
	if err := decodeBody(w, r, e.limits.MaxBody, &req); err != nil {
		return err
	}
	if (req.Template == "") == (strings.TrimSpace(req.Spec) == "") {
		return fmt.Errorf(`render needs exactly one of "template" (a name; GET /api/v1/dashboards/templates lists them) and "spec" (a spec's YAML or JSON text): %w`,
			domain.ErrInvalid)
	}
	ctx, cancel := context.WithTimeout(r.Context(), e.limits.Timeout)
	defer cancel()
	out, err := e.dash.Render(ctx, req)
	switch {
	case err == nil:
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer, and it is not
		// the server's failure to log.
		return fmt.Errorf("render abandoned by the client: %w", domain.ErrUnavailable)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the dashboard did not render within %s: %w", e.limits.Timeout, domain.ErrUnavailable)
	default:
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listDashboardTemplates(w http.ResponseWriter, _ *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleViewer); err != nil {
		return err
	}
	if s.dashboards.dash == nil {
		return errNoDashboards
	}
	writeJSON(w, http.StatusOK, s.dashboards.dash.Templates())
	return nil
}

func (s *Server) getDashboardTemplate(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleViewer); err != nil {
		return err
	}
	if s.dashboards.dash == nil {
		return errNoDashboards
	}
	t, err := s.dashboards.dash.Template(r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// principalKey is who a rate is kept for: the user, whichever of their
// tokens or sign-ins the request came with.
func principalKey(p domain.Principal) string {
	if p.UserID != "" {
		return p.UserID
	}
	return string(p.Kind) + ":" + p.Name
}

// maxPaced is how many users' limiters are kept before the idle ones are
// dropped.
const maxPaced = 1024

// perUser paces each user with a limiter of their own.
type perUser struct {
	rate  rate.Limit
	burst int

	mu    sync.Mutex
	users map[string]*rate.Limiter // guarded by mu
}

func newPerUser(r rate.Limit, burst int) *perUser {
	return &perUser{rate: r, burst: burst, users: map[string]*rate.Limiter{}}
}

// admit takes one request of user at now, or says how long until one
// would be taken.
func (p *perUser) admit(user string, now time.Time) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lim := p.users[user]
	if lim == nil {
		if len(p.users) >= maxPaced {
			p.forgetIdle(now)
		}
		lim = rate.NewLimiter(p.rate, p.burst)
		p.users[user] = lim
	}
	res := lim.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return wait, false
	}
	return 0, true
}

// forgetIdle drops the limiters that have refilled: a new one is the same,
// so nobody gains by being forgotten. The caller holds p.mu.
func (p *perUser) forgetIdle(now time.Time) {
	for user, lim := range p.users {
		if lim.TokensAt(now) >= float64(p.burst) {
			delete(p.users, user)
		}
	}
}

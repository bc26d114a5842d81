// The console's handler: its settings, its routes, and where it sits in
// front of the API.

package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Dashboards renders a dashboard into the data every client draws; the
// API's Dashboards is one. The result must encode to JSON as the render
// endpoint serves it.
type Dashboards interface {
	Render(ctx context.Context, req domain.RenderRequest) (any, error)
}

// Config is what the console is built from.
type Config struct {
	Store store.Store
	// Auth checks ID tokens and provisions users; its OIDC must be set.
	Auth      *auth.Authenticator
	Approvals *approval.Service
	// Dashboards, when set, renders the overview on the front page.
	Dashboards Dashboards
	// OIDC names the console's client at the provider and the scopes to
	// ask for.
	OIDC   config.OIDC
	Web    config.Web
	Logger *slog.Logger
	Now    func() time.Time
}

// Handler serves the console under /web/ and passes every other request
// to the API.
type Handler struct {
	cfg   Config
	api   http.Handler
	mux   *http.ServeMux
	pages map[string]*template.Template
}

// New builds the console in front of api.
func New(cfg Config, api http.Handler) (*Handler, error) {
	if cfg.Auth == nil || cfg.Auth.OIDC == nil {
		return nil, errors.New("web: the console signs people in through the provider: enable single sign-on (OIDC_ENABLED)")
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, api: api, mux: http.NewServeMux(), pages: pages}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	h.mux.Handle("GET /web/static/", staticFiles())
	h.mux.HandleFunc("GET /web/login", h.login)
	h.mux.HandleFunc("GET /web/callback", h.callback)
	h.mux.HandleFunc("POST /web/logout", h.logout)
	h.page("GET /web/{$}", h.dashboard)
	h.page("GET /web/incidents", h.incidents)
	h.page("GET /web/plans", h.plans)
	h.page("GET /web/plans/{id}", h.plan)
	h.page("POST /web/plans/{id}/approve", h.approve)
	h.page("POST /web/plans/{id}/reject", h.reject)
	h.page("GET /web/workers", h.workers)
	h.page("GET /web/audit", h.audit)
	h.mux.HandleFunc("/web/", func(w http.ResponseWriter, r *http.Request) {
		h.message(w, http.StatusNotFound, "Not found", "There is no page "+r.URL.Path+".")
	})
}

// ServeHTTP serves the console's pages, sends a browser that opens the
// server's address to them, and passes the rest to the API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/web" || strings.HasPrefix(r.URL.Path, "/web/"):
		securityHeaders(w.Header())
		h.mux.ServeHTTP(w, r)
	case r.URL.Path == "/" && r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html"):
		http.Redirect(w, r, "/web/", http.StatusFound)
	default:
		h.api.ServeHTTP(w, r)
	}
}

// securityHeaders keep the pages to their own origin: no scripts, styles
// or frames from elsewhere, no inline script, and forms that post only
// back to wingmand.
func securityHeaders(hd http.Header) {
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
}

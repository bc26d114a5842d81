// Package api is wingmand's HTTP face: the JSON API under /api/v1 (the
// endpoint list is in core/domain/api.go), the SSE stream, health and
// Prometheus metrics. Handlers are thin: they authenticate, decode, call a
// service and encode; the decisions live in the services.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wingman-dev/wingman/core/advisor"
	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/backlog"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/ingest"
	"github.com/wingman-dev/wingman/core/store"
)

// Config is what the server is built from.
type Config struct {
	Store     store.Store
	Auth      *auth.Authenticator
	Approvals *approval.Service
	Ingest    *ingest.Service
	Advisor   *advisor.Advisor
	Hub       *events.Hub
	Logger    *slog.Logger
	Registry  *prometheus.Registry
	Metrics   *Metrics
	Version   string
	Now       func() time.Time
	// MaxBody caps request bodies (ingest included).
	MaxBody int64
	// MaxTaskWait caps a worker's long poll.
	MaxTaskWait time.Duration
	// TaskLease is how long a claimed task belongs to its worker.
	TaskLease time.Duration
	// TaskPoll is how often a waiting long poll looks for tasks by itself,
	// in case a wake-up was lost (a LISTEN connection that was down).
	TaskPoll time.Duration
	// OnlineWindow is how recent a heartbeat must be for a worker to count
	// as online.
	OnlineWindow time.Duration
	// SyncGate, when set, admits envelopes a worker sends from its offline
	// backlog (domain.BacklogHeader); the rest are answered 429 with
	// Retry-After, so live reports keep their latency while workers drain.
	SyncGate *backlog.Gate
	// Ready reports whether the server should receive traffic.
	Ready func() error
	// SignIn is what GET /api/v1/auth/config tells wingctl about single
	// sign-on.
	SignIn domain.AuthConfig
	// Dashboards, when set, serves the dashboard endpoints within
	// DashboardLimits; without it they answer 404.
	Dashboards      Dashboards
	DashboardLimits DashboardLimits
	// Skills is the plugin marketplace and the installed skills; nil
	// answers their endpoints 503.
	Skills Skills
}

// Server serves the API.
type Server struct {
	Config
	mux        *http.ServeMux
	dashboards *dashboardEndpoints
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	s := &Server{Config: cfg, mux: http.NewServeMux(), dashboards: newDashboardEndpoints(cfg)}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metricsHandler())

	s.handle("GET /api/v1/status", s.status)
	s.handle("GET /api/v1/whoami", s.whoami)
	s.handle("GET /api/v1/events", s.events)
	s.handle("POST /api/v1/ingest", s.ingest)
	s.handle("GET /api/v1/worker/tasks", s.nextTask)
	s.handle("GET /api/v1/facts", s.listFacts)
	s.handle("GET /api/v1/incidents", s.listIncidents)
	s.handle("GET /api/v1/incidents/{id}", s.getIncident)
	s.handle("GET /api/v1/plans", s.listPlans)
	s.handle("GET /api/v1/plans/{id}", s.getPlan)
	s.handle("POST /api/v1/plans/{id}/approve", s.approve)
	s.handle("POST /api/v1/plans/{id}/reject", s.reject)
	s.handle("GET /api/v1/workers", s.listWorkers)
	s.handle("POST /api/v1/workers", s.createWorker)
	s.handle("DELETE /api/v1/workers/{id}", s.deleteWorker)
	s.handle("GET /api/v1/tokens", s.listTokens)
	s.handle("POST /api/v1/tokens", s.createToken)
	s.handle("DELETE /api/v1/tokens/{id}", s.revokeToken)
	s.handle("GET /api/v1/audit", s.listAudit)
	s.mux.HandleFunc("GET /api/v1/auth/config", s.authConfig)
	s.handle("GET /api/v1/users", s.listUsers)
	s.handle("PUT /api/v1/users/{id}/role", s.setUserRole)
	s.handle("POST /api/v1/dashboards/render", s.renderDashboard)
	s.handle("GET /api/v1/dashboards/templates", s.listDashboardTemplates)
	s.handle("GET /api/v1/dashboards/templates/{name}", s.getDashboardTemplate)
	s.handle("POST /api/v1/plans", s.proposePlan)
	s.handle("GET /api/v1/plugins", s.listSkills)
	s.handle("POST /api/v1/plugins", s.installSkill)
	s.handle("GET /api/v1/plugins/market", s.searchSkills)
	s.handle("GET /api/v1/plugins/market/{id}", s.skillInfo)
	s.handle("GET /api/v1/plugins/verify", s.verifySkills)
	s.handle("POST /api/v1/plugins/{id}/update", s.updateSkill)
	s.handle("DELETE /api/v1/plugins/{id}", s.removeSkill)
	s.handle("GET /api/v1/worker/skills", s.workerSkills)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.Logger, errNoRoute(r))
	})
}

// ServeHTTP serves a request with metrics and panic recovery around it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.instrument(s.mux).ServeHTTP(w, r)
}

package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wingman-dev/wingman/core/domain"
)

// handlerFunc is an API handler that knows who is asking.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p domain.Principal) error

// handle registers h behind authentication: every /api/v1 endpoint needs a
// credential, and what the principal may do is checked by h or its service.
func (s *Server) handle(pattern string, h handlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Auth.Authenticate(r.Context(), bearer(r))
		if err == nil {
			err = h(w, r, p)
		}
		if err != nil {
			writeError(w, r, s.Logger, err)
		}
	})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Metrics are wingmand's Prometheus series.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	ingested *prometheus.CounterVec
}

// NewMetrics registers wingmand's series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wingman_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wingman_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 30},
		}, []string{"route"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wingman_ingested_items_total", Help: "Facts, summaries, results and heartbeats stored, by payload type.",
		}, []string{"payload_type"}),
	}
	reg.MustRegister(m.requests, m.duration, m.ingested)
	return m
}

// Ingested counts stored items; it is the ingest service's Counted hook.
func (m *Metrics) Ingested(pt domain.PayloadType, n int) {
	m.ingested.WithLabelValues(string(pt)).Add(float64(n))
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush keeps SSE working through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				s.Logger.Error("panic serving request", "path", r.URL.Path, "panic", v)
				if rec.code == http.StatusOK {
					rec.WriteHeader(http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			s.Metrics.requests.WithLabelValues(route, strconv.Itoa(rec.code)).Inc()
			s.Metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{})
}

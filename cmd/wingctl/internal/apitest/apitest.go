// Package apitest is a stand-in wingmand for command tests: an httptest
// server that answers the routes a test registers, to the contract in
// core/domain, a Factory pointed at it, and ways to run a command there.
package apitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// Token is the only token the test server accepts.
const Token = "test-token"

// Now is the clock of every test Factory, so relative times are exact.
var Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Server answers registered routes, e.g. "GET /api/v1/plans/{id}", and
// refuses requests without Token as wingmand does.
type Server struct {
	*httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	requests []string // guarded by mu
}

// New starts a server that stops when the test ends.
func New(t *testing.T) *Server {
	t.Helper()
	s := &Server{mux: http.NewServeMux()}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	line := r.Method + " " + r.URL.RequestURI()
	s.mu.Lock()
	s.requests = append(s.requests, line)
	s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+Token {
		Error(http.StatusUnauthorized, domain.CodeUnauthenticated, "token not recognised")(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Serve starts a server, as New does, that answers pattern with h.
func Serve(t *testing.T, pattern string, h http.HandlerFunc) *Server {
	t.Helper()
	s := New(t)
	s.Handle(pattern, h)
	return s
}

// Handle registers h for a ServeMux pattern.
func (s *Server) Handle(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

// Requests lists "METHOD /path?query" of every request so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Factory returns a Factory that talks to s with Token, prints in format
// and reads the clock Now, with the buffers its output goes to.
func (s *Server) Factory(format output.Format) (f *cmdutil.Factory, out, errOut *bytes.Buffer) {
	return NewFactory(s.URL, Token, format)
}

// NewFactory is Factory for any server URL, e.g. one that is down.
func NewFactory(server, token string, format output.Format) (f *cmdutil.Factory, out, errOut *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	c := client.New(server, token)
	f = &cmdutil.Factory{
		IOStreams: ios,
		Globals:   &cmdutil.GlobalFlags{Server: server, Token: token, Output: format},
		Client:    func() (*client.Client, error) { return c, nil },
		Now:       func() time.Time { return Now },
		Server:    func() (string, error) { return server, nil },
		Getenv:    func(string) string { return "" },
	}
	return f, out, errOut
}

// JSON answers status with v as JSON.
func JSON(status int, v any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
}

// Error answers status with an ErrorBody.
func Error(status int, code, message string) http.HandlerFunc {
	return JSON(status, domain.ErrorBody{Error: domain.APIError{Code: code, Message: message}})
}

// Capture decodes the JSON body of each request into v, so the test can
// check what the command sent, and lets h answer.
func Capture(v any, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(v)
		h(w, r)
	}
}

// At returns a pointer to Now moved by d, for optional times.
func At(d time.Duration) *time.Time {
	t := Now.Add(d)
	return &t
}

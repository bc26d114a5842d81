package api

import (
	"context"
	"net/http"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// healthz answers while the process serves at all.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only while the store answers and the server is not
// shutting down, so a load balancer stops sending before the process goes.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	err := s.Store.Ping(ctx)
	if err == nil && s.Ready != nil {
		err = s.Ready()
	}
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "store": s.Store.Kind()})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleViewer); err != nil {
		return err
	}
	now := s.Now()
	var st domain.Status
	err := s.Store.View(r.Context(), func(tx store.Tx) (err error) {
		st, err = tx.Counts(now, now.Add(-s.OnlineWindow))
		return err
	})
	if err != nil {
		return err
	}
	st.Version, st.Store = s.Version, s.Store.Kind()
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) whoami(w http.ResponseWriter, _ *http.Request, p domain.Principal) error {
	writeJSON(w, http.StatusOK, p)
	return nil
}

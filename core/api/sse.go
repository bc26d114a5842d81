package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
)

// sseKeepAlive is how often an idle stream sends a comment, so proxies
// and clients can tell a quiet server from a dead one.
const sseKeepAlive = 15 * time.Second

// events streams changes as Server-Sent Events: one "event: <kind>" with a
// JSON domain.Event each. Clients re-read what changed.
func (s *Server) events(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleViewer); err != nil {
		return err
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("streaming is not supported by this connection")
	}
	ch, cancel := s.Hub.Subscribe(256)
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	tick := time.NewTicker(sseKeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case ev, ok := <-ch:
			if !ok {
				return nil
			}
			b, _ := json.Marshal(ev) // an Event always encodes
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Kind, b)
		}
		flusher.Flush()
	}
}

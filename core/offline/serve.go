package offline

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

// Handler serves the outbox to the control plane, as the roadmap's
// reconnect sync has it:
//
//	GET    /offline/pending?limit=N   the waiting envelopes, newest first
//	GET    /offline/files/{name}      one envelope's bytes, as sent
//	DELETE /offline/files/{name}      the control plane confirms it stored it
//	POST   /offline/files/{name}/quarantine   the control plane refused it
//
// Every request must carry "Authorization: Bearer <key>", the key the
// worker announced in its heartbeat. The key lets a caller read the
// worker's own reports and drop them once stored, nothing more.
func Handler(o *Outbox, key string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /offline/pending", func(w http.ResponseWriter, r *http.Request) {
		items := o.List()
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				http.Error(w, fmt.Sprintf("limit=%q: give a positive whole number", v), http.StatusBadRequest)
				return
			}
			items = items[:min(n, len(items))]
		}
		o.markPulled()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Files []Item `json:"files"`
		}{items})
	})
	mux.HandleFunc("GET /offline/files/{name}", func(w http.ResponseWriter, r *http.Request) {
		data, err := o.Read(r.PathValue("name"))
		if err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrCorrupt) {
				status = http.StatusNotFound
			}
			http.Error(w, err.Error(), status)
			return
		}
		o.markPulled()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(data)
	})
	mux.HandleFunc("DELETE /offline/files/{name}", func(w http.ResponseWriter, r *http.Request) {
		if err := o.Delete(r.PathValue("name")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /offline/files/{name}/quarantine", func(w http.ResponseWriter, r *http.Request) {
		why, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		o.Quarantine(r.PathValue("name"), fmt.Errorf("refused by the control plane: %s", why))
		w.WriteHeader(http.StatusNoContent)
	})
	want := []byte("Bearer " + key)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="wingworker offline sync"`)
			http.Error(w, "give the sync key as a Bearer token", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// view runs a read for a viewer (or better) and writes its result.
func view[T any](s *Server, w http.ResponseWriter, r *http.Request, p domain.Principal, need domain.Role,
	read func(tx store.Tx) (T, error)) error {
	if err := auth.Require(p, need); err != nil {
		return err
	}
	var out T
	err := s.Store.View(r.Context(), func(tx store.Tx) (err error) {
		out, err = read(tx)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](v []T, err error) ([]T, error) {
	if v == nil {
		v = []T{}
	}
	return v, err
}

// pageLimit reads ?limit=, at most and by default 1000.
func pageLimit(r *http.Request) (int, error) {
	n, err := queryInt(r, "limit")
	if n == 0 || n > 1000 {
		n = 1000
	}
	return n, err
}

func queryInt(r *http.Request, key string) (int, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q is not a whole number: %w", key, v, domain.ErrInvalid)
	}
	return n, nil
}

func (s *Server) listFacts(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	n, err := pageLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := domain.FactFilter{WorkerID: q.Get("worker"), Type: q.Get("type"), Name: q.Get("name"), Status: q.Get("status"), Limit: n}
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) ([]domain.Fact, error) { return nonNil(tx.ListFacts(f)) })
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	n, err := pageLimit(r)
	if err != nil {
		return err
	}
	state := domain.IncidentState(r.URL.Query().Get("state"))
	switch state {
	case "", domain.IncidentOpen, domain.IncidentAcknowledged, domain.IncidentResolved:
	default:
		return fmt.Errorf("state=%q is not one of open, acknowledged, resolved: %w", state, domain.ErrInvalid)
	}
	f := domain.IncidentFilter{State: state, WorkerID: r.URL.Query().Get("worker"), Limit: n}
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) ([]domain.Incident, error) { return nonNil(tx.ListIncidents(f)) })
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) (domain.Incident, error) { return tx.GetIncident(r.PathValue("id")) })
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	n, err := pageLimit(r)
	if err != nil {
		return err
	}
	f := domain.PlanFilter{Status: domain.PlanStatus(r.URL.Query().Get("status")), Limit: n}
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) ([]domain.Plan, error) { return nonNil(tx.ListPlans(f)) })
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) (domain.Plan, error) { return tx.GetPlan(r.PathValue("id"), false) })
}

// maxGapsShown is how many of a worker's most recent gaps the list shows.
const maxGapsShown = 10

func (s *Server) listWorkers(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) ([]domain.Worker, error) {
		ws, err := nonNil(tx.ListWorkers())
		for i := range ws {
			if err != nil {
				break
			}
			ws[i].Gaps, err = tx.WorkerGaps(ws[i].ID, maxGapsShown)
		}
		return ws, err
	})
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return view(s, w, r, p, domain.RoleAdmin, func(tx store.Tx) ([]domain.Token, error) { return nonNil(tx.ListTokens()) })
}

func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	n, err := pageLimit(r)
	if err != nil {
		return err
	}
	after, err := queryInt(r, "after")
	if err != nil {
		return err
	}
	return view(s, w, r, p, domain.RoleViewer, func(tx store.Tx) (domain.AuditPage, error) {
		evs, err := nonNil(tx.ListAudit(int64(after), n))
		page := domain.AuditPage{Events: evs}
		if len(evs) == n {
			page.Next = evs[len(evs)-1].Seq
		}
		return page, err
	})
}

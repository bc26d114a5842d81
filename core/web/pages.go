// The pages that read: incidents, plans, workers and the audit log, read
// from the store as the API reads them.

package web

import (
	"net/http"
	"strconv"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// listLimit is how many rows a list page shows.
const listLimit = 200

// read runs a read for a page.
func read[T any](h *Handler, r *http.Request, fn func(tx store.Tx) (T, error)) (T, error) {
	var out T
	err := h.cfg.Store.View(r.Context(), func(tx store.Tx) (err error) {
		out, err = fn(tx)
		return err
	})
	return out, err
}

// filter is one choice of a list page's filter.
type filter struct {
	Value, Label string
	On           bool
}

func filters(current string, choices ...string) []filter {
	out := make([]filter, len(choices))
	for i, c := range choices {
		label := c
		if c == "" {
			label = "all"
		}
		out[i] = filter{c, label, c == current}
	}
	return out
}

type incidentsPage struct {
	Filters   []filter
	Incidents []domain.Incident
}

func (h *Handler) incidents(w http.ResponseWriter, r *http.Request, v *visit) error {
	state := r.URL.Query().Get("state")
	f := domain.IncidentFilter{Limit: listLimit}
	switch domain.IncidentState(state) {
	case "":
	case domain.IncidentOpen, domain.IncidentAcknowledged, domain.IncidentResolved:
		f.State = domain.IncidentState(state)
	default:
		state = ""
	}
	list, err := read(h, r, func(tx store.Tx) ([]domain.Incident, error) { return tx.ListIncidents(f) })
	if err != nil {
		return err
	}
	page := incidentsPage{Filters: filters(state, "", "open", "acknowledged", "resolved"), Incidents: list}
	h.render(w, http.StatusOK, "incidents", newView(v, "Incidents", "incidents", page))
	return nil
}

type plansPage struct {
	Filters []filter
	Plans   []domain.Plan
}

func (h *Handler) plans(w http.ResponseWriter, r *http.Request, v *visit) error {
	status := r.URL.Query().Get("status")
	choices := []string{"", "pending", "dispatched", "running", "succeeded", "failed", "rolled_back", "rejected", "expired"}
	f := domain.PlanFilter{Limit: listLimit}
	for _, c := range choices[1:] {
		if status == c {
			f.Status = domain.PlanStatus(c)
		}
	}
	list, err := read(h, r, func(tx store.Tx) ([]domain.Plan, error) { return tx.ListPlans(f) })
	if err != nil {
		return err
	}
	page := plansPage{Filters: filters(string(f.Status), choices...), Plans: list}
	h.render(w, http.StatusOK, "plans", newView(v, "Plans", "plans", page))
	return nil
}

// maxGapsShown is how many of a worker's most recent gaps the page shows,
// as many as the API lists.
const maxGapsShown = 10

func (h *Handler) workers(w http.ResponseWriter, r *http.Request, v *visit) error {
	list, err := read(h, r, func(tx store.Tx) ([]domain.Worker, error) {
		ws, err := tx.ListWorkers()
		for i := range ws {
			if err != nil {
				break
			}
			ws[i].Gaps, err = tx.WorkerGaps(ws[i].ID, maxGapsShown)
		}
		return ws, err
	})
	if err != nil {
		return err
	}
	h.render(w, http.StatusOK, "workers", newView(v, "Workers", "workers", list))
	return nil
}

// auditPageSize is how many events one page of the audit log shows.
const auditPageSize = 100

type auditPage struct {
	Events []domain.AuditEvent
	// After is where this page starts; Next where the following one does,
	// 0 on the last page.
	After, Next int64
}

func (h *Handler) audit(w http.ResponseWriter, r *http.Request, v *visit) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	after = max(after, 0)
	evs, err := read(h, r, func(tx store.Tx) ([]domain.AuditEvent, error) { return tx.ListAudit(after, auditPageSize) })
	if err != nil {
		return err
	}
	page := auditPage{Events: evs, After: after}
	if len(evs) == auditPageSize {
		page.Next = evs[len(evs)-1].Seq
	}
	h.render(w, http.StatusOK, "audit", newView(v, "Audit log", "audit", page))
	return nil
}

// A plan, and the forms that approve or reject it through the approval
// service, under the policy wingctl's decisions are under.

package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

type planPage struct {
	Plan domain.Plan
	// MayDecide is whether the visitor's role lets them decide; the forms
	// show either way, and the server has the last word.
	MayDecide bool
}

// doneNotices say what a decision did, by its outcome.
var doneNotices = map[string]string{
	domain.DecisionOutcomeApproved: "Approved: the plan's tasks are queued for their workers.",
	domain.DecisionOutcomePending:  "Your approval is recorded; the plan waits for more.",
	domain.DecisionOutcomeRejected: "Rejected: the plan will not run.",
}

func (h *Handler) plan(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.showPlan(w, r, v, doneNotices[r.URL.Query().Get("done")], nil)
}

// showPlan draws the plan named in the path, with a notice of what was
// done, or the server's refusal with its status.
func (h *Handler) showPlan(w http.ResponseWriter, r *http.Request, v *visit, notice string, refused error) error {
	p, err := read(h, r, func(tx store.Tx) (domain.Plan, error) { return tx.GetPlan(r.PathValue("id"), false) })
	if errors.Is(err, domain.ErrNotFound) && refused != nil {
		return refused
	}
	if err != nil {
		return err
	}
	out := newView(v, "Plan "+p.ID, "plans", planPage{Plan: p, MayDecide: v.p.Role.Includes(domain.RoleOperator)})
	out.Notice = notice
	status := http.StatusOK
	if refused != nil {
		status, _, _ = refusal(refused)
		out.Refusal = refused.Error()
	}
	h.render(w, status, "plan", out)
	return nil
}

func (h *Handler) approve(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	resp, err := h.cfg.Approvals.Approve(r.Context(), v.p, id, r.PostFormValue("comment"))
	return h.decided(w, r, v, resp, err)
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	resp, err := h.cfg.Approvals.Reject(r.Context(), v.p, id, r.PostFormValue("reason"))
	return h.decided(w, r, v, resp, err)
}

// decided answers a decision: the plan again after a refusal, with the
// server's words and status; after success, a redirect, so that reloading
// the page does not send the form again.
func (h *Handler) decided(w http.ResponseWriter, r *http.Request, v *visit, resp domain.DecisionResponse, err error) error {
	if err != nil {
		if _, _, ok := refusal(err); !ok {
			return err
		}
		return h.showPlan(w, r, v, "", err)
	}
	http.Redirect(w, r, "/web/plans/"+url.PathEscape(r.PathValue("id"))+"?done="+url.QueryEscape(resp.Outcome), http.StatusSeeOther)
	return nil
}

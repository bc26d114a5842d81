// Approving and rejecting through the forms: an operator decides, a
// viewer is refused with the server's words, and a form without its CSRF
// token does nothing.

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

func TestOperatorApproves(t *testing.T) {
	w := newWorld(t)
	id := w.plan()
	b := w.browser()
	b.mustSignIn("bob", "/web/plans/"+id)
	wantIn(t, "plan", b.get("/web/plans/"+id), http.StatusOK, "Restart web", "web exited 7 times in 10 minutes.",
		"docker.restart", "container web", `id="approve"`, `id="reject"`, "0 of 1 needed")

	pg := b.post("/web/plans/"+id+"/approve", url.Values{"csrf": {b.csrf("/web/plans/" + id)}, "comment": {"from the web"}})
	if pg.status != http.StatusSeeOther || pg.location != "/web/plans/"+id+"?done=approved" {
		t.Fatalf("approve = %d to %q\n%s", pg.status, pg.location, pg.body)
	}
	wantIn(t, "plan after approval", b.get(pg.location), http.StatusOK, "Approved: the plan", "dispatched", "from the web", "Bob Ops")
	if s := w.planStatus(id); s != domain.PlanDispatched {
		t.Errorf("plan is %s, want dispatched", s)
	}
	// The same approval again is refused by the service, in its words.
	pg = b.post("/web/plans/"+id+"/approve", url.Values{"csrf": {b.csrf("/web/plans/" + id)}})
	wantIn(t, "second approval", pg, http.StatusConflict, "it is already dispatched")

	id = w.plan()
	pg = b.post("/web/plans/"+id+"/reject", url.Values{"csrf": {b.csrf("/web/plans/" + id)}})
	wantIn(t, "reject without a reason", pg, http.StatusBadRequest, "a reason is required")
	pg = b.post("/web/plans/"+id+"/reject", url.Values{"csrf": {b.csrf("/web/plans/" + id)}, "reason": {"not now"}})
	if pg.status != http.StatusSeeOther || w.planStatus(id) != domain.PlanRejected {
		t.Fatalf("reject = %d, plan %s", pg.status, w.planStatus(id))
	}
	wantIn(t, "plan after rejection", b.get(pg.location), http.StatusOK, "Rejected: the plan will not run.", "not now")

	wantIn(t, "unknown plan", b.post("/web/plans/pl-nope/approve", url.Values{"csrf": {b.csrf("/web/plans/" + id)}}),
		http.StatusNotFound, "no plan has this id")
}

func TestViewerRefused(t *testing.T) {
	w := newWorld(t)
	id := w.plan()
	b := w.browser()
	b.mustSignIn("vera", "/web/plans/"+id)
	wantIn(t, "plan", b.get("/web/plans/"+id), http.StatusOK, "Vera Viewer (viewer)",
		"Deciding needs the operator role; you are viewer")
	pg := b.post("/web/plans/"+id+"/approve", url.Values{"csrf": {b.csrf("/web/plans/" + id)}})
	wantIn(t, "viewer approves", pg, http.StatusForbidden, "this needs the operator role; Vera Viewer has viewer", "Restart web")
	if s := w.planStatus(id); s != domain.PlanPending {
		t.Errorf("plan is %s, want pending", s)
	}
	refused := false
	err := w.st.View(context.Background(), func(tx store.Tx) error {
		evs, err := tx.ListAudit(0, 100)
		for _, ev := range evs {
			refused = refused || (ev.Action == "plan.approve" && ev.Outcome == domain.OutcomeRefused && ev.ActorName == "Vera Viewer")
		}
		return err
	})
	if err != nil || !refused {
		t.Errorf("the refusal is not in the audit log (%v)", err)
	}
}

func TestFormWithoutCSRFRefused(t *testing.T) {
	w := newWorld(t)
	id := w.plan()
	bob, vera := w.browser(), w.browser()
	bob.mustSignIn("bob", "/web/")
	vera.mustSignIn("vera", "/web/")
	for name, form := range map[string]url.Values{
		"no token":                {"comment": {"x"}},
		"empty token":             {"csrf": {""}},
		"wrong token":             {"csrf": {"AAAA"}},
		"another session's token": {"csrf": {vera.csrf("/web/plans/" + id)}},
	} {
		t.Run(name, func(t *testing.T) {
			wantIn(t, "approve", bob.post("/web/plans/"+id+"/approve", form), http.StatusForbidden, "CSRF check failed")
			wantIn(t, "sign out", bob.post("/web/logout", form), http.StatusForbidden, "CSRF check failed")
		})
	}
	if s := w.planStatus(id); s != domain.PlanPending {
		t.Errorf("plan is %s, want pending", s)
	}
	wantIn(t, "still signed in", bob.get("/web/plans/"+id), http.StatusOK, "Bob Ops")
}

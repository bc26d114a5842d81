package web_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// TestWorkersSandbox: the workers page shows each worker's sandbox as its
// heartbeat reported it, and says in words, not colour alone, where skills
// run less confined, do not run, or the report cannot be read.
func TestWorkersSandbox(t *testing.T) {
	w := newWorld(t)
	now := w.clock.now()
	reports := map[string][]string{
		"w-full":     {"collect.host", "sandbox:full"},
		"w-degraded": {"sandbox:degraded:landlock"},
		"w-off":      {"sandbox:off:landlock,seccomp"},
		"w-newer":    {"sandbox:partial"},
		"w-older":    {"collect.host"},
	}
	err := w.st.Update(context.Background(), func(tx store.Tx) error {
		for id, caps := range reports {
			if err := tx.CreateWorker(domain.Worker{ID: id, SiteName: "Site A", Health: domain.WorkerUnknown, CreatedAt: now}); err != nil {
				return err
			}
			if err := tx.SeeWorker(id, domain.WorkerReport{Health: domain.WorkerHealthy, Capabilities: caps,
				ReportedAt: now, SeenAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := w.browser()
	b.mustSignIn("vera", "/web/workers")
	pg := b.get("/web/workers")
	wantIn(t, "workers", pg, http.StatusOK,
		`<span class="tag sandbox-full">full</span>`,
		`<span class="tag sandbox-degraded">DEGRADED (landlock)</span>`,
		`<span class="tag sandbox-off">off (landlock, seccomp)</span>`,
		`<span class="tag sandbox-unknown">unknown</span>`,
		`<span class="muted">not reported</span>`,
		"<strong>Sandbox degraded</strong>: skills run here without some of their confinement",
		"<strong>Sandbox off</strong>: the kernel lacks what the sandbox needs",
		"<strong>Sandbox unknown</strong>: the worker reported its sandbox in a form")
	if n := len(regexp.MustCompile(`<tr class="sandbox-warning">`).FindAllString(pg.body, -1)); n != 3 {
		t.Errorf("%d sandbox warnings, want 3 (degraded, off, unknown):\n%s", n, pg.body)
	}
}

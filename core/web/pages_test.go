// The pages that read, and the dashboard drawn from a rendered overview.

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/web"
)

func TestPages(t *testing.T) {
	w := newWorld(t)
	id := w.plan()
	now := w.clock.now()
	oldest := now.Add(-2 * time.Hour)
	err := w.st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateIncident(&domain.Incident{Kind: "container_crashloop", Title: "web keeps crashing", Severity: domain.SeverityCritical,
			State: domain.IncidentOpen, SiteName: "Site A", WorkerID: "site-a", TargetType: "container", Target: "web", PlanID: id, OpenedAt: now}); err != nil {
			return err
		}
		if err := tx.SeeWorker("site-a", domain.WorkerReport{Health: domain.WorkerDegraded, Version: "1.2.3",
			Backlog: domain.Backlog{Files: 42, Bytes: 3 << 20, Oldest: &oldest}, ReportedAt: now, SeenAt: now}); err != nil {
			return err
		}
		return tx.AddGaps("site-a", []domain.Gap{{ID: "g1", PayloadType: domain.PayloadLogs, Files: 7, Bytes: 2048,
			From: oldest, To: now, Reason: domain.GapCap}}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := w.browser()
	b.mustSignIn("vera", "/web/incidents")
	wantIn(t, "incidents", b.get("/web/incidents"), http.StatusOK, "web keeps crashing", "critical", `href="/web/plans/`+id+`"`)
	wantIn(t, "open incidents", b.get("/web/incidents?state=open"), http.StatusOK, "web keeps crashing")
	wantIn(t, "resolved incidents", b.get("/web/incidents?state=resolved"), http.StatusOK, "No incidents.")
	wantIn(t, "plans", b.get("/web/plans"), http.StatusOK, id, "Restart web", "0/1")
	wantIn(t, "pending plans", b.get("/web/plans?status=pending"), http.StatusOK, id)
	wantIn(t, "failed plans", b.get("/web/plans?status=failed"), http.StatusOK, "No plans.")
	wantIn(t, "workers", b.get("/web/workers"), http.StatusOK, "site-a", "degraded", "42 files, 3.0 MiB",
		"History lost", "7 logs files (2.0 KiB)", "dropped for cap")
	wantIn(t, "audit", b.get("/web/audit"), http.StatusOK, "plan.propose", "web.signin", "Vera Viewer")
	wantIn(t, "unknown plan", b.get("/web/plans/pl-nope"), http.StatusNotFound, "pl-nope")
	wantIn(t, "unknown page", b.get("/web/nowhere"), http.StatusNotFound, "There is no page /web/nowhere.")
	wantIn(t, "no dashboards", b.get("/web/"), http.StatusOK, "This server renders no dashboards.")
	if pg := b.get("/web/static/style.css"); pg.status != http.StatusOK || !strings.Contains(pg.body, ".panel") {
		t.Errorf("stylesheet = %d", pg.status)
	}
}

// overview answers as the dashboards service does: a rendered dashboard
// that encodes to the render endpoint's JSON.
type overview struct{ err error }

func (o overview) Render(_ context.Context, req domain.RenderRequest) (any, error) {
	if o.err != nil {
		return nil, o.err
	}
	if req.Template != "overview" {
		return nil, fmt.Errorf("template %q: %w", req.Template, domain.ErrNotFound)
	}
	day := func(d int) string { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	return map[string]any{
		"title": "Overview", "description": "What runs.", "rendered_at": day(14),
		"sections": []any{
			map[string]any{"name": "Now", "columns": 4, "components": []any{
				map[string]any{"type": "stat_card", "title": "Running containers", "color": "green", "kind": "integer",
					"data": map[string]any{"integer": map[string]any{"value": 12, "previous": 9, "trend": "up"}}},
				map[string]any{"type": "stat_card", "title": "Broken query", "error": "query incidents.recent: timed out"},
			}},
			map[string]any{"name": "Trends", "columns": 2, "components": []any{
				map[string]any{"type": "line_chart", "title": "Restarts", "x_axis": "Day", "kind": "timeseries",
					"data": map[string]any{"timeseries": map[string]any{"series": []any{map[string]any{"name": "", "points": []any{
						map[string]any{"t": day(10), "v": 1}, map[string]any{"t": day(11), "v": 4}, map[string]any{"t": day(12), "v": 2}}}}}}},
				map[string]any{"type": "bar_chart", "title": "By severity", "orientation": "horizontal", "kind": "table",
					"data": map[string]any{"table": map[string]any{
						"columns": []any{map[string]any{"name": "severity", "type": "text"}, map[string]any{"name": "incidents", "type": "integer"}},
						"rows":    []any{[]any{"critical", 3}, []any{"warning", 5}}}}},
			}},
			map[string]any{"name": "Attention", "columns": 2, "components": []any{
				map[string]any{"type": "table", "title": "Open incidents", "width": 2, "kind": "table",
					"data": map[string]any{"table": map[string]any{
						"columns": []any{map[string]any{"name": "opened", "type": "time"}, map[string]any{"name": "title", "type": "text"}},
						"rows":    []any{[]any{day(13), "nginx keeps crashing"}}}}},
				map[string]any{"type": "timeline", "title": "Recent changes", "group_by": "site", "kind": "events",
					"data": map[string]any{"events": map[string]any{"fields": []any{map[string]any{"name": "site", "type": "text"}},
						"events": []any{map[string]any{"at": day(13), "title": "nginx exited", "fields": map[string]any{"site": "Site A"}}}}}},
				map[string]any{"type": "topology", "title": "Hosts", "kind": "graph",
					"data": map[string]any{"graph": map[string]any{"nodes": []any{
						map[string]any{"id": "h1", "kind": "host", "label": "pve1"},
						map[string]any{"id": "c1", "parent": "h1", "kind": "container", "label": "nginx", "status": "running"}}}}},
				map[string]any{"type": "heatmap", "title": "Activity", "kind": "matrix",
					"data": map[string]any{"matrix": map[string]any{"x": map[string]any{"name": "hour", "labels": []any{"00", "01"}},
						"y": map[string]any{"name": "day", "labels": []any{"Mon"}}, "values": []any{[]any{0, 8}}}}},
			}},
		},
	}, nil
}

func TestDashboard(t *testing.T) {
	w := newWorld(t, func(c *web.Config) { c.Dashboards = overview{} })
	b := w.browser()
	b.mustSignIn("vera", "/web/")
	wantIn(t, "dashboard", b.get("/web/"), http.StatusOK,
		"Overview: What runs.", `class="grid cols-4"`,
		"Running containers", `<p class="stat accent-green">12`, "▲ 9",
		"query incidents.recent: timed out",
		`<svg class="chart"`, "<polyline", ">Day</text>", ">Mar 10</text>",
		`<rect class="bar"`, ">critical</text>", ">5</text>",
		`class="panel span-2"`, "<td>2026-03-13 00:00</td>", "<td>nginx keeps crashing</td>",
		"nginx exited", `<span class="tag">Site A</span>`,
		`<li class="depth-1">nginx`, `<td class="heat-4">8</td>`, `<td class="heat-0">0</td>`)

	w = newWorld(t, func(c *web.Config) {
		c.Dashboards = overview{err: fmt.Errorf("queries.yaml: %w", domain.ErrUnavailable)}
	})
	b = w.browser()
	b.mustSignIn("vera", "/web/")
	wantIn(t, "dashboard that failed", b.get("/web/"), http.StatusOK, "The overview did not render: queries.yaml")
}

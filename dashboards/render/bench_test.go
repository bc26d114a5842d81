package render_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/render"
)

// historyRows is the size of the fact history the render endpoint's
// latency target is set for.
const historyRows = 1_000_000

// historySelect makes row n of a month of history ending at the seeded
// Now, shaped like a homelab's: twenty workers at four sites; most rows
// are host metrics changing on every collection (status unchanged), the
// rest containers, one in five of their rows a stop or a restart.
func historySelect(n, nowMS string) string {
	r := strings.NewReplacer("{n}", n, "{now}", nowMS)
	return r.Replace(`SELECT 'w-' || ({n} % 20),
  CASE WHEN {n} % 10 < 8 THEN 'host' ELSE 'container' END,
  CASE WHEN {n} % 10 < 8 THEN 'host-' || ({n} % 20) ELSE 'ctr-' || ({n} % 200) END,
  'Site ' || ({n} % 4),
  CASE WHEN {n} % 10 >= 8 AND ({n} / 10) % 10 = 0 THEN 'exited' ELSE CASE WHEN {n} % 10 < 8 THEN 'up' ELSE 'running' END END,
  CASE WHEN {n} % 10 >= 8 AND ({n} / 10) % 10 = 1 THEN 'exited' ELSE CASE WHEN {n} % 10 < 8 THEN 'up' ELSE 'running' END END,
  '{"cpu_percent": 12.5, "mem_used_bytes": 2147483648, "load1": 0.42}',
  {now} - {n} * 2592`)
}

const historyInsert = `INSERT INTO fact_history (worker_id, type, name, site_name, status, prev_status, attrs, observed_at) `

func seedHistory(b *testing.B, s dashtest.Store) {
	b.Helper()
	dashtest.Seed(b, s.DB)
	ctx := context.Background()
	now := dashtest.Now.UnixMilli()
	start := time.Now()
	var q string
	if s.Name == "postgres" {
		q = historyInsert + historySelect("n", itoa(now)) + " FROM generate_series(CAST(1 AS BIGINT), " + itoa(historyRows) + ") AS n"
	} else {
		q = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < " + itoa(historyRows) + ") " +
			historyInsert + historySelect("n", itoa(now)) + " FROM seq"
	}
	if _, err := s.Raw.ExecContext(ctx, q); err != nil {
		b.Fatalf("seed history: %v", err)
	}
	if s.Name == "postgres" {
		// What autovacuum does after a bulk of inserts: statistics for the
		// planner, and the visibility map that lets index-only scans skip
		// the table.
		if _, err := s.Raw.ExecContext(ctx, "VACUUM ANALYZE fact_history"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: %d history rows seeded in %v", s.Name, historyRows, time.Since(start).Round(time.Millisecond))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// BenchmarkRenderOverview1MHistory measures what the render endpoint
// spends on the overview template with a million rows of fact history,
// and reports the 99th percentile (target: 20 ms on both stores).
func BenchmarkRenderOverview1MHistory(b *testing.B) {
	for _, open := range []func(testing.TB) dashtest.Store{dashtest.SQLite, dashtest.Postgres} {
		st := open(b)
		seedHistory(b, st)
		r := renderer(b, st.DB, nil)
		b.Run(st.Name, func(b *testing.B) { benchRender(b, r, "overview") })
	}
}

// benchRender renders a template by name, as the endpoint does.
func benchRender(b *testing.B, r *render.Renderer, template string) {
	ctx := context.Background()
	render1 := func() {
		d, err := r.Template(ctx, template)
		if err != nil {
			b.Fatal(err)
		}
		for _, sec := range d.Sections {
			for _, c := range sec.Components {
				if c.Error != "" {
					b.Fatalf("%s: %s", c.Title, c.Error)
				}
			}
		}
	}
	for range 3 { // prepared statements and caches, as on a running server
		render1()
	}
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		render1()
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	ms := func(q float64) float64 {
		return float64(took[min(len(took)-1, int(q*float64(len(took))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

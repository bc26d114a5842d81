package render_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/render"
)

// historyRows is the size of the fact history the render endpoint's
// latency target is set for.
const historyRows = 1_000_000

// BenchmarkRenderOverview1MHistory measures what the render endpoint
// spends on the overview template with a million rows of fact history,
// and reports the 99th percentile (target: 20 ms on both stores).
func BenchmarkRenderOverview1MHistory(b *testing.B) {
	for _, open := range []func(testing.TB) dashtest.Store{dashtest.SQLite, dashtest.Postgres} {
		st := open(b)
		dashtest.Seed(b, st.DB)
		dashtest.SeedHistory(b, st, historyRows)
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

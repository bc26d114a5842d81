package render_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/store/sqlstore"
	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/spec"
	"github.com/wingman-dev/wingman/dashboards/templates"
)

func renderer(t testing.TB, s query.Store, reg *query.Registry) *render.Renderer {
	t.Helper()
	if reg == nil {
		var err error
		if reg, err = query.Builtin(); err != nil {
			t.Fatal(err)
		}
	}
	return &render.Renderer{Store: s, Registry: reg, Now: func() time.Time { return dashtest.Now },
		Log: slog.New(slog.DiscardHandler)}
}

func renderTemplate(t *testing.T, r *render.Renderer, name string) *render.Dashboard {
	t.Helper()
	d, err := r.Template(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTemplatesRender(t *testing.T) {
	dashtest.Each(t, func(t *testing.T, s dashtest.Store) {
		dashtest.Seed(t, s.DB)
		r := renderer(t, s.DB, nil)
		for _, name := range templates.Names() {
			d := renderTemplate(t, r, name)
			for _, sec := range d.Sections {
				for _, c := range sec.Components {
					if c.Error != "" || c.Data == nil {
						t.Errorf("%s/%s/%s: error %q, data %v", name, sec.Name, c.Title, c.Error, c.Data)
						continue
					}
					if !hasKind(c.Data, c.Kind) {
						t.Errorf("%s/%s/%s: data %+v is not of kind %s", name, sec.Name, c.Title, c.Data, c.Kind)
					}
				}
			}
		}
	})
}

func hasKind(d *query.Result, k query.Kind) bool {
	switch k {
	case query.Integer:
		return d.Integer != nil
	case query.Table:
		return d.Table != nil
	case query.Timeseries:
		return d.Timeseries != nil
	case query.Events:
		return d.Events != nil
	case query.Graph:
		return d.Graph != nil
	case query.Matrix:
		return d.Matrix != nil
	}
	return false
}

func TestTemplatesAgreeAcrossStores(t *testing.T) {
	stores := dashtest.Both(t)
	for _, s := range stores {
		dashtest.Seed(t, s.DB)
	}
	for _, name := range templates.Names() {
		var out [][]byte
		for _, s := range stores {
			b, err := json.Marshal(renderTemplate(t, renderer(t, s.DB, nil), name))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("%s: the stores disagree:\nsqlite:   %s\npostgres: %s", name, out[0], out[1])
		}
	}
}

func TestRenderRefuses(t *testing.T) {
	r := renderer(t, dashtest.SQLite(t).DB, nil)
	var derr *document.Error
	if _, err := r.Spec(context.Background(), []byte("title: t\nsections: []\n")); !errors.As(err, &derr) {
		t.Errorf("a bad spec: err = %v, want a *document.Error", err)
	}
	if _, err := r.Template(context.Background(), "nope"); !errors.Is(err, templates.ErrNotFound) {
		t.Errorf("an unknown template: err = %v, want ErrNotFound", err)
	}
}

func TestRenderAppliesOptions(t *testing.T) {
	st := dashtest.SQLite(t)
	dashtest.Seed(t, st.DB)
	r := renderer(t, st.DB, nil)
	d, err := r.Spec(context.Background(), []byte(`
title: Options
sections:
  - name: s
    columns: 2
    components:
      - {type: stat_card, title: plain, query: incidents.recent}
      - {type: stat_card, title: trend, query: incidents.recent, trend: true}
      - {type: table, title: picked, query: containers.list, columns: [worker, name], params: {limit: 2}}
      - {type: timeline, title: lanes, query: changes.recent, group_by: worker}
      - {type: heatmap, title: turned, query: activity.heat, x_axis: weekday, y_axis: hour, width: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := d.Sections[0].Components
	if v := c[0].Data.Integer; v.Previous != nil || v.Trend != "" || v.Value != dashtest.RecentIncidents {
		t.Errorf("stat_card without trend: %+v", v)
	}
	if v := c[1].Data.Integer; v.Previous == nil || v.Trend != "up" {
		t.Errorf("stat_card with trend: %+v", v)
	}
	if c[0].Params["hours"] != int64(24) {
		t.Errorf("params = %v, want the default hours filled in", c[0].Params)
	}
	tbl := c[2].Data.Table
	if len(tbl.Columns) != 2 || tbl.Columns[0].Name != "worker" || len(tbl.Rows) != 2 || tbl.Rows[0][0] != "w-a1" || tbl.Rows[0][1] != "cache" {
		t.Errorf("projected table = %+v", tbl)
	}
	if g := c[3].Data.Events.Groups; strings.Join(g, ",") != "w-a1,w-b1,w-a2" {
		t.Errorf("timeline lanes = %v", g)
	}
	m := c[4].Data.Matrix
	if m.X.Name != "weekday" || len(m.Values) != 24 || len(m.Values[0]) != 7 || m.Values[10][3] != 11 {
		t.Errorf("heatmap not turned: x %s, %d×%d", m.X.Name, len(m.Values), len(m.Values[0]))
	}
	if w := c[0].Width; w != 1 || d.Sections[0].Columns != 2 {
		t.Errorf("width %d, columns %d; want the defaults filled in", w, d.Sections[0].Columns)
	}
}

// TestRenderIsolatesASlowQuery: a query cut off at its time limit leaves
// an error on its own component, and the dashboard still renders.
func TestRenderIsolatesASlowQuery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "queries.yaml")
	if err := os.WriteFile(path, []byte(`
slow.forever:
  description: Counts without end.
  returns: integer
  sql: WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n
`), 0o600); err != nil {
		t.Fatal(err)
	}
	reg, err := query.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dashtest.Each(t, func(t *testing.T, st dashtest.Store) {
		dashtest.Seed(t, st.DB)
		r := renderer(t, st.DB, reg)
		r.Limits = sqlstore.ReadLimits{Timeout: 300 * time.Millisecond}
		s, err := spec.Parse([]byte(`
title: Slow
sections:
  - name: s
    components:
      - {type: stat_card, title: forever, query: slow.forever}
      - {type: stat_card, title: running, query: containers.active}
`), reg)
		if err != nil {
			t.Fatal(err)
		}
		d, err := r.Render(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		c := d.Sections[0].Components
		if !strings.Contains(c[0].Error, "cut off at its time limit") || c[0].Data != nil {
			t.Errorf("slow component: error %q, data %v", c[0].Error, c[0].Data)
		}
		if c[1].Error != "" || c[1].Data.Integer.Value != dashtest.RunningContainers {
			t.Errorf("the other component: error %q, data %v", c[1].Error, c[1].Data)
		}
	})
}

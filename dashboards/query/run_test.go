package query_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/sqlstore"
	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/query"
)

var limits = sqlstore.ReadLimits{Timeout: 5 * time.Second, MaxRows: 1000}

func builtin(t testing.TB) *query.Registry {
	t.Helper()
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func run(t *testing.T, s query.Store, reg *query.Registry, name string, params map[string]any) *query.Result {
	t.Helper()
	q, ok := reg.Lookup(name)
	if !ok {
		t.Fatalf("no query %s", name)
	}
	resolved, errs := q.Resolve(params)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs[0])
	}
	res, err := q.Run(context.Background(), s, limits, dashtest.Now, resolved)
	if err != nil {
		t.Fatalf("%s%v: %v", name, params, err)
	}
	return res
}

// variants are parameter sets, beyond the defaults, that every store must
// answer alike.
var variants = map[string][]map[string]any{
	"containers.active":  {{"site": "Site B"}},
	"containers.list":    {{"status": "running"}, {"site": "Site B"}, {"limit": int64(2)}},
	"containers.stopped": {{"site": "Site A"}},
	"incidents.list":     {{"state": "all"}, {"state": "resolved", "limit": int64(1)}},
	"incidents.open":     {{"severity": "critical"}},
	"incidents.recent":   {{"hours": int64(72)}},
	"incidents.daily":    {{"utc_offset_minutes": int64(330), "days": int64(7)}},
	"incidents.timeline": {{"hours": int64(24)}},
	"changes.recent":     {{"type": "container"}, {"site": "Site A", "limit": int64(3)}},
	"changes.daily":      {{"type": "container", "days": int64(7)}},
	"activity.heat":      {{"utc_offset_minutes": int64(120)}, {"type": "container", "days": int64(3)}},
	"restarts.weekly":    {{"days": int64(3), "utc_offset_minutes": int64(-300)}},
	"restarts.top":       {{"days": int64(2), "limit": int64(1)}},
	"plans.list":         {{"status": "pending"}},
	"plans.by_status":    {{"days": int64(1)}},
	"topology":           {{"site": "Site B"}},
	"workers.count":      {{"health": "healthy"}},
	"workers.list":       {{"site": "Site A"}},
}

func TestQueriesAgreeAcrossStores(t *testing.T) {
	reg := builtin(t)
	stores := dashtest.Both(t)
	for _, s := range stores {
		dashtest.Seed(t, s.DB)
	}
	for _, q := range reg.Queries() {
		sets := append([]map[string]any{nil}, variants[q.Name]...)
		for _, params := range sets {
			t.Run(fmt.Sprintf("%s%v", q.Name, params), func(t *testing.T) {
				var answers [][]byte
				for _, s := range stores {
					res := run(t, s.DB, reg, q.Name, params)
					if params == nil && empty(res) {
						t.Errorf("%s: the seeded homelab gives an empty answer, which proves nothing", s.Name)
					}
					b, err := json.Marshal(res)
					if err != nil {
						t.Fatal(err)
					}
					answers = append(answers, b)
				}
				if !bytes.Equal(answers[0], answers[1]) {
					t.Errorf("the stores disagree:\nsqlite:   %s\npostgres: %s", answers[0], answers[1])
				}
			})
		}
	}
}

// empty reports whether a result holds nothing worth comparing.
func empty(r *query.Result) bool {
	switch {
	case r.Integer != nil:
		return r.Integer.Value == 0
	case r.Table != nil:
		return len(r.Table.Rows) == 0
	case r.Timeseries != nil:
		for _, s := range r.Timeseries.Series {
			for _, p := range s.Points {
				if p.V != 0 {
					return false
				}
			}
		}
		return true
	case r.Events != nil:
		return len(r.Events.Events) == 0
	case r.Graph != nil:
		return len(r.Graph.Nodes) == 0
	case r.Matrix != nil:
		for _, row := range r.Matrix.Values {
			for _, v := range row {
				if v != 0 {
					return false
				}
			}
		}
	}
	return true
}

func TestQueriesAnswerWhatWasSeeded(t *testing.T) {
	reg := builtin(t)
	dashtest.Each(t, func(t *testing.T, s dashtest.Store) {
		dashtest.Seed(t, s.DB)
		integers := map[string]struct {
			params map[string]any
			want   int64
		}{
			"containers.active":  {nil, dashtest.RunningContainers},
			"containers.stopped": {nil, dashtest.StoppedContainers},
			"incidents.recent":   {nil, dashtest.RecentIncidents},
			"incidents.open":     {nil, dashtest.OpenIncidents},
			"workers.count":      {nil, dashtest.Workers},
			"sites.count":        {nil, dashtest.Sites},
			"plans.pending":      {nil, dashtest.PendingPlans},
		}
		for name, c := range integers {
			if got := run(t, s.DB, reg, name, c.params).Integer.Value; got != c.want {
				t.Errorf("%s = %d, want %d", name, got, c.want)
			}
		}
		if got := run(t, s.DB, reg, "incidents.open", map[string]any{"severity": "critical"}).Integer.Value; got != dashtest.CriticalIncidents {
			t.Errorf("critical incidents = %d, want %d", got, dashtest.CriticalIncidents)
		}
		if got := run(t, s.DB, reg, "workers.count", map[string]any{"health": "healthy"}).Integer.Value; got != dashtest.HealthyWorkers {
			t.Errorf("healthy workers = %d, want %d", got, dashtest.HealthyWorkers)
		}
		recent := run(t, s.DB, reg, "incidents.recent", nil).Integer
		if *recent.Previous != dashtest.PreviousIncidents || recent.Trend != "up" {
			t.Errorf("incidents.recent = %+v, want previous %d, trend up", recent, dashtest.PreviousIncidents)
		}

		weekly := run(t, s.DB, reg, "restarts.weekly", nil).Timeseries.Series[0].Points
		var restarts float64
		for _, p := range weekly {
			restarts += p.V
		}
		if len(weekly) != 7 || restarts != dashtest.WeeklyRestarts {
			t.Errorf("restarts.weekly: %d days, %v restarts; want 7 days, %d restarts", len(weekly), restarts, dashtest.WeeklyRestarts)
		}
		if last := weekly[6].T; !last.Equal(dashtest.Now.Truncate(24 * time.Hour)) {
			t.Errorf("restarts.weekly ends on %v, want today", last)
		}

		heat := run(t, s.DB, reg, "activity.heat", nil).Matrix
		var changes float64
		for _, row := range heat.Values {
			for _, v := range row {
				changes += v
			}
		}
		// The first sightings were at 10:00 on a Thursday.
		if changes != dashtest.StatusChanges || heat.Values[3][10] < 11 {
			t.Errorf("activity.heat: %v changes, %v on Thursday at 10; want %d, at least 11", changes, heat.Values[3][10], dashtest.StatusChanges)
		}

		topo := run(t, s.DB, reg, "topology", nil).Graph.Nodes
		parents := map[string]string{}
		for _, n := range topo {
			parents[n.ID] = n.Parent
		}
		if got := parents["guest:w-a1/container/web"]; got != "host:w-a1/host-a1" {
			t.Errorf("web hangs under %q, want host-a1", got)
		}
		if got := parents["guest:w-b1/vm/media"]; got != "host:w-b1/pve1" {
			t.Errorf("media hangs under %q, want pve1", got)
		}
		if got := parents["worker:w-c1"]; got != "site:site c" {
			t.Errorf("w-c1 hangs under %q, want its site", got)
		}
	})
}

func TestRowCap(t *testing.T) {
	reg := builtin(t)
	q, _ := reg.Lookup("containers.list")
	dashtest.Each(t, func(t *testing.T, s dashtest.Store) {
		dashtest.Seed(t, s.DB)
		params, _ := q.Resolve(nil)
		res, err := q.Run(context.Background(), s.DB, sqlstore.ReadLimits{Timeout: time.Second, MaxRows: 2}, dashtest.Now, params)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Table.Rows) != 2 || !res.Table.Truncated {
			t.Errorf("%d rows, truncated %v; want 2, truncated", len(res.Table.Rows), res.Table.Truncated)
		}
	})
}

func TestLongQueryIsCutOff(t *testing.T) {
	path := writeQueries(t, `
slow.forever:
  description: Counts without end.
  returns: integer
  sql: WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n
`)
	reg, err := query.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	slow, _ := reg.Lookup("slow.forever")
	dashtest.Each(t, func(t *testing.T, s dashtest.Store) {
		dashtest.Seed(t, s.DB)
		start := time.Now()
		_, err := slow.Run(context.Background(), s.DB, sqlstore.ReadLimits{Timeout: 300 * time.Millisecond, MaxRows: 10}, dashtest.Now, nil)
		took := time.Since(start)
		if !errors.Is(err, sqlstore.ErrQueryTimeout) {
			t.Fatalf("err = %v, want a timeout", err)
		}
		if took > 3*time.Second {
			t.Errorf("cut off after %v, want about 300ms", took)
		}
		// The connection that ran it is fit for the next query.
		for range 8 {
			if got := run(t, s.DB, reg, "containers.active", nil).Integer.Value; got != dashtest.RunningContainers {
				t.Fatalf("after the timeout: containers.active = %d", got)
			}
		}
	})
}

// TestDatabaseRefusesWrites bypasses the registry's own check: what a
// query says, the read-only transaction refuses to do.
func TestDatabaseRefusesWrites(t *testing.T) {
	dashtest.Each(t, func(t *testing.T, s dashtest.Store) {
		ctx := context.Background()
		if err := s.DB.Update(ctx, func(tx store.Tx) error {
			return tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "A", Health: domain.WorkerHealthy, CreatedAt: dashtest.Now})
		}); err != nil {
			t.Fatal(err)
		}
		writes := []string{
			"DELETE FROM workers RETURNING id",
			"UPDATE workers SET health = 'unknown' RETURNING id",
		}
		if s.Name == "postgres" {
			writes = append(writes, "WITH d AS (DELETE FROM workers RETURNING id) SELECT id FROM d")
		}
		for _, w := range writes {
			_, err := s.DB.QueryReadOnly(ctx, limits, w, nil, func(*sql.Rows) error { return nil })
			if err == nil {
				t.Errorf("%q ran", w)
			}
		}
		var w domain.Worker
		if err := s.DB.View(ctx, func(tx store.Tx) (err error) { w, err = tx.GetWorker("w1"); return err }); err != nil {
			t.Fatal(err)
		}
		if w.Health != domain.WorkerHealthy {
			t.Errorf("the worker was changed: %+v", w)
		}
	})
}

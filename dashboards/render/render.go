// Package render resolves a dashboard spec into the data each component
// shows, the one answer every client draws: the API serves it, the TUI and
// the web page render it. It runs each distinct query of a spec once,
// read-only and a few at a time; a query that fails or is cut off leaves
// an error on its components, and the rest of the dashboard still renders.
package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wingman-dev/wingman/core/store/sqlstore"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/spec"
	"github.com/wingman-dev/wingman/dashboards/templates"
)

// Defaults for a Renderer's zero fields.
const (
	DefaultTimeout = 2 * time.Second
	DefaultMaxRows = 1000
)

// defaultParallel is how many queries run at once unless Parallel says.
// SQLite runs them on this process's CPUs, and its pool keeps two idle
// read connections (more would be opened and closed on every render);
// PostgreSQL's mostly wait on round trips, which overlap.
func defaultParallel(store string) int {
	if store == query.SQLite {
		return 2
	}
	return 4
}

// Renderer renders specs against one store. It is safe for concurrent use;
// its fields must not change once it is in use.
type Renderer struct {
	Store    query.Store
	Registry *query.Registry
	// Limits bound each query; zero fields take DefaultTimeout and
	// DefaultMaxRows.
	Limits sqlstore.ReadLimits
	// Parallel is how many queries run at once; zero picks a number
	// that suits the store.
	Parallel int
	// Now is the clock; a render's queries all read its one instant.
	Now func() time.Time
	// Log receives the queries that failed.
	Log *slog.Logger

	// parsed holds the templates checked against Registry, by name:
	// parsing one costs about as much as rendering it.
	parsed sync.Map
}

// call is one distinct query of a render: components that show the same
// query with the same parameters share its run.
type call struct {
	q      *query.Query
	params map[string]any
	res    *query.Result
	err    error
}

// Render runs the queries of s and returns its data. s should be one that
// spec.Parse or Spec.Validate accepted; what Render finds wrong anyway (an
// unknown query, a parameter out of bounds) becomes that component's
// error, as does a failed query. Render fails as a whole only when ctx
// ends.
func (r *Renderer) Render(ctx context.Context, s *spec.Spec) (*Dashboard, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	at := now().UTC()
	d := &Dashboard{Title: s.Title, Description: s.Description, RenderedAt: at, Sections: make([]Section, len(s.Sections))}
	calls := map[string]*call{}
	var order []*call
	for i, sec := range s.Sections {
		out := Section{Name: sec.Name, Columns: sec.ColumnsOrDefault(), Components: make([]Component, len(sec.Components))}
		for j, c := range sec.Components {
			comp, key, cl := r.prepare(c)
			if cl != nil {
				if have, ok := calls[key]; ok {
					cl = have
				} else {
					calls[key] = cl
					order = append(order, cl)
				}
			}
			comp.call = cl
			out.Components[j] = comp
		}
		d.Sections[i] = out
	}
	r.run(ctx, at, order)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("render %q: %w", s.Title, err)
	}
	for i := range d.Sections {
		for j := range d.Sections[i].Components {
			d.Sections[i].Components[j].finish()
		}
	}
	return d, nil
}

// Spec renders data, a spec in YAML or JSON, after checking it against the
// registry; a refused spec's error is a *document.Error naming each
// problem.
func (r *Renderer) Spec(ctx context.Context, data []byte) (*Dashboard, error) {
	s, err := spec.Parse(data, r.Registry)
	if err != nil {
		return nil, err
	}
	return r.Render(ctx, s)
}

// Template renders a pre-built dashboard by name; the error wraps
// templates.ErrNotFound when there is none.
func (r *Renderer) Template(ctx context.Context, name string) (*Dashboard, error) {
	if s, ok := r.parsed.Load(name); ok {
		return r.Render(ctx, s.(*spec.Spec))
	}
	s, err := templates.Load(name, r.Registry)
	if err != nil {
		return nil, err
	}
	r.parsed.Store(name, s)
	return r.Render(ctx, s)
}

// prepare resolves a component's query and parameters; it returns the
// call to run and its key, or no call when the component is in error.
func (r *Renderer) prepare(c spec.Component) (Component, string, *call) {
	c.Width = c.WidthOrDefault()
	comp := Component{Component: c}
	def, ok := spec.Lookup(c.Type)
	if !ok {
		comp.Error = fmt.Sprintf("%q is not a component", c.Type)
		return comp, "", nil
	}
	q, ok := r.Registry.Lookup(c.Query)
	if !ok {
		comp.Error = fmt.Sprintf("%q is not a named query", c.Query)
		return comp, "", nil
	}
	comp.Kind = q.Returns
	if !def.Shows(q.Returns) {
		comp.Error = fmt.Sprintf("%s returns %s, which a %s cannot show", q.Name, q.Returns, c.Type)
		return comp, "", nil
	}
	params, errs := q.Resolve(c.Params)
	comp.Params = params
	if len(errs) > 0 {
		comp.Error = errs[0].Error()
		return comp, "", nil
	}
	// encoding/json writes map keys in order, so equal parameters give
	// equal keys.
	key, _ := json.Marshal(params)
	return comp, q.Name + string(key), &call{q: q, params: params}
}

// run runs the calls, Parallel at a time.
func (r *Renderer) run(ctx context.Context, at time.Time, calls []*call) {
	lim := r.Limits
	if lim.Timeout <= 0 {
		lim.Timeout = DefaultTimeout
	}
	if lim.MaxRows <= 0 {
		lim.MaxRows = DefaultMaxRows
	}
	parallel := r.Parallel
	if parallel <= 0 {
		parallel = defaultParallel(r.Store.Kind())
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c.res, c.err = c.q.Run(ctx, r.Store, lim, at, c.params)
			if c.err != nil && ctx.Err() == nil {
				level := slog.LevelError
				if errors.Is(c.err, sqlstore.ErrQueryTimeout) {
					level = slog.LevelWarn
				}
				log.Log(ctx, level, "dashboard query failed", "query", c.q.Name, "err", c.err)
			}
		}()
	}
	wg.Wait()
}

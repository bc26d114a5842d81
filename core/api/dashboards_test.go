package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/wingman-dev/wingman/core/api"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/service"
	"github.com/wingman-dev/wingman/dashboards/templates"
)

// withDashboards serves dashboards from the built-in queries within lim,
// read at the instant the seeded homelab is known at, as wingmand wires
// them (cmd/wingmand) but for the clock.
func withDashboards(t testing.TB, lim api.DashboardLimits) daemon.Option {
	t.Helper()
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if lim.MaxBody == 0 {
		lim.MaxBody = document.DefaultMaxBytes
	}
	return daemon.WithDashboards(func(st store.Store) (api.Dashboards, error) {
		return service.New(service.Config{Store: st, Registry: reg, Log: slog.New(slog.DiscardHandler),
			Now: func() time.Time { return dashtest.Now }})
	}, lim)
}

// decodeDashboard reads a render's answer as the TUI does.
func decodeDashboard(t testing.TB, raw []byte) *render.Dashboard {
	t.Helper()
	var d render.Dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return &d
}

// component finds a rendered component by title.
func component(t testing.TB, d *render.Dashboard, title string) render.Component {
	t.Helper()
	for _, s := range d.Sections {
		for _, c := range s.Components {
			if c.Title == title {
				return c
			}
		}
	}
	t.Fatalf("no component %q in %q", title, d.Title)
	return render.Component{}
}

const openIncidentsSpec = `
title: Open
sections:
  - name: Now
    components:
      - {type: stat_card, title: Unresolved, query: incidents.open}
      - {type: table, title: Workers, query: workers.list, columns: [id, health]}
`

func TestDashboardRender(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, "", withDashboards(t, api.DashboardLimits{}))
			dashtest.Seed(t, e.d.Store())
			ctx := context.Background()
			c := client.New(e.url, e.token("vera", domain.RoleViewer))

			ts, err := c.DashboardTemplates(ctx)
			if err != nil || len(ts) != len(templates.Names()) {
				t.Fatalf("templates = %+v, %v", ts, err)
			}
			for _, tmpl := range ts {
				raw, err := c.RenderDashboard(ctx, domain.RenderRequest{Template: tmpl.Name})
				if err != nil {
					t.Fatal(err)
				}
				d := decodeDashboard(t, raw)
				if d.Title != tmpl.Title || len(d.Sections) == 0 || !d.RenderedAt.Equal(dashtest.Now) {
					t.Errorf("%s: rendered %q with %d sections at %v", tmpl.Name, d.Title, len(d.Sections), d.RenderedAt)
				}
				for _, s := range d.Sections {
					for _, comp := range s.Components {
						if comp.Error != "" || comp.Data == nil {
							t.Errorf("%s/%s: error %q, data %v", tmpl.Name, comp.Title, comp.Error, comp.Data)
						}
					}
				}
			}
			raw, err := c.RenderDashboard(ctx, domain.RenderRequest{Template: "overview"})
			if err != nil {
				t.Fatal(err)
			}
			if got := component(t, decodeDashboard(t, raw), "Running containers").Data.Integer; got.Value != dashtest.RunningContainers {
				t.Errorf("running containers = %+v, want %d", got, dashtest.RunningContainers)
			}

			for name, text := range map[string]string{"yaml": openIncidentsSpec, "json": mustJSONSpec(t, openIncidentsSpec)} {
				raw, err := c.RenderDashboard(ctx, domain.RenderRequest{Spec: text})
				if err != nil {
					t.Fatalf("%s spec: %v", name, err)
				}
				d := decodeDashboard(t, raw)
				if got := component(t, d, "Unresolved").Data.Integer; got.Value != dashtest.OpenIncidents {
					t.Errorf("%s spec: unresolved = %+v, want %d", name, got, dashtest.OpenIncidents)
				}
				workers := component(t, d, "Workers").Data.Table
				if len(workers.Columns) != 2 || len(workers.Rows) != dashtest.Workers {
					t.Errorf("%s spec: workers table = %+v", name, workers)
				}
			}
		})
	}
}

// mustJSONSpec is a YAML spec written as JSON, which the endpoint takes
// as well.
func mustJSONSpec(t *testing.T, yamlText string) string {
	t.Helper()
	v, err := document.Decode([]byte(yamlText), document.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDashboardTemplate(t *testing.T) {
	e := newEnv(t, "sqlite", "", withDashboards(t, api.DashboardLimits{}))
	c := client.New(e.url, e.token("vera", domain.RoleViewer))
	tmpl, err := c.DashboardTemplate(context.Background(), "overview")
	if err != nil || tmpl.Name != "overview" || tmpl.Title != "Overview" || !strings.Contains(tmpl.Source, "title: Overview\n") {
		t.Errorf("template = %+v, %v", tmpl, err)
	}
	ts, err := c.DashboardTemplates(context.Background())
	if err != nil || slices.ContainsFunc(ts, func(t domain.DashboardTemplate) bool { return t.Source != "" || t.Title == "" }) {
		t.Errorf("the list carries titles and no sources: %+v, %v", ts, err)
	}
	_, err = c.DashboardTemplate(context.Background(), "nope")
	if !errors.Is(err, domain.ErrNotFound) || !strings.Contains(err.Error(), "overview") {
		t.Errorf("unknown template: %v, want not found naming the templates there are", err)
	}
}

func TestDashboardRefusals(t *testing.T) {
	e := newEnv(t, "sqlite", "", withDashboards(t, api.DashboardLimits{}))
	viewer, worker := e.token("vera", domain.RoleViewer), e.worker("w1")
	badSpec := `
title: Bad
sections:
  - name: One
    components:
      - {type: stat_card, title: Lost, query: nope.nothing}
      - {type: line_chart, title: Line, query: containers.active}
`
	huge := strings.Repeat("#", document.DefaultMaxBytes)
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
		problems                  []string // paths
	}{
		{"unknown template", "POST", "/api/v1/dashboards/render", viewer, domain.RenderRequest{Template: "nope"}, 404, domain.CodeNotFound, nil},
		{"bad spec", "POST", "/api/v1/dashboards/render", viewer, domain.RenderRequest{Spec: badSpec}, 400, domain.CodeInvalid,
			[]string{"sections[0].components[0].query", "sections[0].components[1].query"}},
		{"spec with a component not in the library", "POST", "/api/v1/dashboards/render", viewer,
			domain.RenderRequest{Spec: strings.Replace(openIncidentsSpec, "type: stat_card", "type: pie", 1)}, 400, domain.CodeInvalid,
			[]string{"sections[0].components[0].type"}},
		{"spec that is not a document", "POST", "/api/v1/dashboards/render", viewer, domain.RenderRequest{Spec: "title: [unclosed"}, 400, domain.CodeInvalid, []string{""}},
		{"both", "POST", "/api/v1/dashboards/render", viewer, domain.RenderRequest{Template: "overview", Spec: openIncidentsSpec}, 400, domain.CodeInvalid, nil},
		{"neither", "POST", "/api/v1/dashboards/render", viewer, `{"spec": "  "}`, 400, domain.CodeInvalid, nil},
		{"unknown field", "POST", "/api/v1/dashboards/render", viewer, `{"template": "overview", "sql": "DROP TABLE facts"}`, 400, domain.CodeInvalid, nil},
		{"body over the cap", "POST", "/api/v1/dashboards/render", viewer, domain.RenderRequest{Spec: huge}, 413, domain.CodeTooLarge, nil},
		{"worker token", "POST", "/api/v1/dashboards/render", worker, domain.RenderRequest{Template: "overview"}, 403, domain.CodeForbidden, nil},
		{"no token", "POST", "/api/v1/dashboards/render", "", domain.RenderRequest{Template: "overview"}, 401, domain.CodeUnauthenticated, nil},
		{"no token for the list", "GET", "/api/v1/dashboards/templates", "", nil, 401, domain.CodeUnauthenticated, nil},
		{"unknown template source", "GET", "/api/v1/dashboards/templates/nope", viewer, nil, 404, domain.CodeNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, apiErr := e.call(tt.method, tt.path, tt.token, tt.body, nil)
			if status != tt.status || apiErr.Code != tt.code {
				t.Fatalf("= %d %+v, want %d %s", status, apiErr, tt.status, tt.code)
			}
			var paths []string
			for _, p := range apiErr.Problems {
				if p.Message == "" {
					t.Errorf("problem at %q has no message", p.Path)
				}
				paths = append(paths, p.Path)
			}
			if !slices.Equal(paths, tt.problems) {
				t.Errorf("problems at %q, want %q: %+v", paths, tt.problems, apiErr.Problems)
			}
		})
	}

	// The client hands a script the same list.
	_, err := client.New(e.url, viewer).RenderDashboard(context.Background(), domain.RenderRequest{Spec: badSpec})
	var cerr *client.Error
	if !errors.As(err, &cerr) || !errors.Is(err, domain.ErrInvalid) || len(cerr.Problems) != 2 ||
		!strings.Contains(cerr.Problems[0].Message, `"nope.nothing"`) {
		t.Errorf("client error = %v (%+v)", err, cerr)
	}
}

func TestDashboardRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite", "", withDashboards(t, api.DashboardLimits{Rate: rate.Every(time.Hour), Burst: 2}))
	ctx := context.Background()
	alice, alice2 := client.New(e.url, e.token("alice", domain.RoleViewer)), client.New(e.url, e.token("alice", domain.RoleViewer))
	bob := client.New(e.url, e.token("bob", domain.RoleViewer))
	overview := domain.RenderRequest{Template: "overview"}
	for i, c := range []*client.Client{alice, alice2} {
		if _, err := c.RenderDashboard(ctx, overview); err != nil {
			t.Fatalf("render %d within the burst: %v", i+1, err)
		}
	}
	// alice's second token is alice: she has used her burst.
	_, err := alice2.RenderDashboard(ctx, overview)
	var cerr *client.Error
	if !errors.As(err, &cerr) || cerr.StatusCode != 429 || !errors.Is(err, domain.ErrRateLimited) ||
		cerr.RetryAfter < 59*time.Minute || cerr.RetryAfter > time.Hour {
		t.Fatalf("past the burst: %v (%+v), want 429 with Retry-After of about an hour", err, cerr)
	}
	// Each user has a limiter of their own, and the template list is not
	// paced.
	if _, err := bob.RenderDashboard(ctx, overview); err != nil {
		t.Errorf("another user: %v", err)
	}
	if _, err := alice.DashboardTemplates(ctx); err != nil {
		t.Errorf("template list: %v", err)
	}
}

func TestDashboardDeadline(t *testing.T) {
	e := newEnv(t, "sqlite", "", withDashboards(t, api.DashboardLimits{Timeout: time.Nanosecond}))
	status, apiErr := e.call("POST", "/api/v1/dashboards/render", e.admin, domain.RenderRequest{Template: "overview"}, nil)
	if status != 503 || apiErr.Code != domain.CodeUnavailable || !strings.Contains(apiErr.Message, "did not render within") {
		t.Errorf("= %d %+v, want 503 saying the render ran out of time", status, apiErr)
	}
}

func TestDashboardsNotServed(t *testing.T) {
	e := newEnv(t, "sqlite", "")
	for _, path := range []string{"/api/v1/dashboards/templates", "/api/v1/dashboards/templates/overview"} {
		if status, apiErr := e.call("GET", path, e.admin, nil, nil); status != 404 || !strings.Contains(apiErr.Message, "does not serve dashboards") {
			t.Errorf("GET %s = %d %+v", path, status, apiErr)
		}
	}
	if status, _ := e.call("POST", "/api/v1/dashboards/render", e.admin, domain.RenderRequest{Template: "overview"}, nil); status != 404 {
		t.Errorf("render = %d, want 404", status)
	}
}

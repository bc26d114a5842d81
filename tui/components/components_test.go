package components

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

// samples are a component of each kind of drawing, from the templates:
// template name and component title.
var samples = []struct {
	name, template, title string
	want                  spec.Type
}{
	{"stat_card", "overview", "Incidents (24h)", spec.StatCard},
	{"line_chart", "incidents", "Opened per day by severity (14 days)", spec.LineChart},
	{"bar_chart-horizontal", "workers", "Workers per site", spec.BarChart},
	{"bar_chart-vertical", "activity", "Incidents opened per day (14 days)", spec.BarChart},
	{"table", "containers", "All containers", spec.Table},
	{"timeline", "overview", "Recent changes", spec.Timeline},
	{"topology", "workers", "Sites, workers, hosts and containers", spec.Topology},
	{"heatmap", "activity", "Status changes by hour and weekday (4 weeks)", spec.Heatmap},
	{"list", "incidents", "Recently resolved", spec.List},
}

var screens = []struct{ w, h int }{{80, 24}, {160, 48}}

var profiles = []struct {
	name    string
	profile termenv.Profile
}{{"color", termenv.TrueColor}, {"nocolor", termenv.Ascii}}

func find(t *testing.T, d *render.Dashboard, title string) *render.Component {
	t.Helper()
	for i := range d.Sections {
		for j := range d.Sections[i].Components {
			if c := &d.Sections[i].Components[j]; c.Title == title {
				return c
			}
		}
	}
	t.Fatalf("no component %q in %s", title, d.Title)
	return nil
}

// drawOne draws one component framed at the screen's width, as a section
// of one column would.
func drawOne(p *pen, c *render.Component, w, h int) string {
	t := newTableState()
	body := p.body(c, t, w-frameWidth, h, false)
	return p.frame(c, body, w, strings.Count(body, "\n")+1, false)
}

// TestComponentGolden draws every component at two screen sizes, with
// colour and without, and compares the drawing with testdata.
func TestComponentGolden(t *testing.T) {
	data := templateData(t)
	covered := map[spec.Type]bool{}
	for _, s := range samples {
		c := find(t, data[s.template], s.title)
		if c.Type != s.want {
			t.Fatalf("%s is a %s", s.title, c.Type)
		}
		covered[c.Type] = true
		for _, scr := range screens {
			for _, pr := range profiles {
				name := fmt.Sprintf("%s-%dx%d-%s.golden", s.name, scr.w, scr.h, pr.name)
				t.Run(name, func(t *testing.T) {
					p := newPen(styles(pr.profile), time.UTC, data[s.template].RenderedAt)
					got := drawOne(p, c, scr.w, scr.h)
					checkScreen(t, got, scr.w, scr.h, true, pr.profile)
					golden(t, name, got+"\n")
				})
			}
		}
	}
	for _, d := range spec.Library() {
		if !covered[d.Type] {
			t.Errorf("no golden drawing of %s", d.Type)
		}
	}
}

// checkScreen checks that a drawing fits the screen, every line as wide
// as it when exact, and that without colour it is nothing but text.
func checkScreen(t *testing.T, got string, w, h int, exact bool, p termenv.Profile) {
	t.Helper()
	ls := strings.Split(got, "\n")
	if h > 0 && len(ls) > h {
		t.Errorf("%d lines on a screen of %d", len(ls), h)
	}
	for i, l := range ls {
		if n := ansi.StringWidth(l); n > w || exact && n != w {
			t.Errorf("line %d is %d wide, not %d: %q", i, ansi.StringWidth(l), w, l)
		}
	}
	if hasEscapes := strings.Contains(got, "\x1b["); hasEscapes != (p != termenv.Ascii) {
		t.Errorf("escape sequences: %v with profile %v", hasEscapes, p)
	}
}

// TestBoardGolden draws each template as the TUI shows it at both
// sizes without colour, and the overview in colour.
func TestBoardGolden(t *testing.T) {
	for name, d := range templateData(t) {
		for _, scr := range screens {
			for _, pr := range profiles {
				if pr.profile != termenv.Ascii && name != "overview" {
					continue
				}
				file := fmt.Sprintf("board-%s-%dx%d-%s.golden", name, scr.w, scr.h, pr.name)
				t.Run(file, func(t *testing.T) {
					b := NewBoard(styles(pr.profile), time.UTC)
					b.SetSize(scr.w, scr.h)
					b.SetDashboard(d)
					got := b.View()
					checkScreen(t, got, scr.w, 0, false, pr.profile)
					golden(t, file, got+"\n")
				})
			}
		}
	}
}

// TestErrorsAndEmptyData draws what a component without data says.
func TestErrorsAndEmptyData(t *testing.T) {
	p := newPen(styles(termenv.Ascii), time.UTC, time.Time{})
	failed := &render.Component{Component: spec.Component{Type: spec.Table, Title: "T"}, Error: "query cut off at its time limit"}
	if got := p.body(failed, newTableState(), 40, 24, false); got != "⚠ query cut off at its time limit" {
		t.Errorf("failed = %q", got)
	}
	for _, ty := range []spec.Type{spec.StatCard, spec.LineChart, spec.BarChart, spec.Table, spec.Timeline, spec.Topology, spec.Heatmap, spec.List} {
		c := &render.Component{Component: spec.Component{Type: ty, Title: "T"}}
		if got := p.body(c, newTableState(), 40, 24, false); got != "no data" {
			t.Errorf("%s without data = %q", ty, got)
		}
	}
}

// TestTopologyWithALoop: a graph whose parents loop (an admin's query can
// return one) draws each node once instead of recursing for ever.
func TestTopologyWithALoop(t *testing.T) {
	p := newPen(styles(termenv.Ascii), time.UTC, time.Time{})
	c := &render.Component{Component: spec.Component{Type: spec.Topology, Title: "T"}, Kind: query.Graph,
		Data: &query.Result{Graph: &query.GraphData{Nodes: []query.Node{{ID: "a", Label: "root"}, {ID: "a", Parent: "a", Label: "again"}}}}}
	got := p.body(c, newTableState(), 40, 24, false)
	if strings.Count(got, "root") != 1 || strings.Contains(got, "again") {
		t.Errorf("looping graph drawn as %q", got)
	}
}

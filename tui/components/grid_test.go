package components

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

func section(columns int, comps ...spec.Component) render.Section {
	s := render.Section{Columns: columns}
	for _, c := range comps {
		s.Components = append(s.Components, render.Component{Component: c})
	}
	return s
}

func comp(t spec.Type, width int) spec.Component { return spec.Component{Type: t, Width: width} }

// shape is a layout as the spans of each row's components.
func shape(rows [][]place) [][]int {
	var out [][]int
	for _, r := range rows {
		var ws []int
		for _, p := range r {
			ws = append(ws, p.width)
		}
		out = append(out, ws)
	}
	return out
}

func TestLayoutReflows(t *testing.T) {
	cards := section(4, comp(spec.StatCard, 0), comp(spec.StatCard, 0), comp(spec.StatCard, 0), comp(spec.StatCard, 0))
	wide := section(3, comp(spec.BarChart, 1), comp(spec.Table, 2))
	pair := section(2, comp(spec.Table, 0), comp(spec.Timeline, 0))
	tests := []struct {
		name  string
		sec   render.Section
		width int
		want  [][]int
	}{
		{"four cards across 160", cards, 160, [][]int{{39, 39, 39, 40}}},
		{"four cards across 80", cards, 80, [][]int{{19, 19, 19, 20}}},
		{"three cards a row at 60, the last stretched", cards, 60, [][]int{{19, 19, 20}, {60}}},
		{"two cards a row at 40", cards, 40, [][]int{{19, 20}, {19, 20}}},
		{"cards stack at 30", cards, 30, [][]int{{30}, {30}, {30}, {30}}},
		{"a span of two beside one", wide, 160, [][]int{{52, 107}}},
		{"a span of two stacks at 80", wide, 80, [][]int{{80}, {80}}},
		{"a table and a timeline side by side", pair, 160, [][]int{{79, 80}}},
		{"a table and a timeline stack at 80", pair, 80, [][]int{{80}, {80}}},
		{"a span wider than the section", section(2, comp(spec.StatCard, 5)), 100, [][]int{{100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := layout(tt.sec, tt.width)
			if got := shape(rows); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("rows = %v, want %v", got, tt.want)
			}
			for _, r := range rows {
				used := gap * (len(r) - 1)
				for _, p := range r {
					used += p.width
					if p.width < minWidth(tt.sec.Components[p.comp].Type) && len(r) > 1 {
						t.Errorf("%s got %d cells beside others, under its minimum", tt.sec.Components[p.comp].Type, p.width)
					}
				}
				if used > tt.width {
					t.Errorf("row %v takes %d of %d cells", shape([][]place{r}), used, tt.width)
				}
			}
		})
	}
}

// TestBoardReflowsOnResize draws a dashboard wide, narrow, and wide again:
// each drawing fits its width, and coming back draws what it drew before.
func TestBoardReflowsOnResize(t *testing.T) {
	d := templateData(t)["overview"]
	b := NewBoard(styles(termenv.Ascii), time.UTC)
	b.SetDashboard(d)
	var first string
	for i, w := range []int{160, 80, 50, 160} {
		b.SetSize(w, 40)
		got := b.View()
		for n, l := range strings.Split(got, "\n") {
			if ansi.StringWidth(l) > w {
				t.Fatalf("at %d: line %d is %d wide: %q", w, n, ansi.StringWidth(l), l)
			}
		}
		switch {
		case i == 0:
			first = got
		case w == 160 && got != first:
			t.Errorf("back at 160 the drawing differs:\n%s\nwas:\n%s", got, first)
		}
	}
	// At 80 the four cards still share a row, and the table and the
	// timeline stack.
	b.SetSize(80, 24)
	for _, l := range strings.Split(b.View(), "\n") {
		switch {
		case strings.Contains(l, "Running cont") && strings.Count(l, "│") != 8:
			t.Errorf("the cards do not share a row at 80: %q", l)
		case strings.Contains(l, " opened ") && strings.Count(l, "│") != 2:
			t.Errorf("the table shares its row at 80: %q", l)
		}
	}
}

// TestBoardDrawsOnlyWhatChanged reloads the same data and checks that
// nothing is drawn again, then moves a table's cursor and checks that
// only that table is.
func TestBoardDrawsOnlyWhatChanged(t *testing.T) {
	d := templateData(t)["containers"]
	b := NewBoard(styles(termenv.Ascii), time.UTC)
	b.SetSize(160, 48)
	b.SetDashboard(d)
	before := b.View()
	cached := len(b.cache)
	again := *d // a reload with the same answer
	b.SetDashboard(&again)
	if b.View() != before || len(b.cache) != cached {
		t.Fatalf("a reload of the same data drew a different page or cache (%d entries, was %d)", len(b.cache), cached)
	}
	had := b.cache
	if !b.FocusNext() {
		t.Fatal("no table to focus")
	}
	b.View()
	var drawn []string
	for k := range b.cache {
		if _, ok := had[k]; !ok {
			drawn = append(drawn, k)
		}
	}
	// The focused table's body and frame, and the frame of what shares
	// its row, should the row have grown.
	if len(drawn) < 2 || len(drawn) > 3 {
		t.Errorf("drawn after focusing a table: %q", drawn)
	}
	for _, k := range drawn {
		if strings.HasPrefix(k, "body/") && !strings.Contains(k, "/true/") {
			t.Errorf("%s was drawn again", k)
		}
	}
}

func TestTableSortsAndScrolls(t *testing.T) {
	d := templateData(t)["containers"]
	b := NewBoard(styles(termenv.Ascii), time.UTC)
	b.SetSize(80, 10) // room for three rows: the table scrolls
	b.SetDashboard(d)
	b.FocusNext() // Most restarts
	b.FocusNext() // All containers
	b.Sort(false) // by name
	view := b.View()
	if !strings.Contains(view, "name ▲") || !strings.Contains(view, "row 1 of 6") {
		t.Fatalf("sorted by name:\n%s", view)
	}
	i := strings.Index(view, "name ▲")
	if rows := view[i:]; strings.Index(rows, "backup") > strings.Index(rows, "cache") {
		t.Errorf("backup is not before cache:\n%s", rows)
	}
	b.Sort(true)
	for range 5 {
		b.Move(keyDown)
	}
	view = b.View()
	if !strings.Contains(view, "name ▼") || !strings.Contains(view, "row 6 of 6") || !strings.Contains(view, "backup") {
		t.Errorf("reversed and scrolled to the end:\n%s", view)
	}
}

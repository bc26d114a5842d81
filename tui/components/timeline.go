// The timeline: events newest first, each at its time. Grouped by a
// field, each group gets a lane: a column of its own, numbered, with the
// numbers named below, so the lanes read without colour.

package components

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/render"
)

// maxLanes is how many groups get a lane of their own; past it, each
// event names its group instead.
const maxLanes = 8

func (p *pen) timeline(c *render.Component, w, h int) string {
	ev := c.Data.Events
	if ev == nil || len(ev.Events) == 0 {
		return p.st.Muted.Render("nothing happened")
	}
	times := make([]string, len(ev.Events))
	timeW := 0
	for i, e := range ev.Events {
		times[i] = p.when(e.At)
		timeW = max(timeW, width(times[i]))
	}
	lane := map[string]int{}
	for i, g := range ev.Groups {
		lane[g] = i
	}
	lanes := c.GroupBy != "" && len(ev.Groups) > 1 && len(ev.Groups) <= maxLanes && w >= minWidth(c.Type)-frameWidth
	shown := len(ev.Events)
	if h > 0 {
		shown = min(shown, max(h/2-1, 3))
	}
	var out []string
	if lanes {
		var nums []string
		for i := range ev.Groups {
			nums = append(nums, strconv.Itoa(i+1))
		}
		out = append(out, p.st.Muted.Render(strings.Repeat(" ", timeW+1)+strings.Join(nums, " ")))
	}
	for i, e := range ev.Events[:shown] {
		group := ""
		if c.GroupBy != "" && e.Fields[c.GroupBy] != nil {
			group = fmt.Sprint(e.Fields[c.GroupBy])
		}
		var mark string
		switch {
		case lanes:
			cells := make([]string, len(ev.Groups))
			for j := range cells {
				cells[j] = p.st.Muted.Render("│")
			}
			cells[lane[group]] = p.series(lane[group]).Render("●")
			mark = strings.Join(cells, " ")
		case group != "":
			mark = "● " + p.st.Muted.Render(pad(group, min(width(group), 12)))
		default:
			mark = "●"
		}
		out = append(out, fit(p.st.Muted.Render(pad(times[i], timeW))+" "+mark+" "+e.Title, w))
	}
	switch {
	case shown < len(ev.Events):
		out = append(out, p.st.Muted.Render(fit(fmt.Sprintf("… %d earlier not shown", len(ev.Events)-shown), w)))
	case ev.Truncated:
		out = append(out, p.st.Muted.Render(fit("… earlier ones were left out", w)))
	}
	if lanes {
		names := make([]string, len(ev.Groups))
		for i, g := range ev.Groups {
			if g == "" {
				g = "(none)"
			}
			names[i] = p.series(i).Render(strconv.Itoa(i+1)) + " " + g
		}
		out = append(out, fit(strings.Join(names, "  "), w))
	}
	return strings.Join(out, "\n")
}

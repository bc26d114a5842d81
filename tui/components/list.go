// The list: one line per row or event, its icon, its title, and a few
// short details after it.

package components

import (
	"fmt"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
)

// listDetails is how many columns besides the title a list item shows.
const listDetails = 3

func (p *pen) list(c *render.Component, w, h int) string {
	cols, rows, truncated := tableData(c.Data)
	if len(rows) == 0 {
		return p.st.Muted.Render("nothing to list")
	}
	title := titleColumn(cols)
	glyph := icon(c.Icon)
	shown := len(rows)
	if h > 0 {
		shown = min(shown, max(h/2-1, 3))
	}
	out := make([]string, 0, shown+1)
	for _, row := range rows[:shown] {
		var details []string
		for i, col := range cols {
			if i == title || len(details) == listDetails {
				continue
			}
			if v := p.cell(row[i], col.Type); v != none && v != "" {
				details = append(details, v)
			}
		}
		line := glyph + " " + p.cell(row[title], cols[title].Type)
		if len(details) > 0 {
			line += "  " + p.st.Muted.Render(strings.Join(details, " · "))
		}
		out = append(out, fit(line, w))
	}
	switch {
	case shown < len(rows):
		out = append(out, p.st.Muted.Render(fit(fmt.Sprintf("… %d more", len(rows)-shown), w)))
	case truncated:
		out = append(out, p.st.Muted.Render(fit("… more were left out", w)))
	}
	return strings.Join(out, "\n")
}

// titleColumn picks the column that names an item: title, else name, else
// the first text column.
func titleColumn(cols []query.Column) int {
	for _, want := range []string{"title", "name"} {
		for i, c := range cols {
			if c.Name == want {
				return i
			}
		}
	}
	for i, c := range cols {
		if c.Type == query.Text {
			return i
		}
	}
	return 0
}

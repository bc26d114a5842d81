// The stat card: one number, in the card's colour, with the change since
// the query's previous period when the spec asks for a trend.

package components

import (
	"github.com/wingman-dev/wingman/dashboards/render"
)

func (p *pen) statCard(c *render.Component, w int) string {
	d := c.Data.Integer
	if d == nil {
		return p.st.Muted.Render("no data")
	}
	value := p.st.Value
	if accent, ok := p.st.Accents[c.Color]; ok {
		value = value.Foreground(accent.GetForeground())
	}
	out := value.Render(fit(number(float64(d.Value)), w))
	if d.Previous == nil {
		return out
	}
	delta := d.Value - *d.Previous
	var trend string
	switch {
	case delta > 0:
		trend = "▲ +" + number(float64(delta))
	case delta < 0:
		trend = "▼ −" + number(float64(-delta))
	default:
		trend = "= no change"
	}
	// Whether up is good depends on what is counted, so the arrow is not
	// coloured as good or bad.
	return out + "\n" + p.st.Muted.Render(fit(trend+" from "+number(float64(*d.Previous)), w))
}

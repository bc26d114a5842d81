package common

import (
	"github.com/charmbracelet/lipgloss"
)

// Styles are every style of the TUI, made from one renderer so that the
// terminal's colour profile (and NO_COLOR) applies to all of them. With no
// colour the TUI still reads: selection is reverse video, and states are
// words, never colours alone.
type Styles struct {
	R *lipgloss.Renderer

	App, Header, Tab, ActiveTab, StatusBar, StatusLive, StatusDown lipgloss.Style
	Title, Label, Muted, Error, OK, Warn, Box, Selected, Dialog    lipgloss.Style

	// Dashboards. Panel frames a component, PanelFocus the one that has
	// the keys. Accents are a spec's colour names; Series (a chart's
	// lines and bars, in order) are basic ANSI colours, which a
	// 16-colour terminal shows as they are and asciigraph draws with
	// too; Heat are a heatmap's levels, low to high.
	Panel, PanelFocus, PanelTitle, Section, Value lipgloss.Style
	Accents                                       map[string]lipgloss.Style
	Series, Heat                                  []lipgloss.Style
}

// NewStyles makes the styles for a renderer.
func NewStyles(r *lipgloss.Renderer) *Styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7D79F6"}
	muted := lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
	st := &Styles{
		R:          r,
		App:        r.NewStyle(),
		Header:     r.NewStyle().Bold(true),
		Tab:        r.NewStyle().Padding(0, 1).Foreground(muted),
		ActiveTab:  r.NewStyle().Padding(0, 1).Bold(true).Underline(true).Foreground(accent),
		StatusBar:  r.NewStyle().Foreground(muted),
		StatusLive: r.NewStyle().Foreground(lipgloss.Color("2")),
		StatusDown: r.NewStyle().Bold(true).Foreground(lipgloss.Color("3")),
		Title:      r.NewStyle().Bold(true).Foreground(accent),
		Label:      r.NewStyle().Bold(true),
		Muted:      r.NewStyle().Foreground(muted),
		Error:      r.NewStyle().Bold(true).Foreground(lipgloss.Color("1")),
		OK:         r.NewStyle().Foreground(lipgloss.Color("2")),
		Warn:       r.NewStyle().Foreground(lipgloss.Color("3")),
		Box:        r.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1),
		Selected:   r.NewStyle().Reverse(true),
		Dialog:     r.NewStyle().Border(lipgloss.DoubleBorder()).Padding(0, 1),

		Panel:      r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(muted).Padding(0, 1),
		PanelFocus: r.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(accent).Padding(0, 1),
		PanelTitle: r.NewStyle().Bold(true),
		Section:    r.NewStyle().Bold(true).Foreground(accent),
		Value:      r.NewStyle().Bold(true),
		Accents:    map[string]lipgloss.Style{},
		Series:     fg(r, "4", "5", "6", "3", "2", "1"),
		Heat:       fg(r, "#3B5B7A", "#4F7FAF", "#63A4E0", "#9CD3FF"),
	}
	for name, c := range map[string]string{"blue": "4", "cyan": "6", "gray": "8", "green": "2", "magenta": "5", "red": "1", "yellow": "3"} {
		st.Accents[name] = r.NewStyle().Foreground(lipgloss.Color(c))
	}
	return st
}

// fg makes a style per colour.
func fg(r *lipgloss.Renderer, colours ...string) []lipgloss.Style {
	out := make([]lipgloss.Style, len(colours))
	for i, c := range colours {
		out[i] = r.NewStyle().Foreground(lipgloss.Color(c))
	}
	return out
}

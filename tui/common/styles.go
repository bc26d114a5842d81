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
}

// NewStyles makes the styles for a renderer.
func NewStyles(r *lipgloss.Renderer) *Styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7D79F6"}
	muted := lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
	return &Styles{
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
	}
}

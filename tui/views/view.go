// Package views holds the TUI's views, one file each, all behind the View
// interface. A view loads its data through the API client, reloads when
// the event stream says its subject changed, and declares the messages it
// handles beside it.
package views

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/core/domain"
)

// View is one screen of the TUI.
type View interface {
	// Title names the view in the tab bar.
	Title() string
	// Init loads the view's data.
	Init() tea.Cmd
	Update(tea.Msg) (View, tea.Cmd)
	View() string
	SetSize(width, height int)
	// ShortHelp lists the keys the view adds to the global ones.
	ShortHelp() []key.Binding
	// Reload returns the command that reloads the view when ev concerns
	// it, or nil.
	Reload(ev domain.Event) tea.Cmd
	// Capturing reports whether the view takes every key (a text input
	// has focus), so that global keys such as q reach it as text.
	Capturing() bool
}

// OpenPlanMsg asks the app to show a plan in the plans view.
type OpenPlanMsg struct{ ID string }

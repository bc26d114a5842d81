package tui

import "github.com/charmbracelet/x/ansi"

// truncate cuts a styled line to width cells.
func truncate(s string, width int) string { return ansi.Truncate(s, width, "…") }

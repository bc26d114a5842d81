package output

import (
	"fmt"
	"time"
)

// Ago says how long before now t was, e.g. "12s ago", or "in 5m" for a time
// still ahead; "never" for nil or zero.
func Ago(now time.Time, t *time.Time) string {
	if t == nil || t.IsZero() {
		return "never"
	}
	d := now.Sub(*t)
	if d < 0 {
		return "in " + span(-d)
	}
	if d < time.Second {
		return "just now"
	}
	return span(d) + " ago"
}

// span rounds down to one unit: precision beyond that is noise in a table.
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// Stamp prints an absolute time with its distance from now, e.g.
// "2026-03-01T10:00:00Z (5m ago)". UTC keeps it the same on every host.
func Stamp(now time.Time, t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339) + " (" + Ago(now, t) + ")"
}

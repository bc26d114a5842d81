package output

import (
	"fmt"
	"io"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
)

// Columns lays out a list of T as a table: Headers, then the cells Row
// returns for each item.
type Columns[T any] struct {
	Headers []string
	Row     func(T) []string
}

// PrintList prints items to ios.Out as JSON or YAML, or as a table of cols.
// An empty table prints nothing to stdout, where a script would take a
// header for a row; a person at a terminal is told empty on ErrOut instead.
func PrintList[T any](ios *iostreams.IOStreams, f Format, items []T, empty string, cols Columns[T]) error {
	if len(items) == 0 && f == Table {
		if ios.IsStdoutTTY() {
			fmt.Fprintln(ios.ErrOut, empty)
		}
		return nil
	}
	return Print(ios.Out, f, items, func(w io.Writer) error {
		t := NewTable(w, cols.Headers...)
		for _, it := range items {
			t.Row(cols.Row(it)...)
		}
		return t.Flush()
	})
}

package output

import (
	"io"
	"strings"
	"text/tabwriter"
)

// TablePrinter writes plain, aligned columns: no colour and no truncation,
// so the same output reads well on a terminal and greps well in a pipe.
type TablePrinter struct {
	tw     *tabwriter.Writer
	indent string
}

// NewTable starts a table on w with a header row; no header when none are
// given (key/value listings).
func NewTable(w io.Writer, headers ...string) *TablePrinter {
	return NewIndentedTable(w, "", headers...)
}

// NewIndentedTable is NewTable with every row indented, to nest a table
// under a heading.
func NewIndentedTable(w io.Writer, indent string, headers ...string) *TablePrinter {
	t := &TablePrinter{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0), indent: indent}
	if len(headers) > 0 {
		t.Row(headers...)
	}
	return t
}

// cellReplacer keeps one value in one cell: a tab or newline inside a
// value would break the alignment of every row after it.
var cellReplacer = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ")

// Row adds a row; an empty cell prints as "-" so columns stay countable.
func (t *TablePrinter) Row(cells ...string) {
	for i, c := range cells {
		c = cellReplacer.Replace(c)
		if c == "" {
			c = "-"
		}
		cells[i] = c
	}
	_, _ = io.WriteString(t.tw, t.indent+strings.Join(cells, "\t")+"\n")
}

// Flush writes the aligned table.
func (t *TablePrinter) Flush() error { return t.tw.Flush() }

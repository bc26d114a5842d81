// Values as a person reads them in a cell, whichever way they arrived: as
// the renderer made them (int64, time.Time) or decoded from the API's JSON
// (float64, RFC 3339 strings).

package components

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/wingman-dev/wingman/dashboards/query"
)

// none stands for a missing value.
const none = "-"

// cell formats v, a value of a column of type t.
func (p *pen) cell(v any, t query.ColumnType) string {
	if v == nil {
		return none
	}
	switch t {
	case query.Time:
		if at, ok := asTime(v); ok {
			return p.when(at)
		}
	case query.Int, query.Number:
		if f, ok := asFloat(v); ok {
			return number(f)
		}
	}
	return fmt.Sprint(v)
}

// when formats a time briefly: the time of day on the day of the render,
// the date and time within its year, the date before that.
func (p *pen) when(t time.Time) string {
	t, at := t.In(p.loc), p.at.In(p.loc)
	switch {
	case t.Year() == at.Year() && t.YearDay() == at.YearDay():
		return t.Format("15:04")
	case t.Year() == at.Year():
		return t.Format("Jan 02 15:04")
	}
	return t.Format("2006-01-02")
}

// day formats the day of a point of a daily series.
func (p *pen) day(t time.Time) string { return t.In(p.loc).Format("Jan 02") }

// number writes a whole number with thousands separators and anything
// else with at most two decimals.
func number(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return humanize.Comma(int64(f))
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case string:
		at, err := time.Parse(time.RFC3339Nano, t)
		return at, err == nil
	}
	return time.Time{}, false
}

// compare orders two cells of a column of type t, a missing value last.
func compare(a, b any, t query.ColumnType) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch t {
	case query.Int, query.Number:
		x, _ := asFloat(a)
		y, _ := asFloat(b)
		return cmpFloat(x, y)
	case query.Time:
		x, _ := asTime(a)
		y, _ := asTime(b)
		return x.Compare(y)
	}
	return strings.Compare(strings.ToLower(fmt.Sprint(a)), strings.ToLower(fmt.Sprint(b)))
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// fit cuts s, which may hold escape sequences, to w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// pad fills s out to w cells, cutting it when it is longer.
func pad(s string, w int) string {
	s = fit(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// width is how many cells s takes.
func width(s string) int { return ansi.StringWidth(s) }

// Typed, bounded query parameters, and resolving a spec's values for them.

package query

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParamType is a parameter's type.
type ParamType string

// Parameter types.
const (
	IntParam  ParamType = "integer"
	TextParam ParamType = "text"
)

// Now is the parameter every query may use without declaring it: the time
// of the render in Unix milliseconds. It comes from the caller rather than
// the database's clock so that every query of a render reads one instant,
// and tests can fix it.
const Now = "now"

// Param is a typed, bounded parameter of a query.
type Param struct {
	Name        string    `json:"name"`
	Type        ParamType `json:"type"`
	Description string    `json:"description,omitempty"`
	// Min and Max bound an integer parameter.
	Min int64 `json:"min"`
	Max int64 `json:"max"`
	// Values, when set, are a text parameter's only values.
	Values []string `json:"values,omitempty"`
	// MaxLength bounds a text parameter's length in characters.
	MaxLength int `json:"max_length,omitempty"`
	// Default is the value when a spec does not set one: an int64 or a
	// string.
	Default any `json:"default"`
}

// ParamError is a parameter set wrongly, or one the query does not have.
type ParamError struct {
	Name    string
	Message string
}

func (e *ParamError) Error() string { return "params." + e.Name + ": " + e.Message }

// Resolve checks the parameters a spec gives and fills in the defaults of
// the rest. It returns every problem, in parameter-name order.
func (q *Query) Resolve(given map[string]any) (map[string]any, []*ParamError) {
	out := make(map[string]any, len(q.Params))
	for _, p := range q.Params {
		out[p.Name] = p.Default
	}
	var errs []*ParamError
	names := make([]string, 0, len(given))
	for n := range given {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, ok := q.Param(n)
		if !ok {
			errs = append(errs, &ParamError{n, q.unknownParam(n)})
			continue
		}
		v, err := p.check(given[n])
		if err != nil {
			errs = append(errs, &ParamError{n, err.Error()})
			continue
		}
		out[n] = v
	}
	return out, errs
}

func (q *Query) unknownParam(name string) string {
	if len(q.Params) == 0 {
		return fmt.Sprintf("%s takes no parameters; remove it", q.Name)
	}
	return fmt.Sprintf("%s has no parameter %q; its parameters are %s", q.Name, name, strings.Join(q.ParamNames(), ", "))
}

// check converts v, as a spec gives it, to the parameter's type, within
// its bounds.
func (p Param) check(v any) (any, error) {
	switch p.Type {
	case IntParam:
		n, ok := integer(v)
		if !ok {
			return nil, fmt.Errorf("%s is not an integer; use %d to %d", show(v), p.Min, p.Max)
		}
		if n < p.Min || n > p.Max {
			return nil, fmt.Errorf("%d is out of bounds; use %d to %d", n, p.Min, p.Max)
		}
		return n, nil
	case TextParam:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s is not text; %s", show(v), p.textHint())
		}
		if len(p.Values) > 0 && !slices.Contains(p.Values, s) {
			return nil, fmt.Errorf("%q is not one of its values; %s", s, p.textHint())
		}
		if p.MaxLength > 0 && utf8.RuneCountInString(s) > p.MaxLength {
			return nil, fmt.Errorf("is %d characters long; the limit is %d", utf8.RuneCountInString(s), p.MaxLength)
		}
		return s, nil
	}
	return nil, fmt.Errorf("has the unknown type %q", p.Type)
}

func (p Param) textHint() string {
	if len(p.Values) == 0 {
		return fmt.Sprintf("use text of at most %d characters", p.MaxLength)
	}
	quoted := make([]string, len(p.Values))
	for i, v := range p.Values {
		quoted[i] = strconv.Quote(v)
	}
	return "use one of " + strings.Join(quoted, ", ")
}

// integer reads an integer as YAML, JSON or Go code may give it.
func integer(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// Turning result rows into the result of the query's kind.

package query

import (
	"fmt"
	"time"
)

// shape turns converted rows into the result of q's kind. Rows hold the
// types of q.Columns (or nil), which is what the assertions rely on.
func (q *Query) shape(rows [][]any, truncated bool) (*Result, error) {
	switch q.Returns {
	case Integer:
		if len(rows) != 1 {
			return nil, fmt.Errorf("returned %d rows; an integer query returns one", len(rows))
		}
		d := &IntegerData{Value: intOr0(rows[0][0])}
		if q.Trend {
			prev := intOr0(rows[0][1])
			d.Previous = &prev
			switch {
			case d.Value > prev:
				d.Trend = "up"
			case d.Value < prev:
				d.Trend = "down"
			default:
				d.Trend = "flat"
			}
		}
		return &Result{Integer: d}, nil
	case Table:
		if rows == nil {
			rows = [][]any{}
		}
		return &Result{Table: &TableData{Columns: q.Columns, Rows: rows, Truncated: truncated}}, nil
	case Timeseries:
		return &Result{Timeseries: q.series(rows, truncated)}, nil
	case Events:
		return q.events(rows, truncated)
	case Graph:
		d := &GraphData{Nodes: []Node{}, Truncated: truncated}
		for _, r := range rows {
			d.Nodes = append(d.Nodes, Node{ID: str(r[0]), Parent: str(r[1]), Kind: str(r[2]), Label: str(r[3]), Status: str(r[4])})
		}
		return &Result{Graph: d}, nil
	case Matrix:
		return q.matrix(rows, truncated)
	}
	return nil, fmt.Errorf("unknown kind %q", q.Returns)
}

func (q *Query) series(rows [][]any, truncated bool) *TimeseriesData {
	d := &TimeseriesData{Series: []Series{}, Truncated: truncated}
	index := map[string]int{}
	for _, r := range rows {
		t, _ := r[0].(time.Time)
		name, v := "", r[len(r)-1]
		if len(r) == 3 {
			name = str(r[1])
		}
		i, ok := index[name]
		if !ok {
			i = len(d.Series)
			index[name] = i
			d.Series = append(d.Series, Series{Name: name, Points: []Point{}})
		}
		f, _ := v.(float64)
		d.Series[i].Points = append(d.Series[i].Points, Point{T: t, V: f})
	}
	return d
}

func (q *Query) events(rows [][]any, truncated bool) (*Result, error) {
	d := &EventsData{Fields: []Column{}, Events: []Event{}, Truncated: truncated}
	at, title := -1, -1
	for i, c := range q.Columns {
		switch c.Name {
		case "at":
			at = i
		case "title":
			title = i
		default:
			d.Fields = append(d.Fields, c)
		}
	}
	for _, r := range rows {
		t, ok := r[at].(time.Time)
		if !ok {
			return nil, fmt.Errorf("an event has no time (at is null)")
		}
		e := Event{At: t, Title: str(r[title])}
		for i, c := range q.Columns {
			if i == at || i == title {
				continue
			}
			if e.Fields == nil {
				e.Fields = map[string]any{}
			}
			e.Fields[c.Name] = r[i]
		}
		d.Events = append(d.Events, e)
	}
	return &Result{Events: d}, nil
}

func (q *Query) matrix(rows [][]any, truncated bool) (*Result, error) {
	if truncated {
		return nil, fmt.Errorf("returned more cells than the row cap allows")
	}
	d := &MatrixData{X: *q.X, Y: *q.Y, Values: make([][]float64, len(q.Y.Labels))}
	for y := range d.Values {
		d.Values[y] = make([]float64, len(q.X.Labels))
	}
	for _, r := range rows {
		x, y := intOr0(r[0]), intOr0(r[1])
		if x < 0 || x >= int64(len(q.X.Labels)) || y < 0 || y >= int64(len(q.Y.Labels)) {
			return nil, fmt.Errorf("cell (%d, %d) is outside the %d×%d matrix", x, y, len(q.X.Labels), len(q.Y.Labels))
		}
		f, _ := r[2].(float64)
		d.Values[y][x] += f
	}
	return &Result{Matrix: d}, nil
}

func intOr0(v any) int64 {
	n, _ := v.(int64)
	return n
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

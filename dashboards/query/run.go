// Running a query read-only and converting what the driver returns.

package query

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/core/store/sqlstore"
)

// Store is where queries run: read-only, with a time limit and a row cap.
// *sqlstore.DB is one.
type Store interface {
	// Kind names the database ("sqlite" or "postgres"), which picks the
	// query's SQL.
	Kind() string
	QueryReadOnly(ctx context.Context, lim sqlstore.ReadLimits, q string, args []any, row func(*sql.Rows) error) (bool, error)
}

// Run runs q on s at the instant now, with params as Resolve returns them
// (a parameter left out takes its default), and shapes the rows by q's
// kind.
func (q *Query) Run(ctx context.Context, s Store, lim sqlstore.ReadLimits, now time.Time, params map[string]any) (*Result, error) {
	st, ok := q.sql[s.Kind()]
	if !ok {
		return nil, fmt.Errorf("query %s: no SQL for the %s store", q.Name, s.Kind())
	}
	args := make([]any, len(st.args))
	for i, name := range st.args {
		if name == Now {
			args[i] = now.UnixMilli()
			continue
		}
		v, ok := params[name]
		if !ok {
			p, _ := q.Param(name)
			v = p.Default
		}
		args[i] = v
	}
	text := st.text
	if lim.MaxRows > 0 {
		// The database stops after one row past the cap, which is enough to
		// tell that the cap cut the result; the registry's text cannot
		// break out of the parentheses, being one statement without a ;.
		text = fmt.Sprintf("SELECT * FROM (\n%s\n) AS capped LIMIT %d", st.text, lim.MaxRows+1)
	}
	var rows [][]any
	truncated, err := s.QueryReadOnly(ctx, lim, text, args, func(r *sql.Rows) error {
		if rows == nil {
			cols, err := r.Columns()
			if err != nil {
				return err
			}
			if len(cols) != len(q.Columns) {
				return fmt.Errorf("returns %d columns, but declares %d (%s)", len(cols), len(q.Columns), columnList(q.Columns))
			}
		}
		vals := make([]any, len(q.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return err
		}
		for i, c := range q.Columns {
			v, err := convert(vals[i], c.Type)
			if err != nil {
				return fmt.Errorf("column %s: %w", c.Name, err)
			}
			vals[i] = v
		}
		rows = append(rows, vals)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.Name, err)
	}
	res, err := q.shape(rows, truncated)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.Name, err)
	}
	return res, nil
}

// convert turns what a driver returned into the column's type, so that
// both stores answer alike (PostgreSQL's numeric arrives as text, SQLite
// has no time type).
func convert(v any, t ColumnType) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil {
		return nil, nil
	}
	switch t {
	case Text:
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case Int:
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case Number:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f, nil
			}
		}
	case Time:
		ms, err := convert(v, Int)
		if err == nil && ms != nil {
			return time.UnixMilli(ms.(int64)).UTC(), nil
		}
	}
	return nil, fmt.Errorf("%v (%T) is not %s", v, v, t)
}

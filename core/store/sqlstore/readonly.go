// Read-only queries with a time limit and a row cap, for the dashboards'
// named queries: text from outside this package's code reaches the database
// only here.

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReadLimits bound a query run by QueryReadOnly. A zero field sets no
// bound.
type ReadLimits struct {
	// Timeout cuts the statement off: PostgreSQL cancels it itself
	// (statement_timeout), SQLite is interrupted when the time is up.
	Timeout time.Duration
	// MaxRows is the most rows handed to the caller.
	MaxRows int
}

// ErrQueryTimeout reports a query cut off at ReadLimits.Timeout.
var ErrQueryTimeout = errors.New("sqlstore: query cut off at its time limit")

// serverGrace is how much longer than PostgreSQL's own statement_timeout
// the client waits: the server's cancel leaves the connection usable,
// while a client-side cancel may cost it, so the server should win.
const serverGrace = 500 * time.Millisecond

// QueryReadOnly runs q, a query from trusted text such as the dashboard
// registry, with args bound, and calls row for each result row up to
// lim.MaxRows. It reports whether rows were left unread past the cap.
//
// The database itself refuses a write, whatever q says: on PostgreSQL q
// runs in a READ ONLY transaction, on SQLite on the read-only connections.
func (db *DB) QueryReadOnly(ctx context.Context, lim ReadLimits, q string, args []any, row func(*sql.Rows) error) (truncated bool, err error) {
	// Only PostgreSQL has a server-side statement timeout; a Dialect field
	// would say so once sqlstore.go is free to change.
	server := db.dialect.Name == "postgres" && lim.Timeout > 0
	if lim.Timeout > 0 {
		wait := lim.Timeout
		if server {
			wait += serverGrace
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, wait)
		defer cancel()
	}
	defer func() {
		if err != nil && timedOut(ctx, err) {
			err = fmt.Errorf("%s: %w (%v)", db.dialect.Name, ErrQueryTimeout, lim.Timeout)
		}
	}()
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return false, fmt.Errorf("%s: begin read-only: %w", db.dialect.Name, err)
	}
	// Nothing was written, so there is nothing to commit.
	defer tx.Rollback() //nolint:errcheck // a read-only transaction has nothing to lose
	if server {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", lim.Timeout.Milliseconds())); err != nil {
			return false, fmt.Errorf("%s: set statement timeout: %w", db.dialect.Name, err)
		}
	}
	var rows *sql.Rows
	// SQLite parses a statement it is not given prepared, which costs a
	// dashboard's small queries more than running them.
	if st := db.stmts.lookup(db.reader, q); st != nil {
		rows, err = tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	} else {
		rows, err = tx.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return false, fmt.Errorf("%s: read-only query: %w", db.dialect.Name, err)
	}
	defer rows.Close()
	for n := 0; rows.Next(); n++ {
		if lim.MaxRows > 0 && n == lim.MaxRows {
			truncated = true
			break
		}
		if err := row(rows); err != nil {
			return false, err
		}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("%s: read-only query: %w", db.dialect.Name, err)
	}
	return truncated, nil
}

// timedOut tells a statement cut off at its time limit (PostgreSQL's
// query_canceled, or the deadline passing) from other failures.
func timedOut(ctx context.Context, err error) bool {
	var state interface{ SQLState() string }
	if errors.As(err, &state) && state.SQLState() == "57014" {
		return true
	}
	return errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// Package sqlstore implements store.Store once, over database/sql, for both
// SQLite and PostgreSQL. The two differ only in what a Dialect says: how to
// lock rows and how to serialise migrations. Queries use $N placeholders,
// which both drivers accept.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Dialect is what differs between the databases.
type Dialect struct {
	Name string
	// LockRow is appended to a SELECT that must lock the row it reads
	// ("FOR UPDATE" on PostgreSQL; SQLite's writer lock covers it).
	LockRow string
	// SkipLocked is appended to a claiming SELECT so that concurrent
	// claimers pass over each other's rows.
	SkipLocked string
	// Positional makes multi-row statements use "?" placeholders: SQLite
	// looks $N names up in a list, which costs O(n²) on a 1,000-parameter
	// statement, while "?" is numbered as it is parsed.
	Positional bool
	// SingleWriter serialises write transactions in the process (SQLite
	// allows one writer at a time anyway; waiting on a Go mutex is cheaper
	// and fairer than SQLite's busy retries).
	SingleWriter bool
	// NotifyTask, when set, is run in the transaction that queues a task,
	// with the worker id as $1: on PostgreSQL a pg_notify that reaches the
	// replica holding that worker's long poll only if the transaction
	// commits.
	NotifyTask string
	// DeferAuditSeal leaves appended audit events unsealed for SealAudit
	// (a sealer) instead of sealing them in the appending transaction,
	// which would make every audited transaction wait on the chain's head.
	DeferAuditSeal bool
	// WritableCTE says statements in WITH may write (PostgreSQL): a claim
	// then leases its tasks, moves their plans and appends its audit
	// events in one statement, in one round trip.
	WritableCTE bool
	// AutocommitReads runs View without a transaction: each statement sees
	// the newest committed data. It saves the BEGIN and COMMIT round trips
	// on every authenticated request, where a PostgreSQL server is a round
	// trip away; a view then trades a snapshot across statements for speed.
	AutocommitReads bool
	// Schema fills in the shared migrations' words, as old, new pairs for
	// strings.NewReplacer: {{id}} (an auto-numbered primary key), {{bytes}}
	// (a binary column) and {{keyed}} (after a table keyed by its primary
	// key).
	Schema []string
}

// DB is a store.Store over one writer pool and one reader pool (the same
// pool on PostgreSQL; on SQLite the writer is a single connection and the
// readers are read-only connections, so reads never wait for writes).
type DB struct {
	writer  *sql.DB
	reader  *sql.DB
	dialect Dialect
	stmts   stmtCache
	writeMu sync.Mutex // held for a whole write transaction when SingleWriter
}

// New wraps open pools. The DB owns them: Close closes both.
func New(writer, reader *sql.DB, d Dialect) *DB {
	return &DB{writer: writer, reader: reader, dialect: d}
}

var _ store.Store = (*DB)(nil)

// Kind names the database.
func (db *DB) Kind() string { return db.dialect.Name }

// Ping checks both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", db.dialect.Name, err)
	}
	if err := db.reader.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping readers: %w", db.dialect.Name, err)
	}
	return nil
}

// Close closes the pools.
func (db *DB) Close() error {
	db.stmts.close()
	err := db.writer.Close()
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	return err
}

// Update runs fn in a read-write transaction.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	if db.dialect.SingleWriter {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	return db.run(ctx, db.writer, nil, fn)
}

// View runs fn for reading: in a read-only transaction, or statement by
// statement where the dialect reads in autocommit.
func (db *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	if db.dialect.AutocommitReads {
		return fn(&tx{ctx: ctx, d: &db.dialect, pool: db.reader, stmts: &db.stmts})
	}
	return db.run(ctx, db.reader, &sql.TxOptions{ReadOnly: true}, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(store.Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", db.dialect.Name, err)
	}
	t := &tx{ctx: ctx, tx: sqlTx, d: &db.dialect, pool: pool, stmts: &db.stmts}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", db.dialect.Name, err)
	}
	return nil
}

// tx implements store.Tx. It keeps the context of the call that opened it:
// a transaction never outlives that call.
type tx struct {
	ctx   context.Context
	tx    *sql.Tx // nil for an autocommit view
	d     *Dialect
	pool  *sql.DB
	stmts *stmtCache
}

// cached returns q's prepared statement for this transaction when the
// cache has it (SQLite re-parses every statement it is not given
// prepared, and on a 200-row batch the parse costs more than the insert),
// or nil: the caller then runs q unprepared, as database/sql does.
func (t *tx) cached(q string) *sql.Stmt {
	st := t.stmts.lookup(t.pool, q)
	if st == nil || t.tx == nil {
		return st
	}
	return t.tx.StmtContext(t.ctx, st)
}

func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	if st := t.cached(q); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	if t.tx == nil {
		return t.pool.ExecContext(t.ctx, q, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	if st := t.cached(q); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	if t.tx == nil {
		return t.pool.QueryContext(t.ctx, q, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t *tx) queryRow(q string, args ...any) *sql.Row {
	if st := t.cached(q); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	if t.tx == nil {
		return t.pool.QueryRowContext(t.ctx, q, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// mustAffect turns "no row changed" into domain.ErrNotFound for what.
func mustAffect(res sql.Result, err error, what string) error {
	return changed(res, err, what, domain.ErrNotFound)
}

// Package postgres opens Wingman's store on PostgreSQL through pgx, for
// installs that outgrow one box or run several wingmand replicas.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/wingman-dev/wingman/core/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is PostgreSQL's part of the shared store.
var dialect = sqlstore.Dialect{
	Name: "postgres", LockRow: " FOR UPDATE", SkipLocked: " SKIP LOCKED",
	NotifyTask:     `SELECT pg_notify('` + TaskChannel + `', $1)`,
	DeferAuditSeal: true, AutocommitReads: true, WritableCTE: true,
	Schema: []string{"{{id}}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "{{bytes}}", "BYTEA", "{{keyed}}", ""},
}

// migrationLock is the advisory lock key under which replicas migrate one
// at a time ("wingman" in ASCII, truncated).
const migrationLock = 0x77696e676d616e

// Open connects to url (a postgres:// URL; search_path may be given as a
// parameter) and applies pending migrations.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", cfg.Host, err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	if err := sqlstore.Migrate(ctx, db, dialect, sub(), lock); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	return sqlstore.New(db, db, dialect), nil
}

func lock(ctx context.Context, c *sql.Conn) (func(), error) {
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return nil, err
	}
	return func() {
		// A fresh context: unlocking must happen even if ctx was cancelled.
		_, _ = c.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}, nil
}

func sub() fs.FS {
	f, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return f
}

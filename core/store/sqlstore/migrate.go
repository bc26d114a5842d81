package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var shared embed.FS

// Migrate applies, in order of their version, the migrations shared by both
// stores (with the dialect's words filled in) and the dialect's own
// (NNNN_name.sql in own), each not yet applied in its own transaction
// together with its row in schema_migrations. lock, when not nil, runs on
// the migrating connection first and returns its unlock, so replicas
// starting together migrate one at a time.
func Migrate(ctx context.Context, db *sql.DB, d Dialect, own fs.FS,
	lock func(ctx context.Context, c *sql.Conn) (func(), error)) error {
	files, err := migrations(d, own)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if lock != nil {
		unlock, err := lock(ctx, conn)
		if err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer unlock()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range files {
		var seen int
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&seen); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if seen > 0 {
			continue
		}
		if err := apply(ctx, conn, m.version, m.name, m.body); err != nil {
			return err
		}
	}
	return nil
}

type migration struct {
	version    int64
	name, body string
}

// migrations lists the shared and the dialect's migrations by version.
func migrations(d Dialect, own fs.FS) ([]migration, error) {
	sharedFS, err := fs.Sub(shared, "migrations")
	if err != nil {
		return nil, err
	}
	fill := strings.NewReplacer(d.Schema...)
	var out []migration
	seen := map[int64]string{}
	for _, src := range []struct {
		fsys   fs.FS
		shared bool
	}{{sharedFS, true}, {own, false}} {
		names, err := fs.Glob(src.fsys, "*.sql")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			version, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: file names start with a version number (0001_init.sql)", name)
			}
			if other, dup := seen[version]; dup {
				return nil, fmt.Errorf("%s and %s have the same version", other, name)
			}
			seen[version] = name
			body, err := fs.ReadFile(src.fsys, name)
			if err != nil {
				return nil, err
			}
			text := string(body)
			if src.shared {
				text = fill.Replace(text)
			}
			out = append(out, migration{version, name, text})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func apply(ctx context.Context, conn *sql.Conn, version int64, name, body string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		version, name, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	return nil
}

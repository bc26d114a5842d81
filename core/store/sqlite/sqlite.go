// Package sqlite opens Wingman's embedded store: one SQLite file in the data
// dir, in WAL mode, through modernc.org/sqlite (no cgo).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/wingman-dev/wingman/core/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is SQLite's part of the shared store.
var dialect = sqlstore.Dialect{
	Name: "sqlite", Positional: true, SingleWriter: true,
	Schema: []string{"{{id}}", "INTEGER PRIMARY KEY", "{{bytes}}", "BLOB", "{{keyed}}", "WITHOUT ROWID"},
}

// FileName is the database file inside the data dir.
const FileName = "wingman.db"

// Open opens (creating it if needed) the database in dataDir and applies
// pending migrations. Commits are fsynced (synchronous=FULL): what the API
// acknowledged survives a crash or a power cut.
func Open(ctx context.Context, dataDir string) (*sqlstore.DB, error) {
	path := filepath.Join(dataDir, FileName)
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	// Write transactions run one at a time (SingleWriter) and begin
	// immediate, so they never fail with SQLITE_BUSY on upgrade; the second
	// connection lets statements be prepared while a transaction runs.
	writer, err := sql.Open("sqlite", base+"?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(2)
	if err := sqlstore.Migrate(ctx, writer, dialect, sub(), nil); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", base+"?mode=ro&_pragma=query_only(1)&"+pragmas)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	readers := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(readers)
	// Keep every reader open: database/sql keeps 2 idle by default, and
	// opening a SQLite connection on each busy moment costs more than the
	// query (a dashboard runs several at once).
	reader.SetMaxIdleConns(readers)
	db := sqlstore.New(writer, reader, dialect)
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func sub() fs.FS {
	f, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return f
}

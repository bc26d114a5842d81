// Package dashtest gives dashboard tests real stores, SQLite and
// PostgreSQL, and a small homelab to seed them with through the store's
// own transactions, whose history is known to the minute.
package dashtest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/core/store/sqlstore"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// Store is an opened store and a plain connection to its database, for
// what the store's own methods cannot do (bulk loads in benchmarks).
type Store struct {
	Name string
	DB   *sqlstore.DB
	Raw  *sql.DB
}

// SQLite opens an empty SQLite store in t's temporary directory.
func SQLite(t testing.TB) Store {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	return Store{Name: "sqlite", DB: db, Raw: raw}
}

// Postgres opens an empty PostgreSQL store in a schema of t's own. t is
// skipped when PostgreSQL cannot be reached, unless CI=true.
func Postgres(t testing.TB) Store {
	t.Helper()
	url := storetest.PostgresURL(t)
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { raw.Close() })
	return Store{Name: "postgres", DB: db, Raw: raw}
}

// Both opens one store of each kind, SQLite first.
func Both(t testing.TB) []Store {
	t.Helper()
	return []Store{SQLite(t), Postgres(t)}
}

// Each runs fn in a subtest per store kind, so that a missing PostgreSQL
// skips only its half.
func Each(t *testing.T, fn func(t *testing.T, s Store)) {
	for _, k := range []struct {
		name string
		open func(testing.TB) Store
	}{{"sqlite", SQLite}, {"postgres", Postgres}} {
		t.Run(k.name, func(t *testing.T) { fn(t, k.open(t)) })
	}
}

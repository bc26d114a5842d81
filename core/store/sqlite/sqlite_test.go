package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

func open(t *testing.T) (store.Store, *sql.DB) {
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	raw, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return s, raw
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

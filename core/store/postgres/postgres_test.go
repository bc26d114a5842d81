package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

func open(t *testing.T) (store.Store, *sql.DB) {
	url := storetest.PostgresURL(t)
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return s, raw
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

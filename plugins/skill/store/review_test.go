package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	corestore "github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

// A row an install did not write is never served nor planned: one larger
// than any install writes (refused before it is decoded), one that does
// not decode, one whose version column disagrees with its manifest.
func TestBadRowsRefused(t *testing.T) {
	ctx := context.Background()
	huge := make([]byte, maxStored+1)
	for i := range huge {
		huge[i] = ' '
	}
	for name, tt := range map[string]struct {
		set  string
		arg  any
		want string
	}{
		"huge":          {"files", huge, "more than an install ever stores"},
		"not JSON":      {"files", []byte("{not json"), "do not decode"},
		"not an object": {"files", []byte(`["skill.py"]`), "do not decode"},
		"other version": {"version", "9.9.9", "says version 9.9.9"},
	} {
		t.Run(name, func(t *testing.T) {
			s, raw := newServiceRaw(t, skilltest.Serve(t))
			if _, err := s.Install(ctx, "container-restart", false); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`UPDATE skills SET `+tt.set+` = $1 WHERE id = $2`, tt.arg, "container-restart"); err != nil {
				t.Fatal(err)
			}
			ver, err := s.Verify(ctx, "container-restart")
			if err != nil || len(ver) != 1 || ver[0].OK || !strings.Contains(ver[0].Problem, tt.want) {
				t.Errorf("Verify = %+v, %v; want a problem saying %q", ver, err, tt.want)
			}
			if bundles, err := s.Bundles(ctx); err != nil || len(bundles) != 0 {
				t.Errorf("Bundles = %d, %v; want none", len(bundles), err)
			}
			radius := domain.BlastRadius{Scope: "container", MutatesState: true}
			if err := checkAction(t, s, domain.Action{Plugin: "container-restart", Action: "restart", BlastRadius: radius}); !errors.Is(err, domain.ErrPolicy) {
				t.Errorf("CheckAction = %v, want a policy refusal", err)
			}
		})
	}
}

// timeoutErr is a database connection timing out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "read tcp 10.0.0.5:5432: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

type failingDB struct{ corestore.Store }

func (failingDB) View(context.Context, func(corestore.Tx) error) error   { return timeoutErr{} }
func (failingDB) Update(context.Context, func(corestore.Tx) error) error { return timeoutErr{} }

// A database that times out is not the registry: the API must answer an
// internal error (details in the log), not a 503 quoting the database.
func TestDatabaseTimeoutIsNotTheRegistry(t *testing.T) {
	ctx := context.Background()
	s, _ := newServiceRaw(t, skilltest.Serve(t))
	s.Store.db = failingDB{s.Store.db}
	for name, call := range map[string]func() error{
		"Remove":  func() error { _, err := s.Remove(ctx, "container-restart"); return err },
		"Update":  func() error { _, err := s.Update(ctx, "container-restart", false); return err },
		"Install": func() error { _, err := s.Install(ctx, "container-restart", false); return err },
	} {
		err := call()
		for _, sentinel := range []error{domain.ErrUnavailable, domain.ErrNotFound, domain.ErrPolicy, domain.ErrConflict, domain.ErrInvalid} {
			if errors.Is(err, sentinel) {
				t.Errorf("%s with the database timing out = %v, which the API shows the client as %v", name, err, sentinel)
			}
		}
		if !errors.Is(err, errDatabase) {
			t.Errorf("%s with the database timing out = %v, want a database error", name, err)
		}
	}
}

package auth_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/sqlite"
)

// t0 is whole milliseconds, as the store keeps times.
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func tokens(t *testing.T, s store.Store) []domain.Token {
	t.Helper()
	var out []domain.Token
	if err := s.View(context.Background(), func(tx store.Tx) error {
		var err error
		out, err = tx.ListTokens()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	apiSecretRE    = regexp.MustCompile(`^wm_[a-z2-7]{32}$`)
	workerSecretRE = regexp.MustCompile(`^wmw_[a-z2-7]{32}$`)
	tokenIDRE      = regexp.MustCompile(`^tok-[a-z2-7]{8}$`)
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	expires := t0.Add(time.Hour)
	var (
		opSecret, viewerSecret, expSecret, revSecret, wSecret, revWSecret string
		opTok, viewerTok, expTok, revTok, wTok, revWTok                   domain.Token
	)
	update(t, s, func(tx store.Tx) error {
		var err error
		if opSecret, opTok, err = auth.IssueAPIToken(tx, "olga", domain.RoleOperator, t0, nil); err != nil {
			return err
		}
		if viewerSecret, viewerTok, err = auth.IssueAPIToken(tx, "vic", domain.RoleViewer, t0, nil); err != nil {
			return err
		}
		if expSecret, expTok, err = auth.IssueAPIToken(tx, "eve", domain.RoleAdmin, t0, &expires); err != nil {
			return err
		}
		if revSecret, revTok, err = auth.IssueAPIToken(tx, "rex", domain.RoleAdmin, t0, nil); err != nil {
			return err
		}
		if err := tx.RevokeToken(revTok.ID, t0.Add(time.Minute)); err != nil {
			return err
		}
		if wSecret, wTok, err = auth.IssueWorkerToken(tx, "site-a-1", t0); err != nil {
			return err
		}
		if revWSecret, revWTok, err = auth.IssueWorkerToken(tx, "site-b-1", t0); err != nil {
			return err
		}
		return tx.RevokeWorkerTokens("site-b-1", t0.Add(2*time.Minute))
	})

	unknownAPI := "wm_" + strings.Repeat("a", 32)
	tests := []struct {
		name   string
		bearer string
		now    time.Time
		want   domain.Principal
		err    string // whole message before ": not authenticated"
	}{
		{"empty", "", t0, domain.Principal{}, "no token: send Authorization: Bearer <token>"},
		{"no prefix", "hunter2", t0, domain.Principal{}, "unknown token"},
		{"malformed prefix", "wn_" + strings.TrimPrefix(opSecret, "wm_"), t0, domain.Principal{}, "unknown token"},
		{"Bearer left in", "Bearer " + opSecret, t0, domain.Principal{}, "unknown token"},
		{"upper-case prefix", "WM_" + strings.TrimPrefix(opSecret, "wm_"), t0, domain.Principal{}, "unknown token"},
		{"unknown API token", unknownAPI, t0, domain.Principal{}, "unknown token"},
		{"unknown worker token", "wmw_" + strings.Repeat("b", 32), t0, domain.Principal{}, "unknown token"},
		{"prefix only", "wm_", t0, domain.Principal{}, "unknown token"},
		{"secret with a trailing newline", opSecret + "\n", t0, domain.Principal{}, "unknown token"},
		{"secret upper-cased", "wm_" + strings.ToUpper(strings.TrimPrefix(opSecret, "wm_")), t0, domain.Principal{}, "unknown token"},
		{"secret cut short", opSecret[:len(opSecret)-1], t0, domain.Principal{}, "unknown token"},
		{"revoked", revSecret, t0.Add(time.Hour), domain.Principal{}, "token " + revTok.ID + " was revoked at 2026-03-14T09:31:00Z"},
		{"revoked worker", revWSecret, t0.Add(time.Hour), domain.Principal{}, "token " + revWTok.ID + " was revoked at 2026-03-14T09:32:00Z"},
		{"expired at its expiry", expSecret, expires, domain.Principal{}, "token " + expTok.ID + " expired at 2026-03-14T10:30:00Z"},
		{"expired after", expSecret, expires.Add(24 * time.Hour), domain.Principal{}, "token " + expTok.ID + " expired at 2026-03-14T10:30:00Z"},
		{"not yet expired", expSecret, expires.Add(-time.Millisecond), domain.Principal{Kind: domain.PrincipalUser, UserID: expTok.UserID,
			Name: "eve", Role: domain.RoleAdmin, TokenID: expTok.ID, ExpiresAt: &expires}, ""},
		{"operator", opSecret, t0, domain.Principal{Kind: domain.PrincipalUser, UserID: opTok.UserID,
			Name: "olga", Role: domain.RoleOperator, TokenID: opTok.ID}, ""},
		{"viewer", viewerSecret, t0.Add(1000 * time.Hour), domain.Principal{Kind: domain.PrincipalUser, UserID: viewerTok.UserID,
			Name: "vic", Role: domain.RoleViewer, TokenID: viewerTok.ID}, ""},
		{"worker", wSecret, t0, domain.Principal{Kind: domain.PrincipalWorker, UserID: "worker:site-a-1",
			Name: "site-a-1", WorkerID: "site-a-1", TokenID: wTok.ID}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := &auth.Authenticator{Store: s, Now: func() time.Time { return tt.now }}
			got, err := a.Authenticate(context.Background(), tt.bearer)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Authenticate: %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("principal =\n %+v\nwant\n %+v", got, tt.want)
				}
				return
			}
			if !errors.Is(err, domain.ErrUnauthenticated) {
				t.Fatalf("err = %v, want it to wrap ErrUnauthenticated", err)
			}
			if want := tt.err + ": " + domain.ErrUnauthenticated.Error(); err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
			if got != (domain.Principal{}) {
				t.Errorf("refused, yet principal %+v", got)
			}
		})
	}

	// The principals are what Require and RequireWorker expect.
	a := &auth.Authenticator{Store: s, Now: func() time.Time { return t0 }}
	op, err := a.Authenticate(context.Background(), opSecret)
	if err != nil {
		t.Fatal(err)
	}
	if auth.Require(op, domain.RoleOperator) != nil || auth.Require(op, domain.RoleAdmin) == nil || auth.RequireWorker(op, "") == nil {
		t.Errorf("operator principal %+v checks wrongly", op)
	}
	w, err := a.Authenticate(context.Background(), wSecret)
	if err != nil {
		t.Fatal(err)
	}
	if auth.RequireWorker(w, "site-a-1") != nil || auth.RequireWorker(w, "site-b-1") == nil || auth.Require(w, domain.RoleViewer) == nil {
		t.Errorf("worker principal %+v checks wrongly", w)
	}
}

func TestIssueAPIToken(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	tests := []struct {
		name string
		user string
		role domain.Role
		err  string // "" means issued
	}{
		{"viewer", "vic", domain.RoleViewer, ""},
		{"operator", "olga", domain.RoleOperator, ""},
		{"admin", "ada", domain.RoleAdmin, ""},
		{"one letter", "x", domain.RoleViewer, ""},
		{"64 characters", strings.Repeat("n", 64), domain.RoleViewer, ""},
		{"every allowed sign", "Ops-Bot_1.x@home", domain.RoleViewer, ""},
		{"empty role", "bob", "", `role "" is not one of viewer, operator, admin`},
		{"unknown role", "bob", "root", `role "root" is not one of viewer, operator, admin`},
		{"role case", "bob", "Admin", `role "Admin" is not one of viewer, operator, admin`},
		{"empty name", "", domain.RoleViewer, "name must be 1 to 64 characters"},
		{"65 characters", strings.Repeat("n", 65), domain.RoleViewer, "name must be 1 to 64 characters"},
		{"space", "bob smith", domain.RoleViewer, `name "bob smith" may hold only letters, digits and - _ . @`},
		{"slash", "bob/x", domain.RoleViewer, `name "bob/x" may hold only letters, digits and - _ . @`},
		{"non-ASCII letter", "bøb", domain.RoleViewer, `name "bøb" may hold only letters, digits and - _ . @`},
		{"newline", "bob\nadmin", domain.RoleViewer, `name "bob\nadmin" may hold only letters, digits and - _ . @`},
		{"quote", `bob"`, domain.RoleViewer, `name "bob\"" may hold only letters, digits and - _ . @`},
		{"role checked first", "", "root", `role "root" is not one of viewer, operator, admin`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var secret string
			var tk domain.Token
			expires := t0.Add(30 * 24 * time.Hour)
			err := s.Update(context.Background(), func(tx store.Tx) error {
				var err error
				secret, tk, err = auth.IssueAPIToken(tx, tt.user, tt.role, t0, &expires)
				return err
			})
			if tt.err != "" {
				if !errors.Is(err, domain.ErrInvalid) {
					t.Fatalf("err = %v, want it to wrap ErrInvalid", err)
				}
				if want := tt.err + ": " + domain.ErrInvalid.Error(); err.Error() != want {
					t.Errorf("err = %q, want %q", err, want)
				}
				if secret != "" || tk.ID != "" {
					t.Errorf("refused, yet secret %q token %+v", secret, tk)
				}
				return
			}
			if err != nil {
				t.Fatalf("IssueAPIToken: %v", err)
			}
			if !apiSecretRE.MatchString(secret) || !tokenIDRE.MatchString(tk.ID) {
				t.Errorf("secret %q id %q, want wm_ + 32 base32 and tok- + 8 base32", secret, tk.ID)
			}
			h := sha256.Sum256([]byte(secret))
			if string(tk.Hash) != string(h[:]) || string(auth.Hash(secret)) != string(h[:]) {
				t.Errorf("token hash is not the SHA-256 of its secret")
			}
			if tk.Name != tt.user || tk.Kind != domain.TokenAPI || tk.Role != tt.role || tk.UserID == "" || tk.WorkerID != "" ||
				!tk.CreatedAt.Equal(t0) || tk.ExpiresAt == nil || !tk.ExpiresAt.Equal(expires) || tk.RevokedAt != nil {
				t.Errorf("token = %+v", tk)
			}
		})
	}

	t.Run("refusals store nothing", func(t *testing.T) {
		t.Parallel()
		s := openStore(t)
		err := s.Update(context.Background(), func(tx store.Tx) error {
			_, _, err := auth.IssueAPIToken(tx, "bob smith", domain.RoleAdmin, t0, nil)
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
			_, _, err = auth.IssueAPIToken(tx, "bob", "root", t0, nil)
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := tokens(t, s); len(got) != 0 {
			t.Errorf("refused issues stored %+v", got)
		}
	})
}

func TestIssueAPITokenOneNameOneUser(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	var s1, s2, s3 string
	var t1, t2, t3 domain.Token
	var u1 domain.User
	update(t, s, func(tx store.Tx) error {
		var err error
		if s1, t1, err = auth.IssueAPIToken(tx, "ada", domain.RoleOperator, t0, nil); err != nil {
			return err
		}
		if s2, t2, err = auth.IssueAPIToken(tx, "ada", domain.RoleAdmin, t0.Add(time.Minute), nil); err != nil {
			return err
		}
		if s3, t3, err = auth.IssueAPIToken(tx, "bob", domain.RoleOperator, t0, nil); err != nil {
			return err
		}
		u1, err = tx.GetUser(t1.UserID)
		return err
	})
	if t1.UserID != t2.UserID {
		t.Errorf("two tokens named ada are users %s and %s, want one", t1.UserID, t2.UserID)
	}
	if t3.UserID == t1.UserID {
		t.Errorf("bob and ada share user %s", t1.UserID)
	}
	if t1.ID == t2.ID || s1 == s2 || string(t1.Hash) == string(t2.Hash) {
		t.Errorf("ada's two tokens share an id, secret or hash")
	}
	if u1.Name != "ada" || u1.Issuer != domain.LocalIssuer || u1.Subject != "ada" || u1.Role != domain.RoleOperator || !u1.CreatedAt.Equal(t0) {
		t.Errorf("user = %+v, want the local user ada as first created", u1)
	}
	if n := len(tokens(t, s)); n != 3 {
		t.Errorf("%d tokens, want 3", n)
	}

	// Each token acts with its own role, as the same person.
	a := &auth.Authenticator{Store: s, Now: func() time.Time { return t0.Add(time.Hour) }}
	for _, c := range []struct {
		secret string
		tk     domain.Token
		role   domain.Role
	}{{s1, t1, domain.RoleOperator}, {s2, t2, domain.RoleAdmin}, {s3, t3, domain.RoleOperator}} {
		p, err := a.Authenticate(context.Background(), c.secret)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != c.tk.UserID || p.Role != c.role || p.TokenID != c.tk.ID {
			t.Errorf("token %s authenticates as %+v, want user %s role %s", c.tk.ID, p, c.tk.UserID, c.role)
		}
	}
}

func TestIssueWorkerToken(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	var secret string
	var tk domain.Token
	update(t, s, func(tx store.Tx) error {
		var err error
		secret, tk, err = auth.IssueWorkerToken(tx, "site-a-1", t0)
		return err
	})
	if !workerSecretRE.MatchString(secret) || !tokenIDRE.MatchString(tk.ID) {
		t.Errorf("secret %q id %q, want wmw_ + 32 base32 and tok- + 8 base32", secret, tk.ID)
	}
	if tk.Kind != domain.TokenWorker || tk.WorkerID != "site-a-1" || tk.Name != "site-a-1" || tk.Role != "" || tk.UserID != "" ||
		string(tk.Hash) != string(auth.Hash(secret)) || !tk.CreatedAt.Equal(t0) || tk.ExpiresAt != nil {
		t.Errorf("worker token = %+v", tk)
	}
}

func TestValidID(t *testing.T) {
	t.Parallel()
	for id, ok := range map[string]bool{
		"site-a-1": true, "w1": true, "host.lan": true, "a_b@c": true, strings.Repeat("w", 64): true,
		"": false, strings.Repeat("w", 65): false, "site a": false, "../etc": false, "w1;rm": false, "wörker": false,
	} {
		err := auth.ValidID(id)
		if ok != (err == nil) {
			t.Errorf("ValidID(%q) = %v, want ok %v", id, err, ok)
		}
		if err != nil && !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ValidID(%q) = %v, want ErrInvalid", id, err)
		}
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("creates the admin token once", func(t *testing.T) {
		t.Parallel()
		s := openStore(t)
		dir := filepath.Join(t.TempDir(), "data", "wingman")
		path := filepath.Join(dir, "admin.token")
		created, err := auth.Bootstrap(ctx, s, path, t0)
		if err != nil || !created {
			t.Fatalf("Bootstrap = %v, %v; want true, nil", created, err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 || !st.Mode().IsRegular() {
			t.Errorf("admin.token mode %v, want a 0600 file", st.Mode())
		}
		if dst, err := os.Stat(dir); err != nil || dst.Mode().Perm() != 0o700 {
			t.Errorf("data dir created with %v (%v), want 0700", dst.Mode(), err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(raw), "\n") || strings.Count(string(raw), "\n") != 1 {
			t.Errorf("admin.token = %q, want the secret and one newline", raw)
		}
		secret := strings.TrimSuffix(string(raw), "\n")
		if !apiSecretRE.MatchString(secret) {
			t.Errorf("admin.token holds %q, want an API token", secret)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".admin.token-*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}

		a := &auth.Authenticator{Store: s, Now: func() time.Time { return t0 }}
		p, err := a.Authenticate(ctx, secret)
		if err != nil {
			t.Fatalf("the bootstrap token does not authenticate: %v", err)
		}
		if p.Kind != domain.PrincipalUser || p.Name != "admin" || p.Role != domain.RoleAdmin {
			t.Errorf("bootstrap principal = %+v, want the admin user", p)
		}
		tks := tokens(t, s)
		if len(tks) != 1 || tks[0].ID != p.TokenID || tks[0].ExpiresAt != nil || !tks[0].CreatedAt.Equal(t0) {
			t.Fatalf("tokens = %+v, want the one admin token, without expiry", tks)
		}
		var evs []domain.AuditEvent
		if err := s.View(ctx, func(tx store.Tx) error {
			var err error
			evs, err = tx.ListAudit(0, 100)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Action != "token.bootstrap" || evs[0].Subject != tks[0].ID ||
			evs[0].ActorKind != domain.PrincipalSystem || evs[0].Detail["file"] != path || !evs[0].At.Equal(t0) {
			t.Errorf("audit = %+v, want one token.bootstrap naming the token and the file", evs)
		}
		for _, ev := range evs {
			if strings.Contains(ev.Reason, secret) || strings.Contains(ev.Hash, secret) {
				t.Errorf("the secret reached the audit log: %+v", ev)
			}
		}

		// Never twice: the file stays as it was, and so does the store.
		for i := range 2 {
			created, err = auth.Bootstrap(ctx, s, path, t0.Add(time.Hour))
			if err != nil || created {
				t.Fatalf("Bootstrap #%d again = %v, %v; want false, nil", i+2, created, err)
			}
		}
		again, err := os.ReadFile(path)
		if err != nil || string(again) != string(raw) {
			t.Errorf("admin.token changed to %q (%v)", again, err)
		}
		if n := len(tokens(t, s)); n != 1 {
			t.Errorf("%d tokens after bootstrapping again, want 1", n)
		}

		// Nor after the file is gone: the store has its token.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if created, err := auth.Bootstrap(ctx, s, path, t0); err != nil || created {
			t.Errorf("Bootstrap without the file = %v, %v; want false, nil", created, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Bootstrap wrote admin.token again: %v", err)
		}
	})

	t.Run("any API token means not fresh", func(t *testing.T) {
		t.Parallel()
		s := openStore(t)
		update(t, s, func(tx store.Tx) error {
			_, _, err := auth.IssueAPIToken(tx, "vera", domain.RoleViewer, t0, nil)
			return err
		})
		path := filepath.Join(t.TempDir(), "admin.token")
		if created, err := auth.Bootstrap(ctx, s, path, t0); err != nil || created {
			t.Errorf("Bootstrap = %v, %v; want false, nil", created, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Bootstrap wrote %s: %v", path, err)
		}
	})

	// The local worker of `wingmand --local-worker` may be registered
	// before the first bootstrap: a worker token administers nothing.
	t.Run("worker tokens do not count", func(t *testing.T) {
		t.Parallel()
		s := openStore(t)
		update(t, s, func(tx store.Tx) error {
			_, _, err := auth.IssueWorkerToken(tx, "w1", t0)
			return err
		})
		path := filepath.Join(t.TempDir(), "admin.token")
		if created, err := auth.Bootstrap(ctx, s, path, t0); err != nil || !created {
			t.Errorf("Bootstrap = %v, %v; want true, nil", created, err)
		}
	})

	t.Run("refuses a stale file", func(t *testing.T) {
		t.Parallel()
		s := openStore(t)
		dir := t.TempDir()
		path := filepath.Join(dir, "admin.token")
		stale := "wm_" + strings.Repeat("z", 32) + "\n"
		if err := os.WriteFile(path, []byte(stale), 0o600); err != nil {
			t.Fatal(err)
		}
		created, err := auth.Bootstrap(ctx, s, path, t0)
		if created || err == nil {
			t.Fatalf("Bootstrap = %v, %v; want false and an error", created, err)
		}
		if !errors.Is(err, fs.ErrExist) {
			t.Errorf("err = %v, want it to wrap fs.ErrExist", err)
		}
		want := "bootstrap admin token: " + path + " exists but the store has no token; remove the stale file"
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("err = %q, want it to start %q", err, want)
		}
		if got, _ := os.ReadFile(path); string(got) != stale {
			t.Errorf("stale file rewritten to %q", got)
		}
		if tks := tokens(t, s); len(tks) != 0 {
			t.Errorf("a refused bootstrap stored %+v", tks)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".admin.token-*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}

		// Once the stale file is removed, bootstrap works.
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if created, err := auth.Bootstrap(ctx, s, path, t0); err != nil || !created {
			t.Errorf("Bootstrap after removing the stale file = %v, %v; want true, nil", created, err)
		}
	})
}

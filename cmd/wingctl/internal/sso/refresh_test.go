package sso

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// deviceLogin logs bob in with the device flow.
func deviceLogin(t *testing.T) (Login, Credentials) {
	t.Helper()
	p, conf, ctx := provider(t)
	var out lockedBuffer
	done := make(chan error, 1)
	var l Login
	go func() {
		tok, err := Device(ctx, conf, &out)
		if err == nil {
			l, err = NewLogin(p.Issuer, conf, tok)
		}
		done <- err
	}()
	if err := p.ApproveDevice(waitFor(t, &out, codeRE), "bob"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	creds := Credentials{Path: filepath.Join(t.TempDir(), CredentialsFile)}
	if err := creds.Put(server, l); err != nil {
		t.Fatal(err)
	}
	return l, creds
}

const server = "http://127.0.0.1:8470"

func source(creds Credentials, l Login, now time.Time) *Source {
	s := NewSource(creds, server, l, HTTPClient())
	s.Now = func() time.Time { return now }
	return s
}

func TestSourceRenews(t *testing.T) {
	l, creds := deviceLogin(t)
	if tok, err := source(creds, l, time.Now()).Token(t.Context()); err != nil || tok != l.IDToken {
		t.Fatalf("a fresh login: %v, want its ID token as it is", err)
	}

	// The clock stays real, for the provider's sake; the login is told
	// its token expires soon.
	old := l
	old.Expiry = time.Now().Add(RenewBefore - time.Second)
	if err := creds.Put(server, old); err != nil {
		t.Fatal(err)
	}
	s := NewSource(creds, server, old, HTTPClient())
	tok, err := s.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	saved, _, _ := creds.Get(server)
	if tok == l.IDToken || saved.IDToken != tok || saved.RefreshToken == "" || saved.RefreshToken == l.RefreshToken ||
		time.Until(saved.Expiry) < 4*time.Minute {
		t.Fatalf("near its expiry: token renewed %v, saved %+v", tok != l.IDToken, saved)
	}
	if again, err := s.Token(t.Context()); err != nil || again != tok {
		t.Errorf("the renewed token was renewed again: %v", err)
	}

	// A second wingctl still holding the old login: its refresh token was
	// spent by the first, whose renewed login it takes from the file.
	other := NewSource(creds, server, old, HTTPClient())
	if got, err := other.Token(t.Context()); err != nil || got != tok {
		t.Errorf("the second wingctl: %v, want the first one's renewed token", err)
	}
}

func TestSourceCannotRenew(t *testing.T) {
	l, creds := deviceLogin(t)
	l.RefreshToken = "revoked-at-the-provider"
	if err := creds.Put(server, l); err != nil {
		t.Fatal(err)
	}
	// Still good for a while: the token is sent, and renewal tried again later.
	if tok, err := source(creds, l, l.Expiry.Add(-time.Second)).Token(t.Context()); err != nil || tok != l.IDToken {
		t.Errorf("renewal failed before the expiry: %v, want the token still", err)
	}
	_, err := source(creds, l, l.Expiry.Add(time.Second)).Token(t.Context())
	if !errors.Is(err, domain.ErrUnauthenticated) || !strings.Contains(err.Error(), "run wingctl login") {
		t.Errorf("err = %v, want ErrUnauthenticated telling to log in", err)
	}
}

// TestConcurrentRenewals: several wingctl at once with one login about to
// expire (cron, a script, the console) spend one refresh token between
// them and all go on with the same renewed login.
func TestConcurrentRenewals(t *testing.T) {
	l, creds := deviceLogin(t)
	old := l
	old.Expiry = time.Now().Add(RenewBefore - time.Second)
	if err := creds.Put(server, old); err != nil {
		t.Fatal(err)
	}
	const n = 6
	toks := make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			tok, err := NewSource(creds, server, old, HTTPClient()).Token(t.Context())
			toks <- tok
			errs <- err
		}()
	}
	seen := map[string]bool{}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
		seen[<-toks] = true
	}
	saved, _, _ := creds.Get(server)
	if len(seen) != 1 || !seen[saved.IDToken] || saved.IDToken == l.IDToken {
		t.Fatalf("%d wingctl ended with %d different tokens; want all on the one renewed and saved", n, len(seen))
	}
}

// TestConcurrentLogins: logins to different servers saved at the same
// moment are all kept.
func TestConcurrentLogins(t *testing.T) {
	creds := Credentials{Path: filepath.Join(t.TempDir(), CredentialsFile)}
	const n = 20
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- creds.Put(fmt.Sprintf("https://wingman-%d.lan", i), Login{IDToken: fmt.Sprint(i)})
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		if l, ok, err := creds.Get(fmt.Sprintf("https://wingman-%d.lan", i)); err != nil || !ok || l.IDToken != fmt.Sprint(i) {
			t.Errorf("login %d lost: %+v %v %v", i, l, ok, err)
		}
	}
}

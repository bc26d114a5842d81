// Sessions end at their lifetime and when signed out, renew their ID token
// with the refresh token before it expires, and end when the provider
// will not renew it.

package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/web"
)

// session returns the browser's session as the store keeps it, and
// whether there is one.
func (b *browser) session() (domain.WebSession, bool) {
	b.w.t.Helper()
	var s domain.WebSession
	err := b.w.st.View(context.Background(), func(tx store.Tx) (err error) {
		s, err = tx.WebSession(web.SessionKey(b.lastSecret))
		return err
	})
	if errors.Is(err, domain.ErrNotFound) {
		return s, false
	}
	if err != nil {
		b.w.t.Fatal(err)
	}
	return s, true
}

func TestSessionExpires(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	b.mustSignIn("bob", "/web/")
	w.clock.advance(sessionTTL - time.Minute)
	// Its ID token expired meanwhile and is renewed: still signed in.
	wantIn(t, "before the end", b.get("/web/workers"), http.StatusOK, "Bob Ops")
	w.clock.advance(2 * time.Minute)
	b.leave("/web/workers")
	if _, ok := b.session(); ok {
		t.Error("the session is kept after its end")
	}
	// A form posted after the end does nothing and says so.
	wantIn(t, "form after the end", b.post("/web/plans/pl-1/approve", url.Values{"csrf": {"x"}}),
		http.StatusUnauthorized, "Your session ended", "/web/login?next=%2Fweb%2Fplans%2Fpl-1")
}

func TestSessionRenews(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	b.mustSignIn("bob", "/web/")
	first, _ := b.session()
	if first.RefreshToken == "" {
		t.Fatal("no refresh token was kept")
	}
	// Five minutes on, the ID token has expired.
	w.clock.advance(5 * time.Minute)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if pg := b.get("/web/audit"); pg.status != http.StatusOK {
				t.Errorf("GET while renewing = %d\n%s", pg.status, pg.body)
			}
		})
	}
	wg.Wait()
	renewed, _ := b.session()
	if renewed.IDToken == first.IDToken || renewed.RefreshToken == first.RefreshToken {
		t.Fatalf("the session was not renewed: %+v", renewed)
	}

	// The provider no longer honours the refresh token: the session ends.
	err := w.st.Update(context.Background(), func(tx store.Tx) error {
		return tx.RenewWebSession(renewed.IDHash, renewed.IDToken, first.TokenExpiry, first.RefreshToken)
	})
	if err != nil {
		t.Fatal(err)
	}
	b.leave("/web/audit")
	if _, ok := b.session(); ok {
		t.Error("the session is kept after a refused renewal")
	}
}

func TestSignOut(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	b.mustSignIn("bob", "/web/")
	wantIn(t, "sign out", b.post("/web/logout", url.Values{"csrf": {b.csrf("/web/workers")}}), http.StatusOK, "You are signed out")
	if _, ok := b.session(); ok {
		t.Error("the session is kept after signing out")
	}
	if b.cookie("wingman_session") != "" {
		t.Error("the session cookie was kept")
	}
	b.leave("/web/")
}

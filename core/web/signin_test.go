// Signing in through the provider, and the callbacks that are refused.

package web_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/web"
)

// TestSignIn signs in from a deep link with PKCE, state and nonce, comes
// back to it, provisions the user with the role their groups give, and
// audits the sign-in.
func TestSignIn(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	to := b.leave("/web/plans?status=pending")
	for _, want := range []string{"code_challenge_method=S256", "code_challenge=", "state=", "nonce=",
		"client_id=wingman", "redirect_uri=" + url.QueryEscape(w.url+"/web/callback"), "offline_access"} {
		if !strings.Contains(to, want) {
			t.Errorf("authorization URL %s has no %s", to, want)
		}
	}
	b.mustSignIn("bob", "/web/plans?status=pending")
	wantIn(t, "plans", b.get("/web/plans?status=pending"), http.StatusOK, "Bob Ops (operator)", `action="/web/logout"`)

	var users []domain.User
	var signins int
	err := w.st.View(context.Background(), func(tx store.Tx) (err error) {
		users, err = tx.ListUsers()
		evs, _ := tx.ListAudit(0, 100)
		for _, ev := range evs {
			if ev.Action == "web.signin" && ev.ActorName == "Bob Ops" && ev.ActorRole == domain.RoleOperator {
				signins++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Name != "Bob Ops" || users[0].Role != domain.RoleOperator || signins != 1 {
		t.Errorf("users %+v, %d audited sign-ins; want bob provisioned as operator and one sign-in", users, signins)
	}
}

// TestCallbackRefused: an answer whose state is not the browser's, one to
// a browser that started no sign-in, one whose ID token carries another
// nonce, and one for a user without a role start no session.
func TestCallbackRefused(t *testing.T) {
	w := newWorld(t)

	t.Run("state mismatch", func(t *testing.T) {
		b := w.browser()
		back, err := w.p.Login(t.Context(), b.leave("/web/"), "bob")
		if err != nil {
			t.Fatal(err)
		}
		q := back.Query()
		q.Set("state", "forged")
		back.RawQuery = q.Encode()
		wantIn(t, "callback", b.get(back.String()), http.StatusBadRequest, "state mismatch")
		if b.cookie("wingman_session") != "" {
			t.Error("a session cookie was set")
		}
		b.leave("/web/")
	})

	t.Run("no sign-in under way", func(t *testing.T) {
		back, err := w.p.Login(t.Context(), w.browser().leave("/web/"), "bob")
		if err != nil {
			t.Fatal(err)
		}
		other := w.browser()
		wantIn(t, "callback in another browser", other.get(back.String()), http.StatusBadRequest, "no sign-in under way")
		other.leave("/web/")
	})

	t.Run("nonce mismatch", func(t *testing.T) {
		b := w.browser()
		to := b.leave("/web/")
		// The browser's own cookie claims another nonce than the one the
		// provider put in the ID token.
		parts := strings.Split(b.cookie("wingman_login"), ".")
		parts[1] = "OTHERNONCE"
		setCookie(b, "wingman_login", strings.Join(parts, "."))
		back, err := w.p.Login(t.Context(), to, "bob")
		if err != nil {
			t.Fatal(err)
		}
		wantIn(t, "callback", b.get(back.String()), http.StatusBadRequest, "nonce mismatch")
		b.leave("/web/")
	})

	t.Run("provider error", func(t *testing.T) {
		b := w.browser()
		b.leave("/web/")
		wantIn(t, "callback", b.get("/web/callback?error=access_denied&error_description=no+thanks"),
			http.StatusUnauthorized, "access_denied no thanks")
	})

	t.Run("no role", func(t *testing.T) {
		b := w.browser()
		wantIn(t, "callback", b.signIn("nina", "/web/"), http.StatusForbidden,
			"Nina Nobody signed in but has no Wingman role")
		b.leave("/web/")
	})
}

func TestRootSendsBrowsersToTheConsole(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	if pg := b.get("/"); pg.status != http.StatusFound || pg.location != "/web/" {
		t.Errorf("GET / from a browser = %d to %q, want /web/", pg.status, pg.location)
	}
	resp, err := http.Get(w.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("GET / from a script = %d, want the API's answer", resp.StatusCode)
	}
	if pg := b.get("/api/v1/status"); pg.status != http.StatusTeapot {
		t.Errorf("GET /api/v1/status = %d, want the API's answer", pg.status)
	}
}

// TestSecureCookies: behind a trusted proxy that ended TLS the cookies are
// Secure and __Host- prefixed and the callback is https; the same header
// from anyone else changes nothing.
func TestSecureCookies(t *testing.T) {
	w := newWorld(t, func(c *web.Config) { c.Web.TrustedProxies = mustProxies(t, "127.0.0.1") })
	req, _ := http.NewRequest(http.MethodGet, w.url+"/web/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := resp.Cookies()
	if len(c) != 1 || c[0].Name != "__Host-wingman_login" || !c[0].Secure || !c[0].HttpOnly ||
		c[0].SameSite != http.SameSiteLaxMode || c[0].Path != "/" {
		t.Errorf("cookies behind the proxy = %+v", c)
	}
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "redirect_uri=https%3A%2F%2F") {
		t.Errorf("redirect URI behind the proxy is not https: %s", loc)
	}

	w = newWorld(t, func(c *web.Config) { c.Web.TrustedProxies = mustProxies(t, "10.0.0.1") })
	req, _ = http.NewRequest(http.MethodGet, w.url+"/web/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := resp.Cookies(); len(c) != 1 || c[0].Name != "wingman_login" || c[0].Secure || !c[0].HttpOnly {
		t.Errorf("cookies from an untrusted proxy = %+v", c)
	}
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func mustProxies(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	w, err := config.LoadWeb(func(k string) string {
		if k == "WINGMAN_TRUSTED_PROXIES" {
			return s
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return w.TrustedProxies
}

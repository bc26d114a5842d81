// The console's cookies, and whether a request came over TLS.

package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// The cookies' names without their prefix.
const (
	sessionCookie = "wingman_session"
	loginCookie   = "wingman_login"
)

// secure reports whether the browser reached wingmand over TLS: directly,
// or through a trusted proxy that says so.
func (h *Handler) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if r.Header.Get("X-Forwarded-Proto") != "https" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range h.cfg.Web.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// cookieName prefixes a Secure cookie with __Host-, which a browser keeps
// only when it is Secure, for the whole host and set by it: a neighbour
// on another subdomain cannot plant or shadow it.
func cookieName(base string, secure bool) string {
	if secure {
		return "__Host-" + base
	}
	return base
}

// setCookie sets (or, with a zero expiry, removes) one of the console's
// cookies.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, base, value string, expires time.Time) {
	secure := h.secure(r)
	c := &http.Cookie{Name: cookieName(base, secure), Value: value, Path: "/", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode}
	if expires.IsZero() {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	http.SetCookie(w, c)
}

// cookie returns the value of one of the console's cookies, "" when the
// request has none.
func (h *Handler) cookie(r *http.Request, base string) string {
	c, err := r.Cookie(cookieName(base, h.secure(r)))
	if err != nil {
		return ""
	}
	return c.Value
}

// newSecret makes a session's secret: 256 random bits.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionKey is how the store finds a session: a hash, so that reading
// the database signs no one in.
func sessionKey(secret string) []byte {
	sum := sha256.Sum256([]byte("wingman web session\x00" + secret))
	return sum[:]
}

// csrfToken is the session's token for its forms. It is derived from the
// secret, so it needs no storage, and it differs from the session key, so
// the database does not give it away either.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("wingman web csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

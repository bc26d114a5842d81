// The web console's settings, from the environment.

package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Web is the web console's configuration. The console signs people in
// through the single sign-on provider, so it is served when OIDC is
// enabled.
type Web struct {
	// PublicURL is where browsers reach wingmand, such as
	// https://wingman.lan; PublicURL/web/callback is the redirect URI to
	// register at the provider. Empty takes the scheme and host of each
	// request.
	PublicURL string
	// TrustedProxies are the addresses of the reverse proxies whose
	// X-Forwarded-Proto is believed: a proxy that ends TLS in front of
	// wingmand says so with it, and the session cookie is then Secure.
	TrustedProxies []netip.Prefix
	// SessionTTL ends a web session however often its tokens were renewed.
	SessionTTL time.Duration
}

// DefaultWeb returns the defaults: the URL of each request, no trusted
// proxy, sessions of a working day.
func DefaultWeb() Web { return Web{SessionTTL: 12 * time.Hour} }

// LoadWeb reads WINGMAN_PUBLIC_URL, WINGMAN_TRUSTED_PROXIES (addresses or
// networks, comma-separated) and WINGMAN_WEB_SESSION_TTL over the
// defaults.
func LoadWeb(getenv func(string) string) (Web, error) {
	w := DefaultWeb()
	var errs []error
	if v := getenv("WINGMAN_PUBLIC_URL"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("WINGMAN_PUBLIC_URL=%q: give the URL browsers reach wingmand at, such as https://wingman.lan", v))
		}
		w.PublicURL = strings.TrimSuffix(v, "/")
	}
	for s := range strings.SplitSeq(getenv("WINGMAN_TRUSTED_PROXIES"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("WINGMAN_TRUSTED_PROXIES: %q is neither an address nor a network such as 10.0.0.0/24", s))
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		w.TrustedProxies = append(w.TrustedProxies, p.Masked())
	}
	if v := getenv("WINGMAN_WEB_SESSION_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("WINGMAN_WEB_SESSION_TTL=%q: give a positive duration such as 12h", v))
		}
		w.SessionTTL = d
	}
	return w, errors.Join(errs...)
}

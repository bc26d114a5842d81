package httpcall

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// hostRule is one allowlist entry.
type hostRule struct {
	host     string // lower case, no trailing dot; for a wildcard, the suffix after "*."
	wildcard bool   // "*.example.com": any subdomain, not example.com itself
	port     string // "" allows any port
}

// parseRule reads an allowlist entry: "example.com", "*.example.com",
// either with ":port", an IP address, or "[::1]:8080".
func parseRule(entry string) (hostRule, error) {
	s := strings.TrimSpace(entry)
	if s == "" {
		return hostRule{}, errors.New("empty allowlist entry")
	}
	if strings.Contains(s, "/") {
		return hostRule{}, fmt.Errorf("allowlist entry %q: want a host, optionally with :port, not a URL", entry)
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return hostRule{}, fmt.Errorf("allowlist entry %q: bad port %q", entry, p)
		}
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		host = s[1 : len(s)-1]
	} else if strings.Count(s, ":") == 1 {
		return hostRule{}, fmt.Errorf("allowlist entry %q: %w", entry, err)
	}
	r := hostRule{host: normalHost(host), port: port}
	if rest, ok := strings.CutPrefix(r.host, "*."); ok {
		r.host, r.wildcard = rest, true
	}
	if r.host == "" || strings.Contains(r.host, "*") {
		return hostRule{}, fmt.Errorf("allowlist entry %q: want a host name, an IP address or *.domain", entry)
	}
	return r, nil
}

func (r hostRule) allows(host, port string) bool {
	if r.port != "" && r.port != port {
		return false
	}
	if r.wildcard {
		return strings.HasSuffix(host, "."+r.host)
	}
	return host == r.host
}

func normalHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// check refuses a URL the plugin may not call: a scheme other than http and
// https, userinfo (credentials belong in headers, where they are not
// logged with the URL), or a host the allowlist does not name.
func (p *Plugin) check(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q refused: want http or https", u.Scheme)
	}
	if u.User != nil {
		return errors.New("userinfo in the URL refused: send credentials in a header")
	}
	host := normalHost(u.Hostname())
	if host == "" {
		return errors.New("URL has no host")
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, r := range p.allow {
		if r.allows(host, port) {
			return nil
		}
	}
	return fmt.Errorf("host %q (port %s) is not in the allowlist", host, port)
}

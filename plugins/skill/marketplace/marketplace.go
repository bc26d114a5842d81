// Package marketplace reads the plugin registry: a GitHub repository
// (MARKETPLACE_REPO, github.com/wingman-plugins/registry by default) laid
// out as
//
//	plugins.json                  the index: one entry per plugin
//	plugins/<id>/manifest.yaml    and the plugin's other files, named in
//	plugins/<id>/skill.py         its index entry (signature.sig among
//	plugins/<id>/README.md        them when a maintainer signed it)
//	plugins/<id>/signature.sig
//
// fetched over HTTP(S) from raw file URLs. Nothing read here is trusted:
// names are checked before they become URLs or paths, every download is
// size-capped, and the signature and manifest are checked by the caller
// (plugins/skill/store) before anything is installed.
package marketplace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultRepo is the registry used unless MARKETPLACE_REPO says otherwise.
const DefaultRepo = "github.com/wingman-plugins/registry"

// MaxIndexSize caps plugins.json.
const MaxIndexSize = 4 << 20

// Errors a caller tests with errors.Is.
var (
	// ErrNotFound is wrapped when the registry has no such plugin or file.
	ErrNotFound = errors.New("marketplace: not in the registry")
	// ErrBadEntry is wrapped when the index's entry for a plugin is
	// refused (a bad id or file name).
	ErrBadEntry = errors.New("marketplace: refused index entry")
)

// Client reads one registry. It is safe for concurrent use.
type Client struct {
	base *url.URL // ends in "/"
	http *http.Client
}

// New returns a client of repo, which is either "github.com/OWNER/NAME"
// with an optional "@BRANCH" (default main), read through
// raw.githubusercontent.com, or an http(s) URL of a folder laid out as
// the registry (a mirror, or a test server).
func New(repo string, hc *http.Client) (*Client, error) {
	base, err := BaseURL(repo)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{base: base, http: hc}, nil
}

// BaseURL maps a MARKETPLACE_REPO value to the URL its files are read
// from.
func BaseURL(repo string) (*url.URL, error) {
	if strings.HasPrefix(repo, "http://") || strings.HasPrefix(repo, "https://") {
		u, err := url.Parse(repo)
		if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("MARKETPLACE_REPO=%q: not a plain http(s) URL of the registry's folder", repo)
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		return u, nil
	}
	rest, ok := strings.CutPrefix(repo, "github.com/")
	rest, branch, _ := strings.Cut(rest, "@")
	if branch == "" {
		branch = "main"
	}
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 2 || !ghName(parts[0]) || !ghName(parts[1]) || !ghName(branch) {
		return nil, fmt.Errorf("MARKETPLACE_REPO=%q: give github.com/OWNER/NAME[@BRANCH] or an http(s) URL", repo)
	}
	return url.Parse("https://raw.githubusercontent.com/" + parts[0] + "/" + parts[1] + "/" + branch + "/")
}

// ghName reports whether s is a plain GitHub owner, repository or branch
// name, safe to put in a URL path as it is.
func ghName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Base is the URL the registry's files are read from.
func (c *Client) Base() string { return c.base.String() }

// get reads the file at rel (checked by the caller) below the base, at
// most max bytes.
func (c *Client) get(ctx context.Context, rel string, max int64) ([]byte, error) {
	u := c.base.JoinPath(rel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("marketplace: %w", err)
	}
	req.Header.Set("User-Agent", "wingman-marketplace")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("marketplace: GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("%w: GET %s: 404", ErrNotFound, u)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("marketplace: GET %s: %s", u, resp.Status)
	case resp.ContentLength > max:
		return nil, fmt.Errorf("marketplace: GET %s: %d bytes, more than the %d allowed", u, resp.ContentLength, max)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("marketplace: GET %s: %w", u, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("marketplace: GET %s: more than the %d bytes allowed", u, max)
	}
	return data, nil
}

// Package httpcall is the execution plugin "http": it calls webhooks and
// HTTP APIs, only on hosts an allowlist names.
package httpcall

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/plugins"
)

// ID is the plugin's ID.
const ID = "http"

// The plugin's actions.
const (
	ActionWebhook = "webhook"
	ActionAPICall = "api_call"
)

// Defaults of the options.
const (
	DefaultTimeout = 30 * time.Second
	DefaultMaxBody = plugins.DefaultMaxOutput
)

// maxRedirects is how many redirects a call follows, as net/http does by
// default.
const maxRedirects = 10

// Plugin makes one HTTP request per action. Params:
//
//   - url (string, required): http or https, on an allowed host, without
//     userinfo.
//   - method (string): POST for webhook, GET for api_call by default.
//   - headers (map of string to string).
//   - body (string, or a JSON object or array, sent as JSON with
//     Content-Type application/json unless headers set one).
//   - expect_status (an int or a list of ints): the statuses that mean
//     success; any 2xx by default.
//
// Redirects are followed only to allowed hosts. The output is the status
// line and the response body, capped. Calls cannot be rolled back.
type Plugin struct {
	allow   []hostRule
	client  *http.Client
	maxBody int
}

// An Option configures a Plugin.
type Option func(*Plugin)

// WithTimeout bounds each call, response body included (default
// DefaultTimeout; zero leaves only the action's ctx to bound it).
func WithTimeout(d time.Duration) Option {
	return func(p *Plugin) { p.client.Timeout = d }
}

// WithMaxBody caps the response body kept in the output (default
// DefaultMaxBody); the rest is counted in a truncation marker.
func WithMaxBody(n int) Option {
	return func(p *Plugin) { p.maxBody = n }
}

// New returns the plugin allowed to call the hosts in allowlist. An entry
// is a host name ("hooks.example.com"), a suffix pattern ("*.example.com",
// any subdomain but not example.com itself) or an IP address, optionally
// with a port ("example.com:8443", "[::1]:8080"); without one any port is
// allowed. An empty allowlist allows nothing.
func New(allowlist []string, opts ...Option) (*Plugin, error) {
	p := &Plugin{maxBody: DefaultMaxBody}
	for _, e := range allowlist {
		r, err := parseRule(e)
		if err != nil {
			return nil, fmt.Errorf("httpcall: %w", err)
		}
		p.allow = append(p.allow, r)
	}
	p.client = &http.Client{
		Transport:     http.DefaultTransport.(*http.Transport).Clone(),
		Timeout:       DefaultTimeout,
		CheckRedirect: p.checkRedirect,
	}
	for _, o := range opts {
		o(p)
	}
	if p.maxBody <= 0 {
		p.maxBody = DefaultMaxBody
	}
	return p, nil
}

func (p *Plugin) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if err := p.check(req.URL); err != nil {
		return fmt.Errorf("redirect refused: %w", err)
	}
	return nil
}

// ID returns "http".
func (p *Plugin) ID() string { return ID }

// Actions returns webhook and api_call.
func (p *Plugin) Actions() []string { return []string{ActionAPICall, ActionWebhook} }

// ValidatePre checks the params and that the URL is allowed.
func (p *Plugin) ValidatePre(ctx context.Context, a plugins.Action) error {
	if _, err := p.prepare(a); err != nil {
		return fmt.Errorf("%s: %w", a.Name, err)
	}
	return nil
}

// Execute makes the request. It fails when no response arrives (refused
// redirects and timeouts included) or its body cannot be read; any status
// is a response, judged by ValidatePost. Data["status"] holds the status
// code.
func (p *Plugin) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	c, err := p.prepare(a)
	if err != nil {
		return plugins.Result{}, fmt.Errorf("%s: %w", a.Name, err)
	}
	var payload io.Reader // nil, not empty, when there is no body
	if c.body != nil {
		payload = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url.String(), payload)
	if err != nil {
		return plugins.Result{}, fmt.Errorf("%s: %w", a.Name, err)
	}
	req.Header = c.headers
	if c.contentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "wingman-http-plugin")
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return plugins.Result{}, fmt.Errorf("%s: %w", a.Name, err)
	}
	defer resp.Body.Close()
	text, err := p.readBody(resp.Body)
	r := plugins.Result{
		Output: resp.Status + "\n" + text,
		Data:   map[string]any{"status": resp.StatusCode},
	}
	if err != nil {
		return r, fmt.Errorf("%s: reading the response: %w", a.Name, err)
	}
	return r, nil
}

// drainLimit is how much of a body beyond the cap is read to count it;
// past that the marker only says "more than".
const drainLimit = 1 << 20

// readBody reads the body, keeping maxBody bytes.
func (p *Plugin) readBody(body io.Reader) (string, error) {
	buf := plugins.NewCappedBuffer(p.maxBody)
	_, err := io.Copy(buf, io.LimitReader(body, int64(p.maxBody)+drainLimit))
	if err != nil {
		return buf.String(), err
	}
	if n, _ := body.Read(make([]byte, 1)); n > 0 {
		return buf.Kept() + fmt.Sprintf("…[truncated more than %d bytes]", buf.Dropped()), nil
	}
	return buf.String(), nil
}

// ValidatePost checks the status against expect_status.
func (p *Plugin) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	c, err := p.prepare(a)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Name, err)
	}
	status, ok := r.Data["status"].(int)
	if !ok {
		return fmt.Errorf("%s: no status recorded", a.Name)
	}
	if c.expect == nil {
		if status < 200 || status > 299 {
			return fmt.Errorf("%s: status %d, want 2xx", a.Name, status)
		}
		return nil
	}
	if !slices.Contains(c.expect, status) {
		want := make([]string, len(c.expect))
		for i, s := range c.expect {
			want[i] = strconv.Itoa(s)
		}
		return fmt.Errorf("%s: status %d, want %s", a.Name, status, strings.Join(want, " or "))
	}
	return nil
}

// Rollback always fails, wrapping plugins.ErrNoRollback: a request sent
// cannot be taken back.
func (p *Plugin) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	return fmt.Errorf("%s: %w: an HTTP call cannot be taken back; plan it with blast_radius reversible: false", a.Name, plugins.ErrNoRollback)
}

var _ plugins.Plugin = (*Plugin)(nil)

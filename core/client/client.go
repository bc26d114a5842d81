// Package client is the Go client of wingmand's JSON API (/api/v1). Every
// method maps one endpoint of domain/api.go; errors the server answers with
// come back as the sentinels of domain/errors.go, so callers test them with
// errors.Is.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds one ordinary call unless WithTimeout says otherwise.
// The long poll (NextTask) has no such bound: its caller's ctx decides.
const DefaultTimeout = 30 * time.Second

// Client talks to one wingmand. It is safe for concurrent use.
type Client struct {
	base      string
	token     string
	tokens    func(context.Context) (string, error)
	http      *http.Client
	userAgent string
	timeout   time.Duration
}

// Option changes how New builds a Client.
type Option func(*Client)

// WithHTTPClient replaces the HTTP client, e.g. to add TLS roots or a test
// transport. Its own Timeout, if any, also applies to the long poll.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithUserAgent sets the User-Agent header sent with every request.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithTokenSource makes the client ask tokens for its token before each
// request, instead of using the one given to New: a token that expires
// (an OIDC ID token) can be renewed while the client is in use. An error
// of tokens fails the request.
func WithTokenSource(tokens func(context.Context) (string, error)) Option {
	return func(c *Client) { c.tokens = tokens }
}

// WithTimeout bounds each ordinary call; 0 leaves only the caller's ctx.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// New returns a client of the server at baseURL (e.g. http://127.0.0.1:8470)
// that authenticates with token; an empty token sends no Authorization.
func New(baseURL, token string, opts ...Option) *Client {
	c := &Client{
		base:      strings.TrimRight(baseURL, "/"),
		token:     token,
		userAgent: "wingman-client",
		timeout:   DefaultTimeout,
	}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = &http.Client{Transport: newTransport()}
	}
	return c
}

// newTransport dials quickly so that a server that is down is reported at
// once, and leaves the answer's timing to the ctx because of the long poll.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// BaseURL is the server this client talks to.
func (c *Client) BaseURL() string { return c.base }

// call is one API request. ctx bounds it; bounded adds the client's own
// timeout on top, which the long poll must not have.
type call struct {
	method  string
	path    string // below /api/v1
	query   url.Values
	in      any // request body, nil for none
	raw     []byte
	header  http.Header
	out     any // decoded from a 2xx answer, nil to discard
	bounded bool
}

// do runs a call and reports whether the server answered 204 No Content.
func (c *Client) do(ctx context.Context, cl call) (noContent bool, err error) {
	reqCtx := ctx
	if cl.bounded && c.timeout > 0 {
		var cancel context.CancelFunc
		reqCtx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := c.newRequest(reqCtx, cl)
	if err != nil {
		return false, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, c.transportError(ctx, err)
	}
	defer func() {
		// Draining lets the connection be reused by the next call.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return false, decodeError(resp)
	}
	if resp.StatusCode == http.StatusNoContent || cl.out == nil {
		return resp.StatusCode == http.StatusNoContent, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(cl.out); err != nil {
		if ctx.Err() == nil && reqCtx.Err() != nil {
			return false, c.transportError(ctx, err)
		}
		return false, fmt.Errorf("decode answer of %s %s: %w", cl.method, cl.path, err)
	}
	return false, nil
}

func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	u := c.base + "/api/v1" + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if cl.raw != nil {
		body = bytes.NewReader(cl.raw)
	} else if cl.in != nil {
		b, err := json.Marshal(cl.in)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", c.base, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if cl.in != nil || cl.raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	token := c.token
	if c.tokens != nil {
		t, err := c.tokens(ctx)
		if err != nil {
			return nil, err
		}
		token = t
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

// transportError tells a caller who gave up (ctx cancelled or past its
// deadline) from a server that could not be reached or did not answer in
// time; only the latter is domain.ErrUnavailable.
func (c *Client) transportError(ctx context.Context, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &unavailableError{server: c.base, err: err}
}

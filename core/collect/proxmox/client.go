// Package proxmox observes a Proxmox VE cluster through its HTTP API
// (https://HOST:8006/api2/json): nodes, QEMU virtual machines and LXC
// containers, with their snapshots. Its Client is shared with the proxmox
// execution plugin, which makes the changes; the collector only reads.
//
// Proxmox VE cannot run where Wingman is built and tested, so this package
// talks to the API as the Proxmox VE API documentation describes it, and
// its tests run against recorded answers in that documented shape
// (testdata/proxmox), served over TLS by net/http/httptest through the
// proxmoxtest package. A change in what a real Proxmox VE answers is not
// caught by those tests.
package proxmox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultPort is where pveproxy listens.
const DefaultPort = 8006

// DefaultTimeout bounds one request when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// maxBody bounds what is read of one answer: the largest listings of a big
// cluster are well under it.
const maxBody = 16 << 20

// Config says how to reach and authenticate to one Proxmox VE cluster (any
// of its nodes answers for all of them).
type Config struct {
	// Host is the node to talk to: a name or address, with ":port" when
	// it is not DefaultPort.
	Host string
	// User, TokenName and TokenValue are an API token: User is the
	// token's owner with its realm (root@pam), TokenName the token's ID
	// and TokenValue its secret. They make the header
	// "Authorization: PVEAPIToken=USER!TOKENNAME=VALUE".
	User       string
	TokenName  string
	TokenValue string
	// CAFile is a PEM file of the certificate authorities to trust
	// instead of the system's, for a cluster with its own CA (a node's
	// /etc/pve/pve-root-ca.pem). Empty: the system's roots.
	CAFile string
	// InsecureSkipVerify turns certificate checks off, for a self-signed
	// certificate whose CA is not at hand. It is off by default: anyone
	// on the path could then read the token. Prefer CAFile.
	InsecureSkipVerify bool
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
}

// A Client calls the Proxmox VE API with an API token. It is safe for
// concurrent use.
type Client struct {
	base    *url.URL // https://host:port/api2/json
	auth    string   // the Authorization header
	timeout time.Duration
	http    *http.Client
}

// New returns a client for cfg. It checks the config and loads the CA
// file; it does not contact the cluster.
func New(cfg Config) (*Client, error) {
	if cfg.Host == "" {
		return nil, errors.New("proxmox: no host")
	}
	if cfg.User == "" || cfg.TokenName == "" || cfg.TokenValue == "" {
		return nil, errors.New("proxmox: an API token needs user, token name and token value")
	}
	if !strings.Contains(cfg.User, "@") {
		return nil, fmt.Errorf("proxmox: user %q has no realm (root@pam)", cfg.User)
	}
	if strings.ContainsAny(cfg.User+cfg.TokenName, "!=") {
		return nil, errors.New("proxmox: user and token name may not contain '!' or '='")
	}
	host := cfg.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(DefaultPort))
	}
	base, err := url.Parse("https://" + host + "/api2/json")
	if err != nil || base.Host != host {
		return nil, fmt.Errorf("proxmox: bad host %q", cfg.Host)
	}

	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.InsecureSkipVerify}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("proxmox: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("proxmox: CA file %s holds no PEM certificate", cfg.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf

	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{
		base:    base,
		auth:    "PVEAPIToken=" + cfg.User + "!" + cfg.TokenName + "=" + cfg.TokenValue,
		timeout: timeout,
		http:    &http.Client{Transport: tr},
	}, nil
}

// BaseURL is the URL every API path is relative to,
// https://HOST:PORT/api2/json.
func (c *Client) BaseURL() string { return c.base.String() }

// Path joins API path segments, escaping each: Path("nodes", node, "qemu")
// is "/nodes/pve1/qemu".
func Path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// Get calls GET path (under /api2/json, as Path builds it) and decodes the
// answer's data into out, which may be nil.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	return c.Do(ctx, http.MethodGet, path, nil, out)
}

// Do calls method on path with params, form-encoded in the body of a POST
// or PUT and in the query otherwise, and decodes the data of the answer
// ({"data": ...}) into out, which may be nil. An answer other than 2xx is
// an *APIError; a request still unanswered after the client's timeout
// fails with an error wrapping context.DeadlineExceeded.
func (c *Client) Do(ctx context.Context, method, path string, params url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	// path was built by Path, so its segments are escaped already.
	u, err := url.Parse(c.base.String() + path)
	if err != nil || !strings.HasPrefix(path, "/") || u.Host != c.base.Host || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("proxmox: %s %q: not an API path", method, path)
	}
	var body io.Reader
	form := method == http.MethodPost || method == http.MethodPut
	if form {
		body = strings.NewReader(params.Encode())
	} else if len(params) > 0 {
		u.RawQuery = params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("proxmox: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	if form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		// The url.Error would repeat the whole URL; the path says enough.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("proxmox: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("proxmox: %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(method, path, resp, raw)
	}
	if out == nil {
		return nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("proxmox: %s %s: answer is not the API's JSON: %w", method, path, err)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("proxmox: %s %s: decode data: %w", method, path, err)
	}
	return nil
}

// An APIError is an answer other than 2xx. Proxmox puts its message in the
// HTTP reason phrase and, for most calls, in the body's "message"; a
// request refused for its parameters also names each in "errors".
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	Message    string
	Errors     map[string]string // by parameter; may be nil
}

func newAPIError(method, path string, resp *http.Response, raw []byte) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.StatusCode}
	var body struct {
		Message string            `json:"message"`
		Errors  map[string]string `json:"errors"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Message = strings.TrimSpace(body.Message)
		e.Errors = body.Errors
	}
	if e.Message == "" {
		// resp.Status is "401 invalid token value!".
		_, reason, _ := strings.Cut(resp.Status, " ")
		e.Message = strings.TrimSpace(reason)
	}
	return e
}

// Error is "proxmox: METHOD PATH: CODE MESSAGE", followed by the
// parameters refused, if any.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "proxmox: %s %s: %d %s", e.Method, e.Path, e.StatusCode, e.Message)
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, strings.TrimSpace(e.Errors[k]))
	}
	return b.String()
}

package httpcall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/wingman-dev/wingman/plugins"
)

// params are an action's params as they arrive.
type params struct {
	URL          string            `json:"url"`
	Method       string            `json:"method"`
	Headers      map[string]string `json:"headers"`
	Body         json.RawMessage   `json:"body"`
	ExpectStatus json.RawMessage   `json:"expect_status"`
}

// call is a checked action: what to send and what to expect back.
type call struct {
	method      string
	url         *url.URL
	headers     http.Header
	body        []byte
	contentType string // set when the body is JSON
	expect      []int  // nil: any 2xx
}

// methods lists the methods a call may use.
func methods() []string {
	return []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
}

// prepare checks a; ValidatePre, Execute and ValidatePost all call it, so
// none relies on another having run.
func (p *Plugin) prepare(a plugins.Action) (call, error) {
	var c call
	switch a.Name {
	case ActionWebhook:
		c.method = http.MethodPost
	case ActionAPICall:
		c.method = http.MethodGet
	default:
		return c, fmt.Errorf("unknown action %q (want %s or %s)", a.Name, ActionWebhook, ActionAPICall)
	}
	var ps params
	if err := plugins.DecodeParams(a.Params, &ps); err != nil {
		return c, err
	}
	if ps.URL == "" {
		return c, errors.New(`param "url" is missing or empty`)
	}
	u, err := url.Parse(ps.URL)
	if err != nil {
		return c, fmt.Errorf(`param "url": %w`, err)
	}
	if err := p.check(u); err != nil {
		return c, fmt.Errorf(`param "url": %w`, err)
	}
	c.url = u
	if ps.Method != "" {
		c.method = strings.ToUpper(ps.Method)
		if !slices.Contains(methods(), c.method) {
			return c, fmt.Errorf(`param "method": %q is not one of %s`, ps.Method, strings.Join(methods(), ", "))
		}
	}
	if c.headers, err = headers(ps.Headers); err != nil {
		return c, err
	}
	if c.body, c.contentType, err = body(ps.Body); err != nil {
		return c, err
	}
	if c.expect, err = expectStatus(ps.ExpectStatus); err != nil {
		return c, err
	}
	return c, nil
}

func headers(in map[string]string) (http.Header, error) {
	h := http.Header{}
	for k, v := range in {
		if !validHeaderName(k) {
			return nil, fmt.Errorf(`param "headers": bad header name %q`, k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, fmt.Errorf(`param "headers": value of %s holds a line break or NUL`, k)
		}
		if strings.EqualFold(k, "Host") {
			// net/http ignores a Host header; the host is the URL's.
			return nil, errors.New(`param "headers": Host comes from the url`)
		}
		h.Set(k, v)
	}
	return h, nil
}

// validHeaderName reports whether k is an RFC 9110 token.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range []byte(k) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// body returns what to send for the body param: a string as it is, an
// object or array as JSON.
func body(raw json.RawMessage) ([]byte, string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, "", fmt.Errorf(`param "body": %w`, err)
		}
		return []byte(s), "", nil
	case '{', '[':
		return raw, "application/json", nil
	}
	return nil, "", fmt.Errorf(`param "body": got %s, want a string or a JSON object`, raw)
}

// expectStatus reads expect_status: an int or a list of ints, each a
// valid HTTP status.
func expectStatus(raw json.RawMessage) ([]int, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []int
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
			return nil, fmt.Errorf(`param "expect_status": got %s, want a status or a non-empty list of statuses`, raw)
		}
	} else {
		var one int
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, fmt.Errorf(`param "expect_status": got %s, want a status or a list of statuses`, raw)
		}
		list = []int{one}
	}
	for _, s := range list {
		if s < 100 || s > 599 {
			return nil, fmt.Errorf(`param "expect_status": %d is not an HTTP status`, s)
		}
	}
	return list, nil
}

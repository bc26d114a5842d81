package httpcall

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
)

func newPlugin(t *testing.T, opts ...Option) *Plugin {
	t.Helper()
	p, err := New([]string{"127.0.0.1"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func action(name string, params map[string]any) plugins.Action {
	return plugins.Action{TaskID: "exec-1", Name: name, Params: params, Timeout: time.Minute}
}

func TestWebhookSuccess(t *testing.T) {
	type seen struct{ method, contentType, token, body string }
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.Header.Get("Content-Type"), r.Header.Get("X-Token"), string(b)}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, "created")
	}))
	defer srv.Close()

	res := plugins.Run(context.Background(), newPlugin(t), action(ActionWebhook, map[string]any{
		"url":     srv.URL + "/hook",
		"headers": map[string]any{"X-Token": "s3cret"},
		"body":    map[string]any{"incident": "in-1"},
	}), 0)
	if res.Status != domain.TaskSucceeded {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}
	if res.Output != "201 Created\ncreated" {
		t.Errorf("Output = %q", res.Output)
	}
	s := <-got
	want := seen{"POST", "application/json", "s3cret", `{"incident":"in-1"}`}
	if s != want {
		t.Errorf("server saw %+v, want %+v", s, want)
	}
}

func TestAPICallDefaultsToGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method+" "+r.URL.RequestURI())
	}))
	defer srv.Close()
	r, err := newPlugin(t).Execute(context.Background(), action(ActionAPICall, map[string]any{"url": srv.URL + "/v1/x?y=1"}))
	if err != nil || r.Output != "200 OK\nGET /v1/x?y=1" {
		t.Fatalf("Execute = %v, output %q", err, r.Output)
	}
	// A string body goes as it is.
	r, err = newPlugin(t).Execute(context.Background(), action(ActionAPICall, map[string]any{"url": srv.URL, "method": "put", "body": "raw"}))
	if err != nil || r.Output != "200 OK\nPUT /" {
		t.Fatalf("Execute = %v, output %q", err, r.Output)
	}
}

func TestExpectStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := map[string]int{"/500": 500, "/204": 204, "/404": 404}[r.URL.Path]
		w.WriteHeader(code)
	}))
	defer srv.Close()
	tests := []struct {
		path       string
		expect     any // nil: the default
		wantStatus domain.TaskStatus
		wantErr    string
	}{
		{"/204", nil, domain.TaskSucceeded, ""},
		{"/500", nil, domain.TaskFailed, "validate_post: webhook: status 500, want 2xx"},
		{"/404", 404, domain.TaskSucceeded, ""},
		{"/404", []any{200, 204}, domain.TaskFailed, "status 404, want 200 or 204"},
		{"/204", []int{200, 204}, domain.TaskSucceeded, ""},
	}
	for _, tt := range tests {
		params := map[string]any{"url": srv.URL + tt.path}
		if tt.expect != nil {
			params["expect_status"] = tt.expect
		}
		res := plugins.Run(context.Background(), newPlugin(t), action(ActionWebhook, params), 0)
		if res.Status != tt.wantStatus || !strings.Contains(res.Error, tt.wantErr) {
			t.Errorf("%s expecting %v: Run = %s %q, want %s %q", tt.path, tt.expect, res.Status, res.Error, tt.wantStatus, tt.wantErr)
		}
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"disallowed host", map[string]any{"url": "http://localhost:" + port + "/"}, `host "localhost" (port ` + port + `) is not in the allowlist`},
		{"disallowed host name", map[string]any{"url": "https://example.com/"}, `host "example.com" (port 443) is not in the allowlist`},
		{"userinfo", map[string]any{"url": "http://user:pw@127.0.0.1:" + port + "/"}, "userinfo in the URL refused"},
		{"scheme", map[string]any{"url": "ftp://127.0.0.1/"}, `scheme "ftp" refused`},
		{"relative url", map[string]any{"url": "/hook"}, `scheme "" refused`},
		{"no url", map[string]any{}, `param "url" is missing`},
		{"method", map[string]any{"url": srv.URL, "method": "TRACE"}, `param "method": "TRACE" is not one of`},
		{"header name", map[string]any{"url": srv.URL, "headers": map[string]any{"Bad Name": "x"}}, `bad header name "Bad Name"`},
		{"header value", map[string]any{"url": srv.URL, "headers": map[string]any{"X-A": "a\r\nX-B: b"}}, "line break"},
		{"host header", map[string]any{"url": srv.URL, "headers": map[string]any{"host": "evil"}}, "Host comes from the url"},
		{"body", map[string]any{"url": srv.URL, "body": 42}, `param "body": got 42`},
		{"expect_status", map[string]any{"url": srv.URL, "expect_status": "2xx"}, `param "expect_status": got "2xx"`},
		{"expect_status range", map[string]any{"url": srv.URL, "expect_status": []int{200, 999}}, "999 is not an HTTP status"},
		{"unknown param", map[string]any{"url": srv.URL, "timeout": 3}, `unknown param "timeout"`},
	}
	p := newPlugin(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := action(ActionWebhook, tt.params)
			if err := p.ValidatePre(context.Background(), a); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidatePre = %v, want %q", err, tt.want)
			}
			if _, err := p.Execute(context.Background(), a); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Execute = %v, want %q", err, tt.want)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the server got %d requests", n)
	}
}

func TestRedirects(t *testing.T) {
	var outsideHits atomic.Int32
	outside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { outsideHits.Add(1) }))
	defer outside.Close()
	// The same server by another name: only the allowlist tells them apart.
	outsideURL := strings.Replace(outside.URL, "127.0.0.1", "localhost", 1)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, outsideURL+"/stolen", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			io.WriteString(w, "arrived")
		}
	}))
	defer srv.Close()

	p := newPlugin(t)
	r, err := p.Execute(context.Background(), action(ActionAPICall, map[string]any{"url": srv.URL + "/here"}))
	if err != nil || r.Output != "200 OK\narrived" {
		t.Fatalf("redirect to an allowed host: %v, %q", err, r.Output)
	}

	_, err = p.Execute(context.Background(), action(ActionAPICall, map[string]any{"url": srv.URL + "/away"}))
	if err == nil || !strings.Contains(err.Error(), `redirect refused: host "localhost"`) {
		t.Fatalf("redirect to a disallowed host: %v", err)
	}
	if n := outsideHits.Load(); n != 0 {
		t.Fatalf("the disallowed host got %d requests", n)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	t.Run("action timeout", func(t *testing.T) {
		a := action(ActionWebhook, map[string]any{"url": srv.URL})
		a.Timeout = 300 * time.Millisecond
		start := time.Now()
		res := plugins.Run(context.Background(), newPlugin(t), a, 0)
		if res.Status != domain.TaskFailed || !strings.Contains(res.Error, "action timed out after 300ms") {
			t.Fatalf("Run = %s %q", res.Status, res.Error)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("Run took %s", d)
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		_, err := newPlugin(t, WithTimeout(300*time.Millisecond)).Execute(context.Background(), action(ActionWebhook, map[string]any{"url": srv.URL}))
		var te interface{ Timeout() bool }
		if !errors.As(err, &te) || !te.Timeout() {
			t.Fatalf("Execute = %v, want a timeout", err)
		}
	})
}

func TestBodyCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("b", 5000))
	}))
	defer srv.Close()
	r, err := newPlugin(t, WithMaxBody(1000)).Execute(context.Background(), action(ActionAPICall, map[string]any{"url": srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	if want := "200 OK\n" + strings.Repeat("b", 1000) + "…[truncated 4000 bytes]"; r.Output != want {
		t.Fatalf("Output = %.30q…%q (%d bytes)", r.Output, r.Output[max(0, len(r.Output)-30):], len(r.Output))
	}

	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("h", 64<<10)
		for range 40 { // 2.5 MiB, more than the drain limit
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	}))
	defer huge.Close()
	r, err = newPlugin(t, WithMaxBody(10)).Execute(context.Background(), action(ActionAPICall, map[string]any{"url": huge.URL}))
	if err != nil || !strings.HasSuffix(r.Output, "hhhhhhhhhh…[truncated more than 1048576 bytes]") {
		t.Fatalf("Execute = %v, output ends %q", err, r.Output[max(0, len(r.Output)-60):])
	}
}

func TestAllowlist(t *testing.T) {
	p, err := New([]string{"hooks.example.com", "*.lab.example.org", "api.example.net:8443", "10.0.0.5", "[::1]:9000", "Upper.Example.COM."})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url     string
		allowed bool
	}{
		{"https://hooks.example.com/x", true},
		{"http://hooks.example.com:8080/x", true}, // no port in the entry: any port
		{"https://HOOKS.example.com./x", true},
		{"https://evil.hooks.example.com/", false},
		{"https://hooks.example.com.evil.net/", false},
		{"https://nas.lab.example.org/", true},
		{"https://a.b.lab.example.org/", true},
		{"https://lab.example.org/", false}, // the pattern names subdomains only
		{"https://xlab.example.org/", false},
		{"https://api.example.net:8443/", true},
		{"https://api.example.net/", false}, // 443 is not 8443
		{"http://10.0.0.5/", true},
		{"http://10.0.0.50/", false},
		{"http://[::1]:9000/", true},
		{"http://[::1]:9001/", false},
		{"https://upper.example.com/", true},
	}
	for _, tt := range tests {
		a := action(ActionAPICall, map[string]any{"url": tt.url})
		err := p.ValidatePre(context.Background(), a)
		if (err == nil) != tt.allowed {
			t.Errorf("%s: ValidatePre = %v, want allowed=%v", tt.url, err, tt.allowed)
		}
	}

	for _, bad := range []string{"", "https://example.com", "*.*.example.com", "example.com:0", "example.com:http", "*."} {
		if _, err := New([]string{bad}); err == nil {
			t.Errorf("New accepted allowlist entry %q", bad)
		}
	}

	none, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := none.ValidatePre(context.Background(), action(ActionAPICall, map[string]any{"url": "http://127.0.0.1/"})); err == nil {
		t.Error("an empty allowlist allowed a host")
	}
}

func TestRollbackNotSupported(t *testing.T) {
	err := newPlugin(t).Rollback(context.Background(), action(ActionWebhook, nil), plugins.Result{})
	if !errors.Is(err, plugins.ErrNoRollback) {
		t.Fatalf("Rollback = %v", err)
	}
}

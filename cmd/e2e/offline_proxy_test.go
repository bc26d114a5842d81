package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestWorkerThroughHTTPProxy: on a network where only a proxy goes out,
// the worker reaches the control plane through HTTP_PROXY, as wingworker's
// users behind one ask. The control plane's name resolves nowhere but at
// the proxy, so nothing can bypass it.
func TestWorkerThroughHTTPProxy(t *testing.T) {
	d := startDaemon(t)
	var wk struct{ Token string }
	d.mustJSON(d.adminToken(), &wk, "workers", "add", "w1", "--site", "Site A")
	target, _ := url.Parse(d.url)
	var forwarded atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "wingman.invalid:8470" {
			http.Error(w, "this proxy only knows wingman.invalid", http.StatusBadGateway)
			return
		}
		forwarded.Add(1)
		(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }}).ServeHTTP(w, r)
	}))
	defer proxy.Close()
	w := newWorkerProc(t, d, "http://wingman.invalid:8470", "w1", wk.Token, "HTTP_PROXY="+proxy.URL)
	waitWorker(t, d, "w1")
	if forwarded.Load() == 0 || strings.Contains(w.logs(), "level=ERROR") {
		t.Fatalf("the worker reported without the proxy (%d forwarded), or with errors", forwarded.Load())
	}
}

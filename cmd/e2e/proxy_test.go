package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// link is the network between a worker and the control plane, in the
// test's hands: it forwards to target, records every envelope the control
// plane acknowledged in arrival order, and can be cut, so that the worker
// sees the control plane as unreachable (its connections are dropped).
type link struct {
	srv       *httptest.Server
	transport *http.Transport

	mu        sync.Mutex
	target    *url.URL
	down      bool
	cutOnTask bool // cut the link as soon as a task is handed out
	acked     []arrival
	requests  []string // "METHOD /path" of every request forwarded
}

// arrival is one envelope the control plane took.
type arrival struct {
	ID          string
	PayloadType domain.PayloadType
	Timestamp   time.Time
	Backlog     bool
	At          time.Time
}

func newLink(t testing.TB, target string) *link {
	l := &link{transport: &http.Transport{DialContext: (&net.Dialer{Timeout: time.Second}).DialContext,
		MaxIdleConnsPerHost: 200, ResponseHeaderTimeout: 90 * time.Second}}
	l.retarget(target)
	l.srv = httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(func() {
		l.srv.Close()
		l.transport.CloseIdleConnections()
	})
	return l
}

func (l *link) url() string { return l.srv.URL }

func (l *link) retarget(target string) {
	u, _ := url.Parse(target)
	l.mu.Lock()
	l.target = u
	l.mu.Unlock()
}

func (l *link) setDown(down bool) {
	l.mu.Lock()
	l.down = down
	l.mu.Unlock()
}

func (l *link) forwarded() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.requests...)
}

func (l *link) isDown() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.down
}

func (l *link) cutAfterNextTask() {
	l.mu.Lock()
	l.cutOnTask = true
	l.mu.Unlock()
}

func (l *link) arrivals() []arrival {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]arrival(nil), l.acked...)
}

// drop closes the connection without an answer, as a broken network does.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	w.WriteHeader(http.StatusBadGateway)
}

func (l *link) serve(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	down, target := l.down, l.target
	l.mu.Unlock()
	if down {
		drop(w)
		return
	}
	l.mu.Lock()
	l.requests = append(l.requests, r.Method+" "+r.URL.Path)
	l.mu.Unlock()
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	proxy := &httputil.ReverseProxy{
		Rewrite:      func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport:    l.transport,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { drop(w) },
		ModifyResponse: func(resp *http.Response) error {
			switch {
			case r.URL.Path == "/api/v1/ingest" && resp.StatusCode/100 == 2:
				var env domain.Envelope
				if json.Unmarshal(body, &env) == nil {
					l.mu.Lock()
					l.acked = append(l.acked, arrival{ID: env.ID, PayloadType: env.PayloadType, Timestamp: env.Timestamp,
						Backlog: r.Header.Get(domain.BacklogHeader) != "", At: time.Now()})
					l.mu.Unlock()
				}
			case r.URL.Path == "/api/v1/worker/tasks" && resp.StatusCode == http.StatusOK:
				l.mu.Lock()
				if l.cutOnTask {
					// The worker gets its task, and then nothing more.
					l.down, l.cutOnTask = true, false
				}
				l.mu.Unlock()
			}
			return nil
		},
	}
	proxy.ServeHTTP(w, r)
}

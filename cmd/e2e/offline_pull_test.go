package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// daemonConfig writes a wingmand config file for a test.
func daemonConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wingmand.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOfflinePullNewestFirst: a worker that cannot reach the control plane
// (its way out is cut) but serves /offline/pending is pulled by the control
// plane: each pass lists newest first and fetches in that order, and each
// file is deleted at the worker after it is stored.
func TestOfflinePullNewestFirst(t *testing.T) {
	d := startDaemon(t, "--config", daemonConfig(t, "heartbeat_timeout: 2s\nsweep_interval: 500ms\nsync_pull_interval: 500ms\n"))
	var wk struct{ Token string }
	d.mustJSON(d.adminToken(), &wk, "workers", "add", "w1", "--site", "Site A")
	out := newLink(t, d.url)
	syncAddr := freePort(t)
	in := newLink(t, "http://"+syncAddr)
	w := newWorkerProc(t, d, out.url(), "w1", wk.Token, "OFFLINE_SYNC_LISTEN="+syncAddr, "OFFLINE_SYNC_URL="+in.url())
	waitWorker(t, d, "w1")

	out.setDown(true)
	cut := time.Now().UTC()
	// The control plane marks the worker unreachable and pulls: the files
	// written since the cut go, and none of them was pushed.
	waitFor(t, 60*time.Second, "pulls of the backlog", func() bool {
		n := 0
		for _, r := range in.forwarded() {
			if strings.HasPrefix(r, "DELETE /offline/files/") {
				n++
			}
		}
		return n >= 10
	})
	waitFor(t, 30*time.Second, "the backlog written before the cut drained", func() bool {
		for _, name := range w.waiting() {
			if ts := nameTime(name); ts.Before(cut.Add(3*time.Second)) && !ts.IsZero() {
				return false
			}
		}
		return true
	})
	w.stop()
	// Each pass fetches in the order of its listing: newest first.
	var pass []time.Time
	var newestFacts time.Time
	passes := 0
	for _, r := range in.forwarded() {
		switch {
		case r == "GET /offline/pending":
			passes++
			pass = pass[:0]
		case strings.HasPrefix(r, "GET /offline/files/"):
			name := strings.TrimPrefix(r, "GET /offline/files/")
			ts := nameTime(name)
			if strings.HasPrefix(name, "facts-") && ts.After(newestFacts) {
				newestFacts = ts
			}
			if n := len(pass); n > 0 && ts.After(pass[n-1]) {
				t.Fatalf("pass %d fetched %s after %s: not newest first\n%s", passes, ts, pass[n-1], strings.Join(in.forwarded(), "\n"))
			}
			pass = append(pass, ts)
		}
	}
	for _, a := range out.arrivals() {
		if a.At.After(cut) {
			t.Errorf("an envelope went through the cut link: %+v", a)
		}
	}
	if passes == 0 {
		t.Fatal("the control plane never listed the backlog")
	}
	if f := hostFact(t, d, "w1"); !f.ObservedAt.Equal(newestFacts.Truncate(time.Millisecond)) {
		t.Errorf("latest host fact observed at %s; the newest facts pulled are from %s", f.ObservedAt, newestFacts)
	}
}

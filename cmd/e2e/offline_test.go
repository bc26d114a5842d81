package e2e

import (
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// kill stops wingmand with SIGKILL, as a crash or a power cut would.
func (d *daemon) kill() {
	d.t.Helper()
	_ = d.cmd.Process.Signal(syscall.SIGKILL)
	_ = d.cmd.Wait()
}

// waitFor polls cond every 100 ms until it holds or the time is up.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within %s", what, within)
}

// hostFact reads the control plane's latest host fact of a worker.
func hostFact(t *testing.T, d *daemon, worker string) domain.Fact {
	t.Helper()
	var facts []domain.Fact
	d.mustJSON(d.adminToken(), &facts, "facts", "list", "--worker", worker, "--type", "host")
	if len(facts) != 1 {
		t.Fatalf("host facts of %s = %+v, want one", worker, facts)
	}
	return facts[0]
}

// TestOfflineReconnectNewestFirst: the control plane is killed for a while
// and brought back. The worker keeps collecting into its buffer; on
// reconnect the newest envelopes arrive first, the backlog drains, its
// files are deleted, and the latest state is the newest one, not the last
// one to arrive.
func TestOfflineReconnectNewestFirst(t *testing.T) {
	d := startDaemon(t)
	var wk struct{ Token string }
	d.mustJSON(d.adminToken(), &wk, "workers", "add", "w1", "--site", "Site A")
	l := newLink(t, d.url)
	w := newWorkerProc(t, d, l.url(), "w1", wk.Token)
	waitWorker(t, d, "w1")

	d.kill()
	waitFor(t, 60*time.Second, "a backlog of 12 envelopes", func() bool { return len(w.waiting()) >= 12 })
	// From the moment the restart begins: the worker may deliver its
	// backlog before start has seen the control plane ready.
	back := time.Now().UTC()
	d.start()
	waitFor(t, 60*time.Second, "the backlog drained", func() bool {
		for _, name := range w.waiting() {
			if ts := nameTime(name); !ts.IsZero() && ts.Before(back) {
				return false
			}
		}
		return true
	})
	w.stop()

	// Arrivals after the restart that were written before it came newest
	// first; anything written since (live) may come between them.
	var backlog []arrival
	for _, a := range l.arrivals() {
		if a.At.After(back) && a.Timestamp.Before(back) {
			backlog = append(backlog, a)
		}
	}
	if len(backlog) < 12 {
		t.Fatalf("%d backlog envelopes arrived after the restart, want at least 12", len(backlog))
	}
	if !sort.SliceIsSorted(backlog, func(i, j int) bool { return backlog[i].Timestamp.After(backlog[j].Timestamp) }) {
		for _, a := range backlog {
			t.Logf("arrived %s: %s written %s", a.At.Format("15:04:05.000"), a.PayloadType, a.Timestamp.Format("15:04:05.000"))
		}
		t.Fatal("the backlog did not arrive newest first")
	}
	// The latest state is the newest facts envelope, though older ones
	// arrived after it.
	var newest time.Time
	for _, a := range l.arrivals() {
		if a.PayloadType == domain.PayloadFacts && a.Timestamp.After(newest) {
			newest = a.Timestamp
		}
	}
	newest = newest.Truncate(time.Millisecond) // the store keeps milliseconds
	if f := hostFact(t, d, "w1"); !f.ObservedAt.Equal(newest) {
		t.Errorf("latest host fact observed at %s; the newest facts envelope is from %s", f.ObservedAt, newest)
	}
	var ws []domain.Worker
	d.mustJSON(d.adminToken(), &ws, "workers", "list")
	if len(ws) != 1 || ws[0].LastSyncAt == nil || ws[0].Sync != nil {
		t.Errorf("workers = %+v, want a last sync", ws)
	}
}

// nameTime reads the time in a buffer file's name (zero for results).
func nameTime(name string) time.Time {
	i := strings.IndexByte(name, '-')
	if i < 0 || strings.HasPrefix(name, "execution-result-") {
		return time.Time{}
	}
	ts, _ := time.Parse("2006-01-02T15-04-05.000000000Z", strings.TrimSuffix(name[i+1:], ".json"))
	return ts
}

package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// TestOfflineGapsShow: a worker comes back with more backlog than its cap
// (1 MB) and some older than its age limit (24 h). It drops the oldest
// facts to fit, keeps the bytes on disk under the cap, and the gaps it
// records reach the control plane, which shows what was lost and when.
func TestOfflineGapsShow(t *testing.T) {
	d := startDaemon(t)
	var wk struct{ Token string }
	d.mustJSON(d.adminToken(), &wk, "workers", "add", "w1", "--site", "Site A")
	l := newLink(t, d.url)
	l.setDown(true)
	w := newWorkerProc(t, d, l.url(), "w1", wk.Token, "OFFLINE_BUFFER_MAX_MB=1")
	w.stop()
	now := time.Now().UTC()
	seedBacklog(t, w.dir, "w1", 5, now.Add(-30*time.Hour), time.Minute, 0)
	seedBacklog(t, w.dir, "w1", 400, now.Add(-time.Minute), time.Minute, 4000)
	w.start()
	waitFor(t, 30*time.Second, "the buffer under its cap", func() bool { return bufferBytes(w.dir) <= 1<<20 })
	l.setDown(false)

	var gaps []domain.Gap
	waitFor(t, 60*time.Second, "the gaps shown by the control plane", func() bool {
		var ws []domain.Worker
		d.mustJSON(d.adminToken(), &ws, "workers", "list")
		gaps = ws[0].Gaps
		return len(gaps) >= 2
	})
	reasons := map[string]domain.Gap{}
	for _, g := range gaps {
		reasons[g.Reason] = g
	}
	age, capGap := reasons[domain.GapAge], reasons[domain.GapCap]
	if age.Files != 5 || age.PayloadType != domain.PayloadFacts || age.To.After(now.Add(-29*time.Hour)) {
		t.Errorf("age gap = %+v, want the 5 facts from 30 hours ago", age)
	}
	if capGap.Files < 100 || capGap.PayloadType != domain.PayloadFacts || !capGap.From.Before(capGap.To) ||
		capGap.To.After(now.Add(-time.Hour)) {
		t.Errorf("cap gap = %+v, want the oldest of the 400 facts", capGap)
	}
	r := d.wingctl(d.adminToken(), "workers", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "files lost") {
		t.Fatalf("workers list: exit %d, want the gaps shown:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// bufferBytes sums the envelope files in a buffer folder.
func bufferBytes(dir string) int64 {
	entries, _ := os.ReadDir(dir)
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() {
			n += info.Size()
		}
	}
	return n
}

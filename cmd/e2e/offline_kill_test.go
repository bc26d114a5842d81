package e2e

import (
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/store/sqlite"
)

// TestOfflineKill9 kills the worker with SIGKILL 50 times at random moments,
// while it writes its buffer and while it syncs (the link to the control
// plane is up for two runs in three), and starts it again on the same
// buffer. After each kill, every envelope the worker wrote and the control
// plane did not acknowledge is still on disk or in quarantine. At the end
// every envelope written is stored by the control plane exactly once.
func TestOfflineKill9(t *testing.T) {
	d := startDaemon(t)
	var wk struct{ Token string }
	d.mustJSON(d.adminToken(), &wk, "workers", "add", "w1", "--site", "Site A")
	l := newLink(t, d.url)
	w := newWorkerProc(t, d, l.url(), "w1", wk.Token, "WORKER_COLLECT_INTERVAL=1s")
	waitWorker(t, d, "w1")

	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	for i := 0; i < 50; i++ {
		l.setDown(i%3 == 0)
		time.Sleep(time.Duration(50+rng.IntN(700)) * time.Millisecond)
		w.kill()
		acked := map[string]bool{}
		for _, a := range l.arrivals() {
			acked[a.ID] = true
		}
		onDisk := map[string]bool{}
		for _, f := range append(w.waiting(), w.quarantined()...) {
			onDisk[f] = true
		}
		for id, file := range w.buffered() {
			if !acked[id] && !onDisk[file] {
				t.Fatalf("kill %d: envelope %s (%s) was neither acknowledged nor on disk", i, id, file)
			}
		}
		w.start()
	}
	if len(w.buffered()) < 50 {
		t.Fatalf("only %d envelopes written across 50 runs; the kills did not land during writes", len(w.buffered()))
	}

	l.setDown(false)
	end := time.Now().UTC()
	waitFor(t, 60*time.Second, "the backlog drained", func() bool {
		for _, name := range w.waiting() {
			if ts := nameTime(name); ts.Before(end) {
				return false
			}
		}
		return true
	})
	w.stop()

	db, err := sql.Open("sqlite", "file:"+filepath.Join(d.dataDir, sqlite.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string]int{}
	rows, err := db.Query(`SELECT id FROM envelopes WHERE worker_id = 'w1'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored[id]++
	}
	rows.Close()
	quarantined := map[string]bool{}
	for _, f := range w.quarantined() {
		quarantined[f] = true
	}
	waiting := map[string]bool{}
	for _, f := range w.waiting() {
		waiting[f] = true
	}
	lost := 0
	for id, file := range w.buffered() {
		if stored[id] == 0 && !quarantined[file] && !waiting[file] {
			lost++
			t.Errorf("envelope %s (%s) is gone: not stored, not quarantined, not waiting", id, file)
		}
	}
	for _, a := range l.arrivals() {
		if stored[a.ID] != 1 {
			t.Errorf("acknowledged envelope %s is stored %d times", a.ID, stored[a.ID])
		}
	}
	// A killed worker leaves no temp file that outlives its next start.
	entries, _ := os.ReadDir(w.dir)
	for _, e := range entries {
		if len(e.Name()) > 5 && e.Name()[:5] == ".tmp-" {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
	t.Logf("%d envelopes written, %d stored, %d quarantined, %d lost", len(w.buffered()), len(stored), len(quarantined), lost)
}

package offline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// clock is a settable time for the age cap.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func open(t *testing.T, dir string, maxBytes int64, c *clock) *Outbox {
	t.Helper()
	o, err := Open(dir, Options{MaxBytes: maxBytes, MaxAge: 24 * time.Hour, Now: c.Now, Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// envelope makes an envelope of a type at a time, padded to about size
// bytes so that caps are easy to reason about.
func envelope(pt domain.PayloadType, at time.Time, size int) domain.Envelope {
	var payload any
	pad := strings.Repeat("x", max(0, size-200))
	switch pt {
	case domain.PayloadExecutionResult:
		payload = domain.ExecutionResultPayload{TaskID: fmt.Sprintf("tk-%d", at.UnixNano()), Status: domain.TaskSucceeded, Output: pad}
	case domain.PayloadHealth:
		payload = domain.HealthPayload{Status: domain.WorkerHealthy, Version: pad}
	case domain.PayloadLogs:
		payload = domain.LogsPayload{Summaries: []domain.LogSummary{{Source: pad}}}
	default:
		payload = domain.FactsPayload{Facts: []domain.WireFact{{Type: "container", Name: "web", Status: pad}}}
	}
	raw, _ := json.Marshal(payload)
	return domain.Envelope{ID: fmt.Sprintf("env-%s-%d", pt, at.UnixNano()), WorkerID: "w1", SiteName: "A", Timestamp: at,
		PayloadType: pt, Payload: raw}
}

// onDisk sums the sizes of every file in the outbox's folder, temp files
// included: what the cap promises about.
func onDisk(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // renamed away meanwhile
		}
		n += info.Size()
	}
	return n
}

func TestPutListNewestFirst(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 1<<20, c)
	var want []string
	for i, pt := range []domain.PayloadType{domain.PayloadFacts, domain.PayloadHealth, domain.PayloadExecutionResult, domain.PayloadLogs, domain.PayloadFacts} {
		name, err := o.Put(envelope(pt, t0.Add(time.Duration(i)*time.Second), 300))
		if err != nil {
			t.Fatal(err)
		}
		want = append([]string{name}, want...)
	}
	// Two envelopes of one type in one nanosecond keep a file each.
	same := envelope(domain.PayloadFacts, t0.Add(4*time.Second), 300)
	same.ID = "env-twin"
	twin, err := o.Put(same)
	if err != nil || twin == want[0] {
		t.Fatalf("a second envelope in the same nanosecond: %q, %v; want a name of its own", twin, err)
	}
	got := o.List()
	if len(got) != 6 {
		t.Fatalf("listed %d files, want 6", len(got))
	}
	for i, it := range got[2:] {
		if it.Name != want[i+1] {
			t.Errorf("list[%d] = %s, want %s (newest first)", i+2, it.Name, want[i+1])
		}
	}
	if !strings.HasPrefix(got[0].Name, "facts-2026-11-25T10-00-04.") {
		t.Errorf("newest = %s, want a facts file named for 10:00:04", got[0].Name)
	}
	// A reopened outbox lists the same files, read back from disk.
	again := open(t, dir, 1<<20, c)
	if l := again.List(); len(l) != 6 || l[3].Name != got[3].Name || l[3].TaskID == "" {
		t.Errorf("after reopening: %+v", l)
	}
	data, err := again.Read(got[3].Name)
	if err != nil || !strings.Contains(string(data), `"execution_result"`) {
		t.Fatalf("read %s: %v", got[3].Name, err)
	}
	if err := again.Delete(got[3].Name); err != nil {
		t.Fatal(err)
	}
	if b := again.Backlog(); b.Files != 5 || b.Oldest == nil || !b.Oldest.Equal(t0) || b.Bytes != onDisk(t, dir) {
		t.Errorf("backlog = %+v, on disk %d", b, onDisk(t, dir))
	}
	if _, err := again.Read(got[3].Name); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read a deleted file: %v, want ErrNotExist", err)
	}
}

// TestCapHolds writes three times the cap: bytes on disk never exceed it,
// the oldest facts and health go first, then logs, results never, and
// every drop is in a gap.
func TestCapHolds(t *testing.T) {
	dir := t.TempDir()
	const capBytes = 20 << 10
	c := &clock{t0}
	o := open(t, dir, capBytes, c)
	kinds := []domain.PayloadType{domain.PayloadFacts, domain.PayloadHealth, domain.PayloadFacts, domain.PayloadLogs}
	var results []string
	written := 0
	for i := 0; written < 3*capBytes; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		pt := kinds[i%len(kinds)]
		if i%10 == 9 {
			pt = domain.PayloadExecutionResult
		}
		env := envelope(pt, at, 500)
		name, err := o.Put(env)
		if err != nil {
			t.Fatalf("put %d (%s): %v", i, pt, err)
		}
		if pt == domain.PayloadExecutionResult {
			results = append(results, name)
		}
		written += 500
		if n := onDisk(t, dir); n > capBytes {
			t.Fatalf("after %d bytes written, %d on disk: over the cap of %d", written, n, capBytes)
		}
	}
	for _, r := range results {
		if _, err := os.Stat(filepath.Join(dir, r)); err != nil {
			t.Errorf("result %s was dropped: %v", r, err)
		}
	}
	// What is left is the newest of each kind; the oldest facts went first.
	var oldestFacts time.Time
	logsLeft := 0
	for _, it := range o.List() {
		switch it.PayloadType {
		case domain.PayloadFacts:
			oldestFacts = it.Timestamp
		case domain.PayloadLogs:
			logsLeft++
		}
	}
	if logsLeft == 0 {
		t.Error("log summaries were all dropped while facts remained: facts and health go first")
	}
	gaps := o.Gaps()
	byType := map[domain.PayloadType]domain.Gap{}
	for _, g := range gaps {
		if g.Reason != domain.GapCap {
			t.Errorf("gap %+v: reason %q, want cap", g, g.Reason)
		}
		byType[g.PayloadType] = g
	}
	if _, ok := byType[domain.PayloadExecutionResult]; ok {
		t.Errorf("a gap of execution results: %+v", gaps)
	}
	fg, ok := byType[domain.PayloadFacts]
	if !ok || !fg.From.Equal(t0) || !fg.To.Before(oldestFacts) || fg.Files < 10 {
		t.Errorf("facts gap = %+v; want from %s to before the oldest facts kept (%s)", fg, t0, oldestFacts)
	}
	if _, ok := byType[domain.PayloadHealth]; !ok {
		t.Errorf("no health gap in %+v", gaps)
	}
}

func TestResultsAreNeverDropped(t *testing.T) {
	dir := t.TempDir()
	o := open(t, dir, 4<<10, &clock{t0})
	var err error
	for i := 0; err == nil && i < 100; i++ {
		_, err = o.Put(envelope(domain.PayloadExecutionResult, t0.Add(time.Duration(i)*time.Second), 500))
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("results past the cap: %v, want ErrFull", err)
	}
	n := len(o.List())
	_, err = o.Put(envelope(domain.PayloadFacts, t0.Add(time.Hour), 500))
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("facts into a buffer full of results: %v, want ErrDropped", err)
	}
	if len(o.List()) != n {
		t.Errorf("a result was dropped to make room for facts")
	}
	if g := o.Gaps(); len(g) != 1 || g[0].PayloadType != domain.PayloadFacts || g[0].Files != 1 {
		t.Errorf("gaps = %+v, want the one dropped facts envelope", g)
	}
}

func TestAgeCap(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 1<<20, c)
	old, _ := o.Put(envelope(domain.PayloadFacts, t0, 300))
	res, _ := o.Put(envelope(domain.PayloadExecutionResult, t0, 300))
	c.now = t0.Add(25 * time.Hour)
	if _, err := o.Put(envelope(domain.PayloadHealth, c.now, 300)); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, it := range o.List() {
		names[it.Name] = true
	}
	if names[old] || !names[res] {
		t.Errorf("after 25 hours: %v; want the facts gone and the result kept", names)
	}
	if g := o.Gaps(); len(g) != 1 || g[0].Reason != domain.GapAge {
		t.Errorf("gaps = %+v, want one of age", g)
	}
}

// TestTornAndCorruptFiles: what a crash, a full disk or a bad sector
// leaves is moved aside and counted, and the rest of the backlog is read.
func TestTornAndCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 1<<20, c)
	good, _ := o.Put(envelope(domain.PayloadFacts, t0, 300))
	torn, _ := o.Put(envelope(domain.PayloadFacts, t0.Add(time.Second), 300))
	flipped, _ := o.Put(envelope(domain.PayloadHealth, t0.Add(2*time.Second), 300))
	data, _ := os.ReadFile(filepath.Join(dir, torn))
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(torn, data[:len(data)/2])
	write(flipped, []byte(strings.Replace(string(data), `"payload_type":"facts"`, `"payload_type":"logs"`, 1)))
	write("logs-2026-11-25T10-00-03.000000000Z.json", nil)
	write("notes.txt", []byte("a user's file"))
	write(tempPrefix+"facts-x.json-123", data[:10])

	again := open(t, dir, 1<<20, c)
	l := again.List()
	if len(l) != 1 || l[0].Name != good {
		t.Fatalf("listed %+v, want only %s", l, good)
	}
	if b := again.Backlog(); b.Quarantined != 4 {
		t.Errorf("quarantined = %d, want 4 (torn, wrong type, empty, unknown name)", b.Quarantined)
	}
	if _, err := os.Stat(filepath.Join(dir, tempPrefix+"facts-x.json-123")); !os.IsNotExist(err) {
		t.Errorf("a temp file survived opening: %v", err)
	}
	for _, name := range []string{torn, flipped, "notes.txt"} {
		if m, _ := filepath.Glob(filepath.Join(dir, "quarantine", "*-"+name)); len(m) != 1 {
			t.Errorf("%s not in quarantine", name)
		}
	}
	// A file that goes bad after opening is found when it is read.
	write(good, []byte("{"))
	if _, err := again.Read(good); !errors.Is(err, ErrCorrupt) {
		t.Errorf("read a corrupted file: %v, want ErrCorrupt", err)
	}
	if b := again.Backlog(); b.Files != 0 || b.Quarantined != 5 {
		t.Errorf("backlog after a bad read = %+v", b)
	}
}

// TestGapsReachTheControlPlane: drops of one type and reason make one gap
// that grows, however many heartbeats carry it; it survives a restart; a
// confirmed heartbeat forgets it only if it has not grown since.
func TestGapsReachTheControlPlane(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 2<<10, c)
	put := func(i int) {
		t.Helper()
		if _, err := o.Put(envelope(domain.PayloadFacts, t0.Add(time.Duration(i)*time.Second), 500)); err != nil {
			t.Fatal(err)
		}
	}
	// A long outage: many drops between many heartbeats.
	for i := 0; i < 200; i++ {
		put(i)
		if i%5 == 0 {
			o.Gaps()
		}
	}
	sent := o.Gaps()
	if len(sent) != 1 || sent[0].Files < 190 {
		t.Fatalf("gaps after 200 facts through a 2 KiB buffer = %+v, want one growing gap", sent)
	}
	heartbeat := func(gaps []domain.Gap) string {
		payload, _ := json.Marshal(domain.HealthPayload{Status: domain.WorkerHealthy, Gaps: gaps})
		name, err := o.Put(domain.Envelope{ID: "hb", WorkerID: "w1", Timestamp: c.now, PayloadType: domain.PayloadHealth,
			Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		c.now = c.now.Add(time.Second)
		return name
	}
	hb := heartbeat(sent) // its own write drops more facts: the gap grows
	o = open(t, dir, 2<<10, c)
	if g := o.Gaps(); len(g) != 1 || g[0].ID != sent[0].ID || g[0].Files <= sent[0].Files {
		t.Fatalf("after a restart = %+v; want the same gap, grown", g)
	}
	if err := o.Delete(hb); err != nil {
		t.Fatal(err)
	}
	grown := o.Gaps()
	if len(grown) != 1 {
		t.Fatalf("a confirmation of an older count forgot the gap: %+v", grown)
	}
	// With room to spare, the next heartbeat drops nothing: confirming it
	// confirms the gap as it stands, which is then forgotten.
	o = open(t, dir, 1<<20, c)
	hb = heartbeat(grown)
	if err := o.Delete(hb); err != nil {
		t.Fatal(err)
	}
	if left := o.Gaps(); len(left) != 0 {
		t.Errorf("after confirming the current count: %+v, want none", left)
	}
}

// TestLoweredCapHoldsAtOpen: a buffer opened with a cap below what it
// holds drops the oldest droppable files at once.
func TestLoweredCapHoldsAtOpen(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 1<<20, c)
	for i := 0; i < 20; i++ {
		if _, err := o.Put(envelope(domain.PayloadFacts, t0.Add(time.Duration(i)*time.Second), 1000)); err != nil {
			t.Fatal(err)
		}
	}
	o = open(t, dir, 10<<10, c)
	if n := onDisk(t, dir); n > 10<<10 {
		t.Errorf("%d bytes on disk after opening with a 10 KiB cap", n)
	}
	if g := o.Gaps(); len(g) != 1 || g[0].Reason != domain.GapCap || !g[0].From.Equal(t0) {
		t.Errorf("gaps = %+v, want the oldest facts dropped for the cap", g)
	}
}

// TestQuarantineIsBounded: a stream of refused files keeps only the newest
// in quarantine, and a name quarantined twice keeps both files.
func TestQuarantineIsBounded(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 1<<20, c)
	for i := 0; i < maxQuarantined+20; i++ {
		name, err := o.Put(envelope(domain.PayloadExecutionResult, t0, 300)) // one task: one name
		if err != nil {
			t.Fatal(err)
		}
		c.now = c.now.Add(time.Millisecond)
		o.Quarantine(name, errors.New("refused"))
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "quarantine"))
	if len(entries) != maxQuarantined {
		t.Errorf("%d files in quarantine, want the newest %d", len(entries), maxQuarantined)
	}
}

// TestDropFailureStops: a file that cannot be removed (the file system
// went read-only) makes Put refuse instead of spinning on it.
func TestDropFailureStops(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t0}
	o := open(t, dir, 2<<10, c)
	first, err := o.Put(envelope(domain.PayloadFacts, t0, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Put(envelope(domain.PayloadFacts, t0.Add(time.Second), 1000)); err != nil {
		t.Fatal(err)
	}
	pin(t, filepath.Join(dir, first))
	done := make(chan error, 1)
	go func() {
		_, err := o.Put(envelope(domain.PayloadFacts, t0.Add(2*time.Second), 1000))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrDropped) {
			t.Errorf("put with an undroppable oldest file: %v, want ErrDropped", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Put spun on a file it could not remove")
	}
}

// pin makes a file that nobody, root included, can remove, until the test
// ends: an immutable file, or for others a read-only folder.
func pin(t *testing.T, path string) {
	t.Helper()
	if os.Getuid() == 0 {
		if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
			t.Skipf("chattr +i: %v: %s", err, out)
		}
		t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
		return
	}
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
}

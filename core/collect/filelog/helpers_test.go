package filelog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// deadline is how long a test waits for the tailer to see something. It
// is generous: slow machines and the race detector must not fail a test.
const deadline = 20 * time.Second

// harness runs a Tailer for a test and adds up what it flushes.
type harness struct {
	t      *testing.T
	tailer *Tailer
	levels map[string]map[string]int // by source, then level
	last   map[string]domain.LogSummary
}

// start runs a Tailer of paths until the test ends. Polls are frequent
// unless opts say otherwise.
func start(t *testing.T, paths []string, opts Options) *harness {
	t.Helper()
	if opts.PollInterval == 0 {
		opts.PollInterval = 5 * time.Millisecond
	}
	tl := New(paths, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tl.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &harness{t: t, tailer: tl, levels: map[string]map[string]int{}, last: map[string]domain.LogSummary{}}
}

// flush flushes the tailer and adds the summaries' counts to the totals.
func (h *harness) flush() []domain.LogSummary {
	sums := h.tailer.Flush(time.Now())
	for _, s := range sums {
		if h.levels[s.Source] == nil {
			h.levels[s.Source] = map[string]int{}
		}
		for l, n := range s.Levels {
			h.levels[s.Source][l] += n
		}
		h.last[s.Source] = s
	}
	return sums
}

// count is the number of lines of a level flushed from path so far.
func (h *harness) count(path, level string) int {
	h.flush()
	return h.levels[path][level]
}

// total is the number of lines of all levels flushed from path so far.
func (h *harness) total(path string) int {
	h.flush()
	n := 0
	for _, c := range h.levels[path] {
		n += c
	}
	return n
}

func (h *harness) stats(path string) FileStats {
	return h.tailer.Stats()[path]
}

// waitFor polls cond until it holds, and fails the test at the deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// appendTo appends text to the file at path, creating it if need be.
func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writer opens path for appending as a logging program does, and closes
// it when the test ends.
func writer(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func write(t *testing.T, f *os.File, text string) {
	t.Helper()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// lines returns n lines "<prefix> <i>\n".
func lines(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(prefix)
		b.WriteString(" number ")
		b.WriteString(strings.Repeat("i", i%7+1))
		b.WriteByte('\n')
	}
	return b.String()
}

func logPath(t *testing.T, name string) string {
	return filepath.Join(t.TempDir(), name)
}

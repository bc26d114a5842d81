package filelog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/logsum"
)

// Lines appended after the start are counted; the history is not.
func TestAppendedLinesCounted(t *testing.T) {
	t.Parallel()
	p := logPath(t, "app.log")
	appendTo(t, p, lines("INFO history", 3)+"INFO a line half writ")
	h := start(t, []string{p, p}, Options{})
	waitFor(t, "the file is open", func() bool { return h.stats(p).Open })

	added := "ten\n" + lines("INFO new", 3) + lines("ERROR new", 2)
	appendTo(t, p, added)
	waitFor(t, "5 lines are read", func() bool { return h.stats(p).Lines == 5 })
	if sums := h.flush(); len(sums) != 1 {
		t.Fatalf("%d summaries of one file given twice, want 1", len(sums))
	}
	if got := h.levels[p]; got[logsum.LevelInfo] != 3 || got[logsum.LevelError] != 2 || h.total(p) != 5 {
		t.Errorf("levels = %v, want 3 info and 2 error lines: the history and the end of the half line are not counted", got)
	}
	if st := h.stats(p); st.Bytes != int64(len(added)) || st.LastError != "" {
		t.Errorf("stats = %+v, want %d bytes and no error", st, len(added))
	}
	if sums := h.flush(); len(sums) != 0 {
		t.Errorf("a window without lines gave %v", sums)
	}
}

// A line is counted when its newline comes, not before.
func TestPartialLineWaits(t *testing.T) {
	t.Parallel()
	p := logPath(t, "app.log")
	h := start(t, []string{p}, Options{FromStart: true})
	first := "ERROR first\nINFO part"
	appendTo(t, p, first)
	waitFor(t, "all bytes are read", func() bool { return h.stats(p).Bytes == int64(len(first)) })
	if n := h.stats(p).Lines; n != 1 {
		t.Errorf("%d lines read, want 1: the partial line is not one yet", n)
	}
	if h.count(p, logsum.LevelError) != 1 || h.count(p, logsum.LevelInfo) != 0 {
		t.Errorf("levels = %v, want the error line alone", h.levels[p])
	}

	appendTo(t, p, "ial done\r\n")
	waitFor(t, "the finished line is counted", func() bool { return h.count(p, logsum.LevelInfo) == 1 })
	if got := h.last[p].Templates; len(got) != 1 || got[0].Template != "INFO partial done" {
		t.Errorf("templates = %v, want the whole line", got)
	}
}

// logrotate's create: the file is renamed and a new one created. Nothing
// written to the old file, before or after the rename, nor to the new one
// is lost.
func TestRotationByRename(t *testing.T) {
	t.Parallel()
	p := logPath(t, "app.log")
	h := start(t, []string{p}, Options{FromStart: true})
	w := writer(t, p)
	write(t, w, lines("INFO before", 50))
	waitFor(t, "the first lines are read", func() bool { return h.stats(p).Lines == 50 })

	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	write(t, w, lines("WARN after rename", 10)+"WARN unfinished")
	waitFor(t, "the lines after the rename are read", func() bool { return h.stats(p).Lines == 60 })
	if st := h.stats(p); !st.Open || st.LastError != "" {
		t.Errorf("stats = %+v: a renamed file is followed until a new one takes its path", st)
	}
	w2 := writer(t, p)
	write(t, w2, lines("ERROR new file", 30))
	waitFor(t, "every line is counted", func() bool {
		return h.count(p, logsum.LevelInfo) == 50 && h.count(p, logsum.LevelWarn) == 11 && h.count(p, logsum.LevelError) == 30
	})

	// And once more, the file being removed this time.
	if err := os.Remove(p + ".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	write(t, writer(t, p), lines("DEBUG third file", 7))
	waitFor(t, "the third file is read", func() bool { return h.count(p, logsum.LevelDebug) == 7 })
	if st := h.stats(p); st.Rotations != 2 || st.Truncations != 0 || st.Lines != 98 {
		t.Errorf("stats = %+v, want 2 rotations, 98 lines", st)
	}
	if n := h.total(p); n != 98 {
		t.Errorf("%d lines counted, want 98", n)
	}
}

// logrotate's copytruncate: the file is copied, then truncated in place,
// and the program goes on appending to it. What is written after the
// truncation is read, and the old content is not read again.
func TestCopyTruncate(t *testing.T) {
	t.Parallel()
	p := logPath(t, "app.log")
	h := start(t, []string{p}, Options{FromStart: true})
	w := writer(t, p)
	write(t, w, lines("INFO old content line", 20))
	waitFor(t, "the old content is read", func() bool { return h.stats(p).Lines == 20 })

	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	write(t, w, lines("WARN new", 5)+"ERROR end\n")
	// Lines are read in order, so the last one read means all are.
	waitFor(t, "the last line is counted", func() bool { return h.count(p, logsum.LevelError) == 1 })
	if info, warn := h.count(p, logsum.LevelInfo), h.count(p, logsum.LevelWarn); info != 20 || warn != 5 {
		t.Errorf("%d info and %d warn lines, want 20 and 5", info, warn)
	}
	if st := h.stats(p); st.Truncations != 1 || st.Rotations != 0 {
		t.Errorf("stats = %+v, want 1 truncation", st)
	}
}

// A file that does not exist at the start is waited for, and read from
// its beginning when it comes.
func TestFileCreatedLater(t *testing.T) {
	t.Parallel()
	p := logPath(t, "later.log")
	h := start(t, []string{p}, Options{})
	waitFor(t, "the missing file is reported", func() bool { return strings.Contains(h.stats(p).LastError, "no such file") })
	if h.stats(p).Open {
		t.Error("a missing file is open")
	}

	appendTo(t, p, lines("ERROR hello", 2))
	waitFor(t, "the new file is read", func() bool { return h.count(p, logsum.LevelError) == 2 })
	if st := h.stats(p); !st.Open || st.LastError != "" {
		t.Errorf("stats = %+v, want open with no error", st)
	}
}

// A deleted file does not stop the others, and is read again when it
// comes back.
func TestDeletedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	h := start(t, []string{a, b}, Options{FromStart: true})
	appendTo(t, a, lines("INFO a", 3))
	appendTo(t, b, lines("INFO b", 3))
	waitFor(t, "both files are read", func() bool { return h.total(a) == 3 && h.total(b) == 3 })

	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deleted file is let go", func() bool {
		st := h.stats(a)
		return !st.Open && strings.Contains(st.LastError, "no such file")
	})
	appendTo(t, b, lines("WARN b", 4))
	waitFor(t, "the other file is read", func() bool { return h.count(b, logsum.LevelWarn) == 4 })

	appendTo(t, a, lines("ERROR a again", 2))
	waitFor(t, "the file is read again", func() bool { return h.count(a, logsum.LevelError) == 2 })
	if n := h.total(a); n != 5 {
		t.Errorf("%d lines of a, want 5", n)
	}
}

// A path that cannot be read is reported in its stats and stops none of
// the others.
func TestUnreadablePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notFile, ok := filepath.Join(dir, "a-directory"), filepath.Join(dir, "ok.log")
	if err := os.Mkdir(notFile, 0o755); err != nil {
		t.Fatal(err)
	}
	h := start(t, []string{notFile, ok}, Options{FromStart: true})
	appendTo(t, ok, lines("INFO fine", 2))
	waitFor(t, "the readable file is read", func() bool { return h.total(ok) == 2 })
	waitFor(t, "the directory is reported", func() bool {
		return strings.Contains(h.stats(notFile).LastError, "not a regular file")
	})
}

func TestPermissionDenied(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	dir := t.TempDir()
	locked, ok := filepath.Join(dir, "locked.log"), filepath.Join(dir, "ok.log")
	appendTo(t, locked, lines("INFO history", 2))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	h := start(t, []string{locked, ok}, Options{})
	waitFor(t, "the error is reported", func() bool {
		return strings.Contains(h.stats(locked).LastError, "permission denied")
	})
	appendTo(t, ok, lines("INFO fine", 2))
	waitFor(t, "the readable file is read", func() bool { return h.total(ok) == 2 })

	// Once readable, the file is read from where it was when it could not
	// be: its history stays unread.
	if err := os.Chmod(locked, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the file is open", func() bool { return h.stats(locked).Open })
	appendTo(t, locked, lines("ERROR new", 1))
	waitFor(t, "the new line is read", func() bool { return h.total(locked) == 1 })
	if st := h.stats(locked); st.LastError != "" || h.count(locked, logsum.LevelInfo) != 0 {
		t.Errorf("stats = %+v, levels %v", st, h.levels[locked])
	}
}

// A line longer than MaxLineBytes is cut there, without waiting for its
// newline, and the rest of it is dropped.
func TestLongLineCut(t *testing.T) {
	t.Parallel()
	const max = 100
	p := logPath(t, "app.log")
	h := start(t, []string{p}, Options{FromStart: true, MaxLineBytes: max})
	long := "ERROR " + strings.Repeat("word ", 10000)
	appendTo(t, p, long)
	waitFor(t, "the long line is read", func() bool { return h.stats(p).Bytes == int64(len(long)) })
	if n := h.stats(p).Lines; n != 1 {
		t.Fatalf("%d lines read, want the cut line alone", n)
	}
	h.flush()
	smp := h.last[p].Samples
	if len(smp) != 1 || len(smp[0].Text) > max || !strings.HasPrefix(long, smp[0].Text) || smp[0].Level != logsum.LevelError {
		t.Errorf("samples = %q, want the line cut within %d bytes", smp, max)
	}

	// The rest of the line is dropped; so is the end of a long line that
	// comes whole.
	appendTo(t, p, "end of it\nWARN next\nINFO "+strings.Repeat("long ", 100)+"\nDEBUG last\n")
	waitFor(t, "the last line is counted", func() bool { return h.count(p, logsum.LevelDebug) == 1 })
	if got := h.levels[p]; got[logsum.LevelError] != 1 || got[logsum.LevelWarn] != 1 || got[logsum.LevelInfo] != 1 || h.total(p) != 4 {
		t.Errorf("levels = %v, want one each of error, warn, info, debug", got)
	}
}

func TestRunTwicePanics(t *testing.T) {
	t.Parallel()
	tl := New(nil, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tl.Run(ctx)
	defer func() {
		if recover() == nil {
			t.Error("a second Run did not panic")
		}
	}()
	tl.Run(ctx)
}

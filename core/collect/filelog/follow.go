package filelog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/wingman-dev/wingman/core/logsum"
)

// follower follows one path across rotation and truncation. Its reading
// state belongs to the goroutine in Run; only its stats are shared.
type follower struct {
	path    string
	sum     *logsum.Summarizer // safe for concurrent use: Flush reads it while Run adds
	maxLine int

	// atEnd opens the path at its end: it existed when Run started, and
	// its history is not summarised.
	atEnd bool
	// cur is the file the path names, nil while it names none that can be
	// read.
	cur *reader
	// old is the file the path named before it was rotated or removed. A
	// writer may go on appending to it until it reopens its log, so it is
	// read until a poll finds nothing new in it.
	old *reader

	mu    sync.Mutex
	stats FileStats // guarded by mu
}

// poll reads what is new in the follower's files and feeds its lines to
// the Summarizer, then notes what happened in the stats.
func (f *follower) poll(ctx context.Context, buf []byte) {
	now := time.Now()
	var delta FileStats
	emit := func(line []byte) {
		f.sum.Add(string(line), now)
		delta.Lines++
	}
	read := func(r *reader) (more bool, err error) {
		n, truncated, more, err := r.read(ctx, buf, emit)
		delta.Bytes += n
		if truncated {
			delta.Truncations++
		}
		return more, err
	}

	// The old file first: its lines came before those of the new one.
	if f.old != nil {
		before := delta.Bytes
		more, err := read(f.old)
		if err != nil || !more && delta.Bytes == before {
			f.old.finish(emit)
			f.old.close()
			f.old = nil
		}
	}

	// The path is looked at before the file is read to its end, so that
	// whatever was written to the file before the path moved on is read.
	info, statErr := os.Stat(f.path)
	var pollErr error
	if f.cur != nil {
		more, err := read(f.cur)
		pollErr = err
		switch {
		case more:
			// Rotation waits until the file is read to its end.
		case statErr == nil && !os.SameFile(info, f.cur.info):
			f.retire(emit)
			delta.Rotations++
		case errors.Is(statErr, fs.ErrNotExist) && removed(f.cur.info):
			// Deleted, not renamed: keeping it open would keep its disk
			// space from being freed. A renamed file is followed until a
			// new one takes the path.
			f.retire(emit)
		}
	}
	if f.cur == nil {
		switch {
		case statErr != nil:
			pollErr = fmt.Errorf("filelog: %w", statErr)
		case !info.Mode().IsRegular():
			// A FIFO would block the open, a directory fail every read.
			pollErr = fmt.Errorf("filelog: %s is not a regular file", f.path)
		default:
			f.cur, pollErr = openReader(f.path, f.atEnd, f.maxLine)
			if f.cur != nil {
				_, pollErr = read(f.cur)
			}
		}
	}
	// A file that existed at the start but could not be opened yet keeps
	// its history unread when it can be.
	if f.cur != nil || errors.Is(statErr, fs.ErrNotExist) {
		f.atEnd = false
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats.Open = f.cur != nil
	f.stats.Lines += delta.Lines
	f.stats.Bytes += delta.Bytes
	f.stats.Rotations += delta.Rotations
	f.stats.Truncations += delta.Truncations
	f.stats.LastError = ""
	if pollErr != nil {
		f.stats.LastError = pollErr.Error()
	}
}

// retire makes the current file the old one, to be read until it is
// quiet, and closes the one before it, which was read to its end in this
// poll already.
func (f *follower) retire(emit func([]byte)) {
	if f.old != nil {
		f.old.finish(emit)
		f.old.close()
	}
	f.old, f.cur = f.cur, nil
}

// close closes the files when Run ends.
func (f *follower) close() {
	for _, r := range []*reader{f.old, f.cur} {
		if r != nil {
			r.close()
		}
	}
	f.old, f.cur = nil, nil
	f.mu.Lock()
	f.stats.Open = false
	f.mu.Unlock()
}

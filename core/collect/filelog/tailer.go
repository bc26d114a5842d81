package filelog

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/logsum"
)

// Defaults of Options.
const (
	DefaultPollInterval = time.Second
	DefaultMaxLineBytes = 64 << 10
)

// Options tune a Tailer. Zero fields take their defaults.
type Options struct {
	// PollInterval is the time between two looks at the files: default 1s.
	PollInterval time.Duration
	// FromStart reads the files that exist when Run starts from their
	// beginning. By default they are read from their end, so that a worker
	// that starts up summarises what is written from then on, not the
	// history of its logs. Files that appear later, rotated ones included,
	// are always read from their beginning.
	FromStart bool
	// MaxLineBytes caps a line: default 64 KiB, which is also as much of a
	// line as a Summarizer reads. A longer line is cut there and the rest
	// of it dropped, so that a file without newlines cannot make the
	// Tailer buffer without bound.
	MaxLineBytes int
	// Summary tunes the Summarizer of each file.
	Summary logsum.Options
}

// FileStats tells what a Tailer did with one file, for the worker's health
// report. It holds counts and an error, never log content.
type FileStats struct {
	// Open is whether the file is open and followed.
	Open bool `json:"open"`
	// Lines counts the lines read, cut ones included.
	Lines int64 `json:"lines"`
	// Bytes counts the bytes read, newlines and dropped ends of cut lines
	// included.
	Bytes int64 `json:"bytes"`
	// Rotations counts the times the path came to name another file.
	Rotations int `json:"rotations"`
	// Truncations counts the times the file shrank below what was read.
	Truncations int `json:"truncations"`
	// LastError is why the file could not be read at the last poll (it
	// does not exist, it may not be read), empty if it could.
	LastError string `json:"last_error,omitempty"`
}

// pollBudget caps what one poll reads of one file, so that a huge or
// fast-growing file does not keep the others waiting; the rest is read at
// the next poll.
const pollBudget = 16 << 20

// A Tailer follows a set of log files and summarises each of them with its
// own logsum.Summarizer, the path being the summary's source. Run reads;
// Flush and Stats may be called from other goroutines meanwhile.
type Tailer struct {
	opts    Options
	files   []*follower // one per path, fixed by New
	buf     []byte      // for reading; used by Run alone
	started atomic.Bool // Run has been called
}

// New returns a Tailer of the given paths; nothing is opened before Run.
// A path given twice is followed once, since two followers of one file
// would count each line twice.
func New(paths []string, opts Options) *Tailer {
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	t := &Tailer{opts: opts, buf: make([]byte, 32<<10)}
	seen := map[string]bool{}
	for _, p := range paths {
		p = filepath.Clean(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		t.files = append(t.files, &follower{path: p, sum: logsum.NewSummarizer(p, opts.Summary),
			atEnd: !opts.FromStart, maxLine: opts.MaxLineBytes})
	}
	return t
}

// Run follows the files until ctx ends, looking at each of them every
// PollInterval, and returns with the files closed. A Tailer runs once:
// Run panics if it is called again.
func (t *Tailer) Run(ctx context.Context) {
	if t.started.Swap(true) {
		panic("filelog: Tailer.Run called twice")
	}
	defer func() {
		for _, f := range t.files {
			f.close()
		}
	}()
	tick := time.NewTicker(t.opts.PollInterval)
	defer tick.Stop()
	for {
		for _, f := range t.files {
			if ctx.Err() != nil {
				return
			}
			f.poll(ctx, t.buf)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Flush ends the current window of every file and returns the summaries
// of those that saw a line in it, in the order of the paths, ready for a
// logs envelope (domain.LogsPayload). A line whose newline has not come
// yet waits for a later window.
func (t *Tailer) Flush(now time.Time) []domain.LogSummary {
	var out []domain.LogSummary
	for _, f := range t.files {
		s := f.sum.Flush(now)
		lines := 0
		for _, n := range s.Levels {
			lines += n
		}
		if lines > 0 {
			out = append(out, s)
		}
	}
	return out
}

// Stats returns the stats of every file by path.
func (t *Tailer) Stats() map[string]FileStats {
	out := make(map[string]FileStats, len(t.files))
	for _, f := range t.files {
		f.mu.Lock()
		out[f.path] = f.stats
		f.mu.Unlock()
	}
	return out
}

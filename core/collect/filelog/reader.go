package filelog

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
)

// A reader reads one open file from an offset and splits what it reads
// into lines of at most max bytes.
type reader struct {
	f    *os.File
	info os.FileInfo // of f, as of the last read
	off  int64       // of the next byte to read
	max  int

	// line is the start of a line whose newline has not come yet, at
	// most max bytes.
	line []byte
	// skip drops what is left of a line, up to its newline: the rest of
	// a line that was cut, or of the line a reader started in.
	skip bool
}

// openReader opens path for reading, from its end if atEnd.
func openReader(path string, atEnd bool, max int) (*reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("filelog: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("filelog: %w", err)
	}
	r := &reader{f: f, info: info, max: max}
	if atEnd && info.Size() > 0 {
		r.off = info.Size()
		// Starting in the middle of a line would count its end as a line.
		var last [1]byte
		if _, err := f.ReadAt(last[:], r.off-1); err == nil && last[0] != '\n' {
			r.skip = true
		}
	}
	return r, nil
}

// read reads the file from the offset to its end, or until pollBudget
// bytes are read (more then says so), and passes each line to emit. When
// the file has shrunk below the offset (copytruncate), it starts again at
// the beginning and says so; a truncation followed by more writes than
// were read before it goes unnoticed, as with every tailer that does not
// keep the file's content.
func (r *reader) read(ctx context.Context, buf []byte, emit func([]byte)) (n int64, truncated, more bool, err error) {
	info, err := r.f.Stat()
	if err != nil {
		return 0, false, false, fmt.Errorf("filelog: %w", err)
	}
	r.info = info
	if info.Size() < r.off {
		r.finish(emit)
		r.off, truncated = 0, true
	}
	for n < pollBudget {
		if ctx.Err() != nil {
			return n, truncated, true, nil
		}
		m, err := r.f.ReadAt(buf, r.off)
		r.off += int64(m)
		n += int64(m)
		r.split(buf[:m], emit)
		if err == io.EOF {
			return n, truncated, false, nil
		}
		if err != nil {
			return n, truncated, false, fmt.Errorf("filelog: %w", err)
		}
	}
	return n, truncated, true, nil
}

// split cuts data into lines, passing each to emit without its newline
// (and carriage return), and keeps the start of an unfinished line for
// the next call. A line longer than max is passed on as soon as it is
// longer, cut, and the rest of it dropped.
func (r *reader) split(data []byte, emit func([]byte)) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if r.skip {
			if i < 0 {
				return
			}
			r.skip = false
			data = data[i+1:]
			continue
		}
		end := i
		if i < 0 {
			end = len(data)
		}
		if len(r.line)+end > r.max {
			r.line = append(r.line, data[:r.max-len(r.line)]...)
			emit(cutLine(r.line))
			r.line, r.skip = r.line[:0], true
			continue
		}
		if i < 0 {
			r.line = append(r.line, data...)
			return
		}
		line := data[:i]
		if len(r.line) > 0 {
			r.line = append(r.line, line...)
			line = r.line
		}
		emit(bytes.TrimSuffix(line, []byte("\r")))
		r.line = r.line[:0]
		data = data[i+1:]
	}
}

// finish passes on an unfinished line when the file will not finish it:
// it is rotated away, removed or truncated. The line was written, so it
// counts.
func (r *reader) finish(emit func([]byte)) {
	if len(r.line) > 0 && !r.skip {
		emit(r.line)
	}
	r.line, r.skip = r.line[:0], false
}

func (r *reader) close() {
	// A file opened for reading only has nothing to lose at Close.
	_ = r.f.Close()
}

// cutLine shortens a line cut at the limit back to its last white space,
// as logsum does with long lines: a secret cut in two could slip past the
// patterns that know it whole.
func cutLine(line []byte) []byte {
	i := bytes.LastIndexAny(line, " \t")
	return line[:max(i, 0)]
}

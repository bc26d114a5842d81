// Bounded capture of a skill's stdout and stderr.

package sandbox

// capped keeps the first max bytes written to it and drops the rest, while
// always accepting the write, so that a skill never blocks on a full pipe.
// exec.Cmd writes to it from one goroutine, and it is read after Wait.
type capped struct {
	max     int
	buf     []byte
	dropped bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := max(c.max-len(c.buf), 0)
	if len(p) > room {
		c.buf = append(c.buf, p[:room]...)
		c.dropped = true
	} else {
		c.buf = append(c.buf, p...)
	}
	return len(p), nil
}

// bytes returns what was kept and whether anything was dropped.
func (c *capped) bytes() ([]byte, bool) { return c.buf, c.dropped }

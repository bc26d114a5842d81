package ansible

import (
	"strconv"
	"strings"
	"sync"
)

// recapHeader starts the summary ansible-playbook's default output callback
// prints at the end of a run: one line per host with its counts,
//
//	web1                       : ok=3    changed=1    unreachable=0    failed=0 ...
const recapHeader = "PLAY RECAP"

// A recap is the counts of the PLAY RECAP by host, then by name (ok,
// changed, unreachable, failed, skipped, rescued, ignored).
type recap map[string]map[string]int

// parseRecap reads the last PLAY RECAP in out. It returns nil when there
// is none, and an empty recap when it lists no host.
func parseRecap(out string) recap {
	i := strings.LastIndex(out, recapHeader)
	if i < 0 {
		return nil
	}
	r := recap{}
	lines := strings.Split(out[i:], "\n")[1:]
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			if len(r) > 0 {
				break
			}
			continue
		}
		// " : " rather than ":", for IPv6 hosts.
		host, counts, ok := strings.Cut(line, " : ")
		if !ok {
			break
		}
		c := map[string]int{}
		for _, f := range strings.Fields(counts) {
			k, v, ok := strings.Cut(f, "=")
			n, err := strconv.Atoi(v)
			if !ok || err != nil {
				continue
			}
			c[k] = n
		}
		r[strings.TrimSpace(host)] = c
	}
	return r
}

// tail is an io.Writer keeping the last bytes written to it, so that the
// recap at the end of a long run survives the cap on the output kept for
// people. It is safe for concurrent use.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte // the last max bytes at most; guarded by mu
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

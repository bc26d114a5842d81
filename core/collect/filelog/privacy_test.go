package filelog

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/logsum"
)

// Made-up secrets in the shapes of real ones.
const (
	testJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	testPEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi2t8H4wNz0WqbZ\nx9Vq1bYwZm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFi\nx9Vq1bYw==\n-----END RSA PRIVATE KEY-----"
)

// TestNoRawLineLeaves tails a log full of secrets, written in pieces that
// end in the middle of lines, and looks for every secret and every raw
// line in the JSON of what the Tailer hands out.
func TestNoRawLineLeaves(t *testing.T) {
	t.Parallel()
	const maxLine = 300
	// A line cut at MaxLineBytes in the middle of a token.
	cut := "ERROR upstream said " + strings.Repeat("x ", (maxLine-40)/2) + testJWT + " and more"
	type line struct{ text, level string }
	log := []line{
		{"2026-03-14 09:00:01 INFO user alice.liddell@example.com logged in from 192.168.1.57", logsum.LevelInfo},
		{"2026-03-14 09:00:02 ERROR db: dial postgres://admin:Sup3rS3cret@10.0.0.5:5432/app failed", logsum.LevelError},
		{`{"level":"warn","msg":"retrying","password":"hunter2-pass"}`, logsum.LevelWarn},
		{`time=2026-03-14T09:00:03Z level=ERROR msg="upstream refused" header="Authorization: Bearer ` + testJWT + `"`, logsum.LevelError},
		{"WARN login failed for bob@example.org with password=correct-horse-battery", logsum.LevelWarn},
		{"DEBUG calling api with Authorization: Bearer sk-live-51HxYz0Q", logsum.LevelDebug},
		{"Jan 14 09:00:00 nas sshd[4242]: Failed password for carol from 203.0.113.77 port 5022 ssh2", logsum.LevelUnknown},
		{"INFO token issued: " + testJWT, logsum.LevelInfo},
		{cut, logsum.LevelError},
	}
	for l := range strings.SplitSeq(testPEM, "\n") {
		log = append(log, line{l, logsum.LevelUnknown})
	}
	secrets := []string{"alice", "liddell", "example.com", "192.168.1.57", "Sup3rS3cret", "admin:", "10.0.0.5",
		"hunter2", "bob@", "example.org", "correct-horse", "sk-live", "51HxYz0Q", "203.0.113.77",
		"eyJhbGci", "eyJzdWIi", "SflKxwRJ", "BEGIN RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", "x9Vq1bYw", "END RSA PRIVATE KEY"}

	var text strings.Builder
	want := map[string]int{}
	for range 3 {
		for _, l := range log {
			text.WriteString(l.text + "\n")
			want[l.level]++
		}
	}

	p := logPath(t, "secrets.log")
	w := writer(t, p)
	h := start(t, []string{p}, Options{MaxLineBytes: maxLine, Summary: logsum.Options{Samples: logsum.MaxSamples}})
	waitFor(t, "the file is open", func() bool { return h.stats(p).Open })
	// Pieces of random length, each read before the next is written, so
	// that lines are read in parts.
	r := rand.New(rand.NewPCG(7, 7))
	for rest := text.String(); rest != ""; {
		n := min(1+r.IntN(80), len(rest))
		write(t, w, rest[:n])
		rest = rest[n:]
		written := int64(text.Len() - len(rest))
		waitFor(t, "a piece is read", func() bool { return h.stats(p).Bytes == written })
	}

	sums := h.tailer.Flush(time.Now())
	if len(sums) != 1 {
		t.Fatalf("%d summaries, want 1", len(sums))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // so that nothing hides behind \u003c escapes
	if err := enc.Encode(domain.LogsPayload{Summaries: sums}); err != nil {
		t.Fatal(err)
	}
	if err := enc.Encode(h.tailer.Stats()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the summary holds the secret %q:\n%s", s, out)
		}
	}
	for _, l := range log {
		if strings.Contains(out, l.text) {
			t.Errorf("the summary holds the raw line %q", l.text)
		}
	}
	if got := sums[0].Levels; len(got) != 5 || got[logsum.LevelError] != want[logsum.LevelError] ||
		got[logsum.LevelWarn] != want[logsum.LevelWarn] || got[logsum.LevelInfo] != want[logsum.LevelInfo] ||
		got[logsum.LevelDebug] != want[logsum.LevelDebug] || got[logsum.LevelUnknown] != want[logsum.LevelUnknown] {
		t.Errorf("levels = %v, want %v", got, want)
	}
	for _, s := range []string{"<email>", "<ip>", "<secret>", "logged in from"} {
		if !strings.Contains(out, s) {
			t.Errorf("the summary lacks %q, so it may not say much:\n%s", s, out)
		}
	}
}

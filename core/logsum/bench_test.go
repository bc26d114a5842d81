package logsum

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// mixedLog returns n lines such as a homelab host writes: access logs,
// sshd, slog and JSON services, Docker, the kernel, an occasional secret.
// The same n gives the same lines.
func mixedLog(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	users := []string{"alice", "bob", "carol", "dave"}
	paths := []string{"/", "/api/v1/facts", "/api/v1/plans/42", "/static/app.js", "/login", "/favicon.ico"}
	status := []int{200, 200, 200, 200, 304, 404, 500, 502}
	ip := func() string { return fmt.Sprintf("192.168.%d.%d", r.IntN(4), r.IntN(255)) }
	out := make([]string, n)
	for i := range out {
		switch r.IntN(10) {
		case 0, 1, 2:
			out[i] = fmt.Sprintf(`%s - - [15/Jan/2024:10:%02d:%02d +0000] "GET %s HTTP/1.1" %d %d "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
				ip(), r.IntN(60), r.IntN(60), paths[r.IntN(len(paths))], status[r.IntN(len(status))], r.IntN(50000))
		case 3:
			out[i] = fmt.Sprintf("Jan 15 10:%02d:%02d nas sshd[%d]: Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s",
				r.IntN(60), r.IntN(60), 1000+r.IntN(9000), users[r.IntN(len(users))], ip(), 30000+r.IntN(30000), "x9Vq1bYwZm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFi")
		case 4:
			out[i] = fmt.Sprintf("Jan 15 10:%02d:%02d nas sshd[%d]: Failed password for invalid user %s from %s port %d ssh2",
				r.IntN(60), r.IntN(60), 1000+r.IntN(9000), users[r.IntN(len(users))], ip(), 30000+r.IntN(30000))
		case 5:
			out[i] = fmt.Sprintf(`time=2024-01-15T10:30:%02d.%03dZ level=INFO msg="request served" method=GET path=%s status=200 duration=%dms`,
				r.IntN(60), r.IntN(1000), paths[r.IntN(len(paths))], r.IntN(300))
		case 6:
			out[i] = fmt.Sprintf(`{"time":"2024-01-15T10:30:%02dZ","level":"WARN","msg":"slow query","db":"postgres://app:s3cret@db:5432/app","took_ms":%d}`,
				r.IntN(60), 500+r.IntN(5000))
		case 7:
			out[i] = fmt.Sprintf("time=\"2024-01-15T10:30:%02dZ\" level=error msg=\"login failed\" user=%s@example.com token=%016x",
				r.IntN(60), users[r.IntN(len(users))], r.Uint64())
		case 8:
			out[i] = fmt.Sprintf("<4>[%d.%06d] ata%d: link is slow to respond, please be patient (ready=0)", r.IntN(100000), r.IntN(1000000), 1+r.IntN(4))
		default:
			out[i] = fmt.Sprintf("2024/01/15 10:30:%02d [error] %d#%d: *%d connect() failed (111: Connection refused) while connecting to upstream, client: %s, server: nas.lan",
				r.IntN(60), r.IntN(100), r.IntN(100), r.IntN(100000), ip())
		}
	}
	return out
}

// BenchmarkAdd measures Summarizer.Add, redaction and mining included, on
// a mixed log.
//
//	go test ./core/logsum -run '^$' -bench Add
func BenchmarkAdd(b *testing.B) {
	lines := mixedLog(4096)
	bytes := 0
	for _, l := range lines {
		bytes += len(l)
	}
	s := NewSummarizer("bench", Options{})
	at := time.Unix(1_700_000_000, 0)
	b.SetBytes(int64(bytes / len(lines)))
	for i := 0; b.Loop(); i++ {
		s.Add(lines[i%len(lines)], at)
		if i%len(lines) == len(lines)-1 {
			s.Flush(at)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkRedact measures Redact alone on the same log.
func BenchmarkRedact(b *testing.B) {
	lines := mixedLog(4096)
	for i := 0; b.Loop(); i++ {
		Redact(lines[i%len(lines)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

package logsum

import "testing"

func TestLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line, want string
	}{
		// Plain upper-case words, as most text loggers write them.
		{"2024-01-15 10:30:00,123 ERROR [main] c.e.App - database is down", LevelError},
		{"2024-01-15T10:30:00Z WARN disk /data is 91% full", LevelWarn},
		{"2024-01-15T10:30:00.000Z\tINFO\tserver/http.go:42\tlistening", LevelInfo},
		{"10:30:00 DEBUG cache miss for key users", LevelDebug},
		{"2024-01-15 10:30:00 FATAL cannot bind :80", LevelError},
		{"WARNING:root:retrying in 5s", LevelWarn},
		{"SEVERE: Servlet.service() threw exception", LevelError},
		{"2024-01-15 10:30:00 TRACE entering handler", LevelDebug},
		// logfmt, Go's log/slog and other keyed levels.
		{`time=2024-01-15T10:30:00.000Z level=WARN msg="slow query" duration=1.5s`, LevelWarn},
		{`time=2024-01-15T10:30:00.000Z level=ERROR+2 msg="worse than error"`, LevelError},
		{`time="2024-01-15T10:30:00Z" level=error msg="pull failed" image=nginx`, LevelError},
		{`ts=2024-01-15T10:30:00Z lvl=dbg caller=main.go:12 msg=tick`, LevelDebug},
		{`{"time":"2024-01-15T10:30:00Z","level":"INFO","msg":"started","port":8470}`, LevelInfo},
		{`{"level":"warn","ts":1705314600.1,"msg":"ERROR budget nearly spent"}`, LevelWarn},
		{`{"severity": "ERROR", "message": "upstream timed out"}`, LevelError},
		{`{"PRIORITY":"3","MESSAGE":"unit failed"}`, LevelError},
		{`{"PRIORITY":"6","MESSAGE":"unit started"}`, LevelInfo},
		{`level=info msg="compression level=9 chosen"`, LevelInfo},
		// Brackets: nginx and Apache error logs, logrus, Serilog, one letter.
		{"2024/01/15 10:30:00 [error] 1234#1234: *5 connect() failed (111: Connection refused) while connecting to upstream", LevelError},
		{"2024/01/15 10:30:00 [warn] 1234#1234: an upstream response is buffered to a temporary file", LevelWarn},
		{"2024/01/15 10:30:00 [notice] 1#1: start worker processes", LevelInfo},
		{"[Mon Jan 15 10:30:00.123456 2024] [proxy:error] [pid 1234:tid 5678] AH00898: Error reading from remote server", LevelError},
		{"[Mon Jan 15 10:30:00.123456 2024] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.58 configured", LevelInfo},
		{"[Mon Jan 15 10:30:00 2024] [warn] RSA server certificate CommonName does not match", LevelWarn},
		{"[W] 2024-01-15 10:30:00 low memory", LevelWarn},
		{"[E 240115 10:30:00] something", LevelUnknown},
		{"[10:30:00 ERR] Request failed", LevelError},
		{"[10:30:00 INF] Request finished in 12ms", LevelInfo},
		{"[ WARN ] legacy option used", LevelWarn},
		{"ERRO[0000] failed to create shim task", LevelError},
		{"INFO[0042] Loading containers: done.", LevelInfo},
		// syslog priorities and klog.
		{"<3>Jan 15 10:30:00 nas kernel: I/O error, dev sda, sector 1234", LevelError},
		{"<4>ata1: link is slow to respond", LevelWarn},
		{"<134>Jan 15 10:30:00 router dnsmasq[412]: query A example.com", LevelInfo},
		{"<15>debug line", LevelDebug},
		{"E0115 10:30:00.123456       1 reflector.go:138] failed to watch *v1.Pod", LevelError},
		{"W0115 10:30:00.123456       1 warnings.go:70] deprecated API", LevelWarn},
		{"I0115 10:30:00.123456       1 server.go:42] serving", LevelInfo},
		// Prose.
		{"error: failed to push some refs", LevelError},
		{"Jan 15 10:30:00 nas sshd[123]: error: maximum authentication attempts exceeded", LevelError},
		{"Warning: Permanently added 'host' to the list of known hosts.", LevelWarn},
		{"panic: runtime error: index out of range [3] with length 3", LevelError},
		{"Error connecting to database", LevelError},
		{"Traceback (most recent call last):", LevelError},
		{"the job finished with no error", LevelUnknown},
		// Access logs.
		{`203.0.113.9 - - [15/Jan/2024:10:30:00 +0000] "GET /api HTTP/1.1" 502 157 "-" "curl/8.1"`, LevelError},
		{`203.0.113.9 - - [15/Jan/2024:10:30:00 +0000] "GET /nope HTTP/2.0" 404 0 "-" "Mozilla/5.0"`, LevelWarn},
		{`203.0.113.9 - - [15/Jan/2024:10:30:00 +0000] "GET /ERROR HTTP/1.1" 200 42 "-" "Mozilla/5.0"`, LevelInfo},
		// Nothing to go by.
		{"Jan 15 10:30:00 nas systemd[1]: Started Daily apt download activities.", LevelUnknown},
		{"", LevelUnknown},
		{"<>", LevelUnknown},
	}
	for _, tt := range tests {
		if got := Level(tt.line); got != tt.want {
			t.Errorf("Level(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

package e2e

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store/sqlite"
)

// secretLog is what a careless service writes. Every value in secrets
// must stay at the site.
var secrets = []string{
	"hunter2-Sup3rS3cret", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl",
	"alice@example.com", "203.0.113.77", "AKIAIOSFODNN7EXAMPLE", "wm_abcdefghijklmnopqrstuvwxyz234567",
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
}

var secretLog = []string{
	`2026-11-25T10:00:00Z ERROR login failed for alice@example.com from 203.0.113.77 password=hunter2-Sup3rS3cret`,
	`2026-11-25T10:00:01Z INFO GET /api with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl`,
	`2026-11-25T10:00:02Z WARN aws key AKIAIOSFODNN7EXAMPLE used by backup job`,
	`2026-11-25T10:00:03Z INFO token=wm_abcdefghijklmnopqrstuvwxyz234567 accepted`,
	`-----BEGIN PRIVATE KEY-----`,
	`MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7`,
	`-----END PRIVATE KEY-----`,
	`2026-11-25T10:00:04Z ERROR disk /dev/sda1 is 97% full`,
}

// TestLogSummariesKeepSecretsAtTheSite runs the real wingworker on a log
// full of secrets and checks that what reached the control plane (its
// database, files and all) holds summaries, and no secret and no raw line.
func TestLogSummariesKeepSecretsAtTheSite(t *testing.T) {
	d := startDaemon(t)
	var worker struct{ Token string }
	d.mustJSON(d.adminToken(), &worker, "workers", "add", "logs", "--site", "Site A")
	logFile := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(logFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	newWorkerProc(t, d, d.url, "logs", worker.Token, "ENABLE_FILE_LOGS=true", "WORKER_LOG_FILES="+logFile)
	waitWorker(t, d, "logs")
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range secretLog {
		if _, err := f.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()

	db, err := sql.Open("sqlite", "file:"+filepath.Join(d.dataDir, sqlite.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		stored = stored[:0]
		rows, err := db.Query(`SELECT summary FROM log_summaries WHERE worker_id = 'logs'`)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			var sum domain.LogSummary
			if err := json.Unmarshal([]byte(s), &sum); err != nil {
				t.Fatal(err)
			}
			for _, n := range sum.Levels {
				total += n
			}
			stored = append(stored, s)
		}
		rows.Close()
		if total >= len(secretLog) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("summaries of %d lines after 30s, want %d: %v", total, len(secretLog), stored)
		}
	}
	all := strings.Join(stored, "\n")
	if !strings.Contains(all, `"error":`) {
		t.Fatalf("summaries hold no level counts: %s", all)
	}
	// Everything the control plane wrote to disk, not only the table.
	for _, name := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
		raw, _ := os.ReadFile(filepath.Join(d.dataDir, name))
		all += string(raw)
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("secret %q reached the control plane", s)
		}
	}
	// A sample is a redacted line, so a line with nothing to redact may
	// arrive as it was; a line that held a secret never may.
	for _, line := range secretLog {
		for _, s := range secrets {
			if strings.Contains(line, s) && strings.Contains(all, line) {
				t.Errorf("raw line %q reached the control plane", line)
			}
		}
	}
}

// waitWorker waits until a worker has reported healthy.
func waitWorker(t testing.TB, d *daemon, id string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var workers []domain.Worker
		d.mustJSON(d.adminToken(), &workers, "workers", "list")
		for _, w := range workers {
			if w.ID == id && w.Health == domain.WorkerHealthy {
				return
			}
		}
	}
	t.Fatalf("worker %s did not report within 30s", id)
}

// A large fact history for benchmarks, loaded in one statement.

package dashtest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// historySelect makes row n of a month of history ending at Now, shaped
// like a homelab's: twenty workers at four sites; most rows are host
// metrics changing on every collection (status unchanged), the rest
// containers, one in five of their rows a stop or a restart.
func historySelect(n, nowMS string) string {
	r := strings.NewReplacer("{n}", n, "{now}", nowMS)
	return r.Replace(`SELECT 'w-' || ({n} % 20),
  CASE WHEN {n} % 10 < 8 THEN 'host' ELSE 'container' END,
  CASE WHEN {n} % 10 < 8 THEN 'host-' || ({n} % 20) ELSE 'ctr-' || ({n} % 200) END,
  'Site ' || ({n} % 4),
  CASE WHEN {n} % 10 >= 8 AND ({n} / 10) % 10 = 0 THEN 'exited' ELSE CASE WHEN {n} % 10 < 8 THEN 'up' ELSE 'running' END END,
  CASE WHEN {n} % 10 >= 8 AND ({n} / 10) % 10 = 1 THEN 'exited' ELSE CASE WHEN {n} % 10 < 8 THEN 'up' ELSE 'running' END END,
  '{"cpu_percent": 12.5, "mem_used_bytes": 2147483648, "load1": 0.42}',
  {now} - {n} * 2592`)
}

const historyInsert = `INSERT INTO fact_history (worker_id, type, name, site_name, status, prev_status, attrs, observed_at) `

// SeedHistory adds rows rows of fact history (the month before Now) to s
// in one statement, as a bulk load rather than through the store: a
// million rows through ApplyFacts would take minutes. On PostgreSQL it
// then does what autovacuum would after such a load.
func SeedHistory(tb testing.TB, s Store, rows int) {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	now, n := strconv.FormatInt(Now.UnixMilli(), 10), strconv.Itoa(rows)
	var q string
	if s.Name == "postgres" {
		q = historyInsert + historySelect("n", now) + " FROM generate_series(CAST(1 AS BIGINT), " + n + ") AS n"
	} else {
		q = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < " + n + ") " +
			historyInsert + historySelect("n", now) + " FROM seq"
	}
	if _, err := s.Raw.ExecContext(ctx, q); err != nil {
		tb.Fatalf("seed history: %v", err)
	}
	if s.Name == "postgres" {
		// Statistics for the planner, and the visibility map that lets
		// index-only scans skip the table.
		if _, err := s.Raw.ExecContext(ctx, "VACUUM ANALYZE fact_history"); err != nil {
			tb.Fatalf("seed history: %v", err)
		}
	}
	tb.Logf("%s: %d history rows seeded in %v", s.Name, rows, time.Since(start).Round(time.Millisecond))
}

package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // to tamper with the audit log as an attacker would

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

const policyYAML = `
defaults:
  expire_after: 1h
rules:
  - target: "db-*"
    approvals: 2
  - target: "short-*"
    expire_after: 1s
`

// approveScript is how a cron job approves: no terminal, no stdin, and
// the exit code printed for the test to read.
const approveScript = `#!/bin/sh
wingctl approve "$1" --comment "from cron" $2 </dev/null >/dev/null 2>"$TMPDIR/err"
echo "$?"
`

func crashEnvelope(worker, name string) domain.Envelope {
	payload, _ := json.Marshal(domain.FactsPayload{Facts: []domain.WireFact{{Type: "container", Name: name, Status: "exited",
		Attrs: map[string]any{"image": "nginx:1.25", "exit_code": 137, "restart_count": 0}}}})
	return domain.Envelope{WorkerID: worker, SiteName: "Site A", Timestamp: time.Now().UTC(),
		PayloadType: domain.PayloadFacts, Payload: payload}
}

// TestApproveFromAScript is the end-to-end path on both stores:
// tokens made with the real wingctl, a crashed container posted through
// /api/v1/ingest, the incident and its plan seen, approvals from a shell
// script with every exit code checked, and the audit chain verified and
// then caught after a row is edited in the database.
func TestApproveFromAScript(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"--policy", writePolicy(t, policyYAML)}
			dbURL := ""
			if kind == "postgres" {
				dbURL = storetest.PostgresURL(t)
				args = append(args, "--database-url", dbURL)
			}
			d := startDaemon(t, args...)
			admin := d.adminToken()

			var op1, op2, viewer, worker struct{ Token string }
			d.mustJSON(admin, &op1, "tokens", "create", "--role", "operator", "--name", "olive")
			d.mustJSON(admin, &op2, "tokens", "create", "--role", "operator", "--name", "oscar")
			d.mustJSON(admin, &viewer, "tokens", "create", "--role", "viewer", "--name", "vera")
			d.mustJSON(admin, &worker, "workers", "add", "site-a-docker", "--site", "Site A")
			for _, tok := range []string{op1.Token, op2.Token, viewer.Token, worker.Token} {
				if !strings.HasPrefix(tok, "wm") {
					t.Fatalf("token %q has no wm prefix", tok)
				}
			}

			for _, name := range []string{"web", "db-main", "short-job", "batch"} {
				d.ingest(worker.Token, crashEnvelope("site-a-docker", name))
			}
			var incidents []domain.Incident
			d.mustJSON(viewer.Token, &incidents, "incidents", "list", "--state", "open")
			plans := map[string]string{}
			for _, in := range incidents {
				if in.PlanID == "" || in.Kind != "container_exited" {
					t.Fatalf("incident %+v: want a container_exited incident with a plan", in)
				}
				plans[in.Target] = in.PlanID
			}
			if len(plans) != 4 {
				t.Fatalf("plans by target = %v, want 4", plans)
			}
			var web domain.Plan
			d.mustJSON(viewer.Token, &web, "plans", "show", plans["web"])
			if a := web.Actions[0]; a.Plugin != "docker" || a.Action != "restart" || a.Worker != "site-a-docker" || web.Rationale == "" {
				t.Fatalf("proposed plan = %+v", web)
			}

			script := filepath.Join(dir, "approve.sh")
			if err := os.WriteFile(script, []byte(approveScript), 0o755); err != nil {
				t.Fatal(err)
			}
			approve := func(token, plan, extra string) int {
				t.Helper()
				cmd := exec.Command("sh", script, plan, extra)
				cmd.Env = append(cleanEnv(d.home), "PATH="+bin+":"+os.Getenv("PATH"), "TMPDIR="+dir,
					"WINGMAN_SERVER="+d.url, "WINGMAN_TOKEN="+token)
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("script: %v", err)
				}
				code, err := strconv.Atoi(strings.TrimSpace(string(out)))
				if err != nil {
					t.Fatalf("script printed %q", out)
				}
				return code
			}
			lastErr := func() string {
				b, _ := os.ReadFile(filepath.Join(dir, "err"))
				return string(b)
			}
			steps := []struct {
				name        string
				token, plan string
				extra       string
				want        int
				stderr      string
			}{
				{"wrong role", viewer.Token, plans["web"], "", 5, "needs the operator role"},
				{"forged token", "wm_notarealtoken", plans["web"], "", 6, "unknown token"},
				{"second approval needed", op1.Token, plans["db-main"], "", 3, "needs 1 more approval"},
				{"same person again", op1.Token, plans["db-main"], "", 7, "distinct people"},
				{"second person approves", op2.Token, plans["db-main"], "", 0, ""},
				{"already decided", op2.Token, plans["db-main"], "", 8, "already"},
				{"unknown plan", op1.Token, "pl-zzzz", "", 4, "no plan has this id"},
			}
			for _, s := range steps {
				if got := approve(s.token, s.plan, s.extra); got != s.want || !strings.Contains(lastErr(), s.stderr) {
					t.Errorf("%s: exit %d (stderr %q), want %d and %q", s.name, got, lastErr(), s.want, s.stderr)
				}
			}
			time.Sleep(1100 * time.Millisecond) // short-job's plan expires after 1s
			if got := approve(op1.Token, plans["short-job"], ""); got != 8 || !strings.Contains(lastErr(), "expired") {
				t.Errorf("expired: exit %d (%q), want 8", got, lastErr())
			}

			// db-main was approved above: its task is first in the queue.
			if task := d.nextTask(worker.Token); task.Target != "db-main" {
				t.Fatalf("first task = %+v, want db-main's", task)
			} else {
				d.report(worker.Token, task.TaskID, domain.TaskSucceeded)
			}

			// --wait blocks until the worker reports; this test is the worker.
			for _, c := range []struct {
				target string
				status domain.TaskStatus
				want   int
			}{{"web", domain.TaskSucceeded, 0}, {"batch", domain.TaskFailed, 10}} {
				done := make(chan int, 1)
				go func() { done <- approve(op1.Token, plans[c.target], "--wait") }()
				task := d.nextTask(worker.Token)
				if task.PlanID != plans[c.target] || task.Target != c.target {
					t.Fatalf("task = %+v, want the plan of %s", task, c.target)
				}
				d.report(worker.Token, task.TaskID, c.status)
				select {
				case got := <-done:
					if got != c.want {
						t.Errorf("approve --wait of %s (%s): exit %d (%q), want %d", c.target, c.status, got, lastErr(), c.want)
					}
				case <-time.After(30 * time.Second):
					t.Fatalf("approve --wait did not return")
				}
			}

			// The audit log names the approvers, and its chain holds.
			var page domain.AuditPage
			d.mustJSON(viewer.Token, &page, "audit", "list")
			approvers := map[string]bool{}
			for _, ev := range page.Events {
				if ev.Action == "plan.approve" && ev.Outcome == domain.OutcomeOK {
					approvers[ev.ActorName] = true
				}
			}
			if !approvers["olive"] || !approvers["oscar"] {
				t.Errorf("audit approvers = %v, want olive and oscar", approvers)
			}
			if r := d.wingctl(viewer.Token, "audit", "verify"); r.code != 0 || !strings.Contains(r.stdout, "intact") {
				t.Fatalf("audit verify on an intact log: exit %d %q %q", r.code, r.stdout, r.stderr)
			}
			d.stop()
			tamper(t, kind, d.dataDir, dbURL)
			d.start()
			r := d.wingctl(viewer.Token, "audit", "verify")
			if r.code != 1 || !strings.Contains(r.stderr, "at event 3") {
				t.Fatalf("audit verify after tampering: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
			}

			// Server down.
			d.stop()
			if got := approve(op1.Token, plans["web"], ""); got != 9 || !strings.Contains(lastErr(), "unreachable") {
				t.Errorf("server down: exit %d (%q), want 9", got, lastErr())
			}
		})
	}
}

// tamper edits audit event 3 straight in the database, dropping the
// append-only trigger first, as someone with database access could.
func tamper(t *testing.T, kind, dataDir, url string) {
	t.Helper()
	driver, dsn, drops := "sqlite", filepath.Join(dataDir, sqlite.FileName),
		[]string{`DROP TRIGGER audit_log_no_update`}
	if kind == "postgres" {
		driver, dsn, drops = "pgx", url, []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, q := range append(drops, `UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3`) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

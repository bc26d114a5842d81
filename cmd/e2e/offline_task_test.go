package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins/docker/dockertest"
)

// TestOfflineTaskRunsDuringOutage: a restart approved before the control
// plane goes away is handed to the worker, which runs it while the control
// plane is down, keeps the result in execution-result-<task>.json, and
// delivers it when the control plane is back: started once, finished once.
func TestOfflineTaskRunsDuringOutage(t *testing.T) {
	dockertest.Require(t)
	d := startDaemon(t)
	admin := d.adminToken()
	var op, wk struct{ Token string }
	d.mustJSON(admin, &op, "tokens", "create", "--role", "operator", "--name", "olive")
	d.mustJSON(admin, &wk, "workers", "add", "site-a-docker", "--site", "Site A")
	l := newLink(t, d.url)
	w := newWorkerProc(t, d, l.url(), "site-a-docker", wk.Token, "ENABLE_DOCKER=true")
	name := dockertest.Run(t, "--restart", "on-failure:2", dockertest.Image, "sh", "-c", crashThenRun)

	var planID string
	waitFor(t, 60*time.Second, "a plan to restart "+name, func() bool {
		var incs []domain.Incident
		d.mustJSON(op.Token, &incs, "incidents", "list", "--state", "open")
		for _, in := range incs {
			if in.Target == name && in.PlanID != "" && dockertest.Docker(t, "inspect", "-f", "{{.State.Status}}", name) == "exited" {
				planID = in.PlanID
			}
		}
		return planID != ""
	})

	// The worker takes the task, and at that moment loses the control
	// plane, which then dies.
	l.cutAfterNextTask()
	approvedAt := time.Now().UTC()
	if r := d.wingctl(op.Token, "approve", planID); r.code != 0 {
		t.Fatalf("approve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	waitFor(t, 30*time.Second, "the task handed out", l.isDown)
	d.kill()
	var result string
	waitFor(t, 60*time.Second, "the result in the offline buffer", func() bool {
		for _, f := range w.waiting() {
			if strings.HasPrefix(f, "execution-result-") {
				result = f
			}
		}
		return result != ""
	})
	if state := dockertest.Docker(t, "inspect", "-f", "{{.State.Status}}", name); state != "running" {
		t.Fatalf("container during the outage: %s, want running (the restart ran offline)", state)
	}

	d.start()
	l.setDown(false)
	var p domain.Plan
	waitFor(t, 60*time.Second, "the plan finished", func() bool {
		d.mustJSON(op.Token, &p, "plans", "show", planID)
		return p.Status.Finished()
	})
	if p.Status != domain.PlanSucceeded || len(p.Tasks) != 1 || p.Tasks[0].Attempts != 1 ||
		result != "execution-result-"+p.Tasks[0].ID+".json" {
		t.Fatalf("plan %s: %+v; result file %s", p.Status, p.Tasks, result)
	}
	waitFor(t, 30*time.Second, "the result file deleted", func() bool {
		for _, f := range w.waiting() {
			if f == result {
				return false
			}
		}
		return true
	})
	var page domain.AuditPage
	d.mustJSON(op.Token, &page, "audit", "list", "--limit", "1000")
	counts := map[string]int{}
	for _, ev := range page.Events {
		if ev.Subject == p.Tasks[0].ID {
			counts[ev.Action]++
		}
	}
	if counts["task.start"] != 1 || counts["task.finish"] != 1 || counts["task.retry"] != 0 {
		t.Errorf("audit of the task: %v; want one start and one finish", counts)
	}
	started := dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name)
	if at, err := time.Parse(time.RFC3339Nano, started); err != nil || at.Before(approvedAt.Add(-time.Second)) {
		t.Errorf("container started %s, before the approval at %s", started, approvedAt)
	}
}

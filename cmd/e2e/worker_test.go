package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins/docker/dockertest"
)

// crashThenRun fails its first three runs (Docker restarts it twice on
// failure, then gives up) and runs steadily from the fourth: the restart a
// person approves is what brings it back.
const crashThenRun = `n=$(cat /count 2>/dev/null || echo 0); n=$((n+1)); echo $n > /count; ` +
	`if [ $n -le 3 ]; then echo "crash $n"; exit 3; fi; exec sleep 3600`

// TestWorkerRestartsACrashedContainer is the worker issue's end-to-end
// path: a real container crashes in a loop, the real wingworker reports
// it, wingmand proposes a restart, an operator approves it with
// `wingctl approve --wait`, and the Docker API shows the container running.
func TestWorkerRestartsACrashedContainer(t *testing.T) {
	dockertest.Require(t)
	d := startDaemon(t)
	admin := d.adminToken()
	var op, worker struct{ Token string }
	d.mustJSON(admin, &op, "tokens", "create", "--role", "operator", "--name", "olive")
	d.mustJSON(admin, &worker, "workers", "add", "site-a-docker", "--site", "Site A")
	newWorkerProc(t, d, d.url, "site-a-docker", worker.Token, "ENABLE_DOCKER=true")

	name := dockertest.Run(t, "--restart", "on-failure:2", dockertest.Image, "sh", "-c", crashThenRun)

	var planID string
	deadline := time.Now().Add(60 * time.Second)
	for planID == "" && time.Now().Before(deadline) {
		var incs []domain.Incident
		d.mustJSON(op.Token, &incs, "incidents", "list", "--state", "open")
		for _, in := range incs {
			if in.Target == name && in.PlanID != "" && dockertest.Docker(t, "inspect", "-f", "{{.State.Status}}", name) == "exited" {
				planID = in.PlanID
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	if planID == "" {
		t.Fatalf("no incident with a plan for %s within 60s; state %s", name, dockertest.Docker(t, "inspect", "-f", "{{json .State}}", name))
	}
	var workers []domain.Worker
	d.mustJSON(op.Token, &workers, "workers", "list")
	if len(workers) != 1 || workers[0].Health != domain.WorkerHealthy || workers[0].LastSeenAt == nil ||
		!contains(workers[0].Capabilities, "docker.restart") {
		t.Fatalf("workers = %+v, want site-a-docker healthy with docker.restart", workers)
	}

	approvedAt := time.Now().UTC()
	r := d.wingctl(op.Token, "approve", planID, "--wait", "--timeout", "60s", "-o", "json")
	if r.code != 0 {
		t.Fatalf("approve --wait: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if state := dockertest.Docker(t, "inspect", "-f", "{{.State.Status}} {{.State.StartedAt}}", name); !strings.HasPrefix(state, "running ") {
		t.Fatalf("container after the approved restart: %s", state)
	} else if started, err := time.Parse(time.RFC3339Nano, strings.Fields(state)[1]); err != nil || started.Before(approvedAt.Add(-time.Second)) {
		t.Fatalf("container was not restarted after the approval (started %s, approved %s)", state, approvedAt)
	}

	var page domain.AuditPage
	d.mustJSON(op.Token, &page, "audit", "list")
	var approved, finished bool
	for _, ev := range page.Events {
		approved = approved || ev.Action == "plan.approve" && ev.ActorName == "olive" && ev.Subject == planID
		finished = finished || ev.Action == "task.finish" && ev.ActorName == "site-a-docker" && ev.Detail["status"] == "succeeded"
	}
	if !approved || !finished {
		t.Fatalf("audit log lacks the approval by olive (%v) or the worker's result (%v)", approved, finished)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestLocalWorker is the quickstart: `wingmand --local-worker` runs the
// control plane and a worker for this machine in one process. The worker's
// heartbeat says how it confines skills, whatever this kernel offers.
func TestLocalWorker(t *testing.T) {
	d := startDaemon(t, "--local-worker")
	admin := d.adminToken()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var workers []domain.Worker
		var facts []domain.Fact
		d.mustJSON(admin, &workers, "workers", "list")
		d.mustJSON(admin, &facts, "facts", "list", "--type", "host")
		if len(workers) == 1 && workers[0].ID == "local" && workers[0].Health == domain.WorkerHealthy &&
			contains(workers[0].Capabilities, "collect.host") && len(facts) == 1 && facts[0].WorkerID == "local" &&
			workers[0].Sandbox != nil && workers[0].Sandbox.Mode != domain.SandboxUnknown {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("local worker not reporting after 30s: workers %+v, host facts %+v\n%s", workers, facts, d.log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestWorkerRefusesWhatItCannotDo: a worker without Docker is sent a
// docker restart; it refuses, says why, and the plan fails.
func TestWorkerRefusesWhatItCannotDo(t *testing.T) {
	d := startDaemon(t)
	admin := d.adminToken()
	var op, worker struct{ Token string }
	d.mustJSON(admin, &op, "tokens", "create", "--role", "operator", "--name", "olive")
	d.mustJSON(admin, &worker, "workers", "add", "nodocker", "--site", "Site A")
	newWorkerProc(t, d, d.url, "nodocker", worker.Token)
	waitWorker(t, d, "nodocker")
	d.ingest(worker.Token, crashEnvelope("nodocker", "web"))
	var incs []domain.Incident
	d.mustJSON(op.Token, &incs, "incidents", "list", "--state", "open")
	if len(incs) != 1 || incs[0].PlanID == "" {
		t.Fatalf("incidents = %+v", incs)
	}
	if r := d.wingctl(op.Token, "approve", incs[0].PlanID, "--wait", "--timeout", "60s"); r.code != 10 {
		t.Fatalf("approve --wait: exit %d, want 10 (the task failed)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var p domain.Plan
	d.mustJSON(op.Token, &p, "plans", "show", incs[0].PlanID)
	if p.Status != domain.PlanFailed || len(p.Tasks) != 1 || !strings.Contains(p.Tasks[0].Error, "refused by worker: this worker has no docker.restart") {
		t.Fatalf("plan = %s, tasks %+v", p.Status, p.Tasks)
	}
}

// TestShutdownWithWaitingWorker: SIGTERM while a worker's long poll waits
// ends the poll at once and wingmand exits cleanly (stop fails the test
// on a non-zero exit or a hang).
func TestShutdownWithWaitingWorker(t *testing.T) {
	d := startDaemon(t)
	var worker struct{ Token string }
	d.mustJSON(d.adminToken(), &worker, "workers", "add", "w1", "--site", "Site A")
	polled := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("GET", d.url+"/api/v1/worker/tasks?wait=60s", nil)
		req.Header.Set("Authorization", "Bearer "+worker.Token)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		polled <- err
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	d.stop()
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("shutdown took %s with a long poll waiting", took)
	}
	select {
	case <-polled:
	case <-time.After(5 * time.Second):
		t.Fatal("the long poll was still open after shutdown")
	}
}

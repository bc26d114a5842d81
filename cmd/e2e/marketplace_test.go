package e2e

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins/docker/dockertest"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

// skillsPolicy lets one person approve a restart, reversible or not, so
// that the test needs one approver besides the plan's author.
const skillsPolicy = `
defaults:
  approvals: 1
  irreversible_approvals: 1
`

// TestMarketplaceEndToEnd is the marketplace against a local registry:
// search, install (and the refusals), list, a verified skill's action
// proposed in a plan that goes through approval to the real wingworker,
// which runs the skill in the sandbox and restarts a real container
// through the broker; then update, a refused rollback, and remove.
func TestMarketplaceEndToEnd(t *testing.T) {
	dockertest.Require(t)
	reg := skilltest.Serve(t)
	d := &daemon{t: t, dataDir: t.TempDir(), home: t.TempDir(), env: []string{
		"MARKETPLACE_ENABLED=true", "MARKETPLACE_REPO=" + reg.URL, "MARKETPLACE_KEYS=" + skilltest.Keyring()}}
	addr := freePort(t)
	d.url = "http://" + addr
	d.args = []string{"serve", "--listen", addr, "--data-dir", d.dataDir, "--policy", writePolicy(t, skillsPolicy)}
	d.start()
	t.Cleanup(d.stop)
	admin := d.adminToken()
	var olive, oscar, worker struct{ Token string }
	d.mustJSON(admin, &olive, "tokens", "create", "--role", "operator", "--name", "olive")
	d.mustJSON(admin, &oscar, "tokens", "create", "--role", "operator", "--name", "oscar")
	d.mustJSON(admin, &worker, "workers", "add", "site-a", "--site", "Site A")

	// Search and info.
	var found []domain.MarketplaceSkill
	d.mustJSON(olive.Token, &found, "plugins", "search", "restart")
	if i := slices.IndexFunc(found, func(s domain.MarketplaceSkill) bool { return s.ID == "container-restart" }); i < 0 || !found[i].Signed {
		t.Fatalf("search = %+v", found)
	}
	if r := d.wingctl(olive.Token, "plugins", "info", "container-restart"); r.code != 0 || !strings.Contains(r.stdout, "# container-restart") {
		t.Fatalf("info: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// Install: an operator may not; the admin may; what fails a check is refused.
	if r := d.wingctl(olive.Token, "plugins", "install", "container-restart"); r.code != 5 {
		t.Fatalf("install by an operator: exit %d %q", r.code, r.stderr)
	}
	var in domain.InstalledSkill
	d.mustJSON(admin, &in, "plugins", "install", "container-restart")
	if in.TrustLevel != domain.SkillVerified || in.Version != "1.0.0" || in.Signer == "" {
		t.Fatalf("installed %+v", in)
	}
	d.mustJSON(admin, &in, "plugins", "install", "docker-inventory")
	if in.TrustLevel != domain.SkillSandboxed {
		t.Fatalf("installed %+v", in)
	}
	for id, want := range map[string]string{"claims-trusted": "claims trust_level: trusted", "tampered-restart": "skill.py changed",
		"revoked-signer": "revocation list"} {
		if r := d.wingctl(admin, "plugins", "install", id); r.code != 7 || !strings.Contains(r.stderr, want) {
			t.Errorf("install %s: exit %d %q, want 7 and %q", id, r.code, r.stderr, want)
		}
	}
	var list []domain.InstalledSkill
	d.mustJSON(olive.Token, &list, "plugins", "list")
	if len(list) != 2 {
		t.Fatalf("list = %+v", list)
	}
	if r := d.wingctl(olive.Token, "plugins", "verify"); r.code != 0 {
		t.Fatalf("verify: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	// The worker fetches the skills and checks them itself; only the
	// verified one becomes a capability. The skill runs as nobody, so
	// its folder must be reachable by nobody.
	skillsDir, err := os.MkdirTemp("", "wingman-e2e-skills-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(skillsDir) })
	if err := os.Chmod(skillsDir, 0o711); err != nil {
		t.Fatal(err)
	}
	w := newWorkerProc(t, d, d.url, "site-a", worker.Token, "ENABLE_DOCKER=true", "WORKER_SKILLS_DIR="+skillsDir,
		"MARKETPLACE_KEYS="+skilltest.Keyring(), "SKILLS_SYNC_INTERVAL=1s")
	waitCapability(t, d, olive.Token, "container-restart.restart", true)
	if caps := capabilities(t, d, olive.Token); slices.Contains(caps, "docker-inventory.report") {
		t.Fatalf("a sandboxed skill is a capability: %v", caps)
	}

	// A plan naming the verified skill's action, through approval to the worker.
	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	c := client.New(d.url, olive.Token)
	restart := func() domain.Plan {
		t.Helper()
		before := dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name)
		plan, err := c.ProposePlan(context.Background(), domain.ProposePlanRequest{Title: "restart " + name, Rationale: "e2e",
			Actions: []domain.Action{{Plugin: "container-restart", Action: "restart", Worker: "site-a", Target: name,
				BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true}}}})
		if err != nil {
			t.Fatal(err)
		}
		if r := d.wingctl(olive.Token, "approve", plan.ID); r.code != 7 {
			t.Fatalf("the author approved their own plan: exit %d %q", r.code, r.stderr)
		}
		if r := d.wingctl(oscar.Token, "approve", plan.ID, "--wait"); r.code != 0 {
			t.Fatalf("approve --wait: exit %d %q %q\nworker log:\n%s", r.code, r.stdout, r.stderr, w.logs())
		}
		if after := dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name); after == before {
			t.Fatalf("container %s was not restarted", name)
		}
		var done domain.Plan
		d.mustJSON(olive.Token, &done, "plans", "show", plan.ID)
		if done.Status != domain.PlanSucceeded || len(done.Tasks) != 1 {
			t.Fatalf("plan after approval = %+v", done)
		}
		return done
	}
	if out := restart().Tasks[0].Output; out != "restarted "+name+" (container-restart 1.0.0)" {
		t.Errorf("task output = %q", out)
	}

	// A sandboxed skill's action can never be part of a plan.
	_, err = c.ProposePlan(context.Background(), domain.ProposePlanRequest{Title: "inventory", Rationale: "e2e",
		Actions: []domain.Action{{Plugin: "docker-inventory", Action: "report", Worker: "site-a", Target: "host",
			BlastRadius: domain.BlastRadius{Scope: "host"}}}})
	if !errors.Is(err, domain.ErrPolicy) || !strings.Contains(err.Error(), "sandboxed") {
		t.Fatalf("plan naming a sandboxed skill = %v", err)
	}

	// Update to a newly signed version; the worker runs the new one.
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.0.0", "1.1.0"))
	var up []domain.SkillUpdate
	d.mustJSON(admin, &up, "plugins", "update", "container-restart")
	if len(up) != 1 || !up[0].Updated || up[0].To != "1.1.0" {
		t.Fatalf("update = %+v", up)
	}
	waitLog(t, w, "skill loaded", "version=1.1.0")
	if out := restart().Tasks[0].Output; out != "restarted "+name+" (container-restart 1.1.0)" {
		t.Errorf("task output after the update = %q", out)
	}

	// An older version is a rollback: refused unless forced.
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.1.0", "1.0.5"))
	if r := d.wingctl(admin, "plugins", "update", "container-restart"); r.code != 1 || !strings.Contains(r.stderr, "older than the installed 1.1.0") {
		t.Errorf("rollback without force: exit %d %q", r.code, r.stderr)
	}
	d.mustJSON(admin, &up, "plugins", "update", "container-restart", "--force")
	if up[0].To != "1.0.5" {
		t.Errorf("forced rollback = %+v", up)
	}

	// Remove: gone from the list and, after a sync, from the worker.
	if r := d.wingctl(admin, "plugins", "remove", "container-restart"); r.code != 0 {
		t.Fatalf("remove: exit %d %q", r.code, r.stderr)
	}
	d.mustJSON(olive.Token, &list, "plugins", "list")
	if len(list) != 1 || list[0].ID != "docker-inventory" {
		t.Fatalf("list after remove = %+v", list)
	}
	waitCapability(t, d, olive.Token, "container-restart.restart", false)

	// Every change, and every refusal, is in the audit log.
	var page domain.AuditPage
	d.mustJSON(olive.Token, &page, "audit", "list")
	seen := map[string]int{}
	for _, ev := range page.Events {
		if strings.HasPrefix(ev.Action, "plugin.") {
			seen[ev.Action+" "+string(ev.Outcome)]++
		}
	}
	for k, n := range map[string]int{"plugin.install ok": 2, "plugin.install refused": 4, "plugin.update ok": 2,
		"plugin.update refused": 1, "plugin.remove ok": 1} {
		if seen[k] != n {
			t.Errorf("audit has %d %q, want %d (all: %v)", seen[k], k, n, seen)
		}
	}
}

func capabilities(t *testing.T, d *daemon, token string) []string {
	t.Helper()
	var ws []domain.Worker
	d.mustJSON(token, &ws, "workers", "list")
	for _, w := range ws {
		if w.ID == "site-a" {
			return w.Capabilities
		}
	}
	return nil
}

// waitCapability waits until the worker's heartbeat has (or lacks) cap.
func waitCapability(t *testing.T, d *daemon, token, capability string, want bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if slices.Contains(capabilities(t, d, token), capability) == want {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("worker capabilities %v: want %s present=%v", capabilities(t, d, token), capability, want)
}

// waitLog waits until a line of the worker's log has every part.
func waitLog(t *testing.T, w *workerProc, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for line := range strings.Lines(w.logs()) {
			if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no worker log line with %v", parts)
}

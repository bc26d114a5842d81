// The homelab the dashboard tests read: what Seed writes, and the answers
// the queries must give for it.

package dashtest

import (
	"context"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Now is the instant the seeded homelab is read at: a Wednesday morning.
var Now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func ago(d time.Duration) time.Time { return Now.Add(-d) }

const day = 24 * time.Hour

// What Seed writes, for tests to check the queries' answers against.
const (
	// Running containers now: web, db, cache, proxy.
	RunningContainers = 4
	// Containers not running: job, backup.
	StoppedContainers = 2
	// Restarts in the last week: web twice, cache once.
	WeeklyRestarts = 3
	// Status changes in the last four weeks: eleven first sightings and
	// six changes of web and cache.
	StatusChanges = 17
	// Incidents opened in the last 24 hours, and in the 24 before.
	RecentIncidents, PreviousIncidents = 2, 1
	// Unresolved incidents, and the critical ones among them.
	OpenIncidents, CriticalIncidents = 3, 2
	Workers, HealthyWorkers, Sites   = 4, 1, 3
	PendingPlans                     = 2
)

// Seed writes the homelab into s through its transactions: four workers
// at three sites (one spelt in lower case, to catch a locale's sorting),
// hosts, containers and Proxmox guests with a week of history, incidents
// and plans.
func Seed(t testing.TB, s store.Store) {
	t.Helper()
	update := func(fn func(store.Tx) error) {
		t.Helper()
		if err := s.Update(context.Background(), fn); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	seen := func(d time.Duration) *time.Time { t := ago(d); return &t }
	update(func(tx store.Tx) error {
		for _, w := range []domain.Worker{
			{ID: "w-a1", SiteName: "Site A", Health: domain.WorkerHealthy, Version: "2.0.0", CreatedAt: ago(30 * day), LastSeenAt: seen(10 * time.Second)},
			{ID: "w-a2", SiteName: "Site A", Health: domain.WorkerDegraded, Version: "2.0.0", CreatedAt: ago(30 * day), LastSeenAt: seen(time.Minute)},
			{ID: "w-b1", SiteName: "Site B", Health: domain.WorkerUnreachable, Version: "1.9.2", CreatedAt: ago(20 * day), LastSeenAt: seen(2 * time.Hour)},
			{ID: "w-c1", SiteName: "site c", Health: domain.WorkerUnknown, CreatedAt: ago(day)},
		} {
			if err := tx.CreateWorker(w); err != nil {
				return err
			}
		}
		return nil
	})
	for _, batch := range factHistory() {
		update(func(tx store.Tx) error { _, err := tx.ApplyFacts(batch); return err })
	}
	update(func(tx store.Tx) error {
		for _, in := range incidents() {
			if err := tx.CreateIncident(&in); err != nil {
				return err
			}
		}
		for _, p := range plans() {
			if err := tx.CreatePlan(&p); err != nil {
				return err
			}
		}
		for _, a := range approvals() {
			if err := tx.AddApproval(a); err != nil {
				return err
			}
		}
		return nil
	})
}

func fact(worker, site, typ, name, status string, at time.Time, attrs map[string]any) domain.Fact {
	return domain.Fact{WorkerID: worker, SiteName: site, Type: typ, Name: name, Status: status, ObservedAt: at, Attrs: attrs}
}

// factHistory is the facts as the workers reported them, oldest first.
func factHistory() [][]domain.Fact {
	host := func(cpu float64) map[string]any {
		return map[string]any{"cpu_percent": cpu, "mem_used_bytes": 2147483648, "mem_total_bytes": 8589934592,
			"disk_used_bytes": 100 << 30, "disk_total_bytes": 400 << 30, "load1": 0.5}
	}
	ctr := func(image string, restarts int, extra ...any) map[string]any {
		m := map[string]any{"image": image, "restart_count": restarts}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	a1 := func(typ, name, status string, at time.Time, attrs map[string]any) domain.Fact {
		return fact("w-a1", "Site A", typ, name, status, at, attrs)
	}
	first := ago(6 * day)
	return [][]domain.Fact{
		{
			a1("host", "host-a1", "up", first, host(12.5)),
			a1("container", "web", "running", first, ctr("nginx:1.25", 0, "health", "healthy")),
			a1("container", "db", "running", first, ctr("postgres:16", 0)),
			a1("container", "cache", "running", first, ctr("redis:7", 0)),
			a1("container", "job", "exited", first, ctr("busybox", 0, "exit_code", 0)),
			fact("w-a2", "Site A", "host", "host-a2", "up", first, host(3)),
			fact("w-a2", "Site A", "container", "proxy", "running", first, ctr("traefik:3", 0, "health", "unhealthy")),
			fact("w-b1", "Site B", "proxmox_node", "pve1", "online", first, nil),
			fact("w-b1", "Site B", "vm", "media", "running", first, nil),
			fact("w-b1", "Site B", "lxc", "dns", "running", first, nil),
			fact("w-b1", "Site B", "container", "backup", "exited", first, ctr("restic", 0, "exit_code", 3)),
		},
		{a1("container", "web", "exited", ago(5*day-3*time.Hour), ctr("nginx:1.25", 0, "exit_code", 1))},
		{a1("container", "web", "running", ago(5*day-3*time.Hour-5*time.Minute), ctr("nginx:1.25", 1, "health", "healthy"))},
		{a1("container", "cache", "restarting", ago(3*day), ctr("redis:7", 3))},
		{a1("container", "cache", "running", ago(3*day-time.Minute), ctr("redis:7", 4))},
		{a1("container", "web", "exited", ago(day), ctr("nginx:1.25", 1, "exit_code", 137))},
		{a1("container", "web", "running", ago(day-2*time.Minute), ctr("nginx:1.25", 2, "health", "healthy"))},
		{
			a1("host", "host-a1", "up", ago(2*time.Hour), host(40.25)),
			a1("container", "db", "running", ago(2*time.Hour), ctr("postgres:16", 0, "health", "healthy")),
		},
	}
}

func incidents() []domain.Incident {
	resolved := func(d time.Duration) *time.Time { t := ago(d); return &t }
	in := func(id, kind string, sev domain.Severity, state domain.IncidentState, site, worker, typ, target string, opened time.Duration) domain.Incident {
		return domain.Incident{ID: id, Kind: kind, Title: target + ": " + kind, Severity: sev, State: state, SiteName: site,
			WorkerID: worker, TargetType: typ, Target: target, OpenedAt: ago(opened)}
	}
	out := []domain.Incident{
		in("in-0001", "container_restart_loop", domain.SeverityCritical, domain.IncidentOpen, "Site A", "w-a1", "container", "web", day-3*time.Minute),
		in("in-0002", "container_unhealthy", domain.SeverityWarning, domain.IncidentAcknowledged, "Site A", "w-a2", "container", "proxy", 30*time.Hour),
		in("in-0003", "container_exited", domain.SeverityInfo, domain.IncidentResolved, "Site B", "w-b1", "container", "backup", 3*day),
		in("in-0004", "worker_unreachable", domain.SeverityCritical, domain.IncidentOpen, "Site B", "w-b1", "worker", "w-b1", 2*time.Hour),
		in("in-0005", "container_restart_loop", domain.SeverityWarning, domain.IncidentResolved, "Site A", "w-a1", "container", "cache", 3*day-30*time.Second),
		in("in-0006", "container_exited", domain.SeverityInfo, domain.IncidentResolved, "Site A", "w-a1", "container", "job", 10*day),
	}
	out[2].ResolvedAt = resolved(2 * day)
	out[4].ResolvedAt = resolved(3*day - 10*time.Minute)
	out[5].ResolvedAt = resolved(9 * day)
	return out
}

func plans() []domain.Plan {
	p := func(id, incident string, status domain.PlanStatus, created time.Duration, required int) domain.Plan {
		return domain.Plan{ID: id, IncidentID: incident, Title: "restart " + id, Rationale: "it crashed", Author: "advisor",
			Status: status, RequiredApprovals: required, CreatedAt: ago(created), ExpiresAt: ago(created).Add(day),
			Actions: []domain.Action{{Plugin: "docker", Action: "restart", Worker: "w-a1", Target: "web",
				BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true}}}}
	}
	return []domain.Plan{
		p("pl-0001", "in-0001", domain.PlanPending, day-4*time.Minute, 2),
		p("pl-0002", "", domain.PlanPending, time.Hour, 1),
		p("pl-0003", "in-0005", domain.PlanSucceeded, 3*day-time.Minute, 2),
		p("pl-0004", "", domain.PlanRejected, 2*day, 1),
		p("pl-0005", "", domain.PlanExpired, 40*day, 1),
	}
}

func approvals() []domain.Approval {
	a := func(plan, user string, d domain.Decision, at time.Duration) domain.Approval {
		return domain.Approval{PlanID: plan, UserID: "u-" + user, UserName: user, Role: domain.RoleOperator, Decision: d, At: ago(at)}
	}
	return []domain.Approval{
		a("pl-0001", "alice", domain.DecisionApprove, day-5*time.Minute),
		a("pl-0003", "alice", domain.DecisionApprove, 3*day-2*time.Minute),
		a("pl-0003", "bob", domain.DecisionApprove, 3*day-3*time.Minute),
		a("pl-0004", "carol", domain.DecisionReject, 2*day-time.Minute),
	}
}

// Package advisor turns facts into incidents and incidents into proposed
// plans, with plain rules (an LLM comes later and will propose through the
// same path). It never changes anything itself: every plan it proposes
// waits for people to approve it under policy.
package advisor

import (
	"errors"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// RestartLoopCount is how many restarts, with the container not running,
// make a restart loop.
const RestartLoopCount = 3

// StableAfter is how long a container must have been running to count as
// recovered. A crash-looping container is "running" for a moment between
// crashes; resolving its incident then would withdraw the plan a person is
// about to approve, and open a new one at the next crash.
const StableAfter = 30 * time.Second

// Advisor applies the rules.
type Advisor struct {
	Approvals *approval.Service
	Now       func() time.Time
}

// finding is what a rule concluded about one target.
type finding struct {
	kind     string
	severity domain.Severity
	title    string
	detail   string
}

// OnFacts looks at facts that just changed, inside the ingest transaction:
// a container in trouble opens an incident (one per container) with a
// plan to restart it; a container that recovered resolves its incident and
// withdraws the plan nobody approved.
func (a *Advisor) OnFacts(tx store.Tx, b *events.Batch, changes []domain.FactChange) error {
	// One read of the open incidents serves the whole batch: a healthy
	// container with nothing open (the common case) costs no query.
	var open map[[2]string]bool
	for _, c := range changes {
		if c.Type != "container" {
			continue
		}
		f, trouble := containerTrouble(c.Fact)
		if !trouble && !recovered(c.Fact) {
			continue
		}
		if open == nil {
			var err error
			if open, err = openTargets(tx); err != nil {
				return err
			}
		}
		key := [2]string{c.WorkerID, c.Name}
		var err error
		if trouble {
			err = a.open(tx, b, c.Fact, f)
			open[key] = true
		} else if open[key] {
			err = a.resolve(tx, b, c.WorkerID, "container", c.Name, "container is running again")
			// A batch may hold a crash and the recovery after it (an
			// offline backlog): the list must follow what this batch did.
			delete(open, key)
		}
		if err != nil {
			return fmt.Errorf("advise on %s/%s: %w", c.WorkerID, c.Name, err)
		}
	}
	return nil
}

// openTargets lists the containers with an unresolved incident.
func openTargets(tx store.Tx) (map[[2]string]bool, error) {
	incs, err := tx.ListIncidents(domain.IncidentFilter{Unresolved: true, Limit: 100000})
	if err != nil {
		return nil, err
	}
	out := make(map[[2]string]bool, len(incs))
	for _, in := range incs {
		if in.TargetType == "container" {
			out[[2]string{in.WorkerID, in.Target}] = true
		}
	}
	return out, nil
}

// containerTrouble applies the container rules, worst first.
func containerTrouble(f domain.Fact) (finding, bool) {
	restarts, _ := f.IntAttr("restart_count")
	code, hasCode := f.IntAttr("exit_code")
	switch {
	case f.Status == "restarting" || (restarts >= RestartLoopCount && f.Status != "running"):
		return finding{"container_restart_loop", domain.SeverityCritical,
			fmt.Sprintf("%s is restarting in a loop", f.Name),
			fmt.Sprintf("%s on %s is %s after %d restarts (last exit code %d).", f.Name, f.WorkerID, f.Status, restarts, code)}, true
	case (f.Status == "exited" || f.Status == "dead") && hasCode && code != 0:
		return finding{"container_exited", domain.SeverityWarning,
			fmt.Sprintf("%s exited with code %d", f.Name, code),
			fmt.Sprintf("%s on %s stopped with exit code %d and is not running.", f.Name, f.WorkerID, code)}, true
	case f.StringAttr("health") == "unhealthy":
		return finding{"container_unhealthy", domain.SeverityWarning,
			fmt.Sprintf("%s is unhealthy", f.Name),
			fmt.Sprintf("%s on %s is %s but fails its health check.", f.Name, f.WorkerID, f.Status)}, true
	}
	return finding{}, false
}

func healthy(f domain.Fact) bool {
	return f.Status == "running" && f.StringAttr("health") != "unhealthy"
}

// recovered reports whether a container is healthy and has been running
// for StableAfter when observed. Without a start time (an adapter that
// does not say) healthy is all there is to go on.
func recovered(f domain.Fact) bool {
	if !healthy(f) {
		return false
	}
	started, err := time.Parse(time.RFC3339Nano, f.StringAttr("started_at"))
	return err != nil || f.ObservedAt.Sub(started) >= StableAfter
}

// OnSeen resolves the incidents of containers that are now steadily
// running, among facts that did not change: a container that came back
// reports the same state collection after collection, and only the later
// ones show it has stayed up.
func (a *Advisor) OnSeen(tx store.Tx, b *events.Batch, facts []domain.Fact) error {
	var open map[[2]string]bool
	for _, f := range facts {
		if f.Type != "container" || !recovered(f) {
			continue
		}
		if open == nil {
			var err error
			if open, err = openTargets(tx); err != nil {
				return err
			}
			if len(open) == 0 {
				return nil
			}
		}
		key := [2]string{f.WorkerID, f.Name}
		if !open[key] {
			continue
		}
		if err := a.resolve(tx, b, f.WorkerID, "container", f.Name, "container is running steadily again"); err != nil {
			return fmt.Errorf("advise on %s/%s: %w", f.WorkerID, f.Name, err)
		}
		delete(open, key)
	}
	return nil
}

func (a *Advisor) open(tx store.Tx, b *events.Batch, fact domain.Fact, f finding) error {
	now := a.Now()
	inc, err := tx.OpenIncident(fact.WorkerID, "container", fact.Name)
	if err == nil {
		// Already known: only a worse severity is news.
		if rank(f.severity) <= rank(inc.Severity) {
			return nil
		}
		inc.Kind, inc.Severity, inc.Title, inc.Detail = f.kind, f.severity, f.title, f.detail
		b.Changed("incident", inc.ID, now)
		return tx.UpdateIncident(inc)
	}
	if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	inc = domain.Incident{Kind: f.kind, Title: f.title, Detail: f.detail, Severity: f.severity,
		State: domain.IncidentOpen, SiteName: fact.SiteName, WorkerID: fact.WorkerID,
		TargetType: "container", Target: fact.Name, OpenedAt: now}
	if err := tx.CreateIncident(&inc); err != nil {
		return err
	}
	b.Changed("incident", inc.ID, now)
	if err := tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: domain.PrincipalSystem, ActorID: domain.System.UserID,
		ActorName: domain.System.Name, Action: "incident.open", Subject: inc.ID, Outcome: domain.OutcomeOK,
		Reason: f.detail}); err != nil {
		return err
	}
	plan := restartPlan(inc, fact)
	err = a.Approvals.Propose(tx, b, domain.System, &plan)
	if errors.Is(err, domain.ErrPolicy) {
		// The refusal is audited; the incident stays, and says why no plan came.
		inc.Detail += " No plan was proposed: " + err.Error()
		return tx.UpdateIncident(inc)
	}
	if err != nil {
		return err
	}
	inc.PlanID = plan.ID
	return tx.UpdateIncident(inc)
}

func restartPlan(inc domain.Incident, f domain.Fact) domain.Plan {
	image := f.StringAttr("image")
	if image == "" {
		image = "its image"
	}
	return domain.Plan{
		IncidentID: inc.ID,
		Title:      fmt.Sprintf("Restart container %s on %s", f.Name, f.WorkerID),
		Rationale: fmt.Sprintf("%s Restarting it starts the same container again, with %s and the same "+
			"configuration and volumes; nothing else on the host is touched, and if the restart does not help "+
			"the container is simply back where it is now. If it keeps failing, its logs will say why.", inc.Detail, image),
		Actions: []domain.Action{{
			Plugin: "docker", Action: "restart", Worker: f.WorkerID, Target: f.Name,
			Params:      map[string]any{"container": f.Name},
			BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true},
		}},
	}
}

// resolve closes the open incident of a target, if any, and withdraws its
// plan if nobody approved it yet.
func (a *Advisor) resolve(tx store.Tx, b *events.Batch, workerID, targetType, target, why string) error {
	inc, err := tx.OpenIncident(workerID, targetType, target)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := a.Now()
	inc.State, inc.ResolvedAt = domain.IncidentResolved, &now
	if err := tx.UpdateIncident(inc); err != nil {
		return err
	}
	b.Changed("incident", inc.ID, now)
	if err := tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: domain.PrincipalSystem, ActorID: domain.System.UserID,
		ActorName: domain.System.Name, Action: "incident.resolve", Subject: inc.ID, Outcome: domain.OutcomeOK, Reason: why}); err != nil {
		return err
	}
	if inc.PlanID == "" {
		return nil
	}
	return a.Approvals.Withdraw(tx, b, inc.PlanID)
}

func rank(s domain.Severity) int {
	switch s {
	case domain.SeverityCritical:
		return 3
	case domain.SeverityWarning:
		return 2
	}
	return 1
}

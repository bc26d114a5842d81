package advisor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/policy"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// t0 is whole milliseconds, as the stores keep times.
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// clock is a settable Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// fixture is an advisor over a real store.
type fixture struct {
	t     *testing.T
	s     store.Store
	hub   *events.Hub
	svc   *approval.Service
	adv   *Advisor
	clock *clock
}

var storeKinds = []string{"sqlite", "postgres"}

func openStore(t *testing.T, kind string) store.Store {
	t.Helper()
	ctx := context.Background()
	var s store.Store
	var err error
	switch kind {
	case "sqlite":
		s, err = sqlite.Open(ctx, t.TempDir())
	case "postgres":
		s, err = postgres.Open(ctx, storetest.PostgresURL(t))
	default:
		t.Fatalf("unknown store %q", kind)
	}
	if err != nil {
		t.Fatalf("open %s: %v", kind, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newFixture(t *testing.T, kind string, pol func() *policy.Policy) *fixture {
	t.Helper()
	s := openStore(t, kind)
	c := &clock{t: t0}
	hub := events.NewHub()
	t.Cleanup(hub.Close)
	svc := &approval.Service{Store: s, Policy: pol, Hub: hub, Now: c.Now}
	return &fixture{t: t, s: s, hub: hub, svc: svc, adv: &Advisor{Approvals: svc, Now: c.Now}, clock: c}
}

// eachStore runs fn on a fresh fixture per store kind, in parallel.
func eachStore(t *testing.T, pol func() *policy.Policy, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, newFixture(t, kind, pol))
		})
	}
}

// advise runs OnFacts on changes in one transaction and announces its events.
func (f *fixture) advise(changes ...domain.Fact) []domain.Event {
	f.t.Helper()
	var fc []domain.FactChange
	for _, c := range changes {
		c.ObservedAt = f.clock.Now()
		fc = append(fc, domain.FactChange{Fact: c})
	}
	evs, unsub := f.hub.Subscribe(64)
	defer unsub()
	var b events.Batch
	err := f.s.Update(context.Background(), func(tx store.Tx) error {
		b.Reset()
		return f.adv.OnFacts(tx, &b, fc)
	})
	if err != nil {
		f.t.Fatalf("OnFacts: %v", err)
	}
	f.hub.Flush(&b)
	return drain(evs)
}

func drain(ch <-chan domain.Event) []domain.Event {
	var out []domain.Event
	for {
		select {
		case ev := <-ch:
			out = append(out, ev)
		default:
			return out
		}
	}
}

func hasEvent(evs []domain.Event, kind, id string) bool {
	for _, ev := range evs {
		if ev.Kind == kind && ev.ID == id {
			return true
		}
	}
	return false
}

func (f *fixture) view(fn func(tx store.Tx) error) {
	f.t.Helper()
	if err := f.s.View(context.Background(), fn); err != nil {
		f.t.Fatalf("view: %v", err)
	}
}

func (f *fixture) incidents() []domain.Incident {
	f.t.Helper()
	var out []domain.Incident
	f.view(func(tx store.Tx) error {
		var err error
		out, err = tx.ListIncidents(domain.IncidentFilter{})
		return err
	})
	return out
}

func (f *fixture) plans() []domain.Plan {
	f.t.Helper()
	var out []domain.Plan
	f.view(func(tx store.Tx) error {
		var err error
		out, err = tx.ListPlans(domain.PlanFilter{})
		return err
	})
	return out
}

func (f *fixture) plan(id string) domain.Plan {
	f.t.Helper()
	var out domain.Plan
	f.view(func(tx store.Tx) error {
		var err error
		out, err = tx.GetPlan(id, false)
		return err
	})
	return out
}

func (f *fixture) worker(id string) domain.Worker {
	f.t.Helper()
	var out domain.Worker
	f.view(func(tx store.Tx) error {
		var err error
		out, err = tx.GetWorker(id)
		return err
	})
	return out
}

// audits returns the actions of the audit log, in order.
func (f *fixture) audits() []domain.AuditEvent {
	f.t.Helper()
	var out []domain.AuditEvent
	f.view(func(tx store.Tx) error {
		var err error
		out, err = tx.ListAudit(0, 1000)
		return err
	})
	return out
}

func countAudit(evs []domain.AuditEvent, action string) int {
	n := 0
	for _, ev := range evs {
		if ev.Action == action {
			n++
		}
	}
	return n
}

// only returns the one incident, failing unless there is exactly one.
func (f *fixture) only() domain.Incident {
	f.t.Helper()
	incs := f.incidents()
	if len(incs) != 1 {
		f.t.Fatalf("%d incidents, want 1: %+v", len(incs), incs)
	}
	return incs[0]
}

func exited(name string, code int) domain.Fact {
	return domain.Fact{WorkerID: "w1", SiteName: "Site A", Type: "container", Name: name, Status: "exited",
		Attrs: map[string]any{"image": "nginx:1.25", "exit_code": float64(code), "restart_count": float64(0)}}
}

func restarting(name string, restarts int) domain.Fact {
	return domain.Fact{WorkerID: "w1", SiteName: "Site A", Type: "container", Name: name, Status: "restarting",
		Attrs: map[string]any{"image": "nginx:1.25", "exit_code": float64(1), "restart_count": float64(restarts)}}
}

func running(name string) domain.Fact {
	return domain.Fact{WorkerID: "w1", SiteName: "Site A", Type: "container", Name: name, Status: "running",
		Attrs: map[string]any{"image": "nginx:1.25", "health": "healthy", "restart_count": float64(4)}}
}

func TestOnFactsOpensIncidentWithRestartPlan(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		evs := f.advise(exited("web", 1))

		inc := f.only()
		if inc.ID == "" || inc.PlanID == "" || inc.AckedAt != nil || inc.ResolvedAt != nil || !inc.OpenedAt.Equal(t0) {
			t.Errorf("incident %+v: want an id, a plan, opened at %v and no ack or resolution", inc, t0)
		}
		want := domain.Incident{ID: inc.ID, Kind: "container_exited", Title: "web exited with code 1",
			Detail:   "web on w1 stopped with exit code 1 and is not running.",
			Severity: domain.SeverityWarning, State: domain.IncidentOpen, SiteName: "Site A", WorkerID: "w1",
			TargetType: "container", Target: "web", PlanID: inc.PlanID, OpenedAt: inc.OpenedAt}
		if inc != want {
			t.Errorf("incident =\n %+v\nwant\n %+v", inc, want)
		}

		plans := f.plans()
		if len(plans) != 1 {
			t.Fatalf("%d plans, want 1", len(plans))
		}
		p := f.plan(inc.PlanID)
		if p.ID != plans[0].ID || p.IncidentID != inc.ID {
			t.Errorf("plan %s for incident %q; incident %s names plan %s", p.ID, p.IncidentID, inc.ID, inc.PlanID)
		}
		if p.Title != "Restart container web on w1" {
			t.Errorf("plan title %q", p.Title)
		}
		for _, frag := range []string{"web on w1 stopped with exit code 1", "with nginx:1.25 and the same configuration"} {
			if !strings.Contains(p.Rationale, frag) {
				t.Errorf("rationale %q lacks %q", p.Rationale, frag)
			}
		}
		if p.Author != domain.System.UserID || p.Status != domain.PlanPending || p.RequiredApprovals != 1 || p.AuthorMayApprove {
			t.Errorf("plan author %q status %q approvals %d author may approve %v; want system, pending, 1, false",
				p.Author, p.Status, p.RequiredApprovals, p.AuthorMayApprove)
		}
		if !p.CreatedAt.Equal(t0) || !p.ExpiresAt.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("plan created %v expires %v; want %v and 24h later", p.CreatedAt, p.ExpiresAt, t0)
		}
		if len(p.Actions) != 1 {
			t.Fatalf("plan actions = %+v, want one", p.Actions)
		}
		a := p.Actions[0]
		if a.Plugin != "docker" || a.Action != "restart" || a.Worker != "w1" || a.Target != "web" ||
			a.Params["container"] != "web" || len(a.Params) != 1 {
			t.Errorf("action = %+v, want docker restart of web on w1", a)
		}
		if a.BlastRadius != (domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true}) {
			t.Errorf("blast radius = %+v", a.BlastRadius)
		}

		au := f.audits()
		if countAudit(au, "incident.open") != 1 || countAudit(au, "plan.propose") != 1 {
			t.Errorf("audit actions %v, want one incident.open and one plan.propose", actions(au))
		}
		for _, ev := range au {
			if ev.Action == "incident.open" && (ev.Subject != inc.ID || ev.ActorKind != domain.PrincipalSystem ||
				ev.Outcome != domain.OutcomeOK || ev.Reason != inc.Detail) {
				t.Errorf("incident.open audit = %+v", ev)
			}
		}
		if !hasEvent(evs, "incident", inc.ID) || !hasEvent(evs, "plan", p.ID) {
			t.Errorf("events %+v, want incident %s and plan %s", evs, inc.ID, p.ID)
		}
	})
}

func actions(evs []domain.AuditEvent) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Action)
	}
	return out
}

func TestOnFactsOneIncidentPerContainer(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1))
		first := f.only()

		// It keeps crashing: the same incident, the same plan, nothing new.
		f.clock.Advance(time.Minute)
		evs := f.advise(exited("web", 2))
		f.clock.Advance(time.Minute)
		f.advise(exited("web", 1))
		inc := f.only()
		if inc.ID != first.ID || inc.PlanID != first.PlanID {
			t.Errorf("incident %s plan %s, want the first %s plan %s", inc.ID, inc.PlanID, first.ID, first.PlanID)
		}
		if inc.Title != "web exited with code 1" || inc.Severity != domain.SeverityWarning {
			t.Errorf("same severity changed the incident: %q %s", inc.Title, inc.Severity)
		}
		if len(evs) != 0 {
			t.Errorf("a repeat crash announced %+v, want nothing", evs)
		}
		if n := len(f.plans()); n != 1 {
			t.Errorf("%d plans, want 1", n)
		}

		// Another container, and the same name on another worker, are
		// incidents of their own.
		f.advise(exited("api", 3))
		other := exited("web", 1)
		other.WorkerID = "w2"
		f.advise(other)
		incs := f.incidents()
		if len(incs) != 3 {
			t.Fatalf("%d incidents, want 3: %+v", len(incs), incs)
		}
		seen := map[[2]string]bool{}
		for _, in := range incs {
			seen[[2]string{in.WorkerID, in.Target}] = true
		}
		for _, k := range [][2]string{{"w1", "web"}, {"w1", "api"}, {"w2", "web"}} {
			if !seen[k] {
				t.Errorf("no incident for %v", k)
			}
		}
		if n := len(f.plans()); n != 3 {
			t.Errorf("%d plans, want 3", n)
		}
		if n := countAudit(f.audits(), "incident.open"); n != 3 {
			t.Errorf("%d incident.open audit events, want 3", n)
		}
	})
}

func TestOnFactsSeverityOnlyRises(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1))
		first := f.only()

		f.clock.Advance(time.Minute)
		evs := f.advise(restarting("web", 4))
		inc := f.only()
		if inc.ID != first.ID || inc.PlanID != first.PlanID {
			t.Fatalf("escalation made a new incident %s (plan %s), want %s (plan %s)", inc.ID, inc.PlanID, first.ID, first.PlanID)
		}
		if inc.Severity != domain.SeverityCritical || inc.Kind != "container_restart_loop" ||
			inc.Title != "web is restarting in a loop" ||
			inc.Detail != "web on w1 is restarting after 4 restarts (last exit code 1)." {
			t.Errorf("escalated incident = %+v", inc)
		}
		if !hasEvent(evs, "incident", inc.ID) {
			t.Errorf("escalation announced %+v, want incident %s", evs, inc.ID)
		}

		// Milder news never lowers it.
		for _, fact := range []domain.Fact{exited("web", 1),
			{WorkerID: "w1", Type: "container", Name: "web", Status: "running", Attrs: map[string]any{"health": "unhealthy"}}} {
			f.clock.Advance(time.Minute)
			f.advise(fact)
			got := f.only()
			if got.Severity != domain.SeverityCritical || got.Kind != "container_restart_loop" || got.Title != inc.Title {
				t.Errorf("after %s %v: incident %s %s %q, want it still critical restart loop", fact.Status, fact.Attrs, got.Severity, got.Kind, got.Title)
			}
		}
		if n := len(f.plans()); n != 1 {
			t.Errorf("%d plans, want 1", n)
		}
		if n := countAudit(f.audits(), "incident.open"); n != 1 {
			t.Errorf("%d incident.open audit events, want 1", n)
		}
	})
}

func TestOnFactsRecoveryResolvesAndWithdraws(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1))
		opened := f.only()

		// Other healthy containers in the batch change nothing.
		at := f.clock.Advance(5 * time.Minute)
		evs := f.advise(running("db"), running("web"))
		inc := f.only()
		if inc.State != domain.IncidentResolved || inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(at) {
			t.Fatalf("incident after recovery = %+v, want resolved at %v", inc, at)
		}
		if inc.ID != opened.ID || inc.PlanID != opened.PlanID {
			t.Errorf("resolved %s (plan %s), want %s (plan %s)", inc.ID, inc.PlanID, opened.ID, opened.PlanID)
		}
		p := f.plan(inc.PlanID)
		if p.Status != domain.PlanExpired || p.DecidedAt == nil || !p.DecidedAt.Equal(at) {
			t.Errorf("plan after recovery: status %s decided %v, want expired at %v", p.Status, p.DecidedAt, at)
		}
		au := f.audits()
		if countAudit(au, "incident.resolve") != 1 || countAudit(au, "plan.expire") != 1 {
			t.Errorf("audit actions %v, want one incident.resolve and one plan.expire", actions(au))
		}
		for _, ev := range au {
			if ev.Action == "incident.resolve" && (ev.Subject != inc.ID || ev.Reason != "container is running again") {
				t.Errorf("incident.resolve audit = %+v", ev)
			}
		}
		if !hasEvent(evs, "incident", inc.ID) || !hasEvent(evs, "plan", p.ID) {
			t.Errorf("recovery announced %+v, want incident %s and plan %s", evs, inc.ID, p.ID)
		}

		// Still running: nothing more happens.
		f.clock.Advance(time.Minute)
		if evs := f.advise(running("web")); len(evs) != 0 {
			t.Errorf("a second healthy report announced %+v", evs)
		}
		if n := countAudit(f.audits(), "incident.resolve"); n != 1 {
			t.Errorf("%d incident.resolve events, want 1", n)
		}

		// A new crash after recovery is a new incident with a new plan.
		f.clock.Advance(time.Minute)
		f.advise(exited("web", 1))
		incs := f.incidents()
		if len(incs) != 2 {
			t.Fatalf("%d incidents, want 2", len(incs))
		}
		var fresh domain.Incident
		for _, in := range incs {
			if in.State == domain.IncidentOpen {
				fresh = in
			}
		}
		if fresh.ID == "" || fresh.ID == opened.ID || fresh.PlanID == "" || fresh.PlanID == opened.PlanID {
			t.Errorf("crash after recovery: incidents %+v, want a new open one with a new plan", incs)
		}
	})
}

func TestOnFactsUnhealthyRecoversWhenHealthy(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		sick := domain.Fact{WorkerID: "w1", Type: "container", Name: "db", Status: "running", Attrs: map[string]any{"health": "unhealthy"}}
		f.advise(sick)
		inc := f.only()
		if inc.Kind != "container_unhealthy" || inc.Severity != domain.SeverityWarning || inc.State != domain.IncidentOpen {
			t.Fatalf("incident = %+v, want an open container_unhealthy warning", inc)
		}
		// Exited with 0 is neither trouble nor recovery: the incident stays.
		f.clock.Advance(time.Minute)
		f.advise(domain.Fact{WorkerID: "w1", Type: "container", Name: "db", Status: "exited", Attrs: map[string]any{"exit_code": float64(0)}})
		if got := f.only(); got.State != domain.IncidentOpen {
			t.Errorf("exit 0 changed the incident to %s", got.State)
		}
		f.clock.Advance(time.Minute)
		f.advise(domain.Fact{WorkerID: "w1", Type: "container", Name: "db", Status: "running", Attrs: map[string]any{"health": "healthy"}})
		if got := f.only(); got.State != domain.IncidentResolved {
			t.Errorf("healthy again: incident %s, want resolved", got.State)
		}
	})
}

func TestOnFactsApprovedPlanIsNotWithdrawn(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1))
		inc := f.only()
		// The plan's tasks go to w1, which must be registered to approve.
		if err := f.s.Update(context.Background(), func(tx store.Tx) error {
			return tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "Site A", Health: domain.WorkerHealthy, CreatedAt: t0})
		}); err != nil {
			t.Fatal(err)
		}
		op := domain.Principal{Kind: domain.PrincipalUser, UserID: "u-op", Name: "olga", Role: domain.RoleOperator}
		resp, err := f.svc.Approve(context.Background(), op, inc.PlanID, "go")
		if err != nil || resp.Outcome != domain.DecisionOutcomeApproved {
			t.Fatalf("approve: %+v, %v", resp, err)
		}
		f.clock.Advance(time.Minute)
		f.advise(running("web"))
		if got := f.only(); got.State != domain.IncidentResolved {
			t.Errorf("incident %s, want resolved", got.State)
		}
		if p := f.plan(inc.PlanID); p.Status != domain.PlanDispatched {
			t.Errorf("approved plan became %s on recovery, want it left dispatched", p.Status)
		}
		if n := countAudit(f.audits(), "plan.expire"); n != 0 {
			t.Errorf("%d plan.expire events, want none", n)
		}
	})
}

func TestOnFactsIgnoresOtherTypes(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		vm := domain.Fact{WorkerID: "w1", Type: "vm", Name: "web", Status: "restarting", Attrs: map[string]any{"exit_code": float64(1)}}
		svc := domain.Fact{WorkerID: "w1", Type: "service", Name: "web", Status: "exited", Attrs: map[string]any{"exit_code": float64(1)}}
		if evs := f.advise(vm, svc); len(evs) != 0 {
			t.Errorf("non-container facts announced %+v", evs)
		}
		if incs := f.incidents(); len(incs) != 0 {
			t.Errorf("non-container facts opened %+v", incs)
		}
		if plans := f.plans(); len(plans) != 0 {
			t.Errorf("non-container facts proposed %+v", plans)
		}
	})
}

func TestOnFactsPolicyDenialKeepsIncidentWithoutPlan(t *testing.T) {
	t.Parallel()
	pol, err := policy.Parse([]byte("deny:\n  - plugin: docker\n    target: \"web\"\n    reason: web is restarted by hand\n"), "test")
	if err != nil {
		t.Fatal(err)
	}
	eachStore(t, func() *policy.Policy { return pol }, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1))
		inc := f.only()
		if inc.PlanID != "" || inc.State != domain.IncidentOpen {
			t.Errorf("denied: incident %+v, want open with no plan", inc)
		}
		for _, frag := range []string{"web on w1 stopped with exit code 1", "No plan was proposed: ", "web is restarted by hand"} {
			if !strings.Contains(inc.Detail, frag) {
				t.Errorf("detail %q lacks %q", inc.Detail, frag)
			}
		}
		if plans := f.plans(); len(plans) != 0 {
			t.Errorf("denied plan stored: %+v", plans)
		}
		refused := 0
		for _, ev := range f.audits() {
			if ev.Action == "plan.propose" {
				if ev.Outcome != domain.OutcomeRefused || !strings.Contains(ev.Reason, "web is restarted by hand") {
					t.Errorf("plan.propose audit = %+v, want refused with the reason", ev)
				}
				refused++
			}
		}
		if refused != 1 {
			t.Errorf("%d plan.propose audit events, want 1", refused)
		}

		// Other containers still get plans, and recovery resolves the
		// plan-less incident.
		f.advise(exited("api", 1))
		f.clock.Advance(time.Minute)
		f.advise(running("web"))
		for _, in := range f.incidents() {
			switch in.Target {
			case "web":
				if in.State != domain.IncidentResolved {
					t.Errorf("web incident %s, want resolved", in.State)
				}
			case "api":
				if in.PlanID == "" || in.State != domain.IncidentOpen {
					t.Errorf("api incident %+v, want open with a plan", in)
				}
			}
		}
	})
}

// A batch may hold two states of one container (an offline backlog whose
// facts carry their own observed_at): the later state is the one that
// counts.
func TestOnFactsCrashThenRecoveryInOneBatch(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		f.advise(exited("web", 1), running("web"))
		inc := f.only()
		if inc.State != domain.IncidentResolved {
			t.Errorf("container ended the batch running, but its incident is %s", inc.State)
		}
		if p := f.plan(inc.PlanID); p.Status != domain.PlanExpired {
			t.Errorf("plan %s, want expired", p.Status)
		}
	})
}

func TestSweepWorkers(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		seen := t0.Add(-time.Minute)
		err := f.s.Update(ctx, func(tx store.Tx) error {
			for _, w := range []domain.Worker{
				{ID: "quiet", SiteName: "Site A", Health: domain.WorkerUnknown, CreatedAt: t0},
				{ID: "gone", SiteName: "Site B", Health: domain.WorkerUnknown, CreatedAt: t0.Add(-2 * time.Hour)},
				{ID: "chatty", SiteName: "Site A", Health: domain.WorkerUnknown, CreatedAt: t0},
			} {
				if err := tx.CreateWorker(w); err != nil {
					return err
				}
			}
			if err := tx.SeeWorker("gone", beat(seen)); err != nil {
				return err
			}
			return tx.SeeWorker("chatty", beat(t0.Add(10*time.Minute)))
		})
		if err != nil {
			t.Fatal(err)
		}

		// Nobody is silent yet.
		if n, err := f.adv.SweepWorkers(ctx, f.s, f.hub, 90*time.Second); err != nil || n != 0 {
			t.Fatalf("sweep at t0 = %d, %v; want 0", n, err)
		}

		evs, unsub := f.hub.Subscribe(64)
		defer unsub()
		now := f.clock.Advance(10*time.Minute + 30*time.Second)
		n, err := f.adv.SweepWorkers(ctx, f.s, f.hub, 90*time.Second)
		if err != nil || n != 2 {
			t.Fatalf("sweep = %d, %v; want 2 (quiet and gone)", n, err)
		}
		got := drain(evs)
		for id, want := range map[string]domain.WorkerHealth{"quiet": domain.WorkerUnreachable, "gone": domain.WorkerUnreachable, "chatty": domain.WorkerHealthy} {
			if w := f.worker(id); w.Health != want {
				t.Errorf("worker %s health %s, want %s", id, w.Health, want)
			}
		}
		incs := f.incidents()
		if len(incs) != 2 {
			t.Fatalf("%d incidents, want 2: %+v", len(incs), incs)
		}
		byWorker := map[string]domain.Incident{}
		for _, in := range incs {
			byWorker[in.WorkerID] = in
		}
		for id, detail := range map[string]string{
			"quiet": "Worker quiet at Site A missed its heartbeats; it has never reported.",
			"gone":  "Worker gone at Site B missed its heartbeats; it last reported at " + seen.Format(time.RFC3339) + ".",
		} {
			in := byWorker[id]
			if in.Kind != "worker_unreachable" || in.Severity != domain.SeverityCritical || in.State != domain.IncidentOpen ||
				in.TargetType != "worker" || in.Target != id || in.PlanID != "" || !in.OpenedAt.Equal(now) ||
				in.Title != "worker "+id+" stopped reporting" {
				t.Errorf("incident of %s = %+v", id, in)
			}
			if !strings.HasPrefix(in.Detail, detail) || !strings.Contains(in.Detail, "no plan is proposed") {
				t.Errorf("detail of %s = %q, want it to start %q", id, in.Detail, detail)
			}
			if !hasEvent(got, "worker", id) || !hasEvent(got, "incident", in.ID) {
				t.Errorf("sweep announced %+v, want worker %s and incident %s", got, id, in.ID)
			}
		}
		if plans := f.plans(); len(plans) != 0 {
			t.Errorf("an unreachable worker got plans %+v", plans)
		}
		if n := countAudit(f.audits(), "incident.open"); n != 2 {
			t.Errorf("%d incident.open audit events, want 2", n)
		}

		// Sweeping again finds nobody new and opens nothing.
		f.clock.Advance(time.Hour)
		if n, err := f.adv.SweepWorkers(ctx, f.s, f.hub, 90*time.Second); err != nil || n != 1 {
			t.Fatalf("second sweep = %d, %v; want 1 (only chatty went silent since)", n, err)
		}
		if incs := f.incidents(); len(incs) != 3 {
			t.Errorf("%d incidents after the second sweep, want 3", len(incs))
		}

		// A worker that reports once but whose incident nobody resolved
		// keeps that one incident when it goes silent again.
		err = f.s.Update(ctx, func(tx store.Tx) error {
			return tx.SeeWorker("quiet", beat(f.clock.Now()))
		})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Hour)
		if n, err := f.adv.SweepWorkers(ctx, f.s, f.hub, 90*time.Second); err != nil || n != 1 {
			t.Fatalf("third sweep = %d, %v; want 1", n, err)
		}
		if w := f.worker("quiet"); w.Health != domain.WorkerUnreachable {
			t.Errorf("quiet health %s, want unreachable", w.Health)
		}
		if incs := f.incidents(); len(incs) != 3 {
			t.Errorf("%d incidents after a repeat silence, want still 3", len(incs))
		}
	})
}

func TestWorkerBack(t *testing.T) {
	t.Parallel()
	eachStore(t, policy.Default, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		err := f.s.Update(ctx, func(tx store.Tx) error {
			return tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "Site A", Health: domain.WorkerHealthy, CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		// A container incident on the same worker is not the worker's.
		f.advise(exited("web", 1))

		f.clock.Advance(time.Hour)
		if n, err := f.adv.SweepWorkers(ctx, f.s, f.hub, time.Minute); err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v; want 1", n, err)
		}
		back := f.clock.Advance(time.Minute)
		var b events.Batch
		if err := f.s.Update(ctx, func(tx store.Tx) error {
			b.Reset()
			return f.adv.WorkerBack(tx, &b, "w1")
		}); err != nil {
			t.Fatalf("WorkerBack: %v", err)
		}
		var worker, ctr domain.Incident
		for _, in := range f.incidents() {
			switch in.TargetType {
			case "worker":
				worker = in
			case "container":
				ctr = in
			}
		}
		if worker.State != domain.IncidentResolved || worker.ResolvedAt == nil || !worker.ResolvedAt.Equal(back) {
			t.Errorf("worker incident = %+v, want resolved at %v", worker, back)
		}
		if ctr.State != domain.IncidentOpen {
			t.Errorf("WorkerBack touched the container incident: %s", ctr.State)
		}
		if p := f.plan(ctr.PlanID); p.Status != domain.PlanPending {
			t.Errorf("WorkerBack touched the container's plan: %s", p.Status)
		}
		var resolves []domain.AuditEvent
		for _, ev := range f.audits() {
			if ev.Action == "incident.resolve" {
				resolves = append(resolves, ev)
			}
		}
		if len(resolves) != 1 || resolves[0].Subject != worker.ID || resolves[0].Reason != "worker reported again" {
			t.Errorf("incident.resolve audit = %+v, want one for %s", resolves, worker.ID)
		}

		// Back again, with nothing open: nothing happens.
		if err := f.s.Update(ctx, func(tx store.Tx) error {
			return f.adv.WorkerBack(tx, &b, "w1")
		}); err != nil {
			t.Fatalf("second WorkerBack: %v", err)
		}
		if err := f.s.Update(ctx, func(tx store.Tx) error {
			return f.adv.WorkerBack(tx, &b, "never-seen")
		}); err != nil {
			t.Fatalf("WorkerBack of an unknown worker: %v", err)
		}
		if n := countAudit(f.audits(), "incident.resolve"); n != 1 {
			t.Errorf("%d incident.resolve events, want 1", n)
		}
	})
}

// OnFacts fails the transaction when the store does, naming the container.
func TestOnFactsStoreErrorNamesContainer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "sqlite", policy.Default)
	boom := errors.New("boom")
	err := f.s.Update(context.Background(), func(tx store.Tx) error {
		var b events.Batch
		return f.adv.OnFacts(failingTx{Tx: tx, err: boom}, &b, []domain.FactChange{{Fact: exited("web", 1)}})
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	f2 := newFixture(t, "sqlite", policy.Default)
	err = f2.s.Update(context.Background(), func(tx store.Tx) error {
		var b events.Batch
		return f2.adv.OnFacts(failingTx{Tx: tx, err: boom, listOK: true}, &b, []domain.FactChange{{Fact: exited("web", 1)}})
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "advise on w1/web: ") {
		t.Fatalf("err = %v, want boom naming w1/web", err)
	}
	if incs := f2.incidents(); len(incs) != 0 {
		t.Errorf("a failed OnFacts left %+v", incs)
	}
}

// failingTx fails ListIncidents (unless listOK) and OpenIncident.
type failingTx struct {
	store.Tx
	err    error
	listOK bool
}

func (f failingTx) ListIncidents(flt domain.IncidentFilter) ([]domain.Incident, error) {
	if f.listOK {
		return f.Tx.ListIncidents(flt)
	}
	return nil, f.err
}

func (f failingTx) OpenIncident(string, string, string) (domain.Incident, error) {
	return domain.Incident{}, f.err
}

// beat is a healthy heartbeat made and seen at one time.
func beat(at time.Time) domain.WorkerReport {
	return domain.WorkerReport{Health: domain.WorkerHealthy, Version: "1.0", ReportedAt: at, SeenAt: at}
}

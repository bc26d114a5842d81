package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/wingman-dev/wingman/core/api"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// fakeSkills stands in for plugins/skill/store: core's tests do not import
// plugins. "refused" is a plugin every check refuses, "inventory" a
// sandboxed skill.
type fakeSkills struct{ installed map[string]bool }

func (f *fakeSkills) Search(context.Context, string) ([]domain.MarketplaceSkill, error) {
	return []domain.MarketplaceSkill{{ID: "restart", Signed: true}}, nil
}
func (f *fakeSkills) Info(_ context.Context, id string) (domain.MarketplaceSkillInfo, error) {
	return domain.MarketplaceSkillInfo{MarketplaceSkill: domain.MarketplaceSkill{ID: id}}, nil
}
func (f *fakeSkills) Install(_ context.Context, id string, _ bool) (domain.InstalledSkill, error) {
	if id == "refused" {
		return domain.InstalledSkill{}, fmt.Errorf("refused claims trust_level: trusted: %w", domain.ErrPolicy)
	}
	f.installed[id] = true
	return domain.InstalledSkill{SkillSummary: domain.SkillSummary{ID: id, Version: "1.0.0", TrustLevel: "verified"}, Source: "community"}, nil
}
func (f *fakeSkills) Update(_ context.Context, id string, _ bool) (domain.SkillUpdate, error) {
	return domain.SkillUpdate{ID: id, From: "1.0.0", To: "1.1.0", Updated: true}, nil
}
func (f *fakeSkills) Remove(_ context.Context, id string) (domain.InstalledSkill, error) {
	if !f.installed[id] {
		return domain.InstalledSkill{}, fmt.Errorf("no %s: %w", id, domain.ErrNotFound)
	}
	delete(f.installed, id)
	return domain.InstalledSkill{SkillSummary: domain.SkillSummary{ID: id}}, nil
}
func (f *fakeSkills) List(context.Context) ([]domain.InstalledSkill, error) { return nil, nil }
func (f *fakeSkills) Verify(context.Context, string) ([]domain.SkillVerification, error) {
	return []domain.SkillVerification{{ID: "restart", OK: true}}, nil
}
func (f *fakeSkills) Bundles(context.Context) ([]domain.SkillBundle, error) {
	return []domain.SkillBundle{{ID: "restart", Files: map[string][]byte{"skill.py": []byte("print()")}}}, nil
}
func (f *fakeSkills) CheckAction(_ store.Tx, a domain.Action) error {
	if a.Plugin == "inventory" {
		return fmt.Errorf("skill inventory is sandboxed: %w", domain.ErrPolicy)
	}
	return nil
}

// withSkills wires f in as the daemon's skills.
func withSkills(f *fakeSkills) daemon.Option {
	return daemon.WithSkills(func(store.Store) (api.Skills, error) { return f, nil }, 0)
}

func TestSkillEndpoints(t *testing.T) {
	e := newEnv(t, "sqlite", "", withSkills(&fakeSkills{installed: map[string]bool{}}))
	op, viewer, worker := e.token("olive", domain.RoleOperator), e.token("vera", domain.RoleViewer), e.worker("w1")

	var list []domain.InstalledSkill
	e.must(http.StatusOK, "GET", "/api/v1/plugins", viewer, nil, &list)
	if list == nil {
		t.Error("an empty list is null, want []")
	}
	e.must(http.StatusOK, "GET", "/api/v1/plugins/market?q=re", viewer, nil, nil)
	e.must(http.StatusOK, "GET", "/api/v1/plugins/market/restart", viewer, nil, nil)
	e.must(http.StatusOK, "GET", "/api/v1/plugins/verify", viewer, nil, nil)
	e.must(http.StatusForbidden, "POST", "/api/v1/plugins", op, domain.InstallSkillRequest{ID: "restart"}, nil)
	e.must(http.StatusCreated, "POST", "/api/v1/plugins", e.admin, domain.InstallSkillRequest{ID: "restart"}, nil)
	e.must(http.StatusForbidden, "POST", "/api/v1/plugins", e.admin, domain.InstallSkillRequest{ID: "refused"}, nil)
	e.must(http.StatusOK, "POST", "/api/v1/plugins/restart/update", e.admin, domain.UpdateSkillRequest{}, nil)
	e.must(http.StatusNoContent, "DELETE", "/api/v1/plugins/restart", e.admin, nil, nil)
	e.must(http.StatusNotFound, "DELETE", "/api/v1/plugins/restart", e.admin, nil, nil)
	var bundles []domain.SkillBundle
	e.must(http.StatusOK, "GET", "/api/v1/worker/skills", worker, nil, &bundles)
	if len(bundles) != 1 || string(bundles[0].Files["skill.py"]) != "print()" {
		t.Errorf("bundles = %+v", bundles)
	}
	e.must(http.StatusForbidden, "GET", "/api/v1/worker/skills", viewer, nil, nil)

	var page domain.AuditPage
	e.must(http.StatusOK, "GET", "/api/v1/audit", viewer, nil, &page)
	got := map[string]int{}
	for _, ev := range page.Events {
		got[ev.Action+" "+string(ev.Outcome)]++
	}
	for k, n := range map[string]int{"plugin.install ok": 1, "plugin.install refused": 2, "plugin.update ok": 1,
		"plugin.remove ok": 1, "plugin.remove refused": 1} {
		if got[k] != n {
			t.Errorf("audit %q: %d, want %d (all %v)", k, got[k], n, got)
		}
	}
}

func TestSkillEndpointsWithoutSkills(t *testing.T) {
	e := newEnv(t, "sqlite", "")
	e.must(http.StatusServiceUnavailable, "GET", "/api/v1/plugins", e.admin, nil, nil)
}

// A plan a person writes goes through the same Propose as the advisor's,
// with the skills' check of its actions.
func TestProposePlan(t *testing.T) {
	e := newEnv(t, "sqlite", "", withSkills(&fakeSkills{installed: map[string]bool{}}))
	op, viewer := e.token("olive", domain.RoleOperator), e.token("vera", domain.RoleViewer)
	e.worker("w1")
	act := domain.Action{Plugin: "restart", Action: "restart", Worker: "w1", Target: "web",
		BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true}}
	req := domain.ProposePlanRequest{Title: "restart web", Rationale: "it hangs", Actions: []domain.Action{act}}

	var plan domain.Plan
	e.must(http.StatusCreated, "POST", "/api/v1/plans", op, req, &plan)
	if plan.Status != domain.PlanPending || plan.RequiredApprovals != 1 || plan.Author == "" {
		t.Errorf("plan = %+v", plan)
	}
	e.must(http.StatusForbidden, "POST", "/api/v1/plans", viewer, req, nil)

	sandboxed := req
	sandboxed.Actions = []domain.Action{{Plugin: "inventory", Action: "report", Worker: "w1", Target: "host"}}
	if code, apiErr := e.call("POST", "/api/v1/plans", op, sandboxed, nil); code != http.StatusForbidden || apiErr.Code != domain.CodePolicy {
		t.Errorf("plan naming a sandboxed skill: %d %+v", code, apiErr)
	}
	unknown := req
	unknown.Actions = []domain.Action{{Plugin: "restart", Action: "restart", Worker: "nope", Target: "web"}}
	e.must(http.StatusNotFound, "POST", "/api/v1/plans", op, unknown, nil)
	e.must(http.StatusBadRequest, "POST", "/api/v1/plans", op, domain.ProposePlanRequest{Title: "x"}, nil)

	var page domain.AuditPage
	e.must(http.StatusOK, "GET", "/api/v1/audit", viewer, nil, &page)
	refused := 0
	for _, ev := range page.Events {
		if ev.Action == "plan.propose" && ev.Outcome == domain.OutcomeRefused {
			refused++
		}
	}
	if refused != 2 {
		t.Errorf("refused proposals audited: %d, want 2 (the viewer and the sandboxed skill)", refused)
	}
}

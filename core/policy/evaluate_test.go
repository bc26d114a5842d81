package policy

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// act builds an action; reversible sets BlastRadius.Reversible.
func act(plugin, action, target, worker string, reversible bool) domain.Action {
	return domain.Action{
		Plugin:      plugin,
		Action:      action,
		Target:      target,
		Worker:      worker,
		BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: reversible},
	}
}

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc), "policy.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestEvaluate(t *testing.T) {
	const day = 24 * time.Hour
	restartWeb := act("docker", "restart", "web-1", "site-a-1", true)

	tests := []struct {
		name    string
		doc     string
		actions []domain.Action
		want    Requirements
	}{
		{
			name:    "defaults for a reversible action",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 1, AuthorMayApprove: false, ExpireAfter: day},
		},
		{
			name:    "irreversible action needs two by default",
			actions: []domain.Action{act("docker", "rm", "web-1", "site-a-1", false)},
			want:    Requirements{Approvals: 2, ExpireAfter: day},
		},
		{
			name:    "irreversible_approvals from the file",
			doc:     "defaults:\n  irreversible_approvals: 4\n",
			actions: []domain.Action{act("docker", "rm", "web-1", "site-a-1", false)},
			want:    Requirements{Approvals: 4, ExpireAfter: day},
		},
		{
			name:    "defaults from the file",
			doc:     "defaults:\n  approvals: 2\n  irreversible_approvals: 3\n  author_may_approve: true\n  expire_after: 2h\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 2, AuthorMayApprove: true, ExpireAfter: 2 * time.Hour},
		},
		{
			name:    "rule overrides approvals for an irreversible action",
			doc:     "rules:\n  - plugin: docker\n    action: rm\n    approvals: 1\n",
			actions: []domain.Action{act("docker", "rm", "scratch", "site-a-1", false)},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
		{
			name:    "rule without approvals leaves irreversible at its default",
			doc:     "rules:\n  - plugin: docker\n    author_may_approve: true\n    expire_after: 1h\n",
			actions: []domain.Action{act("docker", "rm", "web-1", "site-a-1", false)},
			want:    Requirements{Approvals: 2, AuthorMayApprove: true, ExpireAfter: time.Hour},
		},
		{
			name:    "rule raises approvals",
			doc:     "rules:\n  - target: \"web-*\"\n    approvals: 3\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 3, ExpireAfter: day},
		},
		{
			name:    "rule forbids what defaults allow",
			doc:     "defaults:\n  author_may_approve: true\nrules:\n  - plugin: docker\n    author_may_approve: false\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 1, AuthorMayApprove: false, ExpireAfter: day},
		},
		{
			// Only the first matching rule counts: the second's
			// expire_after must not fill in what the first left unset.
			name: "first matching rule wins",
			doc: `rules:
  - plugin: ssh
    approvals: 5
  - plugin: docker
    action: restart
    approvals: 3
  - plugin: docker
    approvals: 4
    author_may_approve: true
    expire_after: 1h
`,
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 3, ExpireAfter: day},
		},
		{
			name:    "later rule applies when earlier ones miss",
			doc:     "rules:\n  - plugin: docker\n    action: stop\n    approvals: 3\n  - plugin: docker\n    approvals: 4\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 4, ExpireAfter: day},
		},
		{
			name:    "worker glob matches",
			doc:     "rules:\n  - worker: \"site-a-*\"\n    expire_after: 1h\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 1, ExpireAfter: time.Hour},
		},
		{
			name:    "worker glob misses another site",
			doc:     "rules:\n  - worker: \"site-a-*\"\n    expire_after: 1h\n",
			actions: []domain.Action{act("docker", "restart", "web-1", "site-b-1", true)},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
		{
			name:    "every pattern must match",
			doc:     "rules:\n  - plugin: docker\n    action: restart\n    target: \"web-*\"\n    worker: \"site-b-*\"\n    approvals: 3\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
		{
			name:    "globs match the whole name",
			doc:     "rules:\n  - target: web\n    approvals: 3\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
		{
			name:    "star does not cross a slash",
			doc:     "rules:\n  - target: \"web-*\"\n    approvals: 3\n",
			actions: []domain.Action{act("docker", "restart", "web-1/api", "site-a-1", true)},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
		{
			name:    "a pattern does not match a missing target",
			doc:     "rules:\n  - target: \"web-*\"\n    approvals: 3\n",
			actions: []domain.Action{act("system", "reboot", "", "site-a-1", true)},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
		{
			name:    "star matches a missing target",
			doc:     "rules:\n  - target: \"*\"\n    approvals: 3\n",
			actions: []domain.Action{act("system", "reboot", "", "site-a-1", true)},
			want:    Requirements{Approvals: 3, ExpireAfter: day},
		},
		{
			name: "max, and, min across actions",
			doc: `rules:
  - target: a
    approvals: 1
    author_may_approve: true
    expire_after: 1h
  - target: b
    approvals: 3
    author_may_approve: true
    expire_after: 48h
  - target: c
    approvals: 2
    author_may_approve: false
    expire_after: 72h
`,
			actions: []domain.Action{
				act("docker", "restart", "a", "w", true),
				act("docker", "restart", "b", "w", true),
				act("docker", "restart", "c", "w", true),
			},
			want: Requirements{Approvals: 3, AuthorMayApprove: false, ExpireAfter: time.Hour},
		},
		{
			name: "author may approve when every action allows it",
			doc:  "defaults:\n  author_may_approve: true\nrules:\n  - target: a\n    expire_after: 30m\n",
			actions: []domain.Action{
				act("docker", "restart", "b", "w", true),
				act("docker", "restart", "a", "w", true),
			},
			want: Requirements{Approvals: 1, AuthorMayApprove: true, ExpireAfter: 30 * time.Minute},
		},
		{
			name: "one irreversible action raises the plan",
			actions: []domain.Action{
				restartWeb,
				act("docker", "rm", "web-2", "site-a-1", false),
			},
			want: Requirements{Approvals: 2, ExpireAfter: day},
		},
		{
			name:    "deny entries that miss do not matter",
			doc:     "deny:\n  - target: \"db-*\"\n  - plugin: docker\n    worker: \"site-b-*\"\n",
			actions: []domain.Action{restartWeb},
			want:    Requirements{Approvals: 1, ExpireAfter: day},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustParse(t, tt.doc).Evaluate(tt.actions)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if got != tt.want {
				t.Errorf("Evaluate = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEvaluateDefault(t *testing.T) {
	got, err := Default().Evaluate([]domain.Action{act("docker", "rm", "web-1", "site-a", false)})
	want := Requirements{Approvals: 2, AuthorMayApprove: false, ExpireAfter: 24 * time.Hour}
	if err != nil || got != want {
		t.Errorf("Default().Evaluate = %+v, %v, want %+v", got, err, want)
	}
}

func TestEvaluateDenied(t *testing.T) {
	const deny = `rules:
  - plugin: docker
    approvals: 1
    author_may_approve: true
deny:
  - plugin: "*"
    action: "*"
    target: "db-*"
    reason: "databases are changed by hand"
  - plugin: docker
    action: prune
  - worker: "lab-?"
    reason: "the lab is frozen"
`
	tests := []struct {
		name    string
		actions []domain.Action
		want    string
	}{
		{
			name:    "target glob, with reason",
			actions: []domain.Action{act("docker", "restart", "db-main", "site-a", true)},
			want:    "docker restart on db-main (worker site-a): denied by policy: databases are changed by hand",
		},
		{
			name:    "default reason",
			actions: []domain.Action{act("docker", "prune", "", "site-a", false)},
			want:    "docker prune (worker site-a): denied by policy: denied by deny rule 1",
		},
		{
			name:    "worker glob",
			actions: []domain.Action{act("ssh", "run", "uptime", "lab-1", true)},
			want:    "ssh run on uptime (worker lab-1): denied by policy: the lab is frozen",
		},
		{
			name: "one denied action refuses the plan",
			actions: []domain.Action{
				act("docker", "restart", "web-1", "site-a", true),
				act("docker", "stop", "db-replica", "site-b", true),
			},
			want: "docker stop on db-replica (worker site-b): denied by policy: databases are changed by hand",
		},
		{
			name: "the first denied action is named",
			actions: []domain.Action{
				act("docker", "prune", "", "", true),
				act("docker", "stop", "db-replica", "site-b", true),
			},
			want: "docker prune: denied by policy: denied by deny rule 1",
		},
	}
	p := mustParse(t, deny)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.Evaluate(tt.actions)
			if err == nil {
				t.Fatalf("Evaluate = %+v, want error %q", got, tt.want)
			}
			if !errors.Is(err, domain.ErrPolicy) {
				t.Errorf("error %v does not wrap domain.ErrPolicy", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if got != (Requirements{}) {
				t.Errorf("Evaluate returned %+v with its error, want zero Requirements", got)
			}
		})
	}
}

func TestEvaluateNoActions(t *testing.T) {
	for _, actions := range [][]domain.Action{nil, {}} {
		got, err := Default().Evaluate(actions)
		if !errors.Is(err, domain.ErrPolicy) {
			t.Errorf("Evaluate(%#v) = %+v, %v, want an error wrapping domain.ErrPolicy", actions, got, err)
		}
	}
}

func TestEvaluateExample(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "example.yaml"))
	if err != nil {
		t.Fatalf("Load example: %v", err)
	}
	tests := []struct {
		name   string
		action domain.Action
		want   Requirements
	}{
		{"web restart", act("docker", "restart", "web-1", "site-a-1", true), Requirements{1, true, time.Hour}},
		{"web restart elsewhere", act("docker", "restart", "web-1", "site-c-1", true), Requirements{1, false, 24 * time.Hour}},
		{"gateway, irreversible", act("opnsense", "apply", "gw-1", "site-a-1", false), Requirements{2, false, 4 * time.Hour}},
		{"backup site, irreversible", act("docker", "rm", "cache", "site-b-1", false), Requirements{2, false, 72 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.Evaluate([]domain.Action{tt.action})
			if err != nil || got != tt.want {
				t.Errorf("Evaluate = %+v, %v, want %+v", got, err, tt.want)
			}
		})
	}
	if _, err := p.Evaluate([]domain.Action{act("docker", "restart", "db-main", "site-a-1", true)}); !errors.Is(err, domain.ErrPolicy) {
		t.Errorf("example does not deny db-main: %v", err)
	}
}

package advisor

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

// container builds a container fact on worker w1.
func container(name, status string, attrs map[string]any) domain.Fact {
	return domain.Fact{WorkerID: "w1", SiteName: "Site A", Type: "container", Name: name, Status: status, Attrs: attrs}
}

// fromJSON turns attrs into what they are after a trip through JSON, where
// every number is a float64.
func fromJSON(t *testing.T, raw string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestContainerTrouble(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fact     domain.Fact
		trouble  bool
		kind     string
		severity domain.Severity
		title    string
		detail   []string // fragments of the detail
	}{
		{
			name:    "running and healthy",
			fact:    container("web", "running", map[string]any{"health": "healthy", "restart_count": 0}),
			trouble: false,
		},
		{
			name:    "running without health check",
			fact:    container("web", "running", nil),
			trouble: false,
		},
		{
			name:    "running after many restarts is not a loop",
			fact:    container("web", "running", map[string]any{"restart_count": 12}),
			trouble: false,
		},
		{
			name:    "exited with code 0",
			fact:    container("job", "exited", map[string]any{"exit_code": 0, "restart_count": 0}),
			trouble: false,
		},
		{
			name:    "exited without an exit code",
			fact:    container("job", "exited", nil),
			trouble: false,
		},
		{
			name:    "exit code as a string is not read",
			fact:    container("job", "exited", map[string]any{"exit_code": "1"}),
			trouble: false,
		},
		{
			name:    "created is not trouble",
			fact:    container("new", "created", map[string]any{"restart_count": 2, "exit_code": 0}),
			trouble: false,
		},
		{
			name:    "two restarts while exited is below the loop count",
			fact:    container("web", "exited", map[string]any{"restart_count": RestartLoopCount - 1, "exit_code": 0}),
			trouble: false,
		},
		{
			name:     "status restarting",
			fact:     container("web", "restarting", map[string]any{"restart_count": 1, "exit_code": 137}),
			trouble:  true,
			kind:     "container_restart_loop",
			severity: domain.SeverityCritical,
			title:    "web is restarting in a loop",
			detail:   []string{"web on w1 is restarting after 1 restarts (last exit code 137)."},
		},
		{
			name:     "status restarting with no attrs",
			fact:     container("web", "restarting", nil),
			trouble:  true,
			kind:     "container_restart_loop",
			severity: domain.SeverityCritical,
			title:    "web is restarting in a loop",
			detail:   []string{"after 0 restarts (last exit code 0)"},
		},
		{
			name:     "restart count at the loop count while exited",
			fact:     container("web", "exited", map[string]any{"restart_count": RestartLoopCount, "exit_code": 1}),
			trouble:  true,
			kind:     "container_restart_loop",
			severity: domain.SeverityCritical,
			title:    "web is restarting in a loop",
			detail:   []string{"web on w1 is exited after 3 restarts (last exit code 1)."},
		},
		{
			name:     "restart loop wins even with exit code 0",
			fact:     container("web", "exited", map[string]any{"restart_count": 7, "exit_code": 0}),
			trouble:  true,
			kind:     "container_restart_loop",
			severity: domain.SeverityCritical,
			title:    "web is restarting in a loop",
			detail:   []string{"after 7 restarts"},
		},
		{
			name:     "exited with non-zero code",
			fact:     container("api", "exited", map[string]any{"restart_count": 0, "exit_code": 1}),
			trouble:  true,
			kind:     "container_exited",
			severity: domain.SeverityWarning,
			title:    "api exited with code 1",
			detail:   []string{"api on w1 stopped with exit code 1 and is not running."},
		},
		{
			name:     "dead with non-zero code",
			fact:     container("api", "dead", map[string]any{"exit_code": 139}),
			trouble:  true,
			kind:     "container_exited",
			severity: domain.SeverityWarning,
			title:    "api exited with code 139",
			detail:   []string{"stopped with exit code 139"},
		},
		{
			name:     "negative exit code",
			fact:     container("api", "exited", map[string]any{"exit_code": int64(-1)}),
			trouble:  true,
			kind:     "container_exited",
			severity: domain.SeverityWarning,
			title:    "api exited with code -1",
		},
		{
			name:     "unhealthy while running",
			fact:     container("db", "running", map[string]any{"health": "unhealthy"}),
			trouble:  true,
			kind:     "container_unhealthy",
			severity: domain.SeverityWarning,
			title:    "db is unhealthy",
			detail:   []string{"db on w1 is running but fails its health check."},
		},
		{
			name:     "exit code outranks unhealthy",
			fact:     container("db", "exited", map[string]any{"health": "unhealthy", "exit_code": 2}),
			trouble:  true,
			kind:     "container_exited",
			severity: domain.SeverityWarning,
			title:    "db exited with code 2",
		},
		{
			name:     "restart loop outranks unhealthy",
			fact:     container("db", "restarting", map[string]any{"health": "unhealthy"}),
			trouble:  true,
			kind:     "container_restart_loop",
			severity: domain.SeverityCritical,
			title:    "db is restarting in a loop",
		},
		{
			name:     "attrs from JSON: restart loop",
			fact:     container("web", "exited", fromJSON(t, `{"restart_count": 3, "exit_code": 1}`)),
			trouble:  true,
			kind:     "container_restart_loop",
			severity: domain.SeverityCritical,
			title:    "web is restarting in a loop",
			detail:   []string{"after 3 restarts (last exit code 1)"},
		},
		{
			name:     "attrs from JSON: exited",
			fact:     container("api", "exited", fromJSON(t, `{"restart_count": 0, "exit_code": 2}`)),
			trouble:  true,
			kind:     "container_exited",
			severity: domain.SeverityWarning,
			title:    "api exited with code 2",
		},
		{
			name:    "attrs from JSON: exited with 0",
			fact:    container("api", "exited", fromJSON(t, `{"restart_count": 1, "exit_code": 0}`)),
			trouble: false,
		},
		{
			name:    "attrs from JSON: running with many restarts",
			fact:    container("api", "running", fromJSON(t, `{"restart_count": 40, "health": "healthy"}`)),
			trouble: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, trouble := containerTrouble(tt.fact)
			if trouble != tt.trouble {
				t.Fatalf("containerTrouble(%s %v) trouble = %v, want %v (finding %+v)", tt.fact.Status, tt.fact.Attrs, trouble, tt.trouble, f)
			}
			if !trouble {
				if f != (finding{}) {
					t.Errorf("no trouble but finding %+v", f)
				}
				return
			}
			if f.kind != tt.kind || f.severity != tt.severity || f.title != tt.title {
				t.Errorf("finding = (%q, %q, %q), want (%q, %q, %q)", f.kind, f.severity, f.title, tt.kind, tt.severity, tt.title)
			}
			for _, frag := range tt.detail {
				if !strings.Contains(f.detail, frag) {
					t.Errorf("detail %q does not contain %q", f.detail, frag)
				}
			}
		})
	}
}

func TestHealthy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fact domain.Fact
		want bool
	}{
		{"running", container("web", "running", nil), true},
		{"running and healthy", container("web", "running", map[string]any{"health": "healthy"}), true},
		{"running while the health check starts", container("web", "running", map[string]any{"health": "starting"}), true},
		{"running after restarts", container("web", "running", fromJSON(t, `{"restart_count": 9}`)), true},
		{"running but unhealthy", container("web", "running", map[string]any{"health": "unhealthy"}), false},
		{"exited with 0", container("web", "exited", map[string]any{"exit_code": 0}), false},
		{"exited with 1", container("web", "exited", map[string]any{"exit_code": 1}), false},
		{"restarting", container("web", "restarting", nil), false},
		{"paused", container("web", "paused", nil), false},
		{"status case matters", container("web", "Running", nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := healthy(tt.fact); got != tt.want {
				t.Errorf("healthy(%s %v) = %v, want %v", tt.fact.Status, tt.fact.Attrs, got, tt.want)
			}
		})
	}
}

// A container is never both in trouble and healthy: OnFacts relies on it
// to choose between opening and resolving.
func TestTroubleAndHealthyExclusive(t *testing.T) {
	t.Parallel()
	for _, status := range []string{"running", "exited", "dead", "restarting", "created", "paused"} {
		for _, attrs := range []map[string]any{
			nil,
			{"health": "unhealthy"},
			{"health": "healthy", "restart_count": 5},
			{"exit_code": 1},
			{"exit_code": 0, "restart_count": 3},
		} {
			f := container("c", status, attrs)
			if _, trouble := containerTrouble(f); trouble && healthy(f) {
				t.Errorf("%s %v is both in trouble and healthy", status, attrs)
			}
		}
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	if !(rank(domain.SeverityInfo) < rank(domain.SeverityWarning) && rank(domain.SeverityWarning) < rank(domain.SeverityCritical)) {
		t.Errorf("rank: info %d, warning %d, critical %d; want strictly rising",
			rank(domain.SeverityInfo), rank(domain.SeverityWarning), rank(domain.SeverityCritical))
	}
}

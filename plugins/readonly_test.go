package plugins

import (
	"context"
	"errors"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

// readOnlyFake is a plugin that says it is read-only, as a sandboxed
// skill does.
type readOnlyFake struct{ fake }

func (*readOnlyFake) ReadOnly() bool { return true }

// A read-only plugin is neither registered nor run, whoever wires it.
func TestReadOnlyNeverRuns(t *testing.T) {
	p := &readOnlyFake{fake{id: "inventory", actions: []string{"report"}}}
	if err := NewRegistry().Register(p); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Register = %v, want ErrReadOnly", err)
	}
	res := Run(context.Background(), p, Action{TaskID: "t1", Name: "report"}, 0)
	if res.Status != domain.TaskFailed || res.Error != "validate_pre: inventory: "+ErrReadOnly.Error() {
		t.Errorf("Run = %s %q", res.Status, res.Error)
	}
	if calls := p.called(); len(calls) != 0 {
		t.Errorf("steps called: %v", calls)
	}
}

package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestExitCode(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("approve pl-1: %w", err) }
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"success", nil, 0},
		{"other", errors.New("boom"), 1},
		{"conflict", wrap(domain.ErrConflict), 1},
		{"invalid from server", wrap(domain.ErrInvalid), 1},
		{"cancelled", wrap(context.Canceled), 1},
		{"silent", ErrSilent, 1},
		{"usage", FlagErrorf("bad --limit"), 2},
		{"wrapped usage", fmt.Errorf("x: %w", FlagErrorf("bad")), 2},
		{"pending", &PendingError{PlanID: "pl-1", NeedMore: 1}, 3},
		{"not found", wrap(domain.ErrNotFound), 4},
		{"forbidden", wrap(domain.ErrForbidden), 5},
		{"unauthenticated", wrap(domain.ErrUnauthenticated), 6},
		{"policy", wrap(domain.ErrPolicy), 7},
		{"decided", wrap(domain.ErrDecided), 8},
		{"expired", wrap(domain.ErrExpired), 8},
		{"unavailable", wrap(domain.ErrUnavailable), 9},
		{"task failed", &TaskFailedError{PlanID: "pl-1", Status: domain.PlanFailed}, 10},
		{"rolled back", &TaskFailedError{PlanID: "pl-1", Status: domain.PlanRolledBack}, 10},
		{"login denied", fmt.Errorf("device login: %w", ErrLoginDenied), 11},
		{"login expired", fmt.Errorf("device login: %w", ErrLoginExpired), 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&PendingError{PlanID: "pl-1", NeedMore: 1}, "approval recorded; plan pl-1 needs 1 more approval"},
		{&PendingError{PlanID: "pl-1", NeedMore: 2}, "approval recorded; plan pl-1 needs 2 more approvals"},
		{&TaskFailedError{PlanID: "pl-1", Status: domain.PlanFailed, Detail: "task tk-1: exit 1"}, "plan pl-1 failed: task tk-1: exit 1"},
		{&TaskFailedError{PlanID: "pl-1", Status: domain.PlanRolledBack}, "plan pl-1 was rolled back"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

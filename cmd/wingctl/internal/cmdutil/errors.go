package cmdutil

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/core/domain"
)

// Exit codes of wingctl. Scripts depend on them: never renumber.
const (
	ExitOK              = 0
	ExitError           = 1
	ExitUsage           = 2
	ExitPending         = 3
	ExitNotFound        = 4
	ExitForbidden       = 5
	ExitUnauthenticated = 6
	ExitPolicy          = 7
	ExitDecided         = 8
	ExitUnavailable     = 9
	ExitTaskFailed      = 10
	ExitLoginDenied     = 11
	ExitLoginExpired    = 12
)

// ExitCodesHelp documents the exit codes in the root's and approve's help.
const ExitCodesHelp = `Exit codes:
  0   success
  1   other error
  2   usage error (bad flags or arguments)
  3   approval recorded, but the plan needs more approvals
  4   not found
  5   forbidden (your role may not do this)
  6   not authenticated (token missing, forged, expired or revoked)
  7   refused by policy
  8   plan already decided or expired
  9   server unreachable
  10  with --wait: a task failed or was rolled back
  11  login refused: denied at the identity provider, or a browser callback
      that was not this login's (state mismatch)
  12  login expired: the device code expired before it was approved`

// FlagError is a usage error: bad flags or arguments (exit 2). The root
// prints a pointer to --help after it.
type FlagError struct{ err error }

// FlagErrorf formats a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap marks err, e.g. from flag parsing, as a usage error.
func FlagErrorWrap(err error) error { return &FlagError{err: err} }

// FlagErrorFunc is the cobra flag error func that makes a flag that does
// not parse a usage error. Set on the root, every subcommand inherits it.
func FlagErrorFunc(_ *cobra.Command, err error) error { return FlagErrorWrap(err) }

// Error returns the underlying message.
func (e *FlagError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *FlagError) Unwrap() error { return e.err }

// PendingError says an approval was recorded but the plan still needs
// NeedMore distinct approvers (exit 3).
type PendingError struct {
	PlanID   string
	NeedMore int
}

// Error says how many approvals are still missing.
func (e *PendingError) Error() string {
	noun := "approvals"
	if e.NeedMore == 1 {
		noun = "approval"
	}
	return fmt.Sprintf("approval recorded; plan %s needs %d more %s", e.PlanID, e.NeedMore, noun)
}

// TaskFailedError says a plan that was waited for ended failed or rolled
// back (exit 10).
type TaskFailedError struct {
	PlanID string
	Status domain.PlanStatus
	Detail string // the first failed task and its error, if known
}

// Error names the plan, its end status and the failed task.
func (e *TaskFailedError) Error() string {
	msg := fmt.Sprintf("plan %s %s", e.PlanID, e.Status)
	if e.Status == domain.PlanRolledBack {
		msg = fmt.Sprintf("plan %s was rolled back", e.PlanID)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// ErrSilent ends a command with exit 1 when it has already said why.
var ErrSilent = errors.New("silent error")

// Login failures, each with an exit code of its own so that a script can
// tell "the person said no" from "nobody answered in time".
var (
	ErrLoginDenied  = errors.New("login refused")
	ErrLoginExpired = errors.New("login expired")
)

// ExitCode maps an error to wingctl's exit code. It is the only place that
// does, so every command reports the same failure with the same code.
func ExitCode(err error) int {
	var (
		flagErr    *FlagError
		pendingErr *PendingError
		taskErr    *TaskFailedError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &flagErr):
		return ExitUsage
	case errors.As(err, &pendingErr):
		return ExitPending
	case errors.As(err, &taskErr):
		return ExitTaskFailed
	case errors.Is(err, ErrLoginDenied):
		return ExitLoginDenied
	case errors.Is(err, ErrLoginExpired):
		return ExitLoginExpired
	case errors.Is(err, domain.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, domain.ErrForbidden):
		return ExitForbidden
	case errors.Is(err, domain.ErrUnauthenticated):
		return ExitUnauthenticated
	case errors.Is(err, domain.ErrPolicy):
		return ExitPolicy
	case errors.Is(err, domain.ErrDecided), errors.Is(err, domain.ErrExpired):
		return ExitDecided
	case errors.Is(err, domain.ErrUnavailable):
		return ExitUnavailable
	}
	return ExitError
}

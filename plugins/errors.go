package plugins

import "errors"

// Errors a caller tests with errors.Is.
var (
	// ErrUnknown is wrapped by Registry.Lookup when no registered plugin
	// has the plugin or action asked for.
	ErrUnknown = errors.New("plugins: unknown")
	// ErrNoRollback is wrapped by the Rollback of a plugin whose actions
	// cannot be undone; their blast radius should say reversible: false.
	ErrNoRollback = errors.New("plugins: rollback not supported")
	// ErrReadOnly is wrapped when a read-only plugin (a sandboxed skill)
	// is registered or asked to run an action.
	ErrReadOnly = errors.New("plugins: read-only plugin; its actions never run")
)

package plugins

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/wingman-dev/wingman/core/domain"
)

// A Registry holds the plugins a worker can run, by ID. It is safe for
// concurrent use.
type Registry struct {
	mu      sync.RWMutex
	plugins map[string]registered // by ID; guarded by mu
}

// registered is a plugin with the actions it declared when it was
// registered, so that a plugin cannot change its surface afterwards.
type registered struct {
	p       Plugin
	actions []string // sorted
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{plugins: map[string]registered{}}
}

// Register adds p. It refuses a nil plugin, an empty ID, an ID or action
// containing a dot (capabilities are written "id.action"), an ID already
// registered (wrapping domain.ErrConflict), a plugin without actions, and
// a read-only plugin (wrapping ErrReadOnly).
func (r *Registry) Register(p Plugin) error {
	if p == nil {
		return fmt.Errorf("plugins: register: nil plugin")
	}
	id := p.ID()
	if id == "" {
		return fmt.Errorf("plugins: register %T: empty plugin id", p)
	}
	if strings.Contains(id, ".") {
		return fmt.Errorf("plugins: register %q: id contains a dot", id)
	}
	if readOnly(p) {
		return fmt.Errorf("plugins: register %q: %w", id, ErrReadOnly)
	}
	actions := slices.Clone(p.Actions())
	if len(actions) == 0 {
		return fmt.Errorf("plugins: register %q: no actions", id)
	}
	slices.Sort(actions)
	for i, a := range actions {
		switch {
		case a == "":
			return fmt.Errorf("plugins: register %q: empty action name", id)
		case strings.Contains(a, "."):
			return fmt.Errorf("plugins: register %q: action %q contains a dot", id, a)
		case i > 0 && actions[i-1] == a:
			return fmt.Errorf("plugins: register %q: action %q listed twice", id, a)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.plugins[id]; dup {
		return fmt.Errorf("plugins: register %q: %w", id, domain.ErrConflict)
	}
	r.plugins[id] = registered{p: p, actions: actions}
	return nil
}

// Lookup returns the plugin with the given ID if it has the action. When
// either is unknown the error, which wraps ErrUnknown, says which and lists
// what is registered.
func (r *Registry) Lookup(plugin, action string) (Plugin, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	reg, ok := r.plugins[plugin]
	if !ok {
		ids := slices.Sorted(maps.Keys(r.plugins))
		return nil, fmt.Errorf("%w plugin %q (registered: %s)", ErrUnknown, plugin, list(ids))
	}
	if _, found := slices.BinarySearch(reg.actions, action); !found {
		return nil, fmt.Errorf("%w action %q for plugin %q (its actions: %s)", ErrUnknown, action, plugin, list(reg.actions))
	}
	return reg.p, nil
}

// Capabilities returns every "plugin.action" the registry can run, sorted;
// it is what a worker advertises in its heartbeat.
func (r *Registry) Capabilities() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var caps []string
	for id, reg := range r.plugins {
		for _, a := range reg.actions {
			caps = append(caps, id+"."+a)
		}
	}
	slices.Sort(caps)
	return caps
}

func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Package common holds what every part of the TUI shares: its styles, its
// key map, the window size and the API client.
package common

import (
	"context"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/wingman-dev/wingman/core/client"
)

// Common is handed to every view.
type Common struct {
	Client *client.Client
	Styles *Styles
	Keys   KeyMap
	Now    func() time.Time
	// Ctx bounds every call a view makes; it ends when the program does.
	Ctx context.Context
}

// callTimeout bounds one API call from the TUI: a person is waiting.
const callTimeout = 15 * time.Second

// Call runs fn with a context bounded for one API call.
func (c *Common) Call(fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(c.Ctx, callTimeout)
	defer cancel()
	return fn(ctx)
}

// Ago says how long before now t was ("3 minutes ago"), or "never".
func (c *Common) Ago(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "never"
	}
	return humanize.RelTime(*t, c.Now(), "ago", "from now")
}

package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// The stream's messages.
type (
	// streamOpenMsg: the event stream is connected.
	streamOpenMsg struct{ s *client.EventStream }
	// streamEventMsg: something changed.
	streamEventMsg struct {
		s  *client.EventStream
		ev domain.Event
	}
	// streamDownMsg: the stream broke or could not open; the app shows
	// it and tries again after wait.
	streamDownMsg struct {
		err  error
		wait time.Duration
	}
	// streamRetryMsg: time to open the stream again.
	streamRetryMsg struct{}
)

// openStream connects to the event stream.
func openStream(ctx context.Context, c *client.Client, failures int) tea.Cmd {
	return func() tea.Msg {
		s, err := c.Events(ctx)
		if err != nil {
			return streamDownMsg{err: err, wait: retryAfter(failures + 1)}
		}
		return streamOpenMsg{s}
	}
}

// nextEvent waits for the stream's next event.
func nextEvent(s *client.EventStream) tea.Cmd {
	return func() tea.Msg {
		ev, err := s.Next()
		if err != nil {
			s.Close()
			return streamDownMsg{err: err, wait: retryAfter(1)}
		}
		return streamEventMsg{s, ev}
	}
}

// retryAfter backs off from 1 s to 15 s while the server stays away.
func retryAfter(failures int) time.Duration {
	return min(time.Second<<min(failures-1, 4), 15*time.Second)
}

package client

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// silenceLimit is how long a stream may say nothing, keep-alives
// included, before it counts as broken: the server sends one every 15 s.
const silenceLimit = 40 * time.Second

// EventStream is an open GET /events: changes as the server announces them.
type EventStream struct {
	body  io.ReadCloser
	lines *bufio.Scanner
	// watchdog closes the body when the server falls silent, which makes
	// a blocked Next return.
	watchdog *time.Timer
	once     sync.Once
}

// Events opens the change stream. Close it when done; Next returns an
// error (domain.ErrUnavailable when the server went away) once it breaks.
func (c *Client) Events(ctx context.Context) (*EventStream, error) {
	req, err := c.newRequest(ctx, call{method: http.MethodGet, path: "/events"})
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, wrap("open event stream", c.transportError(ctx, err))
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, wrap("open event stream", decodeError(resp))
	}
	s := &EventStream{body: resp.Body, lines: bufio.NewScanner(resp.Body)}
	s.lines.Buffer(make([]byte, 4096), 64<<10)
	s.watchdog = time.AfterFunc(silenceLimit, func() { s.Close() })
	return s, nil
}

// Next waits for the next change.
func (s *EventStream) Next() (domain.Event, error) {
	var data string
	for s.lines.Scan() {
		s.watchdog.Reset(silenceLimit)
		line := s.lines.Text()
		switch {
		case line == "" && data != "":
			var ev domain.Event
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				return ev, fmt.Errorf("event stream: %w", err)
			}
			return ev, nil
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		}
	}
	err := s.lines.Err()
	if err == nil {
		err = io.EOF
	}
	return domain.Event{}, &unavailableError{server: "event stream", err: err}
}

// Close ends the stream.
func (s *EventStream) Close() error {
	var err error
	s.once.Do(func() {
		s.watchdog.Stop()
		err = s.body.Close()
	})
	return err
}

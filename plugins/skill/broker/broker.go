// Package broker is how a skill reaches the homelab: never with
// credentials of its own, only through JSON calls on a channel the worker
// hands it (a socketpair, inherited as a file descriptor). The broker
// checks every call against the permissions the skill is allowed, lets
// state-changing calls through only while the skill runs an approved
// action (execute or rollback) and only on that action's target, and
// then makes the call with the worker's own adapters.
//
// The protocol is one JSON object per line each way:
//
//	-> {"id": 1, "method": "docker.inspect", "params": {"name": "web"}}
//	<- {"id": 1, "result": {"name": "web", "running": true, ...}}
//	<- {"id": 1, "error": {"code": "forbidden", "message": "..."}}
package broker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// MaxLine caps one request; a longer line ends the session.
const MaxLine = 64 << 10

// Error codes of a refused or failed call.
const (
	CodeForbidden     = "forbidden"      // beyond the skill's permissions, verb or target
	CodeUnknownMethod = "unknown_method" // no such method
	CodeInvalid       = "invalid"        // malformed request or params
	CodeUnavailable   = "unavailable"    // the adapter is not enabled on this worker
	CodeFailed        = "failed"         // the adapter's call failed
)

// Session is what the broker knows of one run of a skill.
type Session struct {
	Skill   string
	Allowed []manifest.Permission
	// Verb is the protocol verb the skill is running; state-changing
	// calls are served during execute and rollback only.
	Verb string
	// Target is the action's target; state-changing calls may touch it
	// and nothing else.
	Target string
}

// Request is one call from a skill.
type Request struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// Response answers one Request.
type Response struct {
	ID     json.RawMessage `json:"id"`
	Result any             `json:"result,omitempty"`
	Error  *CallError      `json:"error,omitempty"`
}

// CallError is a refused or failed call.
type CallError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *CallError) Error() string { return e.Code + ": " + e.Message }

// Broker serves skills' calls with the worker's adapters. A nil adapter
// answers its methods with CodeUnavailable.
type Broker struct {
	Docker  Docker
	Proxmox Proxmox
	Log     *slog.Logger
}

// Serve answers s's calls on conn until the skill closes its end, the
// channel breaks, or ctx ends. It returns nil at a clean end of input.
func (b *Broker) Serve(ctx context.Context, conn io.ReadWriter, s Session) error {
	log := b.Log
	if log == nil {
		log = slog.Default()
	}
	log = log.With("skill", s.Skill, "verb", s.Verb)
	r := bufio.NewReaderSize(conn, 4096)
	enc := json.NewEncoder(conn)
	for ctx.Err() == nil {
		line, err := readLine(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("broker: %s: %w", s.Skill, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		resp := b.answer(ctx, s, line)
		if resp.Error != nil {
			log.Warn("broker call refused or failed", "code", resp.Error.Code, "err", resp.Error.Message)
		}
		if err := enc.Encode(resp); err != nil {
			return fmt.Errorf("broker: %s: answer: %w", s.Skill, err)
		}
	}
	return ctx.Err()
}

func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLine {
			return nil, fmt.Errorf("a request is longer than %d bytes", MaxLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && len(line) > 0 && errors.Is(err, io.EOF) {
			return line, nil
		}
		return line, err
	}
}

// answer decides one request and, when allowed, makes the call.
func (b *Broker) answer(ctx context.Context, s Session, line []byte) Response {
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		return Response{Error: &CallError{CodeInvalid, "not a JSON request: " + err.Error()}}
	}
	resp := Response{ID: req.ID}
	m, ok := methods[req.Method]
	if !ok {
		resp.Error = &CallError{CodeUnknownMethod, fmt.Sprintf("no method %q (methods: %s)", req.Method, methodList())}
		return resp
	}
	if err := s.permit(req.Method, m); err != nil {
		resp.Error = err
		return resp
	}
	result, err := m.call(ctx, b, s, req.Params)
	if err != nil {
		var ce *CallError
		if !errors.As(err, &ce) {
			ce = &CallError{CodeFailed, err.Error()}
		}
		resp.Error = ce
		return resp
	}
	resp.Result = result
	return resp
}

// permit checks a call's permission and, for one that changes state, the
// verb it is made in.
func (s Session) permit(name string, m method) *CallError {
	allowed := false
	for _, p := range s.Allowed {
		allowed = allowed || p == m.perm
	}
	if !allowed {
		return &CallError{CodeForbidden, fmt.Sprintf("%s needs permission %q, which skill %s is not allowed (allowed: %v)",
			name, m.perm, s.Skill, s.Allowed)}
	}
	if !m.perm.ReadOnly() && s.Verb != "execute" && s.Verb != "rollback" {
		return &CallError{CodeForbidden, fmt.Sprintf("%s changes state, which is allowed during execute and rollback only, not %s", name, s.Verb)}
	}
	return nil
}

// onTarget refuses a state-changing call on anything but the action's
// target: the plan that was approved named it.
func (s Session) onTarget(object string) error {
	if object != s.Target {
		return &CallError{CodeForbidden, fmt.Sprintf("may change only the action's target %q, not %q", s.Target, object)}
	}
	return nil
}

// decode reads params strictly into v.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 || string(params) == "null" {
		params = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &CallError{CodeInvalid, "params: " + err.Error()}
	}
	return nil
}

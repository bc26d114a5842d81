// Package external adapts user-installed executable plugins, which speak
// the JSON protocol of plugins/PROTOCOL.md, to plugins.Plugin.
package external

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/internal/proc"
)

// ErrProtocol is wrapped by the errors of a plugin that broke the
// protocol: malformed or oversized output, a missing "ok", a bad describe.
var ErrProtocol = errors.New("external: protocol error")

// Limits of the protocol, as PROTOCOL.md states them.
const (
	// MaxResponse is the most a plugin may write on stdout.
	MaxResponse = 1 << 20
	// DefaultDescribeTimeout bounds describe.
	DefaultDescribeTimeout = 10 * time.Second
	// DefaultCallTimeout bounds each action verb, within the action's own
	// timeout.
	DefaultCallTimeout = 5 * time.Minute
	// stderrTail is how much of a plugin's stderr an error quotes: its
	// end, where a traceback says what went wrong.
	stderrTail = 2 << 10
)

// adapter is one executable plugin. It holds no state between calls, so
// it is safe for concurrent use.
type adapter struct {
	path        string
	id          string
	actions     []string // sorted
	callTimeout time.Duration
}

// ID returns the ID the plugin gave in describe.
func (p *adapter) ID() string { return p.id }

// Actions returns the actions the plugin gave in describe.
func (p *adapter) Actions() []string { return slices.Clone(p.actions) }

// ValidatePre asks the plugin (verb validate_pre).
func (p *adapter) ValidatePre(ctx context.Context, a plugins.Action) error {
	_, err := p.act(ctx, verbValidatePre, a, nil)
	return err
}

// Execute asks the plugin (verb execute) and returns its output and data,
// also when it says the execution failed.
func (p *adapter) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	resp, err := p.act(ctx, verbExecute, a, nil)
	return plugins.Result{Output: resp.Output, Data: resp.Data}, err
}

// ValidatePost asks the plugin (verb validate_post), passing r.
func (p *adapter) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	_, err := p.act(ctx, verbValidatePost, a, &r)
	return err
}

// Rollback asks the plugin (verb rollback), passing r.
func (p *adapter) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	_, err := p.act(ctx, verbRollback, a, &r)
	return err
}

// act makes one action verb call. A response with "ok": false is an error
// carrying the plugin's message; the response is returned with it.
func (p *adapter) act(ctx context.Context, verb string, a plugins.Action, r *plugins.Result) (response, error) {
	if !slices.Contains(p.actions, a.Name) {
		return response{}, fmt.Errorf("%s: no action %q (its actions: %s)", p.id, a.Name, strings.Join(p.actions, ", "))
	}
	req := request{Verb: verb, Action: &wireAction{
		TaskID:      a.TaskID,
		PlanID:      a.PlanID,
		Name:        a.Name,
		Target:      a.Target,
		Params:      a.Params,
		BlastRadius: a.BlastRadius,
	}}
	if r != nil {
		req.Result = &wireResult{Output: r.Output, Data: r.Data}
	}
	resp, err := call(ctx, p.path, p.callTimeout, req)
	if err != nil {
		return resp, p.errorf(verb, err)
	}
	if resp.OK == nil {
		return resp, p.errorf(verb, fmt.Errorf(`%w: response has no "ok"`, ErrProtocol))
	}
	if !*resp.OK {
		msg := resp.Message
		if msg == "" {
			msg = "not ok, without a message"
		}
		return resp, fmt.Errorf("%s: %s", p.id, msg)
	}
	return resp, nil
}

func (p *adapter) errorf(verb string, err error) error {
	return fmt.Errorf("external plugin %q (%s): %s: %w", p.id, p.path, verb, err)
}

// call runs the plugin at path once with req, within timeout, and decodes
// its response.
func call(ctx context.Context, path string, timeout time.Duration, req request) (response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("%s took longer than %s", req.Verb, timeout))
	defer cancel()
	req.Protocol = protocolVersion
	if req.Action != nil {
		if deadline, ok := ctx.Deadline(); ok {
			req.Action.TimeoutMS = max(time.Until(deadline).Milliseconds(), 1)
		}
	}
	in, err := jsonMarshal(req)
	if err != nil {
		return response{}, fmt.Errorf("encoding the request: %w", err)
	}
	stdout := plugins.NewCappedBuffer(MaxResponse)
	stderr := &tail{max: stderrTail}
	err = proc.Run(ctx, proc.Spec{Path: path, Args: []string{path}, Stdin: in, Stdout: stdout, Stderr: stderr})
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() >= 0 {
			err = fmt.Errorf("exit status %d", ee.ExitCode())
		}
		return response{}, stderr.quote(err)
	}
	if stdout.Dropped() > 0 {
		return response{}, stderr.quote(fmt.Errorf("%w: response larger than %d bytes", ErrProtocol, MaxResponse))
	}
	resp, err := decodeResponse([]byte(stdout.Kept()))
	if err != nil {
		return response{}, stderr.quote(err)
	}
	return resp, nil
}

// tail keeps the last max bytes written to it. proc.Run's writes to it
// all happen before Run returns.
type tail struct {
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

// quote adds what the plugin wrote on stderr, if anything, to err.
func (t *tail) quote(err error) error {
	s := strings.TrimSpace(strings.ToValidUTF8(string(t.b), ""))
	if s == "" {
		return err
	}
	return fmt.Errorf("%w; stderr: %s", err, s)
}

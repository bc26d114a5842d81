// Running one verb of a skill: in the sandbox (where there is none,
// through plugins/skill/pyguard), with the request on stdin, the broker on
// fd 3, and one JSON response on stdout (the protocol of
// plugins/PROTOCOL.md).

package loader

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/sandbox"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
	"github.com/wingman-dev/wingman/plugins/skill/pyguard"
)

// The protocol's verbs.
const (
	verbValidatePre  = "validate_pre"
	verbExecute      = "execute"
	verbValidatePost = "validate_post"
	verbRollback     = "rollback"
)

// BrokerFD is the descriptor the broker channel has in the skill; the
// skill also finds it in $WINGMAN_BROKER_FD.
const BrokerFD = 3

// maxResponse caps a skill's stdout, as for external plugins.
const maxResponse = 1 << 20

// brokerDrain bounds the wait for the broker to finish answering once
// the skill has ended.
const brokerDrain = 2 * time.Second

// stderrTail is how much of a failing skill's stderr its error quotes.
const stderrTail = 2 << 10

type request struct {
	Protocol int         `json:"protocol"`
	Verb     string      `json:"verb"`
	Action   wireAction  `json:"action"`
	Result   *wireResult `json:"result,omitempty"`
}

type wireAction struct {
	TaskID      string             `json:"task_id"`
	PlanID      string             `json:"plan_id"`
	Name        string             `json:"name"`
	Target      string             `json:"target"`
	Params      map[string]any     `json:"params"`
	BlastRadius domain.BlastRadius `json:"blast_radius"`
	TimeoutMS   int64              `json:"timeout_ms"`
}

type wireResult struct {
	Output string         `json:"output"`
	Data   map[string]any `json:"data"`
}

type response struct {
	OK      *bool          `json:"ok"`
	Message string         `json:"message"`
	Output  string         `json:"output"`
	Data    map[string]any `json:"data"`
}

// call runs one verb. A response with "ok": false is an error carrying
// the skill's message.
func (sk *skill) call(ctx context.Context, verb string, a plugins.Action, r *plugins.Result) (response, error) {
	id := sk.ID()
	fail := func(err error) (response, error) { return response{}, fmt.Errorf("skill %s: %s: %w", id, verb, err) }
	if !sk.admitted.Manifest.HasAction(a.Name) {
		return fail(fmt.Errorf("no action %q (its actions: %v)", a.Name, sk.Actions()))
	}
	if err := sk.intact(); err != nil {
		return fail(err)
	}
	timeout := sk.set.cfg.Timeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	if timeout <= 0 {
		return fail(errors.New("no time left"))
	}
	req := request{Protocol: 1, Verb: verb, Action: wireAction{TaskID: a.TaskID, PlanID: a.PlanID, Name: a.Name,
		Target: a.Target, Params: a.Params, BlastRadius: a.BlastRadius, TimeoutMS: timeout.Milliseconds()}}
	if r != nil {
		req.Result = &wireResult{Output: r.Output, Data: r.Data}
	}
	in, err := json.Marshal(req)
	if err != nil {
		return fail(fmt.Errorf("encoding the request: %w", err))
	}
	path, args, err := sk.command()
	if err != nil {
		return fail(err)
	}

	brokerEnd, skillEnd, err := broker.Channel()
	if err != nil {
		return fail(err)
	}
	served := make(chan error, 1)
	go func() {
		served <- sk.set.cfg.Broker.Serve(ctx, brokerEnd, broker.Session{Skill: id,
			Allowed: sk.admitted.Manifest.Allowed(sk.admitted.Manifest.TrustLevel), Verb: verb, Target: a.Target})
	}()
	run := sandbox.Run
	if sk.set.fallback {
		// The same Spec, run without confinement; command gave a Python
		// skill the import guard.
		run = pyguard.Run
		sk.set.cfg.Log.Warn("skill running without the Linux sandbox", "skill", id, "verb", verb, "as", sk.unsandboxed())
	}
	res, err := run(ctx, sandbox.Spec{
		Path: path, Args: args, Dir: sk.dir, Stdin: bytes.NewReader(in),
		Env:        map[string]string{"WINGMAN_BROKER_FD": fmt.Sprint(BrokerFD)},
		ExtraFiles: []*os.File{skillEnd}, Timeout: timeout, MaxOutput: maxResponse + 1,
		AllowDegraded: sk.set.cfg.AllowDegraded, Launcher: sk.set.cfg.Launcher, Logger: sk.set.cfg.Log,
	})
	// The skill has ended and the sandbox killed its process group; with
	// our copy of its end closed, the broker reads end-of-input and stops.
	// Should anything still hold the skill's end, closing the broker's
	// own end stops it all the same.
	skillEnd.Close()
	select {
	case berr := <-served:
		if berr != nil && err == nil {
			sk.set.cfg.Log.Warn("skill broker channel", "skill", id, "err", berr)
		}
	case <-time.After(brokerDrain):
		sk.set.cfg.Log.Warn("skill broker channel still open after the skill ended; closing it", "skill", id)
	}
	brokerEnd.Close()
	if err != nil {
		return fail(err)
	}
	if err := ended(res); err != nil {
		return fail(err)
	}
	resp, err := decode(res.Stdout)
	if err != nil {
		return fail(quote(err, res.Stderr))
	}
	switch {
	case sk.set.fallback:
		resp.Output = fmt.Sprintf("[no sandbox: %s] %s", sk.unsandboxed(), resp.Output)
	case res.Degraded:
		resp.Output = fmt.Sprintf("[degraded sandbox, missing %s] %s", strings.Join(res.Missing, ", "), resp.Output)
	}
	if !*resp.OK {
		msg := resp.Message
		if msg == "" {
			msg = "not ok, without a message"
		}
		return resp, fmt.Errorf("skill %s: %s", id, msg)
	}
	return resp, nil
}

// ended turns how the skill ended into an error, nil for exit status 0.
func ended(res sandbox.Result) error {
	var err error
	switch {
	case res.TimedOut:
		err = fmt.Errorf("killed at its timeout after %s", res.Duration.Round(time.Millisecond))
	case res.Signal != 0:
		err = fmt.Errorf("killed by signal %s", res.Signal)
	case res.ExitCode != 0:
		err = fmt.Errorf("exit status %d", res.ExitCode)
	case res.StdoutTruncated:
		err = fmt.Errorf("response larger than %d bytes", maxResponse)
	}
	if err != nil {
		return quote(err, res.Stderr)
	}
	return nil
}

// decode reads exactly one JSON object with "ok" from out.
func decode(out []byte) (response, error) {
	var r response
	if len(bytes.TrimSpace(out)) == 0 {
		return r, errors.New("empty response on stdout")
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("malformed response: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return r, errors.New("malformed response: more than one JSON value on stdout")
	}
	if r.OK == nil {
		return r, errors.New(`response has no "ok"`)
	}
	return r, nil
}

// quote adds the end of the skill's stderr to err.
func quote(err error, stderr []byte) error {
	s := strings.TrimSpace(strings.ToValidUTF8(string(stderr), ""))
	if len(s) > stderrTail {
		s = s[len(s)-stderrTail:]
	}
	if s == "" {
		return err
	}
	return fmt.Errorf("%w; stderr: %s", err, s)
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

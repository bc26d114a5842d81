package external

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/wingman-dev/wingman/core/domain"
)

// protocolVersion is sent in every request; PROTOCOL.md describes it.
const protocolVersion = 1

// The verbs of the protocol.
const (
	verbDescribe     = "describe"
	verbValidatePre  = "validate_pre"
	verbExecute      = "execute"
	verbValidatePost = "validate_post"
	verbRollback     = "rollback"
)

// request is what a plugin reads on stdin.
type request struct {
	Protocol int         `json:"protocol"`
	Verb     string      `json:"verb"`
	Action   *wireAction `json:"action,omitempty"`
	Result   *wireResult `json:"result,omitempty"`
}

type wireAction struct {
	TaskID      string             `json:"task_id"`
	PlanID      string             `json:"plan_id"`
	Name        string             `json:"name"`
	Target      string             `json:"target"`
	Params      map[string]any     `json:"params"`
	BlastRadius domain.BlastRadius `json:"blast_radius"`
	TimeoutMS   int64              `json:"timeout_ms"` // left for this call
}

type wireResult struct {
	Output string         `json:"output"`
	Data   map[string]any `json:"data"`
}

// response is what a plugin writes on stdout. ID and Actions are
// describe's; the others the action verbs'.
type response struct {
	OK      *bool          `json:"ok"`
	Message string         `json:"message"`
	Output  string         `json:"output"`
	Data    map[string]any `json:"data"`
	ID      string         `json:"id"`
	Actions []string       `json:"actions"`
}

// decodeResponse reads exactly one JSON object from out. Unknown fields
// are ignored, so that plugins may answer newer workers; numbers in data
// stay as written, so they travel back to validate_post and rollback
// unchanged.
func decodeResponse(out []byte) (response, error) {
	var r response
	if len(bytes.TrimSpace(out)) == 0 {
		return r, fmt.Errorf("%w: empty response on stdout", ErrProtocol)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("%w: malformed response: %w", ErrProtocol, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return r, fmt.Errorf("%w: malformed response: more than one JSON value on stdout", ErrProtocol)
	}
	return r, nil
}

// jsonMarshal encodes v without escaping <, > and &, which a plugin has
// no reason to expect escaped.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Package ingest takes envelopes from workers: it checks them strictly,
// stores each one once, and hands changed facts to the advisor. A bad
// envelope is refused whole, with a message that says what to fix, and
// changes nothing.
package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/wingman-dev/wingman/core/domain"
)

// Limits on what one envelope may carry.
const (
	MaxFacts        = 10000
	MaxSummaries    = 100
	MaxSamples      = domain.MaxLogSamples
	MaxSampleLength = domain.MaxLogSampleLength
	MaxTemplates    = domain.MaxLogTemplates
)

var typeRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,31}$`)

// decodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data, and phrases errors for the sender.
func decodeStrict(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %s: %w", what, jsonProblem(err), domain.ErrInvalid)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: unexpected data after the JSON value: %w", what, domain.ErrInvalid)
	}
	return nil
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be %s, not %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is empty or cut short"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return strings.TrimPrefix(err.Error(), "json: ") + " (the envelope is versioned by adding fields the control plane knows; upgrade wingmand first)"
	}
	return err.Error()
}

// Decode reads an envelope from a request body already capped in size.
func Decode(body []byte) (domain.Envelope, error) {
	var env domain.Envelope
	if err := decodeStrict(body, &env, "envelope"); err != nil {
		return env, err
	}
	switch {
	case env.WorkerID == "":
		return env, fmt.Errorf("envelope: worker_id is required: %w", domain.ErrInvalid)
	case env.Timestamp.IsZero():
		return env, fmt.Errorf("envelope: timestamp is required (RFC 3339, e.g. 2024-01-15T10:30:00Z): %w", domain.ErrInvalid)
	case len(env.Payload) == 0 || string(env.Payload) == "null":
		return env, fmt.Errorf("envelope: payload is required: %w", domain.ErrInvalid)
	}
	switch env.PayloadType {
	case domain.PayloadFacts, domain.PayloadLogs, domain.PayloadExecutionResult, domain.PayloadHealth:
	default:
		return env, fmt.Errorf("envelope: payload_type %q is not one of facts, logs, execution_result, health: %w",
			env.PayloadType, domain.ErrInvalid)
	}
	if env.ID == "" {
		env.ID = deriveID(env)
	}
	if len(env.ID) > 128 {
		return env, fmt.Errorf("envelope: id is longer than 128 characters: %w", domain.ErrInvalid)
	}
	return env, nil
}

// deriveID names an envelope by its content, so that a worker that resends
// the same file (after a lost answer, or on reconnect) is recognised.
func deriveID(env domain.Envelope) string {
	var payload bytes.Buffer
	if err := json.Compact(&payload, env.Payload); err != nil {
		payload.Write(env.Payload)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", env.WorkerID, env.PayloadType, env.Timestamp.UTC().Format("2006-01-02T15:04:05.999999999Z"))
	h.Write(payload.Bytes())
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func decodeFacts(env domain.Envelope) ([]domain.Fact, error) {
	var p domain.FactsPayload
	if err := decodeStrict(env.Payload, &p, "facts payload"); err != nil {
		return nil, err
	}
	if len(p.Facts) > MaxFacts {
		return nil, fmt.Errorf("facts payload: %d facts, at most %d per envelope: %w", len(p.Facts), MaxFacts, domain.ErrTooLarge)
	}
	out := make([]domain.Fact, 0, len(p.Facts))
	for i, f := range p.Facts {
		switch {
		case !typeRE.MatchString(f.Type):
			return nil, fmt.Errorf("facts[%d].type %q must be a lower-case word such as container, vm, host or service: %w", i, f.Type, domain.ErrInvalid)
		case f.Name == "" || len(f.Name) > 256:
			return nil, fmt.Errorf("facts[%d].name must be 1 to 256 characters: %w", i, domain.ErrInvalid)
		case f.Status == "" || len(f.Status) > 64:
			return nil, fmt.Errorf("facts[%d].status must be 1 to 64 characters (the adapter's own word: running, exited…): %w", i, domain.ErrInvalid)
		}
		at := env.Timestamp
		if f.ObservedAt != nil {
			at = *f.ObservedAt
		}
		out = append(out, domain.Fact{WorkerID: env.WorkerID, SiteName: env.SiteName, Type: f.Type, Name: f.Name,
			Status: f.Status, Attrs: f.Attrs, ObservedAt: at.UTC()})
	}
	return out, nil
}

// errRawLogs explains the one rule of logs payloads.
const errRawLogs = "logs payloads carry summaries only (counts by level, templates, redacted samples); raw log lines never leave the site"

func decodeLogs(env domain.Envelope) ([]domain.LogSummary, error) {
	var p domain.LogsPayload
	if err := decodeStrict(env.Payload, &p, "logs payload"); err != nil {
		if strings.Contains(err.Error(), "unknown field") {
			return nil, fmt.Errorf("%s: %w", errRawLogs, err)
		}
		return nil, err
	}
	if len(p.Summaries) == 0 || len(p.Summaries) > MaxSummaries {
		return nil, fmt.Errorf("logs payload: 1 to %d summaries: %w", MaxSummaries, domain.ErrInvalid)
	}
	for i, s := range p.Summaries {
		if s.Source == "" {
			return nil, fmt.Errorf("summaries[%d].source is required: %w", i, domain.ErrInvalid)
		}
		if len(s.Samples) > MaxSamples || len(s.Templates) > MaxTemplates {
			return nil, fmt.Errorf("summaries[%d]: at most %d samples and %d templates; %s: %w", i, MaxSamples, MaxTemplates, errRawLogs, domain.ErrInvalid)
		}
		for j, smp := range s.Samples {
			if len(smp.Text) > MaxSampleLength {
				return nil, fmt.Errorf("summaries[%d].samples[%d] is longer than %d bytes; %s: %w", i, j, MaxSampleLength, errRawLogs, domain.ErrInvalid)
			}
		}
	}
	return p.Summaries, nil
}

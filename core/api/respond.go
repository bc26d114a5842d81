package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/wingman-dev/wingman/core/domain"
)

// statusOf maps the domain's sentinel errors to HTTP, once for the API.
var statusOf = []struct {
	err    error
	status int
	code   string
}{
	{domain.ErrUnauthenticated, http.StatusUnauthorized, domain.CodeUnauthenticated},
	{domain.ErrForbidden, http.StatusForbidden, domain.CodeForbidden},
	{domain.ErrNotFound, http.StatusNotFound, domain.CodeNotFound},
	{domain.ErrPolicy, http.StatusForbidden, domain.CodePolicy},
	{domain.ErrExpired, http.StatusConflict, domain.CodeExpired},
	{domain.ErrDecided, http.StatusConflict, domain.CodeDecided},
	{domain.ErrConflict, http.StatusConflict, domain.CodeConflict},
	{domain.ErrTooLarge, http.StatusRequestEntityTooLarge, domain.CodeTooLarge},
	{domain.ErrInvalid, http.StatusBadRequest, domain.CodeInvalid},
	{domain.ErrRateLimited, http.StatusTooManyRequests, domain.CodeRateLimited},
	{domain.ErrUnavailable, http.StatusServiceUnavailable, domain.CodeUnavailable},
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to tell it
}

// writeError answers with the status and code of err. Errors that are not
// the client's doing are logged and answered without their details.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status, body, ok := apiError(err)
	if !ok {
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wingman"`)
	}
	writeJSON(w, status, domain.ErrorBody{Error: body})
}

// apiError is the status and body that tell a client about err; ok is
// false for an error that is not the client's doing, whose details stay
// in the server log.
func apiError(err error) (int, domain.APIError, bool) {
	for _, m := range statusOf {
		if errors.Is(err, m.err) {
			body := domain.APIError{Code: m.code, Message: err.Error()}
			var refused *domain.ProblemsError
			if errors.As(err, &refused) {
				body.Problems = refused.Problems
			}
			return m.status, body, true
		}
	}
	return http.StatusInternalServerError, domain.APIError{
		Code: domain.CodeInternal, Message: "internal error; the server log has the details"}, false
}

func errNoRoute(r *http.Request) error {
	return fmt.Errorf("no endpoint %s %s (see the endpoint list in the README): %w", r.Method, r.URL.Path, domain.ErrNotFound)
}

// readBody reads a capped body. Too large is ErrTooLarge, not a cut-off
// document that might decode into something else.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fmt.Errorf("body is larger than %d bytes: %w", max, domain.ErrTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("read body: %w", domain.ErrInvalid)
	}
	return body, nil
}

// decodeBody decodes a JSON request body strictly into v.
func decodeBody(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	body, err := readBody(w, r, max)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %v: %w", err, domain.ErrInvalid)
	}
	if dec.More() {
		return fmt.Errorf("request body: unexpected data after the JSON value: %w", domain.ErrInvalid)
	}
	return nil
}

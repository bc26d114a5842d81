package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Error is an error answer of the server. It unwraps to the domain sentinel
// its code names, so callers test it with errors.Is(err, domain.ErrPolicy).
type Error struct {
	StatusCode int
	Code       string // an ErrorBody code, e.g. "policy_refused"; may be empty
	Message    string // the server's sentence, kept as it is
	// RetryAfter is how long the server asked to wait (429 and 503).
	RetryAfter time.Duration
	// Problems list what is wrong with a document the server refused (a
	// dashboard spec), by path.
	Problems []domain.Problem
	sentinel error
}

// Error reads "<sentinel>: <server message>", without repeating the
// sentinel when the server's message already says it.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.StatusCode))
	}
	if e.sentinel == nil {
		return msg
	}
	if e.Message == "" {
		return e.sentinel.Error()
	}
	if strings.Contains(strings.ToLower(msg), e.sentinel.Error()) {
		return msg
	}
	return e.sentinel.Error() + ": " + msg
}

// Unwrap returns the domain sentinel, or nil for codes without one.
func (e *Error) Unwrap() error { return e.sentinel }

// codeSentinels maps every ErrorBody code to the sentinel the server
// derived it from; "internal" has none on purpose.
var codeSentinels = map[string]error{
	domain.CodeNotFound:        domain.ErrNotFound,
	domain.CodeConflict:        domain.ErrConflict,
	domain.CodeUnauthenticated: domain.ErrUnauthenticated,
	domain.CodeForbidden:       domain.ErrForbidden,
	domain.CodePolicy:          domain.ErrPolicy,
	domain.CodeDecided:         domain.ErrDecided,
	domain.CodeExpired:         domain.ErrExpired,
	domain.CodeInvalid:         domain.ErrInvalid,
	domain.CodeTooLarge:        domain.ErrTooLarge,
	domain.CodeRateLimited:     domain.ErrRateLimited,
	domain.CodeUnavailable:     domain.ErrUnavailable,
}

// statusSentinels covers answers without a known code, such as those of a
// reverse proxy in front of wingmand.
var statusSentinels = map[int]error{
	http.StatusBadRequest:            domain.ErrInvalid,
	http.StatusUnauthorized:          domain.ErrUnauthenticated,
	http.StatusForbidden:             domain.ErrForbidden,
	http.StatusNotFound:              domain.ErrNotFound,
	http.StatusConflict:              domain.ErrConflict,
	http.StatusRequestEntityTooLarge: domain.ErrTooLarge,
	http.StatusUnprocessableEntity:   domain.ErrInvalid,
	http.StatusTooManyRequests:       domain.ErrRateLimited,
	http.StatusBadGateway:            domain.ErrUnavailable,
	http.StatusServiceUnavailable:    domain.ErrUnavailable,
	http.StatusGatewayTimeout:        domain.ErrUnavailable,
}

// ItemError is the refusal of one envelope of a batch as an *Error, as if
// it had been sent alone; nil when the envelope was taken.
func ItemError(it domain.IngestItem) error {
	if it.Error == nil {
		return nil
	}
	return &Error{Code: it.Error.Code, Message: it.Error.Message, Problems: it.Error.Problems, sentinel: codeSentinels[it.Error.Code]}
}

// decodeError turns a non-2xx answer into an *Error. This is the one place
// where codes and statuses become sentinels.
func decodeError(resp *http.Response) error {
	e := &Error{StatusCode: resp.StatusCode}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
		e.RetryAfter = time.Duration(secs) * time.Second
	}
	var body domain.ErrorBody
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(raw, &body) == nil && body.Error.Code != "" {
		e.Code, e.Message, e.Problems = body.Error.Code, body.Error.Message, body.Error.Problems
	} else if s := strings.TrimSpace(string(raw)); s != "" && len(s) < 200 && !strings.HasPrefix(s, "<") {
		e.Message = s
	}
	if s, ok := codeSentinels[e.Code]; ok {
		e.sentinel = s
	} else if s, ok := statusSentinels[resp.StatusCode]; ok && e.Code != domain.CodeInternal {
		e.sentinel = s
	}
	return e
}

// unavailableError is a server that could not be reached or did not answer
// in time. It names the server because the caller may not know which one
// the flags, environment and config file chose.
type unavailableError struct {
	server string
	err    error
}

// Error reads "server unreachable: <server>: <cause>".
func (e *unavailableError) Error() string {
	return fmt.Sprintf("%s: %s: %v", domain.ErrUnavailable, e.server, e.err)
}

// Unwrap lets errors.Is find both domain.ErrUnavailable and the cause
// (e.g. context.DeadlineExceeded, syscall.ECONNREFUSED).
func (e *unavailableError) Unwrap() []error { return []error{domain.ErrUnavailable, e.err} }

// wrap puts the operation in front of err, unless the server's message
// already starts with it, as wingmand's messages often do: "approve pl-1:
// approve pl-1: ..." helps nobody.
func wrap(op string, err error) error {
	var e *Error
	if errors.As(err, &e) && strings.HasPrefix(e.Error(), op+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

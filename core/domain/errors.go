package domain

import "errors"

// Errors shared by the store, the API and the client. The API maps each to
// one HTTP status and error code; the client maps them back, so a caller
// tests them with errors.Is whichever side it is on.
var (
	ErrNotFound        = errors.New("not found")
	ErrConflict        = errors.New("already exists")
	ErrUnauthenticated = errors.New("not authenticated")
	ErrForbidden       = errors.New("forbidden")
	ErrPolicy          = errors.New("refused by policy")
	ErrDecided         = errors.New("plan already decided")
	ErrExpired         = errors.New("plan expired")
	ErrInvalid         = errors.New("invalid request")
	ErrTooLarge        = errors.New("request too large")
	ErrUnavailable     = errors.New("server unreachable")
	ErrRateLimited     = errors.New("rate limited")
)

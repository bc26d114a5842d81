// The reasons a token is refused.

package oidc

import (
	"errors"
	"fmt"

	"github.com/wingman-dev/wingman/core/domain"
)

// Why a token was refused. Every refusal also wraps
// domain.ErrUnauthenticated, except ErrDiscovery, which wraps
// domain.ErrUnavailable: the token may well be good, but the provider's
// discovery document or keys could not be had.
var (
	ErrMalformed    = errors.New("oidc: malformed token")
	ErrAlgorithm    = errors.New("oidc: signing algorithm not allowed")
	ErrSignature    = errors.New("oidc: signature not verified")
	ErrIssuer       = errors.New("oidc: wrong issuer")
	ErrAudience     = errors.New("oidc: not issued to Wingman")
	ErrNotIDToken   = errors.New("oidc: not an ID token")
	ErrExpired      = errors.New("oidc: token expired")
	ErrNotYetValid  = errors.New("oidc: token not valid yet")
	ErrDiscovery    = errors.New("oidc: provider not reachable or misconfigured")
	ErrGroupsFormat = errors.New("oidc: groups claim has an unexpected shape")
)

// refuse says why a token is refused: kind, the details, and
// domain.ErrUnauthenticated.
func refuse(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %w", kind, fmt.Sprintf(format, args...), domain.ErrUnauthenticated)
}

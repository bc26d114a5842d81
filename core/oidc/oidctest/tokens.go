// Access and refresh tokens.

package oidctest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// accessToken is what the provider remembers of an access token, opaque or
// JWT, for the userinfo and introspection endpoints.
type accessToken struct {
	id, clientID, subject string
	scopes                []string
	expires               time.Time
}

// refreshToken is a refresh token and the grant it continues. It is the
// op.RefreshTokenRequest the refresh grant works on.
type refreshToken struct {
	token, clientID, subject string
	scopes, audience, amr    []string
	authTime, expires        time.Time
	accessID                 string
}

func (r *refreshToken) GetAMR() []string             { return r.amr }
func (r *refreshToken) GetAudience() []string        { return r.audience }
func (r *refreshToken) GetAuthTime() time.Time       { return r.authTime }
func (r *refreshToken) GetClientID() string          { return r.clientID }
func (r *refreshToken) GetScopes() []string          { return r.scopes }
func (r *refreshToken) GetSubject() string           { return r.subject }
func (r *refreshToken) SetCurrentScopes(sc []string) { r.scopes = sc }

// newAccessToken records an access token for req, which is one of the
// requests op passes: an authorization request, a device authorization or
// a refresh token; all of them name their client.
func (s *storage) newAccessToken(req op.TokenRequest) (*accessToken, error) {
	cr, ok := req.(interface{ GetClientID() string })
	if !ok {
		return nil, fmt.Errorf("oidctest: unexpected token request %T", req)
	}
	c, err := s.client(cr.GetClientID())
	if err != nil {
		return nil, err
	}
	at := &accessToken{
		id: rand.Text(), clientID: c.ID, subject: req.GetSubject(),
		scopes: slices.Clone(req.GetScopes()), expires: time.Now().Add(c.AccessTokenLifetime),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access[at.id] = at
	return at, nil
}

func (s *storage) accessToken(id string) (*accessToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.access[id]
	if !ok || time.Now().After(at.expires) {
		return nil, errors.New("access token unknown or expired")
	}
	return at, nil
}

// CreateAccessToken implements op.Storage.
func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	at, err := s.newAccessToken(req)
	if err != nil {
		return "", time.Time{}, err
	}
	return at.id, at.expires, nil
}

// CreateAccessAndRefreshTokens implements op.Storage. A refresh token is
// good once: using it replaces it (rotation).
func (s *storage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	idr, ok := req.(op.IDTokenRequest)
	if !ok {
		return "", "", time.Time{}, fmt.Errorf("oidctest: unexpected token request %T", req)
	}
	if current != "" {
		s.mu.Lock()
		old, ok := s.refresh[current]
		delete(s.refresh, current)
		if ok {
			delete(s.access, old.accessID)
		}
		s.mu.Unlock()
		if !ok || time.Now().After(old.expires) {
			return "", "", time.Time{}, errors.New("refresh token unknown or expired")
		}
	}
	at, err := s.newAccessToken(req)
	if err != nil {
		return "", "", time.Time{}, err
	}
	rt := &refreshToken{
		token: rand.Text(), clientID: at.clientID, subject: at.subject, scopes: at.scopes,
		audience: slices.Clone(idr.GetAudience()), amr: slices.Clone(idr.GetAMR()), authTime: idr.GetAuthTime(),
		expires: time.Now().Add(s.refreshLife), accessID: at.id,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[rt.token] = rt
	return at.id, rt.token, at.expires, nil
}

// TokenRequestByRefreshToken implements op.Storage. It returns a copy:
// op narrows its scopes to the ones asked for.
func (s *storage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[token]
	if !ok || time.Now().After(rt.expires) {
		return nil, errors.New("refresh token unknown or expired")
	}
	c := *rt
	return &c, nil
}

// GetRefreshTokenInfo implements op.Storage.
func (s *storage) GetRefreshTokenInfo(_ context.Context, _ string, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[token]
	if !ok {
		return "", "", op.ErrInvalidRefreshToken
	}
	return rt.subject, rt.token, nil
}

// TerminateSession implements op.Storage: signing out forgets the user's
// tokens for the client.
func (s *storage) TerminateSession(_ context.Context, subject, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, at := range s.access {
		if at.subject == subject && at.clientID == clientID {
			delete(s.access, id)
		}
	}
	for tok, rt := range s.refresh {
		if rt.subject == subject && rt.clientID == clientID {
			delete(s.refresh, tok)
		}
	}
	return nil
}

// RevokeToken implements op.Storage: tokenOrID is an access token's id or
// a refresh token.
func (s *storage) RevokeToken(_ context.Context, tokenOrID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at, ok := s.access[tokenOrID]; ok {
		if at.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
		}
		delete(s.access, tokenOrID)
	}
	if rt, ok := s.refresh[tokenOrID]; ok {
		if rt.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
		}
		delete(s.refresh, tokenOrID)
		delete(s.access, rt.accessID)
	}
	return nil
}

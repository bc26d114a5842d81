// Who is asking: the session behind a request's cookie, its tokens
// renewed before they expire, and the person they name.

package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Session timing.
const (
	// renewAhead is how long before its ID token expires a session renews
	// it, so that a page never acts with a token about to lapse.
	renewAhead = 30 * time.Second
	// renewLease is how long one request has to renew a session's tokens
	// before another may try; the others wait for it meanwhile.
	renewLease = 10 * time.Second
	// renewPoll is how often a waiting request looks for the renewal.
	renewPoll = 100 * time.Millisecond
)

// errSignedOut means the request has no live session: none, one that
// ended, or one whose tokens could not be renewed.
var errSignedOut = errors.New("web: not signed in")

// visit is a signed-in request.
type visit struct {
	p      domain.Principal
	secret string // the session cookie's
}

// csrf is the token the visit's forms carry.
func (v *visit) csrf() string { return csrfToken(v.secret) }

// visitor resolves the request's session to the person it acts for, as
// the API resolves a bearer.
func (h *Handler) visitor(r *http.Request) (*visit, error) {
	secret := h.cookie(r, sessionCookie)
	if secret == "" {
		return nil, errSignedOut
	}
	ctx := r.Context()
	s, err := h.session(ctx, sessionKey(secret))
	if err != nil {
		return nil, err
	}
	now := h.cfg.Now()
	if !now.Before(s.ExpiresAt) {
		return nil, h.end(ctx, s.IDHash, errSignedOut)
	}
	if !now.Add(renewAhead).Before(s.TokenExpiry) {
		if s, err = h.renew(ctx, s); err != nil {
			return nil, err
		}
	}
	p, err := h.cfg.Auth.Authenticate(ctx, s.IDToken)
	if errors.Is(err, domain.ErrUnauthenticated) {
		h.cfg.Logger.Warn("web session's ID token refused; the session ends", "err", err)
		return nil, h.end(ctx, s.IDHash, errSignedOut)
	}
	if err != nil {
		return nil, err
	}
	return &visit{p: p, secret: secret}, nil
}

// session reads a session; a missing one is errSignedOut.
func (h *Handler) session(ctx context.Context, key []byte) (domain.WebSession, error) {
	var s domain.WebSession
	err := h.cfg.Store.View(ctx, func(tx store.Tx) (err error) {
		s, err = tx.WebSession(key)
		return err
	})
	if errors.Is(err, domain.ErrNotFound) {
		return s, errSignedOut
	}
	if err != nil {
		return s, fmt.Errorf("read web session: %w", err)
	}
	return s, nil
}

// end deletes a session and returns why it ended.
func (h *Handler) end(ctx context.Context, key []byte, why error) error {
	err := h.cfg.Store.Update(ctx, func(tx store.Tx) error { return tx.DeleteWebSession(key) })
	if err != nil {
		return fmt.Errorf("end web session: %w", err)
	}
	return why
}

// renew spends the session's refresh token for a new ID token. One
// request at a time, on any replica, holds the turn; the others go on
// with the current token while it lasts, or wait for the new one.
func (h *Handler) renew(ctx context.Context, s domain.WebSession) (domain.WebSession, error) {
	now := h.cfg.Now()
	var turn bool
	err := h.cfg.Store.Update(ctx, func(tx store.Tx) (err error) {
		turn, err = tx.LeaseWebSessionRefresh(s.IDHash, now, now.Add(renewLease))
		return err
	})
	if err != nil {
		return s, fmt.Errorf("renew web session: %w", err)
	}
	if !turn {
		if now.Before(s.TokenExpiry) {
			return s, nil
		}
		return h.awaitRenewal(ctx, s)
	}
	// From here the refresh token may be spent at the provider: the rest
	// must finish even if the browser gives up on this page, or the new
	// tokens would be lost and the session with them.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renewLease-2*time.Second)
	defer cancel()
	// Another request may have renewed the session between this one's read
	// and its turn: its refresh token is then spent, and using it again
	// would end the session.
	cur, err := h.session(ctx, s.IDHash)
	if err != nil {
		return s, err
	}
	if cur.IDToken != s.IDToken {
		return cur, h.giveUpTurn(ctx, cur, nil)
	}
	if s.RefreshToken == "" {
		return s, h.end(ctx, s.IDHash, errSignedOut)
	}
	conf, err := h.oauth(ctx, "")
	if err != nil {
		return s, h.giveUpTurn(ctx, s, err)
	}
	tok, err := conf.TokenSource(h.clientContext(ctx), &oauth2.Token{RefreshToken: s.RefreshToken}).Token()
	var refused *oauth2.RetrieveError
	if errors.As(err, &refused) {
		h.cfg.Logger.Info("the provider refused to renew a web session; it ends", "err", err)
		return s, h.end(ctx, s.IDHash, errSignedOut)
	}
	if err != nil {
		return s, h.giveUpTurn(ctx, s, fmt.Errorf("renew the sign-in at the provider: %v: %w", err, domain.ErrUnavailable))
	}
	if tok.RefreshToken != "" {
		// Providers that rotate refresh tokens send a new one; the others
		// keep the old one good.
		s.RefreshToken = tok.RefreshToken
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := h.cfg.Auth.OIDC.Verify(ctx, raw)
	if errors.Is(err, domain.ErrUnavailable) {
		// The keys cannot be checked now (a rotation in the cooldown, the
		// provider away): keep the fresh refresh token for the next try.
		return s, h.giveUpTurn(ctx, s, fmt.Errorf("check the renewed sign-in: %w", err))
	}
	if err != nil {
		h.cfg.Logger.Warn("the provider renewed a web session without a good ID token; it ends", "err", err)
		return s, h.end(ctx, s.IDHash, errSignedOut)
	}
	s.IDToken, s.TokenExpiry = raw, id.Expiry
	err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
		return tx.RenewWebSession(s.IDHash, s.IDToken, s.TokenExpiry, s.RefreshToken)
	})
	if errors.Is(err, domain.ErrNotFound) {
		return s, errSignedOut // signed out meanwhile
	}
	if err != nil {
		return s, fmt.Errorf("store renewed web session: %w", err)
	}
	return s, nil
}

// giveUpTurn leaves the session as it was for the next request to renew,
// and returns why this one could not.
func (h *Handler) giveUpTurn(ctx context.Context, s domain.WebSession, why error) error {
	err := h.cfg.Store.Update(ctx, func(tx store.Tx) error {
		return tx.RenewWebSession(s.IDHash, s.IDToken, s.TokenExpiry, s.RefreshToken)
	})
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		h.cfg.Logger.Error("give up the turn to renew a web session", "err", err)
	}
	return why
}

// awaitRenewal waits for the request holding the turn to store the new
// tokens.
func (h *Handler) awaitRenewal(ctx context.Context, s domain.WebSession) (domain.WebSession, error) {
	t := time.NewTicker(renewPoll)
	defer t.Stop()
	deadline := time.After(renewLease)
	for {
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-deadline:
			return s, fmt.Errorf("the session's sign-in is being renewed and took longer than %s: %w", renewLease, domain.ErrUnavailable)
		case <-t.C:
		}
		now, err := h.session(ctx, s.IDHash)
		if err != nil || now.IDToken != s.IDToken {
			return now, err
		}
	}
}

// page registers a page that needs a signed-in viewer. A form post must
// also carry the session's CSRF token, which is checked first.
func (h *Handler) page(pattern string, fn func(w http.ResponseWriter, r *http.Request, v *visit) error) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		v, err := h.visitor(r)
		if errors.Is(err, errSignedOut) {
			h.signedOut(w, r)
			return
		}
		if err == nil && r.Method == http.MethodPost && !validCSRF(w, r, v) {
			h.message(w, http.StatusForbidden, "Form refused", csrfRefusal)
			return
		}
		if err == nil {
			err = auth.Require(v.p, domain.RoleViewer)
		}
		if err == nil {
			err = fn(w, r, v)
		}
		if err != nil {
			h.fail(w, r, v, err)
		}
	})
}

// csrfRefusal answers a form post without the session's token.
const csrfRefusal = "This form did not come with its security token (CSRF check failed), so nothing was done. " +
	"Go back, reload the page and send it again."

// maxForm caps a form post: the longest is a comment or a reason.
const maxForm = 64 << 10

// validCSRF compares the form's token with the session's in constant
// time.
func validCSRF(w http.ResponseWriter, r *http.Request, v *visit) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(v.csrf())) == 1
}

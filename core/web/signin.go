// Signing in through the provider (authorization code with PKCE, state and
// nonce) and signing out.

package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// loginLifetime bounds a sign-in, from leaving for the provider to coming
// back.
const loginLifetime = 10 * time.Minute

// offlineAccess asks for a refresh token (OpenID Connect Core, section
// 11), without which some providers give none.
const offlineAccess = "offline_access"

// callbackPath is where the provider sends the browser back; register
// PUBLIC_URL + callbackPath as the client's redirect URI.
const callbackPath = "/web/callback"

// oauth is the console's client at the provider, sending the browser back
// to redirect. It asks for offline_access too where the provider offers
// it, as wingctl does.
func (h *Handler) oauth(ctx context.Context, redirect string) (*oauth2.Config, error) {
	v := h.cfg.Auth.OIDC
	ep, err := v.Endpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("the sign-in provider: %w", err)
	}
	scopes := slices.Clone(h.cfg.OIDC.Scopes)
	if !slices.Contains(scopes, offlineAccess) {
		offered, err := v.ScopesSupported(ctx)
		if err != nil {
			return nil, fmt.Errorf("the sign-in provider: %w", err)
		}
		if len(offered) == 0 || slices.Contains(offered, offlineAccess) {
			scopes = append(scopes, offlineAccess)
		}
	}
	if h.cfg.OIDC.ClientSecret == "" {
		// A public client sends its id in the form; autodetection would
		// first try HTTP Basic with an empty secret.
		ep.AuthStyle = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{ClientID: h.cfg.OIDC.ClientID, ClientSecret: h.cfg.OIDC.ClientSecret,
		Endpoint: ep, RedirectURL: redirect, Scopes: scopes}, nil
}

// clientContext makes oauth2 reach the provider as the Verifier does,
// trusting OIDC_CA_FILE.
func (h *Handler) clientContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, h.cfg.Auth.OIDC.HTTPClient())
}

// redirectURL is the callback's address as the browser reaches it.
func (h *Handler) redirectURL(r *http.Request) string {
	if h.cfg.Web.PublicURL != "" {
		return h.cfg.Web.PublicURL + callbackPath
	}
	scheme := "http"
	if h.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + callbackPath
}

// login starts a sign-in by hand, as the signed-out page's link does.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	h.startSignIn(w, r, r.URL.Query().Get("next"))
}

// signedOut answers a request without a live session: a page view leaves
// for the provider and comes back to it; a form post is not sent on, as
// its session ended before anything was done.
func (h *Handler) signedOut(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		h.startSignIn(w, r, r.URL.RequestURI())
		return
	}
	h.message(w, http.StatusUnauthorized, "Signed out",
		"Your session ended, so nothing was done. Sign in again, then send the form once more.",
		link{"/web/login?next=" + url.QueryEscape(path.Dir(r.URL.Path)), "Sign in"})
}

// startSignIn sends the browser to the provider. State, nonce and the
// PKCE verifier go in a cookie for the callback.
func (h *Handler) startSignIn(w http.ResponseWriter, r *http.Request, next string) {
	conf, err := h.oauth(r.Context(), h.redirectURL(r))
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	value := strings.Join([]string{state, nonce, verifier, base64.RawURLEncoding.EncodeToString([]byte(safeNext(next)))}, ".")
	h.setCookie(w, r, loginCookie, value, h.cfg.Now().Add(loginLifetime))
	http.Redirect(w, r, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("nonce", nonce)), http.StatusSeeOther)
}

// safeNext keeps the page to return to after signing in within the
// console, so that a link cannot send a fresh session elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/web/") ||
		strings.Contains(u.Path, "\\") || u.Path == "/web/login" || u.Path == callbackPath {
		return "/web/"
	}
	return u.RequestURI()
}

// pendingLogin is what the login cookie carries.
type pendingLogin struct{ state, nonce, verifier, next string }

func readLogin(value string) (pendingLogin, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 4 {
		return pendingLogin{}, false
	}
	next, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return pendingLogin{}, false
	}
	return pendingLogin{parts[0], parts[1], parts[2], safeNext(string(next))}, true
}

// callback completes a sign-in: the state must be the one this browser
// left with, the code is exchanged with its PKCE verifier, the ID token
// is checked with its nonce, and the user is resolved by the API's
// Authenticator, provisioned on their first sign-in.
func (h *Handler) callback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	again := link{"/web/login", "Sign in again"}
	pending, ok := readLogin(h.cookie(r, loginCookie))
	h.setCookie(w, r, loginCookie, "", time.Time{}) // good for one answer
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		h.message(w, http.StatusUnauthorized, "Sign-in failed",
			fmt.Sprintf("The provider did not sign you in: %s %s", e, q.Get("error_description")), again)
		return
	}
	if !ok {
		h.message(w, http.StatusBadRequest, "Sign-in refused",
			"This browser has no sign-in under way: it was started elsewhere, or more than ten minutes ago.", again)
		return
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(pending.state)) != 1 {
		h.message(w, http.StatusBadRequest, "Sign-in refused",
			"The provider's answer does not belong to the sign-in this browser started (state mismatch), so it was not used.", again)
		return
	}
	conf, err := h.oauth(ctx, h.redirectURL(r))
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	tok, err := conf.Exchange(h.clientContext(ctx), q.Get("code"), oauth2.VerifierOption(pending.verifier))
	var refused *oauth2.RetrieveError
	if errors.As(err, &refused) {
		h.message(w, http.StatusUnauthorized, "Sign-in failed", "The provider refused the sign-in: "+refused.Error(), again)
		return
	}
	if err != nil {
		h.fail(w, r, nil, fmt.Errorf("exchange the sign-in code at the provider: %v: %w", err, domain.ErrUnavailable))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := h.cfg.Auth.OIDC.Verify(ctx, raw)
	if err != nil {
		h.fail(w, r, nil, fmt.Errorf("the provider's ID token: %w", err))
		return
	}
	if nonce, err := claimNonce(raw); err != nil || subtle.ConstantTimeCompare([]byte(nonce), []byte(pending.nonce)) != 1 {
		h.message(w, http.StatusBadRequest, "Sign-in refused",
			"The provider's ID token was not issued for the sign-in this browser started (nonce mismatch).", again)
		return
	}
	p, err := h.cfg.Auth.Authenticate(ctx, raw)
	if err != nil {
		h.fail(w, r, nil, err)
		return
	}
	secret := newSecret()
	now := h.cfg.Now()
	s := domain.WebSession{IDHash: sessionKey(secret), IDToken: raw, TokenExpiry: id.Expiry,
		RefreshToken: tok.RefreshToken, CreatedAt: now, ExpiresAt: now.Add(h.cfg.Web.SessionTTL)}
	err = h.cfg.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.DeleteExpiredWebSessions(now); err != nil {
			return err
		}
		if err := tx.CreateWebSession(s); err != nil {
			return err
		}
		return tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: p.Kind, ActorID: p.UserID, ActorName: p.Name,
			ActorRole: p.Role, Action: "web.signin", Subject: p.UserID, Outcome: domain.OutcomeOK})
	})
	if err != nil {
		h.fail(w, r, nil, fmt.Errorf("start web session: %w", err))
		return
	}
	h.setCookie(w, r, sessionCookie, secret, s.ExpiresAt)
	http.Redirect(w, r, pending.next, http.StatusSeeOther)
}

// claimNonce reads the nonce of an ID token already verified.
func claimNonce(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("ID token payload: %w", err)
	}
	var c struct {
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return "", fmt.Errorf("ID token payload: %w", err)
	}
	return c.Nonce, nil
}

// logout ends the session everywhere. It checks the form's CSRF token
// against the cookie itself, so that a person whose role was taken away
// can still sign out.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	secret := h.cookie(r, sessionCookie)
	if secret != "" {
		if !validCSRF(w, r, &visit{secret: secret}) {
			h.message(w, http.StatusForbidden, "Form refused", csrfRefusal)
			return
		}
		if err := h.end(r.Context(), sessionKey(secret), nil); err != nil {
			h.fail(w, r, nil, err)
			return
		}
	}
	h.setCookie(w, r, sessionCookie, "", time.Time{})
	h.message(w, http.StatusOK, "Signed out", "You are signed out of Wingman.", link{"/web/login", "Sign in again"})
}

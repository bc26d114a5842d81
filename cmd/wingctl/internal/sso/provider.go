// The provider: its endpoints from discovery, and the ID token in its
// answers.

package sso

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/domain"
)

// HTTPClient is the client for the identity provider: the system's
// certificate authorities (SSL_CERT_FILE adds one) and the environment's
// proxy settings.
func HTTPClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second}
}

// offlineAccess asks for a refresh token (OpenID Connect Core, section 11).
const offlineAccess = "offline_access"

// Discover reads the provider's discovery document and returns the OAuth
// configuration of wingctl's client, with the scopes the server asks for
// and, where the provider offers it, offline_access, without which some
// providers give no refresh token and a login would last minutes.
func Discover(ctx context.Context, hc *http.Client, ac domain.AuthConfig) (*oauth2.Config, error) {
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, hc), ac.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover the identity provider %s: %w", ac.Issuer, err)
	}
	var meta struct {
		Scopes []string `json:"scopes_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("discover the identity provider %s: %w", ac.Issuer, err)
	}
	ep := p.Endpoint()
	// wingctl is a public client: it has no secret to send, so its id goes
	// in the form; autodetection would first try HTTP Basic with an empty
	// secret.
	ep.AuthStyle = oauth2.AuthStyleInParams
	scopes := slices.Clone(ac.Scopes)
	if !slices.Contains(scopes, offlineAccess) && (len(meta.Scopes) == 0 || slices.Contains(meta.Scopes, offlineAccess)) {
		scopes = append(scopes, offlineAccess)
	}
	return &oauth2.Config{ClientID: ac.ClientID, Endpoint: ep, Scopes: scopes}, nil
}

// NewLogin keeps what wingctl needs of tok, the provider's answer to a
// login: the ID token it sends to wingmand, and the refresh token that
// renews it.
func NewLogin(issuer string, conf *oauth2.Config, tok *oauth2.Token) (Login, error) {
	raw, exp, err := idTokenOf(tok)
	if err != nil {
		return Login{}, err
	}
	return Login{Issuer: issuer, ClientID: conf.ClientID, TokenURL: conf.Endpoint.TokenURL,
		IDToken: raw, Expiry: exp, RefreshToken: tok.RefreshToken}, nil
}

// idTokenOf returns the ID token of a token answer and its expiry. The
// signature is not checked: wingctl only sends the token on, and wingmand
// checks everything.
func idTokenOf(tok *oauth2.Token) (string, time.Time, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", time.Time{}, errors.New("the provider answered without an ID token; is the openid scope allowed for this client?")
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", time.Time{}, errors.New("the provider's ID token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if err == nil {
		err = json.Unmarshal(payload, &claims)
	}
	if err != nil || claims.Exp == 0 {
		return "", time.Time{}, fmt.Errorf("the provider's ID token has no readable expiry (%v)", err)
	}
	return raw, time.Unix(claims.Exp, 0), nil
}

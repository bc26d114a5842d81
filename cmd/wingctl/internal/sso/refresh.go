// Silent renewal: the ID token is renewed with the refresh token shortly
// before it expires, and the renewed login is saved for the next run.

package sso

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/domain"
)

// RenewBefore is how long before its expiry an ID token is renewed: long
// enough that a request sent with it arrives while it is still good.
const RenewBefore = time.Minute

// Source hands out the ID token of a stored login, renewing it first when
// it is about to expire. It is safe for concurrent use.
type Source struct {
	Credentials Credentials
	Server      string
	HTTP        *http.Client
	Now         func() time.Time

	mu    sync.Mutex
	login Login // guarded by mu
}

// NewSource returns a Source for server's login l.
func NewSource(creds Credentials, server string, l Login, hc *http.Client) *Source {
	return &Source{Credentials: creds, Server: server, HTTP: hc, Now: time.Now, login: l}
}

// Token returns an ID token to send to the server. A login that can no
// longer be renewed fails with domain.ErrUnauthenticated, saying to log in
// again.
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	if now.Before(s.login.Expiry.Add(-RenewBefore)) {
		return s.login.IDToken, nil
	}
	// One wingctl renews at a time; one that waited finds the renewed
	// login in the file and spends no refresh token of its own.
	release, err := s.Credentials.lock()
	if err != nil {
		return "", err
	}
	defer release()
	if l, ok, ferr := s.Credentials.Get(s.Server); ferr == nil && ok && now.Before(l.Expiry.Add(-RenewBefore)) {
		s.login = l
		return l.IDToken, nil
	}
	renewed, err := s.renew(ctx)
	if err == nil {
		s.login = renewed
		if err := s.Credentials.put(s.Server, renewed); err != nil {
			return "", err
		}
		return renewed.IDToken, nil
	}
	// Another wingctl may have renewed first and spent the refresh token
	// (providers rotate them); its login is in the file.
	if l, ok, ferr := s.Credentials.Get(s.Server); ferr == nil && ok && now.Before(l.Expiry.Add(-RenewBefore)) {
		s.login = l
		return l.IDToken, nil
	}
	if now.Before(s.login.Expiry) {
		return s.login.IDToken, nil // still good; the next request tries again
	}
	return "", fmt.Errorf("%w: your login to %s expired and could not be renewed (%v); run wingctl login",
		domain.ErrUnauthenticated, s.Server, err)
}

// renew trades the refresh token for a new ID token.
func (s *Source) renew(ctx context.Context) (Login, error) {
	if s.login.RefreshToken == "" {
		return Login{}, fmt.Errorf("the identity provider gave no refresh token")
	}
	conf := &oauth2.Config{ClientID: s.login.ClientID,
		Endpoint: oauth2.Endpoint{TokenURL: s.login.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	// An expired token makes the source refresh at once.
	stale := &oauth2.Token{RefreshToken: s.login.RefreshToken, Expiry: time.Unix(1, 0)}
	tok, err := conf.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, s.HTTP), stale).Token()
	if err != nil {
		return Login{}, explain(err)
	}
	// A provider that does not rotate refresh tokens sends none back;
	// oauth2 keeps the one in use then.
	return NewLogin(s.login.Issuer, conf, tok)
}

// Users and the claims they are given.

package oidctest

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// User is a person who can sign in at the provider.
type User struct {
	Username string
	// Password is checked by the login form; empty accepts any.
	Password string
	// Subject is the user's stable id (sub); AddUser makes one up when it
	// is empty, unlike the username, as real providers do.
	Subject       string
	Name          string
	Email         string
	EmailVerified bool
	Groups        []string
}

func (s *storage) addUser(u User) User {
	if u.Subject == "" {
		u.Subject = rand.Text()
	}
	u.Groups = slices.Clone(u.Groups)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.Username] = u
	return u
}

// userBySubjectLocked finds a user by subject; s.mu must be held.
func (s *storage) userBySubjectLocked(subject string) (User, bool) {
	for _, u := range s.users {
		if u.Subject == subject {
			return u, true
		}
	}
	return User{}, false
}

// setUserinfo fills info with what scopes release about the user, and
// the groups whatever the scopes, as Keycloak's group mapper does.
func (s *storage) setUserinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.userBySubjectLocked(subject)
	if !ok {
		return fmt.Errorf("no user with subject %q", subject)
	}
	info.Subject = u.Subject
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.Name = u.Name
		info.PreferredUsername = u.Username
	}
	if slices.Contains(scopes, oidc.ScopeEmail) {
		info.Email = u.Email
		info.EmailVerified = oidc.Bool(u.EmailVerified)
	}
	if len(u.Groups) > 0 {
		info.AppendClaims(s.groupsClaim, slices.Clone(u.Groups))
	}
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(info, req.GetSubject(), scopes)
}

// SetUserinfoFromScopes is deprecated in op in favour of
// SetUserinfoFromRequest, and must do nothing.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromToken answers the userinfo endpoint.
func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	at, err := s.accessToken(tokenID)
	if err != nil {
		return err
	}
	return s.setUserinfo(info, at.subject, at.scopes)
}

// SetIntrospectionFromToken answers the introspection endpoint.
func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, _, clientID string) error {
	at, err := s.accessToken(tokenID)
	if err != nil {
		return err
	}
	info := new(oidc.UserInfo)
	if err := s.setUserinfo(info, at.subject, at.scopes); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	resp.Scope, resp.ClientID, resp.Expiration = at.scopes, at.clientID, oidc.FromTime(at.expires)
	return nil
}

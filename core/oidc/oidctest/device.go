// Device authorization (RFC 8628) and the test's hand in it.

package oidctest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// StoreDeviceAuthorization implements op.DeviceAuthorizationStorage.
func (s *storage) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[clientID]; !ok {
		return fmt.Errorf("no client %q", clientID)
	}
	if _, ok := s.userCodes[userCode]; ok {
		return op.ErrDuplicateUserCode
	}
	s.devices[deviceCode] = &op.DeviceAuthorizationState{ClientID: clientID, Scopes: slices.Clone(scopes), Expires: expires}
	s.userCodes[userCode] = deviceCode
	return nil
}

// GetDeviceAuthorizatonState implements op.DeviceAuthorizationStorage. It
// returns a copy, since the test may approve while op reads it.
func (s *storage) GetDeviceAuthorizatonState(ctx context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.devices[deviceCode]
	if !ok || st.ClientID != clientID {
		return nil, fmt.Errorf("no device code for client %q", clientID)
	}
	c := *st
	return &c, nil
}

// ApproveDevice approves the pending device authorization with userCode as
// username, as the user would on the verification page.
func (p *Provider) ApproveDevice(userCode, username string) error {
	s := p.st
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.devices[s.userCodes[userCode]]
	if !ok {
		return fmt.Errorf("oidctest: no device authorization with user code %q", userCode)
	}
	u, ok := s.users[username]
	if !ok {
		return fmt.Errorf("oidctest: no user %q", username)
	}
	st.Subject, st.AMR, st.AuthTime, st.Done = u.Subject, []string{"pwd"}, time.Now(), true
	return nil
}

// DenyDevice denies the pending device authorization with userCode, as the
// user would on the verification page.
func (p *Provider) DenyDevice(userCode string) error {
	s := p.st
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.devices[s.userCodes[userCode]]
	if !ok {
		return fmt.Errorf("oidctest: no device authorization with user code %q", userCode)
	}
	st.Denied = true
	return nil
}

// Package sso is wingctl's side of single sign-on: it finds the server's
// identity provider, logs a person in by device code or through a browser
// and a loopback listener, keeps the tokens in a file only its owner can
// read, and renews the ID token with the refresh token before it expires.
package sso

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/wingman-dev/wingman/core/config"
)

// CredentialsFile is the name of the file, beside wingctl's config file,
// that holds the logins.
const CredentialsFile = "credentials.json"

// CredentialsPath is $XDG_CONFIG_HOME/wingman/credentials.json, else
// ~/.config/wingman/credentials.json.
func CredentialsPath(getenv func(string) string) string {
	return filepath.Join(filepath.Dir(config.ClientConfigFile(getenv)), CredentialsFile)
}

// Login is what "wingctl login" got for one server: enough to send the ID
// token and to renew it without asking the provider's discovery again.
type Login struct {
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	TokenURL string `json:"token_url"`
	IDToken  string `json:"id_token"`
	// Expiry is when IDToken expires.
	Expiry time.Time `json:"expiry"`
	// RefreshToken renews IDToken; empty when the provider gave none, and
	// the login then lasts as long as the ID token.
	RefreshToken string `json:"refresh_token,omitempty"`
}

// credentialsDoc is the file: one login per server URL, so that a token is
// only ever sent to the server it was obtained for.
type credentialsDoc struct {
	Logins map[string]Login `json:"logins"`
}

// Credentials is the credentials file. It is read and written whole for
// each call, with mode 0600, atomically: a crash never leaves half a file.
// Changes hold a lock on a file beside it, so that concurrent wingctl
// processes do not lose each other's logins.
type Credentials struct {
	Path string
}

// Get returns the login for server, and false when there is none.
func (c Credentials) Get(server string) (Login, bool, error) {
	doc, err := c.read()
	if err != nil {
		return Login{}, false, err
	}
	l, ok := doc.Logins[server]
	return l, ok, nil
}

// Put stores the login for server, replacing any before.
func (c Credentials) Put(server string, l Login) error {
	release, err := c.lock()
	if err != nil {
		return err
	}
	defer release()
	return c.put(server, l)
}

// put is Put for a caller holding the lock.
func (c Credentials) put(server string, l Login) error {
	doc, err := c.read()
	if err != nil {
		return err
	}
	doc.Logins[server] = l
	return c.write(doc)
}

// Delete forgets the login for server and reports whether there was one.
func (c Credentials) Delete(server string) (bool, error) {
	release, err := c.lock()
	if err != nil {
		return false, err
	}
	defer release()
	doc, err := c.read()
	if err != nil {
		return false, err
	}
	if _, ok := doc.Logins[server]; !ok {
		return false, nil
	}
	delete(doc.Logins, server)
	return true, c.write(doc)
}

// read treats a missing file as empty and a broken one as an error:
// ignoring it would silently log the person out.
func (c Credentials) read() (credentialsDoc, error) {
	doc := credentialsDoc{Logins: map[string]Login{}}
	b, err := os.ReadFile(c.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return doc, nil
	}
	if err != nil {
		return doc, fmt.Errorf("read credentials: %w", err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return doc, fmt.Errorf("read credentials %s: %w (remove the file to log out everywhere)", c.Path, err)
	}
	if doc.Logins == nil {
		doc.Logins = map[string]Login{}
	}
	return doc, nil
}

func (c Credentials) write(doc credentialsDoc) error {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode credentials: %w", err)
	}
	dir := filepath.Dir(c.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".credentials-*")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	// CreateTemp makes the file 0600 already; Chmod says so on every
	// platform and umask.
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(append(b, '\n'))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.Path)
	}
	if err != nil {
		return fmt.Errorf("save credentials %s: %w", c.Path, err)
	}
	return nil
}

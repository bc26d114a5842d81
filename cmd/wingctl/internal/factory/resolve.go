package factory

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
)

// DefaultServer is where wingctl looks when nothing says otherwise: the
// address wingmand listens on by default.
const DefaultServer = "http://" + config.DefaultListen

// Target is the server wingctl talks to and the credential it sends there.
type Target struct {
	Server string
	Token  string
	// TokenSource names where the credential came from: a flag, a
	// variable or a file path.
	TokenSource string
	// Login, when not nil, is the "wingctl login" of Server, whose ID
	// token is sent instead of Token.
	Login *sso.Login
}

// fileConfig is wingctl's config file.
type fileConfig struct {
	Server string `yaml:"server"`
	Token  string `yaml:"token"`
}

// resolver reads the config file only when a flag or variable leaves a
// gap, and then once.
type resolver struct {
	getenv  func(string) string
	cfgPath string
	cfg     *fileConfig
	cfgErr  error
}

func newResolver(getenv func(string) string) *resolver {
	return &resolver{getenv: getenv, cfgPath: config.ClientConfigFile(getenv)}
}

func (r *resolver) file() (*fileConfig, error) {
	if r.cfg == nil && r.cfgErr == nil {
		r.cfg, r.cfgErr = loadFile(r.cfgPath)
	}
	return r.cfg, r.cfgErr
}

// server picks the server: --server, then WINGMAN_SERVER, then the config
// file, then the default.
func (r *resolver) server(g cmdutil.GlobalFlags) (string, error) {
	s, source := g.Server, "--server"
	if s == "" {
		s, source = r.getenv("WINGMAN_SERVER"), "WINGMAN_SERVER"
	}
	if s == "" {
		f, err := r.file()
		if err != nil {
			return "", err
		}
		s, source = f.Server, r.cfgPath
	}
	if s == "" {
		s, source = DefaultServer, "default"
	}
	server, err := normalizeServer(s)
	if err != nil {
		return "", cmdutil.FlagErrorf("server %q (from %s): %v", s, source, err)
	}
	return server, nil
}

// ResolveServer picks the server as Resolve does, without a token.
func ResolveServer(g cmdutil.GlobalFlags, getenv func(string) string) (string, error) {
	return newResolver(getenv).server(g)
}

// Resolve picks the server and the credential: --token, then
// WINGMAN_TOKEN, then the login "wingctl login" made for that server, then
// the config file's token. Only for a loopback server does it fall back to
// wingmand's bootstrap admin token, so that a local user can use wingctl
// right after starting wingmand, and that secret never leaves the host.
// A login ranks above the config file because logging in is the later and
// more deliberate act; "wingctl logout" goes back to the file's token.
// Without any credential it fails before a request is sent.
func Resolve(g cmdutil.GlobalFlags, getenv func(string) string) (Target, error) {
	r := newResolver(getenv)
	server, err := r.server(g)
	if err != nil {
		return Target{}, err
	}
	t := Target{Server: server}
	switch {
	case g.Token != "":
		t.Token, t.TokenSource = g.Token, "--token"
		return t, nil
	case getenv("WINGMAN_TOKEN") != "":
		t.Token, t.TokenSource = getenv("WINGMAN_TOKEN"), "WINGMAN_TOKEN"
		return t, nil
	}
	creds := sso.Credentials{Path: sso.CredentialsPath(getenv)}
	login, ok, err := creds.Get(server)
	if err != nil {
		return Target{}, err
	}
	if ok {
		t.Login, t.TokenSource = &login, creds.Path
		return t, nil
	}
	f, err := r.file()
	if err != nil {
		return Target{}, err
	}
	if f.Token != "" {
		t.Token, t.TokenSource = f.Token, r.cfgPath
		return t, nil
	}
	if isLoopback(server) {
		adminPath := filepath.Join(config.DefaultDataDir(getenv), config.AdminTokenFile)
		if b, err := os.ReadFile(adminPath); err == nil {
			t.Token, t.TokenSource = strings.TrimSpace(string(b)), adminPath
			return t, nil
		}
	}
	return Target{}, fmt.Errorf("%w: no token for %s; run wingctl login, pass --token, set WINGMAN_TOKEN or put token: in %s",
		domain.ErrUnauthenticated, server, r.cfgPath)
}

// loadFile reads the config file; a missing file is an empty config, a
// broken one an error, since silently ignoring it would send the wrong
// token or none.
func loadFile(path string) (*fileConfig, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &fileConfig{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var c fileConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	return &c, nil
}

// normalizeServer accepts "host:port" for "http://host:port" and refuses
// anything that is not an http(s) URL of a host.
func normalizeServer(s string) (string, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme must be http or https")
	}
	if u.Host == "" {
		return "", fmt.Errorf("no host")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// isLoopback is decided from the URL alone: resolving the name could be
// slow, and its answer could be spoofed to a non-loopback host.
func isLoopback(server string) bool {
	u, err := url.Parse(server)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

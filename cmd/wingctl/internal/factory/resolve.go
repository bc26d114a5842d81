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
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
)

// DefaultServer is where wingctl looks when nothing says otherwise: the
// address wingmand listens on by default.
const DefaultServer = "http://" + config.DefaultListen

// Target is the server wingctl talks to and the token it sends there.
type Target struct {
	Server string
	Token  string
	// TokenSource names where Token came from: a flag, a variable or a
	// file path.
	TokenSource string
}

// fileConfig is wingctl's config file.
type fileConfig struct {
	Server string `yaml:"server"`
	Token  string `yaml:"token"`
}

// Resolve picks the server and token: flags, then WINGMAN_SERVER and
// WINGMAN_TOKEN, then the config file. Only for a loopback server does it
// fall back to wingmand's bootstrap admin token, so that a local user can
// use wingctl right after starting wingmand, and that secret never leaves
// the host. Without any token it fails before a request is sent.
func Resolve(g cmdutil.GlobalFlags, getenv func(string) string) (Target, error) {
	cfgPath := config.ClientConfigFile(getenv)
	var (
		file    *fileConfig
		fileErr error
	)
	// The file is read only when a flag or variable leaves a gap, and once.
	readFile := func() *fileConfig {
		if file == nil && fileErr == nil {
			file, fileErr = loadFile(cfgPath)
		}
		if file == nil {
			return &fileConfig{}
		}
		return file
	}

	var t Target
	serverSource := ""
	switch {
	case g.Server != "":
		t.Server, serverSource = g.Server, "--server"
	case getenv("WINGMAN_SERVER") != "":
		t.Server, serverSource = getenv("WINGMAN_SERVER"), "WINGMAN_SERVER"
	case readFile().Server != "":
		t.Server, serverSource = readFile().Server, cfgPath
	default:
		t.Server, serverSource = DefaultServer, "default"
	}
	switch {
	case g.Token != "":
		t.Token, t.TokenSource = g.Token, "--token"
	case getenv("WINGMAN_TOKEN") != "":
		t.Token, t.TokenSource = getenv("WINGMAN_TOKEN"), "WINGMAN_TOKEN"
	case readFile().Token != "":
		t.Token, t.TokenSource = readFile().Token, cfgPath
	}
	if fileErr != nil {
		return Target{}, fileErr
	}

	server, err := normalizeServer(t.Server)
	if err != nil {
		return Target{}, cmdutil.FlagErrorf("server %q (from %s): %v", t.Server, serverSource, err)
	}
	t.Server = server

	if t.Token == "" && isLoopback(server) {
		adminPath := filepath.Join(config.DefaultDataDir(getenv), config.AdminTokenFile)
		if b, err := os.ReadFile(adminPath); err == nil {
			t.Token, t.TokenSource = strings.TrimSpace(string(b)), adminPath
		}
	}
	if t.Token == "" {
		return Target{}, fmt.Errorf("%w: no token for %s; pass --token, set WINGMAN_TOKEN or put token: in %s",
			domain.ErrUnauthenticated, server, cfgPath)
	}
	return t, nil
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

// Package config resolves where Wingman keeps its files and reads the
// daemon's settings from flags, the environment and a config file.
package config

import (
	"os"
	"path/filepath"
)

// DefaultListen is where wingmand listens unless told otherwise. Loopback
// only: exposing the API is a choice the operator makes explicitly.
const DefaultListen = "127.0.0.1:8470"

// AdminTokenFile is the name, inside the data dir, of the bootstrap admin
// token that wingmand writes on first start.
const AdminTokenFile = "admin.token"

// DefaultDataDir is where wingmand keeps its database and the bootstrap
// admin token: $WINGMAN_DATA_DIR, else $XDG_DATA_HOME/wingman, else
// ~/.local/share/wingman. getenv is passed in so tests can replace it.
func DefaultDataDir(getenv func(string) string) string {
	if d := getenv("WINGMAN_DATA_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "wingman")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "share", "wingman")
}

// ClientConfigFile is wingctl's config file: $XDG_CONFIG_HOME/wingman/config.yaml,
// else ~/.config/wingman/config.yaml.
func ClientConfigFile(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "wingman", "config.yaml")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".config", "wingman", "config.yaml")
}

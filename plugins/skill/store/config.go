// The marketplace's settings, from the environment (the roadmap's
// configuration names).

package store

import (
	"fmt"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/plugins/skill/marketplace"
)

// Config is how the control plane uses the marketplace.
type Config struct {
	// Enabled turns on search, install and update (MARKETPLACE_ENABLED,
	// default false). Installed skills are kept and served either way.
	Enabled bool
	// Repo is the registry (MARKETPLACE_REPO): github.com/OWNER/NAME[@BRANCH]
	// or an http(s) URL of a folder in the registry's layout.
	Repo string
	// AutoUpdate updates installed skills every AutoUpdateEvery
	// (PLUGIN_AUTO_UPDATE, default false).
	AutoUpdate      bool
	AutoUpdateEvery time.Duration
	// KeysFile pins the maintainer keys and lists revoked ones
	// (MARKETPLACE_KEYS); without it no skill can be verified.
	KeysFile string
}

// DefaultAutoUpdateEvery is how often PLUGIN_AUTO_UPDATE looks for new
// versions.
const DefaultAutoUpdateEvery = 6 * time.Hour

// ConfigFromEnv reads the settings; getenv is passed in for tests.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{Repo: marketplace.DefaultRepo, AutoUpdateEvery: DefaultAutoUpdateEvery, KeysFile: getenv("MARKETPLACE_KEYS")}
	if v := getenv("MARKETPLACE_REPO"); v != "" {
		c.Repo = v
	}
	if _, err := marketplace.BaseURL(c.Repo); err != nil {
		return c, err
	}
	for name, dst := range map[string]*bool{"MARKETPLACE_ENABLED": &c.Enabled, "PLUGIN_AUTO_UPDATE": &c.AutoUpdate} {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, fmt.Errorf("%s=%q: use true or false", name, v)
			}
			*dst = b
		}
	}
	if v := getenv("PLUGIN_AUTO_UPDATE_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return c, fmt.Errorf("PLUGIN_AUTO_UPDATE_INTERVAL=%q: use a Go duration of at least 1s, such as 6h", v)
		}
		c.AutoUpdateEvery = d
	}
	return c, nil
}

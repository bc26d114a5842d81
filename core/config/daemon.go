package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Daemon is wingmand's configuration. Each setting comes from, in order of
// precedence: a flag, an environment variable, the config file, the default.
type Daemon struct {
	// Listen is the API's host:port.
	Listen string `yaml:"listen"`
	// DataDir holds the SQLite database and the bootstrap admin token.
	DataDir string `yaml:"data_dir"`
	// DatabaseURL selects PostgreSQL instead of the embedded SQLite.
	DatabaseURL string `yaml:"database_url"`
	// PolicyFile is the approval policy; empty means <data-dir>/policy.yaml
	// if it exists, else the built-in defaults.
	PolicyFile string `yaml:"policy_file"`
	// LogLevel is debug, info, warn or error; LogFormat is text or json.
	LogLevel  string `yaml:"log_level"`
	LogFormat string `yaml:"log_format"`
	// HeartbeatTimeout is how long a worker may stay silent before it is
	// marked unreachable and an incident opens.
	HeartbeatTimeout time.Duration `yaml:"heartbeat_timeout"`
	// SweepInterval is how often expiry and silence are checked.
	SweepInterval time.Duration `yaml:"sweep_interval"`
	// MaxBodyBytes caps every request body, ingest included.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// TaskLease is how long a worker holds a task it took.
	TaskLease time.Duration `yaml:"task_lease"`
	// TaskPoll is how often a waiting worker's long poll checks for tasks
	// without being woken (wake-ups can be lost while a replica's LISTEN
	// connection is down).
	TaskPoll time.Duration `yaml:"task_poll"`
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// OfflineGrace is how long the tasks of an unreachable worker keep
	// their leases: the worker runs them offline and reports when it is
	// back. Match the workers' OFFLINE_BUFFER_MAX_HOURS.
	OfflineGrace time.Duration `yaml:"offline_grace"`
	// SyncRate caps, across all workers, the envelopes a second taken from
	// offline backlogs (pushed or pulled), so that workers coming back at
	// once do not crowd out the others' live reports.
	SyncRate float64 `yaml:"sync_rate"`
	// SyncPullInterval is how often the control plane pulls the backlog of
	// workers that announced a sync endpoint and have one.
	SyncPullInterval time.Duration `yaml:"sync_pull_interval"`
}

// DefaultDaemon returns the defaults. WINGMAN_DATA_DIR is left to the
// environment layer of LoadDaemon, which ranks above the config file.
func DefaultDaemon(getenv func(string) string) Daemon {
	home := func(k string) string {
		if k == "WINGMAN_DATA_DIR" {
			return ""
		}
		return getenv(k)
	}
	return Daemon{
		Listen: DefaultListen, DataDir: DefaultDataDir(home), LogLevel: "info", LogFormat: "text",
		HeartbeatTimeout: 90 * time.Second, SweepInterval: 5 * time.Second,
		MaxBodyBytes: 1 << 20, TaskLease: 10 * time.Minute, TaskPoll: 2 * time.Second, ShutdownTimeout: 10 * time.Second,
		OfflineGrace: 24 * time.Hour, SyncRate: 500, SyncPullInterval: 10 * time.Second,
	}
}

// LoadDaemon builds the configuration from the defaults, the config file at
// path (none when empty) and the environment. Flags are applied by the
// caller on top.
func LoadDaemon(path string, getenv func(string) string) (Daemon, error) {
	d := DefaultDaemon(getenv)
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return d, fmt.Errorf("load config %s: %w", path, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
			return d, fmt.Errorf("load config %s: %w", path, err)
		}
	}
	for env, dst := range map[string]*string{
		"WINGMAN_LISTEN": &d.Listen, "WINGMAN_DATA_DIR": &d.DataDir, "DATABASE_URL": &d.DatabaseURL,
		"WINGMAN_POLICY": &d.PolicyFile, "WINGMAN_LOG_LEVEL": &d.LogLevel, "WINGMAN_LOG_FORMAT": &d.LogFormat,
	} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	return d, d.Validate()
}

// Validate checks the settings together and says what to fix.
func (d Daemon) Validate() error {
	var errs []error
	if d.Listen == "" {
		errs = append(errs, errors.New("listen: empty; give host:port such as 127.0.0.1:8470"))
	}
	if d.DataDir == "" {
		errs = append(errs, errors.New("data_dir: empty"))
	}
	switch d.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level: %q is not one of debug, info, warn, error", d.LogLevel))
	}
	if d.LogFormat != "text" && d.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log_format: %q is not text or json", d.LogFormat))
	}
	for name, v := range map[string]time.Duration{"heartbeat_timeout": d.HeartbeatTimeout, "sweep_interval": d.SweepInterval,
		"task_lease": d.TaskLease, "task_poll": d.TaskPoll, "shutdown_timeout": d.ShutdownTimeout,
		"offline_grace": d.OfflineGrace, "sync_pull_interval": d.SyncPullInterval} {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be a positive duration such as 30s", name))
		}
	}
	if d.SyncRate <= 0 {
		errs = append(errs, fmt.Errorf("sync_rate: %g must be positive (envelopes a second)", d.SyncRate))
	}
	if d.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max_body_bytes: %d is below 1024", d.MaxBodyBytes))
	}
	return errors.Join(errs...)
}

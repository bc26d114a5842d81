package config_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/config"
)

// env is a fake environment: getenv never reads the real one.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wingmand.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultDaemon(t *testing.T) {
	t.Parallel()
	got := config.DefaultDaemon(env("HOME", "/home/ada", "WINGMAN_DATA_DIR", "/ignored"))
	want := config.Daemon{
		Listen: "127.0.0.1:8470", DataDir: "/home/ada/.local/share/wingman", LogLevel: "info", LogFormat: "text",
		HeartbeatTimeout: 90 * time.Second, SweepInterval: 5 * time.Second, MaxBodyBytes: 1 << 20,
		TaskLease: 10 * time.Minute, TaskPoll: 2 * time.Second, ShutdownTimeout: 10 * time.Second,
		OfflineGrace: 24 * time.Hour, SyncRate: 500, SyncPullInterval: 10 * time.Second,
	}
	if got != want {
		t.Errorf("DefaultDaemon =\n %+v\nwant\n %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestLoadDaemonPrecedence(t *testing.T) {
	t.Parallel()
	full := `listen: 0.0.0.0:9000
data_dir: /srv/wingman
database_url: postgres://file@db/wingman
policy_file: /etc/wingman/policy.yaml
log_level: debug
log_format: json
heartbeat_timeout: 2m
sweep_interval: 30s
max_body_bytes: 4096
task_lease: 1h
shutdown_timeout: 3s
`
	home := []string{"HOME", "/home/ada"}
	tests := []struct {
		name      string
		file      string // "" means no file, unless emptyFile
		emptyFile bool
		env       []string
		want      config.Daemon
	}{
		{
			name: "defaults",
			env:  home,
			want: config.DefaultDaemon(env(home...)),
		},
		{
			name: "defaults under XDG",
			env:  []string{"HOME", "/home/ada", "XDG_DATA_HOME", "/xdg/data"},
			want: func() config.Daemon {
				d := config.DefaultDaemon(env(home...))
				d.DataDir = "/xdg/data/wingman"
				return d
			}(),
		},
		{
			name:      "empty file keeps the defaults",
			emptyFile: true,
			env:       home,
			want:      config.DefaultDaemon(env(home...)),
		},
		{
			name: "comments only keep the defaults",
			file: "# nothing set here\n",
			env:  home,
			want: config.DefaultDaemon(env(home...)),
		},
		{
			name: "file over defaults",
			file: full,
			env:  home,
			want: config.Daemon{Listen: "0.0.0.0:9000", DataDir: "/srv/wingman", DatabaseURL: "postgres://file@db/wingman",
				PolicyFile: "/etc/wingman/policy.yaml", LogLevel: "debug", LogFormat: "json", HeartbeatTimeout: 2 * time.Minute,
				SweepInterval: 30 * time.Second, MaxBodyBytes: 4096, TaskLease: time.Hour, TaskPoll: 2 * time.Second, ShutdownTimeout: 3 * time.Second,
				OfflineGrace: 24 * time.Hour, SyncRate: 500, SyncPullInterval: 10 * time.Second},
		},
		{
			name: "file sets some keys, defaults fill the rest",
			file: "log_level: warn\nheartbeat_timeout: 45s\n",
			env:  home,
			want: func() config.Daemon {
				d := config.DefaultDaemon(env(home...))
				d.LogLevel, d.HeartbeatTimeout = "warn", 45*time.Second
				return d
			}(),
		},
		{
			name: "env over file",
			file: full,
			env: []string{"HOME", "/home/ada", "WINGMAN_LISTEN", "127.0.0.1:1", "WINGMAN_DATA_DIR", "/env/data",
				"DATABASE_URL", "postgres://env@db/w", "WINGMAN_POLICY", "/env/policy.yaml",
				"WINGMAN_LOG_LEVEL", "error", "WINGMAN_LOG_FORMAT", "text"},
			want: config.Daemon{Listen: "127.0.0.1:1", DataDir: "/env/data", DatabaseURL: "postgres://env@db/w",
				PolicyFile: "/env/policy.yaml", LogLevel: "error", LogFormat: "text", HeartbeatTimeout: 2 * time.Minute,
				SweepInterval: 30 * time.Second, MaxBodyBytes: 4096, TaskLease: time.Hour, TaskPoll: 2 * time.Second, ShutdownTimeout: 3 * time.Second,
				OfflineGrace: 24 * time.Hour, SyncRate: 500, SyncPullInterval: 10 * time.Second},
		},
		{
			name: "env over defaults without a file",
			env:  []string{"HOME", "/home/ada", "WINGMAN_DATA_DIR", "/env/data", "WINGMAN_LOG_FORMAT", "json"},
			want: func() config.Daemon {
				d := config.DefaultDaemon(env(home...))
				d.DataDir, d.LogFormat = "/env/data", "json"
				return d
			}(),
		},
		{
			name: "WINGMAN_DATA_DIR beats the file's data_dir, which beats XDG",
			file: "data_dir: /file/data\n",
			env:  []string{"HOME", "/home/ada", "XDG_DATA_HOME", "/xdg", "WINGMAN_DATA_DIR", "/env/data"},
			want: func() config.Daemon {
				d := config.DefaultDaemon(env(home...))
				d.DataDir = "/env/data"
				return d
			}(),
		},
		{
			name: "the file's data_dir beats XDG",
			file: "data_dir: /file/data\n",
			env:  []string{"HOME", "/home/ada", "XDG_DATA_HOME", "/xdg"},
			want: func() config.Daemon {
				d := config.DefaultDaemon(env(home...))
				d.DataDir = "/file/data"
				return d
			}(),
		},
		{
			name: "empty env values do not override",
			file: "log_level: debug\n",
			env:  []string{"HOME", "/home/ada", "WINGMAN_LOG_LEVEL", "", "WINGMAN_LISTEN", ""},
			want: func() config.Daemon {
				d := config.DefaultDaemon(env(home...))
				d.LogLevel = "debug"
				return d
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := ""
			if tt.file != "" || tt.emptyFile {
				path = writeFile(t, tt.file)
			}
			got, err := config.LoadDaemon(path, env(tt.env...))
			if err != nil {
				t.Fatalf("LoadDaemon: %v", err)
			}
			if got != tt.want {
				t.Errorf("LoadDaemon =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestLoadDaemonRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		file  string
		env   []string
		wants []string
	}{
		{"unknown key", "listen: 127.0.0.1:1\nlisten_addr: 0.0.0.0:1\n", nil,
			[]string{"load config ", "field listen_addr not found in type config.Daemon"}},
		{"misspelt nested key", "log_levle: debug\n", nil, []string{"field log_levle not found"}},
		{"duration without a unit", "heartbeat_timeout: 90\n", nil, []string{"load config ", "cannot unmarshal !!int `90` into time.Duration"}},
		{"duration not a duration", "task_lease: forever\n", nil, []string{"cannot unmarshal !!str `forever` into time.Duration"}},
		{"not a mapping", "- listen\n", nil, []string{"load config ", "cannot unmarshal !!seq into config.Daemon"}},
		{"bad YAML", "listen: [\n", nil, []string{"load config ", "yaml:"}},
		{"invalid value from the file", "log_level: verbose\n", nil, []string{`log_level: "verbose" is not one of debug, info, warn, error`}},
		{"invalid value from the env", "", []string{"WINGMAN_LOG_FORMAT", "xml"}, []string{`log_format: "xml" is not text or json`}},
		{"negative duration", "sweep_interval: -5s\n", nil, []string{"sweep_interval: must be a positive duration such as 30s"}},
		{"tiny body", "max_body_bytes: 100\n", nil, []string{"max_body_bytes: 100 is below 1024"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, tt.file)
			_, err := config.LoadDaemon(path, env(append([]string{"HOME", "/home/ada"}, tt.env...)...))
			if err == nil {
				t.Fatalf("LoadDaemon = nil error, want %q", tt.wants)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q\nwant it to contain %q", err, w)
				}
			}
			if strings.HasPrefix(tt.wants[0], "load config ") && !strings.Contains(err.Error(), path) {
				t.Errorf("err = %q does not name the file %s", err, path)
			}
		})
	}

	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "nope.yaml")
		_, err := config.LoadDaemon(path, env("HOME", "/home/ada"))
		if err == nil || !strings.Contains(err.Error(), "load config "+path+": ") || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want load config %s: ... not exist", err, path)
		}
	})
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := config.DefaultDaemon(env("HOME", "/home/ada"))
	tests := []struct {
		name  string
		edit  func(*config.Daemon)
		wants []string // every line expected, in any order
	}{
		{"defaults", func(*config.Daemon) {}, nil},
		{"every log level", func(d *config.Daemon) { d.LogLevel = "warn" }, nil},
		{"json logs", func(d *config.Daemon) { d.LogFormat = "json" }, nil},
		{"body of exactly 1024", func(d *config.Daemon) { d.MaxBodyBytes = 1024 }, nil},
		{"one nanosecond is positive", func(d *config.Daemon) { d.TaskLease = 1 }, nil},
		{"empty listen", func(d *config.Daemon) { d.Listen = "" }, []string{"listen: empty; give host:port such as 127.0.0.1:8470"}},
		{"empty data dir", func(d *config.Daemon) { d.DataDir = "" }, []string{"data_dir: empty"}},
		{"bad log level", func(d *config.Daemon) { d.LogLevel = "trace" }, []string{`log_level: "trace" is not one of debug, info, warn, error`}},
		{"log level case", func(d *config.Daemon) { d.LogLevel = "INFO" }, []string{`log_level: "INFO" is not one of debug, info, warn, error`}},
		{"empty log level", func(d *config.Daemon) { d.LogLevel = "" }, []string{`log_level: "" is not one of debug, info, warn, error`}},
		{"bad log format", func(d *config.Daemon) { d.LogFormat = "logfmt" }, []string{`log_format: "logfmt" is not text or json`}},
		{"zero heartbeat", func(d *config.Daemon) { d.HeartbeatTimeout = 0 }, []string{"heartbeat_timeout: must be a positive duration such as 30s"}},
		{"negative sweep", func(d *config.Daemon) { d.SweepInterval = -time.Second }, []string{"sweep_interval: must be a positive duration such as 30s"}},
		{"zero lease", func(d *config.Daemon) { d.TaskLease = 0 }, []string{"task_lease: must be a positive duration such as 30s"}},
		{"zero shutdown", func(d *config.Daemon) { d.ShutdownTimeout = 0 }, []string{"shutdown_timeout: must be a positive duration such as 30s"}},
		{"tiny max body", func(d *config.Daemon) { d.MaxBodyBytes = 1023 }, []string{"max_body_bytes: 1023 is below 1024"}},
		{"zero max body", func(d *config.Daemon) { d.MaxBodyBytes = 0 }, []string{"max_body_bytes: 0 is below 1024"}},
		{"everything wrong at once", func(d *config.Daemon) { *d = config.Daemon{} }, []string{
			"listen: empty; give host:port such as 127.0.0.1:8470",
			"data_dir: empty",
			`log_level: "" is not one of debug, info, warn, error`,
			`log_format: "" is not text or json`,
			"heartbeat_timeout: must be a positive duration such as 30s",
			"sweep_interval: must be a positive duration such as 30s",
			"task_lease: must be a positive duration such as 30s",
			"task_poll: must be a positive duration such as 30s",
			"offline_grace: must be a positive duration such as 30s",
			"sync_pull_interval: must be a positive duration such as 30s",
			"sync_rate: 0 must be positive (envelopes a second)",
			"shutdown_timeout: must be a positive duration such as 30s",
			"max_body_bytes: 0 is below 1024",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := good
			tt.edit(&d)
			err := d.Validate()
			if len(tt.wants) == 0 {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %q", tt.wants)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.wants) {
				t.Errorf("Validate gave %d problems, want %d:\n%s", len(lines), len(tt.wants), err)
			}
			for _, w := range tt.wants {
				found := false
				for _, l := range lines {
					found = found || l == w
				}
				if !found {
					t.Errorf("Validate = %q\nwant a line %q", err, w)
				}
			}
		})
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"WINGMAN_DATA_DIR first", []string{"WINGMAN_DATA_DIR", "/data/wm", "XDG_DATA_HOME", "/xdg", "HOME", "/home/ada"}, "/data/wm"},
		{"WINGMAN_DATA_DIR taken as given", []string{"WINGMAN_DATA_DIR", "relative/dir"}, "relative/dir"},
		{"XDG_DATA_HOME set", []string{"XDG_DATA_HOME", "/xdg/data", "HOME", "/home/ada"}, "/xdg/data/wingman"},
		{"XDG_DATA_HOME unset", []string{"HOME", "/home/ada"}, "/home/ada/.local/share/wingman"},
		{"XDG_DATA_HOME empty", []string{"XDG_DATA_HOME", "", "HOME", "/home/ada"}, "/home/ada/.local/share/wingman"},
		{"XDG_CONFIG_HOME is not for data", []string{"XDG_CONFIG_HOME", "/xdg/config", "HOME", "/home/ada"}, "/home/ada/.local/share/wingman"},
		{"trailing slash cleaned", []string{"XDG_DATA_HOME", "/xdg/data/", "HOME", "/home/ada"}, "/xdg/data/wingman"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := config.DefaultDataDir(env(tt.env...)); got != tt.want {
				t.Errorf("DefaultDataDir = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClientConfigFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"XDG_CONFIG_HOME set", []string{"XDG_CONFIG_HOME", "/xdg/config", "HOME", "/home/ada"}, "/xdg/config/wingman/config.yaml"},
		{"XDG_CONFIG_HOME unset", []string{"HOME", "/home/ada"}, "/home/ada/.config/wingman/config.yaml"},
		{"XDG_CONFIG_HOME empty", []string{"XDG_CONFIG_HOME", "", "HOME", "/home/ada"}, "/home/ada/.config/wingman/config.yaml"},
		{"XDG_DATA_HOME is not for config", []string{"XDG_DATA_HOME", "/xdg/data", "HOME", "/home/ada"}, "/home/ada/.config/wingman/config.yaml"},
		{"WINGMAN_DATA_DIR is not for config", []string{"WINGMAN_DATA_DIR", "/data", "HOME", "/home/ada"}, "/home/ada/.config/wingman/config.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := config.ClientConfigFile(env(tt.env...)); got != tt.want {
				t.Errorf("ClientConfigFile = %q, want %q", got, tt.want)
			}
		})
	}
}

// Without HOME in the injected environment both paths fall back to the
// user's home directory as the operating system reports it.
func TestPathsWithoutHome(t *testing.T) {
	t.Parallel()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skipf("no home directory here: %v", err)
	}
	if got, want := config.DefaultDataDir(env()), filepath.Join(home, ".local", "share", "wingman"); got != want {
		t.Errorf("DefaultDataDir = %q, want %q", got, want)
	}
	if got, want := config.ClientConfigFile(env()), filepath.Join(home, ".config", "wingman", "config.yaml"); got != want {
		t.Errorf("ClientConfigFile = %q, want %q", got, want)
	}
}

func TestConstants(t *testing.T) {
	t.Parallel()
	if config.DefaultListen != "127.0.0.1:8470" {
		t.Errorf("DefaultListen = %q: the default must stay on loopback, port 8470", config.DefaultListen)
	}
	if config.AdminTokenFile != "admin.token" {
		t.Errorf("AdminTokenFile = %q", config.AdminTokenFile)
	}
}

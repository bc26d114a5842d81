package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Worker mode is fixed, not configured: a worker runs at a site, next to
// raw logs and credentials, and never calls a cloud LLM. No setting turns
// this on; LoadWorker refuses an LLM endpoint that is not on the site's
// own network.
const (
	AllowCloudLLM = false
	WorkerMode    = true
)

// Worker is wingworker's configuration, from the environment (the names
// of the roadmap's worker reference) over an optional YAML file.
type Worker struct {
	ID              string        `yaml:"worker_id"`
	SiteName        string        `yaml:"site_name"`
	ControlPlaneURL string        `yaml:"control_plane_url"`
	Token           string        `yaml:"worker_token"`
	CollectInterval time.Duration `yaml:"collect_interval"`
	EnableDocker    bool          `yaml:"enable_docker"`
	EnableProxmox   bool          `yaml:"enable_proxmox"`
	EnableFileLogs  bool          `yaml:"enable_file_logs"`
	// LogFiles are the files tailed when EnableFileLogs is set.
	LogFiles []string `yaml:"log_files"`
	// PluginsDir holds user-installed execution plugins.
	PluginsDir string `yaml:"plugins_dir"`
	// HTTPAllow lists the hosts the http plugin may call (host, host:port
	// or *.domain); empty disables the plugin.
	HTTPAllow []string `yaml:"http_allow"`

	ProxmoxHost       string `yaml:"proxmox_host"`
	ProxmoxUser       string `yaml:"proxmox_user"`
	ProxmoxTokenName  string `yaml:"proxmox_token_name"`
	ProxmoxTokenValue string `yaml:"proxmox_token_value"`
	// ProxmoxCAFile trusts a cluster's own certificate authority.
	ProxmoxCAFile string `yaml:"proxmox_ca_file"`
	// PlaybooksDir holds the playbooks the ansible plugin may run; empty
	// disables the plugin.
	PlaybooksDir string `yaml:"playbooks_dir"`

	// OllamaHost and OllamaModel name an optional local model for
	// summaries; empty means scripts only.
	OllamaHost  string `yaml:"ollama_host"`
	OllamaModel string `yaml:"ollama_model"`

	OfflineBufferDir      string `yaml:"offline_buffer_dir"`
	OfflineBufferMaxMB    int    `yaml:"offline_buffer_max_mb"`
	OfflineBufferMaxHours int    `yaml:"offline_buffer_max_hours"`
	// OfflineSyncListen is where the worker serves /offline/pending for the
	// control plane to pull its backlog (host:port); empty serves nothing,
	// and the worker pushes its backlog itself (behind NAT).
	OfflineSyncListen string `yaml:"offline_sync_listen"`
	// OfflineSyncURL is the URL the control plane reaches that listener
	// at; empty means http://OFFLINE_SYNC_LISTEN.
	OfflineSyncURL string `yaml:"offline_sync_url"`
	// OfflineSyncRate caps the envelopes a second pushed from the backlog.
	OfflineSyncRate float64 `yaml:"offline_sync_rate"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
}

// DefaultWorker returns the defaults.
func DefaultWorker() Worker {
	return Worker{
		CollectInterval: 30 * time.Second, EnableDocker: true, EnableFileLogs: true,
		OfflineBufferDir: "/data/offline", OfflineBufferMaxMB: 100, OfflineBufferMaxHours: 24,
		OfflineSyncRate: 50, LogLevel: "info",
	}
}

// LoadWorker reads the file at path (none when empty), then the
// environment, and validates the result.
func LoadWorker(path string, getenv func(string) string) (Worker, error) {
	w := DefaultWorker()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return w, fmt.Errorf("load worker config %s: %w", path, err)
		}
		if err := yaml.Unmarshal(data, &w); err != nil {
			return w, fmt.Errorf("load worker config %s: %w", path, err)
		}
	}
	var errs []error
	str := map[string]*string{
		"WORKER_ID": &w.ID, "WORKER_SITE_NAME": &w.SiteName, "CONTROL_PLANE_URL": &w.ControlPlaneURL,
		"WORKER_TOKEN": &w.Token, "PROXMOX_HOST": &w.ProxmoxHost, "PROXMOX_USER": &w.ProxmoxUser,
		"PROXMOX_TOKEN_NAME": &w.ProxmoxTokenName, "PROXMOX_TOKEN_VALUE": &w.ProxmoxTokenValue,
		"OLLAMA_HOST": &w.OllamaHost, "OLLAMA_MODEL": &w.OllamaModel, "OFFLINE_BUFFER_DIR": &w.OfflineBufferDir,
		"WORKER_LOG_LEVEL": &w.LogLevel, "OFFLINE_SYNC_LISTEN": &w.OfflineSyncListen, "OFFLINE_SYNC_URL": &w.OfflineSyncURL,
		"WORKER_PLUGINS_DIR": &w.PluginsDir, "PROXMOX_CA_FILE": &w.ProxmoxCAFile, "WORKER_PLAYBOOKS_DIR": &w.PlaybooksDir,
	}
	for k, dst := range str {
		if v := getenv(k); v != "" {
			*dst = v
		}
	}
	for k, dst := range map[string]*bool{"ENABLE_DOCKER": &w.EnableDocker, "ENABLE_PROXMOX": &w.EnableProxmox, "ENABLE_FILE_LOGS": &w.EnableFileLogs} {
		if v := getenv(k); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: use true or false", k, v))
			}
			*dst = b
		}
	}
	for k, dst := range map[string]*int{"OFFLINE_BUFFER_MAX_MB": &w.OfflineBufferMaxMB, "OFFLINE_BUFFER_MAX_HOURS": &w.OfflineBufferMaxHours} {
		if v := getenv(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: use a whole number", k, v))
			}
			*dst = n
		}
	}
	if v := getenv("WORKER_COLLECT_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("WORKER_COLLECT_INTERVAL=%q: use a Go duration such as 30s", v))
		}
		w.CollectInterval = d
	}
	if v := getenv("OFFLINE_SYNC_RATE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("OFFLINE_SYNC_RATE=%q: give envelopes a second, such as 50", v))
		}
		w.OfflineSyncRate = f
	}
	if v := getenv("WORKER_LOG_FILES"); v != "" {
		w.LogFiles = strings.Split(v, ",")
	}
	if v := getenv("WORKER_HTTP_ALLOW"); v != "" {
		w.HTTPAllow = strings.Split(v, ",")
	}
	if err := errors.Join(errs...); err != nil {
		return w, err
	}
	return w, w.Validate()
}

// Validate checks the settings together and says what to fix.
func (w Worker) Validate() error {
	var errs []error
	if err := validWorkerID(w.ID); err != nil {
		errs = append(errs, err)
	}
	if u, err := url.Parse(w.ControlPlaneURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("CONTROL_PLANE_URL=%q: give the control plane's URL, such as http://127.0.0.1:8470", w.ControlPlaneURL))
	}
	if w.Token == "" {
		errs = append(errs, errors.New("WORKER_TOKEN is empty: create one with `wingctl workers add ID --site NAME`"))
	}
	if w.CollectInterval < time.Second {
		errs = append(errs, fmt.Errorf("WORKER_COLLECT_INTERVAL=%s: at least 1s", w.CollectInterval))
	}
	if w.OfflineBufferMaxMB <= 0 || w.OfflineBufferMaxHours <= 0 {
		errs = append(errs, errors.New("OFFLINE_BUFFER_MAX_MB and OFFLINE_BUFFER_MAX_HOURS must be positive"))
	}
	switch w.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("WORKER_LOG_LEVEL=%q: use debug, info, warn or error", w.LogLevel))
	}
	if w.OfflineBufferDir == "" {
		errs = append(errs, errors.New("OFFLINE_BUFFER_DIR is empty: every envelope is written there before it is sent"))
	}
	if w.OfflineSyncRate <= 0 {
		errs = append(errs, fmt.Errorf("OFFLINE_SYNC_RATE=%g: must be positive", w.OfflineSyncRate))
	}
	if w.OfflineSyncListen != "" {
		if _, _, err := net.SplitHostPort(w.OfflineSyncListen); err != nil {
			errs = append(errs, fmt.Errorf("OFFLINE_SYNC_LISTEN=%q: give host:port such as 0.0.0.0:8471", w.OfflineSyncListen))
		}
	}
	if w.OfflineSyncURL != "" {
		if u, err := url.Parse(w.OfflineSyncURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("OFFLINE_SYNC_URL=%q: give the URL the control plane reaches this worker at, such as http://10.0.0.5:8471", w.OfflineSyncURL))
		}
	}
	if w.EnableProxmox && (w.ProxmoxHost == "" || w.ProxmoxUser == "" || w.ProxmoxTokenName == "" || w.ProxmoxTokenValue == "") {
		errs = append(errs, errors.New("ENABLE_PROXMOX needs PROXMOX_HOST, PROXMOX_USER, PROXMOX_TOKEN_NAME and PROXMOX_TOKEN_VALUE"))
	}
	if w.OllamaHost != "" {
		if err := localOnly(w.OllamaHost); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func validWorkerID(id string) error {
	if id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@") != "" {
		return fmt.Errorf("WORKER_ID=%q: 1 to 64 letters, digits and - _ . @", id)
	}
	return nil
}

// localOnly accepts an LLM endpoint only on this site's network: a
// loopback, private or link-local address, or a single-label or .local /
// .lan / .home.arpa name. Anything else would send site data to the cloud.
func localOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("OLLAMA_HOST=%q: give a URL such as http://localhost:11434", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() {
			return nil
		}
	} else if host == "localhost" || !strings.Contains(host, ".") ||
		strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".lan") || strings.HasSuffix(host, ".home.arpa") {
		return nil
	}
	return fmt.Errorf("OLLAMA_HOST=%q is not on this site's network: workers never call a cloud LLM "+
		"(it is not configurable); point it at an Ollama on this host or LAN, or leave it empty for scripts only", raw)
}

package config

import (
	"strings"
	"testing"
	"time"
)

func workerEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func workerBase() map[string]string {
	return map[string]string{"WORKER_ID": "site-a", "CONTROL_PLANE_URL": "http://127.0.0.1:8470", "WORKER_TOKEN": "wmw_x"}
}

func TestLoadWorkerFromEnv(t *testing.T) {
	m := workerBase()
	m["WORKER_COLLECT_INTERVAL"] = "5s"
	m["ENABLE_DOCKER"] = "false"
	m["OFFLINE_BUFFER_MAX_MB"] = "7"
	m["WORKER_LOG_FILES"] = "/var/log/a.log,/var/log/b.log"
	w, err := LoadWorker("", workerEnv(m))
	if err != nil {
		t.Fatal(err)
	}
	if w.CollectInterval != 5*time.Second || w.EnableDocker || w.OfflineBufferMaxMB != 7 || len(w.LogFiles) != 2 || w.OfflineBufferMaxHours != 24 {
		t.Fatalf("config = %+v", w)
	}
}

// TestCloudLLMIsRefused proves that no setting lets a worker call a cloud
// LLM: a public OLLAMA_HOST is refused, and the usual cloud variables are
// not read at all.
func TestCloudLLMIsRefused(t *testing.T) {
	if AllowCloudLLM || !WorkerMode {
		t.Fatal("worker mode constants changed")
	}
	for _, host := range []string{"https://api.openai.com", "http://8.8.8.8:11434", "https://ollama.example.com"} {
		m := workerBase()
		m["OLLAMA_HOST"] = host
		_, err := LoadWorker("", workerEnv(m))
		if err == nil || !strings.Contains(err.Error(), "never call a cloud LLM") {
			t.Errorf("OLLAMA_HOST=%s: err = %v, want a refusal", host, err)
		}
	}
	for _, host := range []string{"http://localhost:11434", "http://127.0.0.1:11434", "http://192.168.1.20:11434", "http://ollama:11434", "http://gpu.lan:11434"} {
		m := workerBase()
		m["OLLAMA_HOST"] = host
		if _, err := LoadWorker("", workerEnv(m)); err != nil {
			t.Errorf("OLLAMA_HOST=%s refused: %v", host, err)
		}
	}
	m := workerBase()
	m["OPENAI_API_KEY"] = "sk-test"
	m["OPENAI_BASE_URL"] = "https://api.openai.com/v1"
	m["ANTHROPIC_API_KEY"] = "x"
	m["ALLOW_CLOUD_LLM"] = "true"
	w, err := LoadWorker("", workerEnv(m))
	if err != nil {
		t.Fatal(err)
	}
	if w.OllamaHost != "" {
		t.Fatalf("a cloud variable leaked into the config: %+v", w)
	}
}

func TestLoadWorkerErrors(t *testing.T) {
	tests := []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"WORKER_ID": ""}, "WORKER_ID"},
		{map[string]string{"WORKER_ID": "a b"}, "WORKER_ID"},
		{map[string]string{"CONTROL_PLANE_URL": "ftp://x"}, "CONTROL_PLANE_URL"},
		{map[string]string{"WORKER_TOKEN": ""}, "wingctl workers add"},
		{map[string]string{"WORKER_COLLECT_INTERVAL": "soon"}, "Go duration"},
		{map[string]string{"WORKER_COLLECT_INTERVAL": "10ms"}, "at least 1s"},
		{map[string]string{"ENABLE_DOCKER": "yes please"}, "true or false"},
		{map[string]string{"OFFLINE_BUFFER_MAX_MB": "lots"}, "whole number"},
	}
	for _, tt := range tests {
		m := workerBase()
		for k, v := range tt.set {
			m[k] = v
		}
		_, err := LoadWorker("", workerEnv(m))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want %q", tt.set, err, tt.want)
		}
	}
}

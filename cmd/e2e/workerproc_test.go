package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// workerProc is a real wingworker that a test stops, kills and starts
// again on the same offline buffer. Its log is kept across restarts.
type workerProc struct {
	t   testing.TB
	env []string
	dir string // OFFLINE_BUFFER_DIR

	// logFile is where every run writes its log: the child writes it
	// directly, so a SIGKILL loses no line already written.
	logFile string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// newWorkerProc starts wingworker id against url (a control plane or a
// link to one), with the debug log that names every envelope it buffers.
func newWorkerProc(t testing.TB, d *daemon, url, id, token string, extraEnv ...string) *workerProc {
	t.Helper()
	w := &workerProc{t: t, dir: t.TempDir()}
	w.logFile = filepath.Join(t.TempDir(), "wingworker.log")
	w.env = append(cleanEnv(d.home), append([]string{"WORKER_ID=" + id, "WORKER_SITE_NAME=Site A",
		"CONTROL_PLANE_URL=" + url, "WORKER_TOKEN=" + token, "WORKER_COLLECT_INTERVAL=1s", "WORKER_LOG_LEVEL=debug",
		"ENABLE_FILE_LOGS=false", "ENABLE_DOCKER=false", "OFFLINE_BUFFER_DIR=" + w.dir}, extraEnv...)...)
	w.start()
	t.Cleanup(func() {
		w.stop()
		if t.Failed() {
			t.Logf("wingworker log:\n%s", w.logs())
		}
	})
	return w
}

func (w *workerProc) start() {
	w.t.Helper()
	cmd := exec.Command(filepath.Join(bin, "wingworker"))
	cmd.Env = w.env
	f, err := os.OpenFile(w.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close() // the child has its own copy
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	w.cmd = cmd
	w.mu.Unlock()
}

// kill stops the worker with SIGKILL: nothing of it runs after.
func (w *workerProc) kill() {
	w.mu.Lock()
	cmd := w.cmd
	w.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

// stop stops the worker as a service manager does.
func (w *workerProc) stop() {
	w.mu.Lock()
	cmd := w.cmd
	w.mu.Unlock()
	if cmd == nil || cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		w.t.Errorf("wingworker did not stop on SIGTERM")
	}
}

func (w *workerProc) logs() string {
	b, _ := os.ReadFile(w.logFile)
	return string(b)
}

var bufferedLine = regexp.MustCompile(`msg=buffered .*?file=(\S+) id=(\S+)`)

// buffered lists, from the log, every envelope the worker wrote to its
// buffer, by id, with its file name.
func (w *workerProc) buffered() map[string]string {
	out := map[string]string{}
	for _, m := range bufferedLine.FindAllStringSubmatch(w.logs(), -1) {
		out[m[2]] = m[1]
	}
	return out
}

// waiting lists the envelope files in the buffer, by name.
func (w *workerProc) waiting() []string {
	entries, _ := os.ReadDir(w.dir)
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	return names
}

// quarantinedAt is the time a file was moved aside, in front of its name.
var quarantinedAt = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{9}Z-`)

// quarantined lists the files moved aside, by their names in the buffer.
func (w *workerProc) quarantined() []string {
	entries, _ := os.ReadDir(filepath.Join(w.dir, "quarantine"))
	var names []string
	for _, e := range entries {
		names = append(names, quarantinedAt.ReplaceAllString(e.Name(), ""))
	}
	return names
}

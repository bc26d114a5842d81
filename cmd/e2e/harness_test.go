package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// bin holds the binaries built once for the whole package.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wingman-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	// wingsandbox beside the workers, as `make build` installs it: skills
	// run through the launcher production uses. A root worker starts it
	// as the skills' uid, nobody, which must get through to it.
	if err := os.Chmod(dir, 0o711); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, name := range []string{"wingmand", "wingctl", "wingworker", "wingsandbox"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), "../"+name)
		// Built as `make build` builds them (static), so that what the
		// tests and benchmarks measure is what ships.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n", name, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// interrupt is what a service manager sends to stop a process.
var interrupt = syscall.SIGTERM

// daemon is a running wingmand process.
type daemon struct {
	t       testing.TB
	cmd     *exec.Cmd
	url     string
	dataDir string
	args    []string
	log     *bytes.Buffer
	home    string
	env     []string // added to wingmand's environment
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDaemon starts wingmand with extra flags and waits until it is ready.
func startDaemon(t testing.TB, extra ...string) *daemon {
	t.Helper()
	d := &daemon{t: t, dataDir: t.TempDir(), home: t.TempDir()}
	addr := freePort(t)
	d.url = "http://" + addr
	d.args = append([]string{"serve", "--listen", addr, "--data-dir", d.dataDir}, extra...)
	d.start()
	t.Cleanup(func() { d.stop() })
	return d
}

func (d *daemon) start() {
	d.t.Helper()
	d.log = &bytes.Buffer{}
	d.cmd = exec.Command(filepath.Join(bin, "wingmand"), d.args...)
	d.cmd.Env = append(cleanEnv(d.home), d.env...)
	d.cmd.Stdout, d.cmd.Stderr = d.log, d.log
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(d.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.t.Fatalf("wingmand did not become ready:\n%s", d.log)
}

// stop sends SIGTERM and waits for a clean exit.
func (d *daemon) stop() {
	if d.cmd == nil || d.cmd.ProcessState != nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			d.t.Errorf("wingmand exited badly after SIGTERM: %v\n%s", err, d.log)
		}
	case <-time.After(15 * time.Second):
		_ = d.cmd.Process.Kill()
		d.t.Errorf("wingmand did not stop within 15s of SIGTERM:\n%s", d.log)
	}
}

func (d *daemon) adminToken() string {
	d.t.Helper()
	b, err := os.ReadFile(filepath.Join(d.dataDir, "admin.token"))
	if err != nil {
		d.t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// cleanEnv is a minimal environment with a private HOME, so that no config
// of the machine's user leaks into the test.
func cleanEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local/share")}
}

// result is what one wingctl run did.
type result struct {
	code           int
	stdout, stderr string
}

// wingctl runs the real wingctl against d with token, stdin closed.
func (d *daemon) wingctl(token string, args ...string) result {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "wingctl"), args...)
	cmd.Env = append(cleanEnv(d.home), "WINGMAN_SERVER="+d.url, "WINGMAN_TOKEN="+token)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		d.t.Fatalf("wingctl %v: %v", args, err)
	}
	return result{code, out.String(), errOut.String()}
}

// mustJSON runs wingctl with -o json, expects exit 0 and decodes stdout.
func (d *daemon) mustJSON(token string, out any, args ...string) {
	d.t.Helper()
	r := d.wingctl(token, append(args, "-o", "json")...)
	if r.code != 0 {
		d.t.Fatalf("wingctl %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
		d.t.Fatalf("wingctl %v: decode %q: %v", args, r.stdout, err)
	}
}

// ingest posts an envelope as a worker would.
func (d *daemon) ingest(workerToken string, env domain.Envelope) {
	d.t.Helper()
	b, _ := json.Marshal(env)
	req, _ := http.NewRequest("POST", d.url+"/api/v1/ingest", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+workerToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 202 {
		var eb domain.ErrorBody
		_ = json.NewDecoder(resp.Body).Decode(&eb)
		d.t.Fatalf("ingest: %d %+v", resp.StatusCode, eb)
	}
}

// nextTask long-polls for the worker's next task.
func (d *daemon) nextTask(workerToken string) domain.WorkerTask {
	d.t.Helper()
	req, _ := http.NewRequest("GET", d.url+"/api/v1/worker/tasks?wait=20s", nil)
	req.Header.Set("Authorization", "Bearer "+workerToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		d.t.Fatalf("worker tasks: %d", resp.StatusCode)
	}
	var task domain.WorkerTask
	if err := json.NewDecoder(resp.Body).Decode(&task); err != nil {
		d.t.Fatal(err)
	}
	return task
}

// report sends a task's result as the worker would.
func (d *daemon) report(workerToken, taskID string, status domain.TaskStatus) {
	d.t.Helper()
	payload, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: taskID, Status: status, Output: "done", Error: map[bool]string{true: "exit 1"}[status == domain.TaskFailed]})
	d.ingest(workerToken, domain.Envelope{WorkerID: "site-a-docker", Timestamp: time.Now().UTC(),
		PayloadType: domain.PayloadExecutionResult, Payload: payload})
}

// writePolicy writes a policy file for the daemon.
func writePolicy(t testing.TB, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

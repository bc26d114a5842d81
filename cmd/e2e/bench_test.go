package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// BenchmarkWingctlApprove measures the whole process: exec of the real
// wingctl, flag parsing, token resolution, one approval over loopback, and
// exit. It is what a script pays per approval.
//
//	go test ./cmd/e2e -run '^$' -bench WingctlApprove -benchtime 200x
func BenchmarkWingctlApprove(b *testing.B) {
	d := startDaemon(b, "--policy", writePolicy(b, "defaults:\n  expire_after: 1h\n"))
	admin := d.adminToken()
	var op, worker struct{ Token string }
	d.mustJSON(admin, &op, "tokens", "create", "--role", "operator", "--name", "olive")
	d.mustJSON(admin, &worker, "workers", "add", "w1", "--site", "Site A")
	for i := 0; i < b.N; i++ {
		d.ingest(worker.Token, crashEnvelope("w1", fmt.Sprintf("app-%d", i)))
	}
	var plans []domain.Plan
	d.mustJSON(admin, &plans, "plans", "list", "--status", "pending")
	if len(plans) < b.N {
		b.Fatalf("%d plans, want %d", len(plans), b.N)
	}
	wingctl := filepath.Join(bin, "wingctl")
	env := append(cleanEnv(d.home), "WINGMAN_SERVER="+d.url, "WINGMAN_TOKEN="+op.Token)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(wingctl, "approve", plans[i].ID)
		cmd.Env = env
		t0 := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("wingctl approve: %v\n%s", err, out)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkWorkerIdle measures the real wingworker with the Docker
// collector at the default 30 s interval: resident memory (VmRSS, the
// largest seen) and CPU (utime+stime from /proc) over one minute after a
// warm-up. Run it alone: it takes about 70 s whatever -benchtime says.
//
//	go test ./cmd/e2e -run '^$' -bench WorkerIdle -benchtime 1x
func BenchmarkWorkerIdle(b *testing.B) {
	d := startDaemon(b)
	var worker struct{ Token string }
	d.mustJSON(d.adminToken(), &worker, "workers", "add", "idle", "--site", "Site A")
	cmd := exec.Command(filepath.Join(bin, "wingworker"))
	cmd.Env = append(cleanEnv(d.home), "WORKER_ID=idle", "WORKER_SITE_NAME=Site A", "CONTROL_PLANE_URL="+d.url,
		"WORKER_TOKEN="+worker.Token, "WORKER_COLLECT_INTERVAL=30s", "ENABLE_FILE_LOGS=false", "OFFLINE_BUFFER_DIR="+b.TempDir())
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pid := cmd.Process.Pid
	time.Sleep(8 * time.Second) // start-up, first heartbeat and collection
	b.ResetTimer()
	cpu0, rss := procCPU(b, pid), procRSS(b, pid)
	start := time.Now()
	for time.Since(start) < time.Minute {
		time.Sleep(time.Second)
		rss = max(rss, procRSS(b, pid))
	}
	used := procCPU(b, pid) - cpu0
	b.StopTimer()
	b.ReportMetric(float64(rss)/1024, "rss-MB")
	b.ReportMetric(100*used.Seconds()/time.Since(start).Seconds(), "cpu-%")
}

// procRSS reads VmRSS in KiB.
func procRSS(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// procCPU reads utime+stime.
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

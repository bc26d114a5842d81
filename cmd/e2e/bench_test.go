package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
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

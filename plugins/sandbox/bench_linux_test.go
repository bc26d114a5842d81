// The start-up cost of the sandbox: a performance target, measured, never
// a timed test.

package sandbox

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartup starts /bin/true plainly and then sandboxed, in turns,
// and reports the median of the differences as added-ms (target: 10 at
// most), beside the medians of each. Three launchers: wingsandbox, the
// dedicated one production runs, built as `make build` builds it; and the
// fallbacks when it is missing, this test binary and the real wingworker,
// whose package initialisation then runs in every launcher too.
//
//	go test ./plugins/sandbox -run '^$' -bench Startup -benchtime 200x
func BenchmarkStartup(b *testing.B) {
	dir := skillDir(b)
	for _, l := range []struct{ name, pkg string }{
		{"wingsandbox", "github.com/wingman-dev/wingman/cmd/wingsandbox"},
		{"wingworker", "github.com/wingman-dev/wingman/cmd/wingworker"},
	} {
		b.Run("launcher="+l.name, func(b *testing.B) {
			// Where the skill's uid may run it. The Makefile's build adds
			// only version strings, which the launcher has none of.
			bin := filepath.Join(openDir(b, 0o755), l.name)
			if out, err := exec.Command("go", "build", "-o", bin, l.pkg).CombinedOutput(); err != nil {
				b.Fatalf("go build %s: %v\n%s", l.pkg, err, out)
			}
			benchStartup(b, Spec{Path: "/bin/true", Dir: dir, Launcher: bin})
		})
	}
	b.Run("launcher=self", func(b *testing.B) { benchStartup(b, Spec{Path: "/bin/true", Dir: dir}) })
}

func benchStartup(b *testing.B, spec Spec) {
	ctx := context.Background()
	var plain, sandboxed, added, addedCPU []float64
	for b.Loop() {
		c0, t0 := childrenCPU(b), time.Now()
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
		c1, t1 := childrenCPU(b), time.Now()
		res, err := Run(ctx, spec)
		if err != nil || res.ExitCode != 0 || res.Degraded {
			b.Fatalf("Run: %+v, %v", res, err)
		}
		c2, t2 := childrenCPU(b), time.Now()
		plain = append(plain, ms(t1.Sub(t0)))
		sandboxed = append(sandboxed, ms(t2.Sub(t1)))
		added = append(added, ms(t2.Sub(t1)-t1.Sub(t0)))
		addedCPU = append(addedCPU, ms((c2-c1)-(c1-c0)))
	}
	b.ReportMetric(median(plain), "plain-ms")
	b.ReportMetric(median(sandboxed), "sandboxed-ms")
	b.ReportMetric(median(added), "added-ms")
	// CPU time is steadier than wall-clock time on a shared machine.
	b.ReportMetric(median(addedCPU), "added-cpu-ms")
}

// childrenCPU is the user and system time of the reaped children so far.
func childrenCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

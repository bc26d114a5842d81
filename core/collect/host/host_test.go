package host

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "meminfo", "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    400 kB\n")
	write(t, dir, "loadavg", "0.50 0.40 0.30 1/100 42\n")
	write(t, dir, "stat", "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n")
	h := &Collector{Proc: dir, Disk: dir}
	facts, err := h.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := facts[0].Attrs
	if facts[0].Type != "host" || a["mem_total_bytes"] != uint64(1024000) || a["mem_used_bytes"] != uint64(600*1024) || a["load1"] != 0.5 {
		t.Fatalf("fact = %+v", facts[0])
	}
	if _, ok := a["cpu_percent"]; ok {
		t.Fatal("cpu_percent reported without a previous sample")
	}
	// 100 more busy jiffies out of 400 more in all: 25 %.
	write(t, dir, "stat", "cpu  150 0 150 900 200 0 0 0 0 0\n")
	facts, err = h.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := facts[0].Attrs["cpu_percent"]; got != 25.0 {
		t.Fatalf("cpu_percent = %v, want 25", got)
	}
	if facts[0].Attrs["disk_total_bytes"].(uint64) == 0 {
		t.Fatal("no disk size")
	}
}

func TestCollectErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "stat", "intr 1 2 3\n")
	if _, err := (&Collector{Proc: dir}).Collect(context.Background()); err == nil {
		t.Fatal("a stat file without a cpu line was accepted")
	}
	if _, err := (&Collector{Proc: filepath.Join(dir, "none")}).Collect(context.Background()); err == nil {
		t.Fatal("a missing proc was accepted")
	}
}

// Package host observes the machine a worker runs on: CPU, memory, load
// and disk use, read from /proc and statfs (Linux).
package host

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/wingman-dev/wingman/core/domain"
)

// Collector reports one host fact. CPU use is measured between two
// collections, so the first one reports none.
type Collector struct {
	// Proc is the proc filesystem's root, "/proc" unless a test says not.
	Proc string
	// Disk is the mount point whose use is reported, "/" by default.
	Disk string

	prevBusy, prevTotal uint64
}

// Name names the collector in logs and capabilities.
func (h *Collector) Name() string { return "host" }

// Collect returns the host's fact.
func (h *Collector) Collect(context.Context) ([]domain.WireFact, error) {
	proc, disk := h.Proc, h.Disk
	if proc == "" {
		proc = "/proc"
	}
	if disk == "" {
		disk = "/"
	}
	attrs := map[string]any{}
	busy, total, err := cpuTimes(proc + "/stat")
	if err != nil {
		return nil, err
	}
	if h.prevTotal > 0 && total > h.prevTotal {
		attrs["cpu_percent"] = round(100 * float64(busy-h.prevBusy) / float64(total-h.prevTotal))
	}
	h.prevBusy, h.prevTotal = busy, total
	mem, err := meminfo(proc + "/meminfo")
	if err != nil {
		return nil, err
	}
	attrs["mem_total_bytes"] = mem["MemTotal"] * 1024
	attrs["mem_used_bytes"] = (mem["MemTotal"] - mem["MemAvailable"]) * 1024
	if load, err := os.ReadFile(proc + "/loadavg"); err == nil {
		if f := strings.Fields(string(load)); len(f) > 0 {
			if v, err := strconv.ParseFloat(f[0], 64); err == nil {
				attrs["load1"] = v
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(disk, &st); err == nil {
		attrs["disk_total_bytes"] = st.Blocks * uint64(st.Bsize)
		attrs["disk_used_bytes"] = (st.Blocks - st.Bfree) * uint64(st.Bsize)
	}
	name, _ := os.Hostname()
	return []domain.WireFact{{Type: "host", Name: name, Status: "up", Attrs: attrs}}, nil
}

func round(v float64) float64 { return float64(int(v*10+0.5)) / 10 }

// cpuTimes sums the aggregate cpu line of /proc/stat.
func cpuTimes(path string) (busy, total uint64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, fmt.Errorf("host: %w", err)
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("host: %s: no cpu line", path)
	}
	for i, s := range f[1:] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("host: %s: %w", path, err)
		}
		total += v
		if i != 3 && i != 4 { // idle and iowait are not busy
			busy += v
		}
	}
	return busy, total, nil
}

func meminfo(path string) (map[string]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	defer f.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err == nil {
			out[k] = n
		}
	}
	return out, sc.Err()
}

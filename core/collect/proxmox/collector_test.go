package proxmox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/core/collect/proxmox/proxmoxtest"
	"github.com/wingman-dev/wingman/core/domain"
)

const testdata = "../../../testdata/proxmox"

// recorded answers GET requests from testdata/proxmox/cluster: the path
// /nodes/pve1/qemu is cluster/nodes/pve1/qemu.json, or a raw answer in
// cluster/nodes/pve1/qemu.http. It remembers the paths asked for.
type recorded struct {
	t     *testing.T
	mu    sync.Mutex
	paths []string // guarded by mu
}

func (rec *recorded) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.paths = append(rec.paths, r.URL.Path)
	rec.mu.Unlock()
	if r.Method != http.MethodGet {
		http.Error(w, "the recorded cluster only reads", http.StatusNotImplemented)
		return
	}
	base := filepath.Join(testdata, "cluster", filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
	if b, err := os.ReadFile(base + ".json"); err == nil {
		proxmoxtest.WriteJSON(w, b)
		return
	}
	if b, err := os.ReadFile(base + ".http"); err == nil {
		proxmoxtest.WriteRaw(rec.t, w, b)
		return
	}
	rec.t.Errorf("no recorded answer for GET %s", r.URL.Path)
	http.NotFound(w, r)
}

func (rec *recorded) asked() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.paths)
}

func newClient(t *testing.T, cfg proxmox.Config) *proxmox.Client {
	t.Helper()
	c, err := proxmox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCollect(t *testing.T) {
	rec := &recorded{t: t}
	_, cfg := proxmoxtest.Start(t, testdata, rec)
	facts, err := proxmox.NewCollector(newClient(t, cfg)).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	want := []domain.WireFact{
		{Type: "proxmox_node", Name: "pve1", Status: "online", Attrs: map[string]any{
			"cpu": 0.0421836228287841, "maxcpu": 8, "mem": 13238706176, "maxmem": 33516941312, "uptime": 1209644}},
		{Type: "vm", Name: "web", Status: "running", Attrs: map[string]any{
			"vmid": 100, "node": "pve1", "status": "running", "cpu": 0.0231553398058252, "maxcpu": 2,
			"mem": 1879048192, "maxmem": 4294967296, "uptime": 86412, "snapshot_count": 2,
			// The listing is not in time order: the latest is found by snaptime.
			"latest_snapshot": map[string]any{"name": "weekly-2024-01-14", "snaptime": 1705190400}}},
		{Type: "vm", Name: "db", Status: "stopped", Attrs: map[string]any{
			"vmid": 101, "node": "pve1", "status": "stopped", "cpu": 0, "maxcpu": 4,
			"mem": 0, "maxmem": 8589934592, "uptime": 0, "snapshot_count": 0}},
		{Type: "vm", Name: "debian-12-cloud", Status: "stopped", Attrs: map[string]any{
			"vmid": 9000, "node": "pve1", "status": "stopped", "cpu": 0, "maxcpu": 2,
			"mem": 0, "maxmem": 2147483648, "uptime": 0, "snapshot_count": 0, "template": true}},
		{Type: "lxc", Name: "pihole", Status: "running", Attrs: map[string]any{
			"vmid": 200, "node": "pve1", "status": "running", "cpu": 0.00321543408360129, "maxcpu": 1,
			"mem": 71303168, "maxmem": 536870912, "uptime": 172811, "snapshot_count": 1,
			"latest_snapshot": map[string]any{"name": "before-pihole-update", "snaptime": 1705312800}}},
		{Type: "proxmox_node", Name: "pve2", Status: "offline"},
		{Type: "proxmox_node", Name: "pve3", Status: "online", Attrs: map[string]any{
			"cpu": 0.00875, "maxcpu": 4, "mem": 3221225472, "maxmem": 16718954496, "uptime": 432117,
			"error": "proxmox: GET /nodes/pve3/lxc: 595 No route to host"}},
	}
	// Facts travel as JSON: compare them so.
	if got, want := asJSON(t, facts), asJSON(t, want); got != want {
		t.Errorf("facts:\n got %s\nwant %s", got, want)
	}

	for _, p := range rec.asked() {
		if strings.HasPrefix(p, "/nodes/pve2/") {
			t.Errorf("asked offline node pve2 for %s", p)
		}
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

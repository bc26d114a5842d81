package broker

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	pve "github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/core/collect/proxmox/proxmoxtest"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// Proxmox VE cannot run here: the Proxmox methods are tested against the
// recorded answers of testdata/proxmox, in the shape its API documents.
const testdata = "../../../testdata/proxmox"

// Tasks of the recorded cluster: one that stopped OK, one that failed,
// and the deletion the cluster starts for any snapshot deleted.
const (
	taskOK     = "UPID:pve1:002F1E6A:0B2C8D41:65A50B58:qmsnapshot:100:root@pam!wingman:"
	taskFailed = "UPID:pve1:002F1E6C:0B2C8D41:65A50B5A:qmsnapshot:101:root@pam!wingman:"
	taskDelete = "UPID:pve1:002F1E6B:0B2C8D41:65A50B59:qmdelsnapshot:100:root@pam!wingman:"
)

// cluster serves the recorded cluster (pve1 with guests 100, 101, 9000
// and 200; pve2 offline; pve3 online but its containers unreachable) and
// remembers the snapshot deletions asked of it.
type cluster struct {
	mu      sync.Mutex
	deleted []string // guarded by mu
}

func newCluster(t *testing.T) (*cluster, Proxmox) {
	c := &cluster{}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the recorded cluster has no %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	serve := func(file string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if b := proxmoxtest.Load(t, testdata, file); strings.HasSuffix(file, ".http") {
				proxmoxtest.WriteRaw(t, w, b)
			} else {
				proxmoxtest.WriteJSON(w, b)
			}
		}
	}
	for route, file := range map[string]string{
		"GET /nodes":                        "cluster/nodes.json",
		"GET /nodes/pve1/qemu":              "cluster/nodes/pve1/qemu.json",
		"GET /nodes/pve1/lxc":               "cluster/nodes/pve1/lxc.json",
		"GET /nodes/pve3/qemu":              "cluster/nodes/pve3/qemu.json",
		"GET /nodes/pve3/lxc":               "cluster/nodes/pve3/lxc.http",
		"GET /nodes/pve1/qemu/100/snapshot": "cluster/nodes/pve1/qemu/100/snapshot.json",
		"GET /nodes/pve1/lxc/200/snapshot":  "cluster/nodes/pve1/lxc/200/snapshot.json",
		"GET /nodes/pve1/qemu/999/snapshot": "errors/500-no-such-guest.http",
		// The recorded status answers stand for any task: the broker
		// reads only their status and exit status.
		"GET /nodes/pve1/tasks/" + taskOK + "/status":     "tasks/status-stopped-ok.json",
		"GET /nodes/pve1/tasks/" + taskFailed + "/status": "tasks/status-stopped-error.json",
		"GET /nodes/pve1/tasks/" + taskDelete + "/status": "tasks/status-running.json",
	} {
		mux.HandleFunc(route, serve(file))
	}
	mux.HandleFunc("DELETE /nodes/pve1/{kind}/{vmid}/snapshot/{snapname}", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.deleted = append(c.deleted, r.URL.Path)
		c.mu.Unlock()
		proxmoxtest.WriteData(t, w, taskDelete)
	})
	_, cfg := proxmoxtest.Start(t, testdata, mux)
	api, err := pve.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, api
}

func (c *cluster) deletions() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.deleted)
}

var (
	proxmoxReader  = Session{Skill: "reader", Allowed: []manifest.Permission{manifest.ProxmoxRead}, Verb: "execute", Target: "100"}
	proxmoxPruner  = Session{Skill: "pruner", Allowed: []manifest.Permission{manifest.ProxmoxRead, manifest.ProxmoxSnapshotDelete}, Verb: "execute", Target: "100"}
	proxmoxUndoing = Session{Skill: "pruner", Allowed: proxmoxPruner.Allowed, Verb: "rollback", Target: "100"}
)

// Calls within the permissions are served from the cluster's answers.
func TestProxmoxServed(t *testing.T) {
	cl, api := newCluster(t)
	pve1Guests := `
		{"vmid": 100, "name": "web", "kind": "qemu", "node": "pve1", "status": "running", "cpu": 0.0231553398058252,
		 "cpus": 2, "mem": 1879048192, "maxmem": 4294967296, "uptime": 86412, "template": false},
		{"vmid": 101, "name": "db", "kind": "qemu", "node": "pve1", "status": "stopped", "cpu": 0,
		 "cpus": 4, "mem": 0, "maxmem": 8589934592, "uptime": 0, "template": false},
		{"vmid": 9000, "name": "debian-12-cloud", "kind": "qemu", "node": "pve1", "status": "stopped", "cpu": 0,
		 "cpus": 2, "mem": 0, "maxmem": 2147483648, "uptime": 0, "template": true},
		{"vmid": 200, "name": "pihole", "kind": "lxc", "node": "pve1", "status": "running", "cpu": 0.00321543408360129,
		 "cpus": 1, "mem": 71303168, "maxmem": 536870912, "uptime": 172811, "template": false}`
	for _, tc := range []struct {
		name    string
		s       Session
		method  string
		params  any
		want    string // the result, as JSON
		deleted string // the snapshot deletion asked of the cluster, if any
	}{
		{name: "nodes, offline ones with their status only", s: proxmoxReader, method: "proxmox.nodes", want: `[
			{"name": "pve1", "status": "online", "cpu": 0.0421836228287841, "maxcpu": 8, "mem": 13238706176, "maxmem": 33516941312, "uptime": 1209644},
			{"name": "pve2", "status": "offline", "cpu": 0, "maxcpu": 0, "mem": 0, "maxmem": 0, "uptime": 0},
			{"name": "pve3", "status": "online", "cpu": 0.00875, "maxcpu": 4, "mem": 3221225472, "maxmem": 16718954496, "uptime": 432117}]`},
		{name: "guests of the online nodes, saying which could not be listed", s: proxmoxReader, method: "proxmox.guests",
			want: `{"guests": [` + pve1Guests + `], "errors": ["list lxc guests of pve3: proxmox: GET /nodes/pve3/lxc: 595 No route to host"]}`},
		{name: "guests of one node", s: proxmoxReader, method: "proxmox.guests", params: map[string]any{"node": "pve1"},
			want: `{"guests": [` + pve1Guests + `]}`},
		{name: "snapshots of a virtual machine, without its present state", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": 100}, want: `[
			{"name": "pre-upgrade", "description": "before apt full-upgrade\n", "snaptime": 1704067200},
			{"name": "weekly-2024-01-14", "description": "", "parent": "pre-upgrade", "snaptime": 1705190400}]`},
		{name: "snapshots of a container", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": 200, "kind": "lxc"},
			want:   `[{"name": "before-pihole-update", "description": "pihole -up", "snaptime": 1705312800}]`},
		{name: "a task that stopped OK", s: proxmoxReader, method: "proxmox.task", params: map[string]any{"upid": taskOK},
			want: `{"upid": "` + taskOK + `", "node": "pve1", "status": "stopped", "exit_status": "OK", "ok": true}`},
		{name: "a task that failed", s: proxmoxReader, method: "proxmox.task", params: map[string]any{"upid": taskFailed},
			want: `{"upid": "` + taskFailed + `", "node": "pve1", "status": "stopped", "exit_status": "snapshot feature is not available", "ok": false}`},
		{name: "a task still running", s: proxmoxReader, method: "proxmox.task", params: map[string]any{"upid": taskDelete},
			want: `{"upid": "` + taskDelete + `", "node": "pve1", "status": "running", "ok": false}`},
		{name: "delete a snapshot of the target during execute", s: proxmoxPruner, method: "proxmox.snapshot.delete",
			params: map[string]any{"node": "pve1", "vmid": 100, "snapname": "pre-upgrade"},
			want:   `{"snapname": "pre-upgrade", "task": "` + taskDelete + `"}`, deleted: "/nodes/pve1/qemu/100/snapshot/pre-upgrade"},
		{name: "delete a snapshot of the target during rollback", s: proxmoxUndoing, method: "proxmox.snapshot.delete",
			params: map[string]any{"node": "pve1", "vmid": 100, "kind": "qemu", "snapname": "weekly-2024-01-14"},
			want:   `{"snapname": "weekly-2024-01-14", "task": "` + taskDelete + `"}`, deleted: "/nodes/pve1/qemu/100/snapshot/weekly-2024-01-14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(cl.deletions())
			resp := skillEnd(t, &Broker{Proxmox: api}, tc.s)(tc.method, tc.params)
			if resp.Error != nil {
				t.Fatalf("%s: %v", tc.method, resp.Error)
			}
			var got, want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatalf("want: %v", err)
			}
			if err := json.Unmarshal(mustJSON(resp.Result), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s =\n%s\nwant\n%s", tc.method, mustJSON(got), mustJSON(want))
			}
			var wantDeleted []string
			if tc.deleted != "" {
				wantDeleted = []string{tc.deleted}
			}
			if got := cl.deletions()[before:]; !slices.Equal(got, wantDeleted) {
				t.Errorf("deletions asked of the cluster: %q, want %q", got, wantDeleted)
			}
		})
	}
}

// Calls beyond the permissions, the verb or the target, with bad params,
// or to a worker without Proxmox, are refused before they reach the
// cluster; a call the cluster refuses fails with its reason.
func TestProxmoxRefused(t *testing.T) {
	cl, api := newCluster(t)
	guest := map[string]any{"node": "pve1", "vmid": 100}
	deletion := map[string]any{"node": "pve1", "vmid": 100, "snapname": "pre-upgrade"}
	validating := proxmoxPruner
	validating.Verb = "validate_pre"
	onWeb := proxmoxPruner
	onWeb.Target = "web"
	dockerOnly := Session{Skill: "docker-reader", Allowed: []manifest.Permission{manifest.DockerRead}, Verb: "execute", Target: "100"}
	for _, tc := range []struct {
		name     string
		disabled bool // a worker without ENABLE_PROXMOX
		s        Session
		method   string
		params   any
		code     string
		msg      string
	}{
		// Permissions, verb and target.
		{name: "a read-only skill deletes", s: proxmoxReader, method: "proxmox.snapshot.delete", params: deletion, code: CodeForbidden,
			msg: `proxmox.snapshot.delete needs permission "proxmox:snapshot:delete", which skill reader is not allowed`},
		{name: "a Docker skill reads Proxmox", s: dockerOnly, method: "proxmox.nodes", code: CodeForbidden,
			msg: `proxmox.nodes needs permission "proxmox:read", which skill docker-reader is not allowed`},
		{name: "delete while validating", s: validating, method: "proxmox.snapshot.delete", params: deletion, code: CodeForbidden,
			msg: "allowed during execute and rollback only, not validate_pre"},
		{name: "delete on another guest", s: proxmoxPruner, method: "proxmox.snapshot.delete",
			params: map[string]any{"node": "pve1", "vmid": 101, "snapname": "pre-upgrade"}, code: CodeForbidden,
			msg: `may change only the action's target "100", not "101"`},
		{name: "a target named other than by VMID", s: onWeb, method: "proxmox.snapshot.delete", params: deletion, code: CodeForbidden,
			msg: `may change only the action's target "web", not "100"`},
		{name: "an unknown Proxmox method", s: proxmoxPruner, method: "proxmox.vm.stop", code: CodeUnknownMethod,
			msg: `no method "proxmox.vm.stop"`},

		// Params.
		{name: "nodes with a param", s: proxmoxReader, method: "proxmox.nodes", params: map[string]any{"node": "pve1"}, code: CodeInvalid,
			msg: `unknown field "node"`},
		{name: "guests of a bad node name", s: proxmoxReader, method: "proxmox.guests", params: map[string]any{"node": "pve1/../.."},
			code: CodeInvalid, msg: `params.node: "pve1/../.." is not a node name`},
		{name: "guests of a node given as a number", s: proxmoxReader, method: "proxmox.guests", params: map[string]any{"node": 1},
			code: CodeInvalid, msg: "cannot unmarshal number"},
		{name: "snapshots without a node", s: proxmoxReader, method: "proxmox.snapshots", params: map[string]any{"vmid": 100},
			code: CodeInvalid, msg: "params.node is required"},
		{name: "snapshots of a node with a trailing hyphen", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1-", "vmid": 100}, code: CodeInvalid, msg: `params.node: "pve1-" is not a node name`},
		{name: "snapshots without a vmid", s: proxmoxReader, method: "proxmox.snapshots", params: map[string]any{"node": "pve1"},
			code: CodeInvalid, msg: "params.vmid is required"},
		{name: "snapshots of a vmid below Proxmox's range", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": 99}, code: CodeInvalid, msg: "params.vmid: 99 is not a guest ID (100 to 999999999)"},
		{name: "snapshots of a vmid given as a string", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": "100"}, code: CodeInvalid, msg: "cannot unmarshal string"},
		{name: "snapshots of a fractional vmid", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": 100.5}, code: CodeInvalid, msg: "cannot unmarshal number 100.5"},
		{name: "snapshots of another kind of guest", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": 100, "kind": "docker"}, code: CodeInvalid,
			msg: `params.kind: "docker" is neither qemu nor lxc`},
		{name: "delete with an unknown param", s: proxmoxPruner, method: "proxmox.snapshot.delete",
			params: map[string]any{"node": "pve1", "vmid": 100, "snapname": "pre-upgrade", "force": 1}, code: CodeInvalid,
			msg: `unknown field "force"`},
		{name: "delete without a snapshot name", s: proxmoxPruner, method: "proxmox.snapshot.delete", params: guest,
			code: CodeInvalid, msg: "params.snapname is required"},
		{name: "delete the present state", s: proxmoxPruner, method: "proxmox.snapshot.delete",
			params: map[string]any{"node": "pve1", "vmid": 100, "snapname": "current"}, code: CodeInvalid,
			msg: `params.snapname: "current" is the guest's present state`},
		{name: "delete a snapshot name that is a path", s: proxmoxPruner, method: "proxmox.snapshot.delete",
			params: map[string]any{"node": "pve1", "vmid": 100, "snapname": "x/../../status/stop"}, code: CodeInvalid,
			msg: `params.snapname: "x/../../status/stop" is not a snapshot name`},
		{name: "a task without its UPID", s: proxmoxReader, method: "proxmox.task", code: CodeInvalid, msg: "params.upid is required"},
		{name: "a task ID that is not a UPID", s: proxmoxReader, method: "proxmox.task", params: map[string]any{"upid": "UPID:pve1:1"},
			code: CodeInvalid, msg: `params.upid: "UPID:pve1:1" is not a Proxmox task ID`},

		// Proxmox not enabled, and Proxmox refusing.
		{name: "nodes without Proxmox", disabled: true, s: proxmoxReader, method: "proxmox.nodes", code: CodeUnavailable,
			msg: "Proxmox is not enabled on this worker (ENABLE_PROXMOX)"},
		{name: "guests without Proxmox", disabled: true, s: proxmoxReader, method: "proxmox.guests", code: CodeUnavailable,
			msg: "Proxmox is not enabled"},
		{name: "snapshots without Proxmox", disabled: true, s: proxmoxReader, method: "proxmox.snapshots", params: guest,
			code: CodeUnavailable, msg: "Proxmox is not enabled"},
		{name: "a task without Proxmox", disabled: true, s: proxmoxReader, method: "proxmox.task", params: map[string]any{"upid": taskOK},
			code: CodeUnavailable, msg: "Proxmox is not enabled"},
		{name: "delete without Proxmox", disabled: true, s: proxmoxPruner, method: "proxmox.snapshot.delete", params: deletion,
			code: CodeUnavailable, msg: "Proxmox is not enabled"},
		{name: "snapshots of a guest not on the node", s: proxmoxReader, method: "proxmox.snapshots",
			params: map[string]any{"node": "pve1", "vmid": 999}, code: CodeFailed,
			msg: "list snapshots of qemu 999 on pve1: proxmox: GET /nodes/pve1/qemu/999/snapshot: 500 Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &Broker{Proxmox: api}
			if tc.disabled {
				b.Proxmox = nil
			}
			wantError(t, skillEnd(t, b, tc.s)(tc.method, tc.params), tc.code, tc.msg)
		})
	}
	if got := cl.deletions(); len(got) > 0 {
		t.Errorf("refused calls reached the cluster: %q", got)
	}
}

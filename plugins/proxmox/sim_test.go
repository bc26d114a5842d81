package proxmox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	pve "github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/core/collect/proxmox/proxmoxtest"
)

const testdata = "../../testdata/proxmox"

// sim simulates the endpoints the plugin uses on the recorded cluster of
// testdata/proxmox/cluster (pve1 online with guests 100, 101, 9000 and
// 200, pve2 offline, pve3 online and empty). Its answers are the recorded
// ones with the fields the simulation changes filled in. A change starts
// a task that reports "running" twice before it stops, and takes effect
// when it stops with "OK".
type sim struct {
	t *testing.T

	mu     sync.Mutex
	guests map[int]*simGuest   // by vmid; guarded by mu
	tasks  map[string]*simTask // by UPID; guarded by mu
	seq    int                 // guarded by mu
	// fail makes the next task of a type ("qmsnapshot") stop with this
	// exit status instead of OK; guarded by mu.
	fail map[string]string
	// noop makes tasks of a type stop with OK having changed nothing;
	// guarded by mu.
	noop map[string]bool
	// hideSnapshots leaves snapshots out of listings; guarded by mu.
	hideSnapshots bool
	// endless makes tasks run for ever; guarded by mu.
	endless bool
	// changes records each change: "POST /nodes/pve1/qemu/100/snapshot
	// snapname=x"; guarded by mu.
	changes []string
	// polls counts task status answers by status; guarded by mu.
	polls map[string]int
}

type simGuest struct {
	node, kind, name, status string
	uptime                   int64
	snaps                    []simSnap
}

type simSnap struct {
	name, description string
	snaptime          int64
}

type simTask struct {
	upid, node, typ, id string
	running             int    // "running" answers left
	exit                string // exit status once stopped
	apply               func() // the change, made when it stops with OK
}

// newSim starts the simulation and returns it with a plugin talking to it.
func newSim(t *testing.T) (*sim, *Plugin) {
	s := &sim{
		t: t, guests: map[int]*simGuest{}, tasks: map[string]*simTask{},
		fail: map[string]string{}, noop: map[string]bool{}, polls: map[string]int{},
	}
	for _, kind := range []string{pve.KindQEMU, pve.KindLXC} {
		var list []struct {
			VMID   int    `json:"vmid"`
			Name   string `json:"name"`
			Status string `json:"status"`
			Uptime int64  `json:"uptime"`
		}
		s.recorded("cluster/nodes/pve1/"+kind+".json", &list)
		for _, g := range list {
			sg := &simGuest{node: "pve1", kind: kind, name: g.Name, status: g.Status, uptime: g.Uptime}
			var snaps []struct {
				Name        string `json:"name"`
				Description string `json:"description"`
				SnapTime    int64  `json:"snaptime"`
			}
			s.recorded(fmt.Sprintf("cluster/nodes/pve1/%s/%d/snapshot.json", kind, g.VMID), &snaps)
			for _, sn := range snaps {
				if sn.Name != "current" {
					sg.snaps = append(sg.snaps, simSnap{sn.Name, sn.Description, sn.SnapTime})
				}
			}
			s.guests[g.VMID] = sg
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /nodes", func(w http.ResponseWriter, r *http.Request) {
		proxmoxtest.WriteJSON(w, proxmoxtest.Load(t, testdata, "cluster/nodes.json"))
	})
	mux.HandleFunc("GET /nodes/{node}/{kind}/{vmid}/status/current", s.statusCurrent)
	mux.HandleFunc("GET /nodes/{node}/{kind}/{vmid}/snapshot", s.listSnapshots)
	mux.HandleFunc("POST /nodes/{node}/{kind}/{vmid}/snapshot", s.change("snapshot", s.snapshot))
	mux.HandleFunc("DELETE /nodes/{node}/{kind}/{vmid}/snapshot/{snapname}", s.change("delsnapshot", s.delSnapshot))
	mux.HandleFunc("POST /nodes/{node}/{kind}/{vmid}/status/reboot", s.change("reboot", s.reboot))
	mux.HandleFunc("POST /nodes/{node}/{kind}/{vmid}/migrate", s.change("migrate", s.migrate))
	mux.HandleFunc("GET /nodes/{node}/tasks/{upid}/status", s.taskStatus)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the simulation has no %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	_, cfg := proxmoxtest.Start(t, testdata, mux)
	c, err := pve.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Polling fast keeps the tests quick; nothing depends on how fast.
	return s, New(c, WithPollInterval(time.Millisecond), WithSettle(10*time.Second))
}

// recorded decodes the data of a recorded answer into v.
func (s *sim) recorded(name string, v any) {
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(proxmoxtest.Load(s.t, testdata, name), &env); err != nil {
		s.t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		s.t.Fatalf("%s: %v", name, err)
	}
}

// answer writes a recorded answer whose data object has the given fields
// replaced.
func (s *sim) answer(w http.ResponseWriter, name string, fields map[string]any) {
	data := map[string]any{}
	s.recorded(name, &data)
	for k, v := range fields {
		data[k] = v
	}
	proxmoxtest.WriteData(s.t, w, data)
}

// guest returns the guest a request names, answering Proxmox's error and
// returning nil when it is not on that node. Called with s.mu held.
func (s *sim) guestLocked(w http.ResponseWriter, r *http.Request) (int, *simGuest) {
	node, kind := r.PathValue("node"), r.PathValue("kind")
	vmid, _ := strconv.Atoi(r.PathValue("vmid"))
	if g := s.guests[vmid]; g != nil && g.node == node && g.kind == kind {
		return vmid, g
	}
	dir := "qemu-server"
	if kind == pve.KindLXC {
		dir = "lxc"
	}
	raw := string(proxmoxtest.Load(s.t, testdata, "errors/500-no-such-guest.http"))
	raw = strings.ReplaceAll(raw, "nodes/pve1/qemu-server/999.conf", fmt.Sprintf("nodes/%s/%s/%d.conf", node, dir, vmid))
	proxmoxtest.WriteRaw(s.t, w, []byte(raw))
	return 0, nil
}

func (s *sim) statusCurrent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vmid, g := s.guestLocked(w, r)
	if g == nil {
		return
	}
	s.answer(w, "guest/"+g.kind+"-status-current.json", map[string]any{
		"vmid": vmid, "name": g.name, "status": g.status, "uptime": g.uptime,
	})
}

func (s *sim) listSnapshots(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, g := s.guestLocked(w, r)
	if g == nil {
		return
	}
	list := []map[string]any{}
	parent := ""
	if !s.hideSnapshots {
		for _, sn := range g.snaps {
			list = append(list, map[string]any{"name": sn.name, "description": sn.description, "snaptime": sn.snaptime, "parent": parent})
			parent = sn.name
		}
	}
	list = append(list, map[string]any{"name": "current", "description": "You are here!", "parent": parent, "running": 1})
	proxmoxtest.WriteData(s.t, w, list)
}

// change handles a change to a guest: it records it, lets do decide what
// the task will change, and answers the task's UPID. Task types are
// Proxmox's: "qm"+what for qemu ("qmigrate" for a migration), "vz"+what
// for lxc.
func (s *sim) change(what string, do func(r *http.Request, vmid int, g *simGuest) (func(), error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			s.t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.changes = append(s.changes, strings.TrimSpace(r.Method+" "+r.URL.Path+" "+r.PostForm.Encode()))
		vmid, g := s.guestLocked(w, r)
		if g == nil {
			return
		}
		apply, err := do(r, vmid, g)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		typ := map[string]string{pve.KindQEMU: "qm", pve.KindLXC: "vz"}[g.kind] + what
		if typ == "qmmigrate" {
			typ = "qmigrate"
		}
		s.seq++
		upid := fmt.Sprintf("UPID:%s:%08X:0B2C8D41:%08X:%s:%d:root@pam!wingman:", g.node, 0x2F1E00+s.seq, 1705315160+s.seq, typ, vmid)
		task := &simTask{upid: upid, node: g.node, typ: typ, id: strconv.Itoa(vmid), running: 2, exit: "OK", apply: apply}
		if msg, ok := s.fail[typ]; ok {
			delete(s.fail, typ)
			task.exit, task.apply = msg, nil
		}
		if s.noop[typ] {
			task.apply = nil
		}
		s.tasks[upid] = task
		proxmoxtest.WriteData(s.t, w, upid)
	}
}

func (s *sim) snapshot(r *http.Request, vmid int, g *simGuest) (func(), error) {
	name := r.PostForm.Get("snapname")
	for _, sn := range g.snaps {
		if sn.name == name {
			return nil, fmt.Errorf("snapshot name '%s' already used", name)
		}
	}
	desc := r.PostForm.Get("description")
	return func() { g.snaps = append(g.snaps, simSnap{name, desc, 1705315160}) }, nil
}

func (s *sim) delSnapshot(r *http.Request, vmid int, g *simGuest) (func(), error) {
	name := r.PathValue("snapname")
	for i, sn := range g.snaps {
		if sn.name == name {
			return func() { g.snaps = append(g.snaps[:i:i], g.snaps[i+1:]...) }, nil
		}
	}
	return nil, fmt.Errorf("snapshot '%s' does not exist", name)
}

func (s *sim) reboot(r *http.Request, vmid int, g *simGuest) (func(), error) {
	if g.status != "running" {
		return nil, fmt.Errorf("VM %d not running", vmid)
	}
	return func() { g.uptime = 2 }, nil
}

func (s *sim) migrate(r *http.Request, vmid int, g *simGuest) (func(), error) {
	target := r.PostForm.Get("target")
	return func() { g.node = target }, nil
}

func (s *sim) taskStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	task := s.tasks[r.PathValue("upid")]
	if task == nil || task.node != r.PathValue("node") {
		http.Error(w, "no such task", http.StatusInternalServerError)
		return
	}
	fields := map[string]any{"upid": task.upid, "node": task.node, "type": task.typ, "id": task.id}
	if task.running > 0 || s.endless {
		task.running--
		s.polls["running"]++
		s.answer(w, "tasks/status-running.json", fields)
		return
	}
	if task.apply != nil {
		task.apply()
		task.apply = nil
	}
	s.polls["stopped"]++
	fields["exitstatus"] = task.exit
	name := "tasks/status-stopped-ok.json"
	if task.exit != "OK" {
		name = "tasks/status-stopped-error.json"
	}
	s.answer(w, name, fields)
}

// snapNames lists the snapshots the simulation holds for vmid.
func (s *sim) snapNames(vmid int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, sn := range s.guests[vmid].snaps {
		names = append(names, sn.name)
	}
	return names
}

// nodeOf is the node guest vmid is on.
func (s *sim) nodeOf(vmid int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.guests[vmid].node
}

// changesMade returns the changes asked for so far.
func (s *sim) changesMade() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.changes...)
}

// set runs f with s.mu held, to change the simulation's behaviour.
func (s *sim) set(f func(s *sim)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// The Proxmox methods, served through the Proxmox VE API with the
// worker's own client, so that the API token never leaves the worker.

package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	pve "github.com/wingman-dev/wingman/core/collect/proxmox"
)

// Proxmox is the part of the Proxmox VE API client
// (core/collect/proxmox.Client) the broker uses.
type Proxmox interface {
	Nodes(ctx context.Context) ([]pve.Node, error)
	Guests(ctx context.Context, node, kind string) ([]pve.Guest, error)
	Snapshots(ctx context.Context, node, kind string, vmid int) ([]pve.Snapshot, error)
	Do(ctx context.Context, method, path string, params url.Values, out any) error
}

// Node is what proxmox.nodes says about a cluster node. Proxmox reports
// only the name and status of an offline node: the rest is zero.
type Node struct {
	Name   string  `json:"name"`
	Status string  `json:"status"`
	CPU    float64 `json:"cpu"`
	MaxCPU int64   `json:"maxcpu"`
	Mem    int64   `json:"mem"`
	MaxMem int64   `json:"maxmem"`
	Uptime int64   `json:"uptime"`
}

// Guest is what proxmox.guests says about a virtual machine or container.
type Guest struct {
	VMID     int     `json:"vmid"`
	Name     string  `json:"name"`
	Kind     string  `json:"kind"`
	Node     string  `json:"node"`
	Status   string  `json:"status"`
	CPU      float64 `json:"cpu"`
	CPUs     int64   `json:"cpus"`
	Mem      int64   `json:"mem"`
	MaxMem   int64   `json:"maxmem"`
	Uptime   int64   `json:"uptime"`
	Template bool    `json:"template"`
}

// Guests is the answer of proxmox.guests: the guests that could be
// listed, and why the others could not, so that one unreachable node
// does not hide the rest of the cluster.
type Guests struct {
	Guests []Guest  `json:"guests"`
	Errors []string `json:"errors,omitempty"`
}

// Snapshot is what proxmox.snapshots says about a snapshot.
type Snapshot struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Parent      string `json:"parent,omitempty"`
	SnapTime    int64  `json:"snaptime"`
}

// Task is what proxmox.task says about a Proxmox task, such as the one a
// snapshot deletion starts.
type Task struct {
	UPID       string `json:"upid"`
	Node       string `json:"node"`
	Status     string `json:"status"` // running or stopped
	ExitStatus string `json:"exit_status,omitempty"`
	// OK is whether the task stopped having done its work: exit status
	// OK, or WARNINGS when it logged some.
	OK bool `json:"ok"`
}

// Proxmox's range of guest IDs.
const (
	minVMID = 100
	maxVMID = 999999999
)

var (
	// nodeName is a host name label, as Proxmox node names are. Path
	// escapes whatever it is given; checking the form as well makes a
	// skill's mistake an invalid call rather than a 404 from Proxmox.
	nodeName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	// snapName is what Proxmox takes as a snapshot name (a configuration
	// ID of at most 40).
	snapName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{1,39}$`)
)

// proxmox is the worker's Proxmox client, or CodeUnavailable when the
// worker was not configured for Proxmox.
func proxmox(b *Broker) (Proxmox, error) {
	if b.Proxmox == nil {
		return nil, &CallError{CodeUnavailable, "Proxmox is not enabled on this worker (ENABLE_PROXMOX)"}
	}
	return b.Proxmox, nil
}

// invalid is a CodeInvalid error naming the param at fault.
func invalid(format string, args ...any) *CallError {
	return &CallError{CodeInvalid, fmt.Sprintf(format, args...)}
}

// checkNode validates params.node.
func checkNode(node string) error {
	if node == "" {
		return invalid("params.node is required")
	}
	if !nodeName.MatchString(node) {
		return invalid("params.node: %q is not a node name (letters, digits and inner hyphens, at most 63)", node)
	}
	return nil
}

// guestParams name one guest: {"node": "pve1", "vmid": 100, "kind":
// "qemu"}; kind may be left out for a virtual machine.
type guestParams struct {
	Node string `json:"node"`
	VMID int    `json:"vmid"`
	Kind string `json:"kind"`
}

// check validates g and fills in its default kind.
func (g *guestParams) check() error {
	if err := checkNode(g.Node); err != nil {
		return err
	}
	if g.VMID == 0 {
		return invalid("params.vmid is required")
	}
	if g.VMID < minVMID || g.VMID > maxVMID {
		return invalid("params.vmid: %d is not a guest ID (%d to %d)", g.VMID, minVMID, maxVMID)
	}
	switch g.Kind {
	case "":
		g.Kind = pve.KindQEMU
	case pve.KindQEMU, pve.KindLXC:
	default:
		return invalid("params.kind: %q is neither %s nor %s", g.Kind, pve.KindQEMU, pve.KindLXC)
	}
	return nil
}

// String names the guest in messages: "qemu 100 on pve1".
func (g guestParams) String() string { return fmt.Sprintf("%s %d on %s", g.Kind, g.VMID, g.Node) }

// proxmoxNodes lists the cluster's nodes; it takes no params.
func proxmoxNodes(ctx context.Context, b *Broker, _ Session, params json.RawMessage) (any, error) {
	if err := decode(params, &struct{}{}); err != nil {
		return nil, err
	}
	api, err := proxmox(b)
	if err != nil {
		return nil, err
	}
	nodes, err := api.Nodes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	out := make([]Node, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, Node{Name: n.Name, Status: n.Status, CPU: n.CPU, MaxCPU: n.MaxCPU, Mem: n.Mem, MaxMem: n.MaxMem, Uptime: n.Uptime})
	}
	return out, nil
}

// proxmoxGuests lists the virtual machines and containers of every online
// node, or of one: {"node": "pve1"}. Nodes that are not online are left
// out: Proxmox would only time out reaching them.
func proxmoxGuests(ctx context.Context, b *Broker, _ Session, params json.RawMessage) (any, error) {
	var p struct {
		Node string `json:"node"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if p.Node != "" {
		if err := checkNode(p.Node); err != nil {
			return nil, err
		}
	}
	api, err := proxmox(b)
	if err != nil {
		return nil, err
	}
	nodes := []string{p.Node}
	if p.Node == "" {
		all, err := api.Nodes(ctx)
		if err != nil {
			return nil, fmt.Errorf("list nodes: %w", err)
		}
		nodes = nil
		for _, n := range all {
			if n.Status == "online" {
				nodes = append(nodes, n.Name)
			}
		}
	}
	out := Guests{Guests: []Guest{}}
	for _, node := range nodes {
		for _, kind := range []string{pve.KindQEMU, pve.KindLXC} {
			list, err := api.Guests(ctx, node, kind)
			if err != nil {
				out.Errors = append(out.Errors, fmt.Sprintf("list %s guests of %s: %v", kind, node, err))
				continue
			}
			for _, g := range list {
				out.Guests = append(out.Guests, Guest{VMID: g.VMID, Name: g.Name, Kind: g.Kind, Node: g.Node, Status: g.Status,
					CPU: g.CPU, CPUs: g.CPUs, Mem: g.Mem, MaxMem: g.MaxMem, Uptime: g.Uptime, Template: g.Template})
			}
		}
	}
	return out, nil
}

// proxmoxSnapshots lists the snapshots of one guest, oldest first:
// {"node": "pve1", "vmid": 100, "kind": "qemu"}.
func proxmoxSnapshots(ctx context.Context, b *Broker, _ Session, params json.RawMessage) (any, error) {
	var p guestParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	api, err := proxmox(b)
	if err != nil {
		return nil, err
	}
	snaps, err := api.Snapshots(ctx, p.Node, p.Kind, p.VMID)
	if err != nil {
		return nil, fmt.Errorf("list snapshots of %s: %w", p, err)
	}
	out := make([]Snapshot, 0, len(snaps))
	for _, s := range snaps {
		out = append(out, Snapshot{Name: s.Name, Description: s.Description, Parent: s.Parent, SnapTime: s.SnapTime})
	}
	return out, nil
}

// proxmoxSnapshotDelete starts deleting a snapshot of the action's
// target: {"node": "pve1", "vmid": 100, "kind": "qemu", "snapname":
// "pre-upgrade"}. The target must be the guest's VMID ("100"), which is
// unique in a cluster where names are not. Proxmox deletes in a task; the
// answer names it for proxmox.task rather than waiting, since deleting
// from a large disk can outlast any timeout a call should have.
func proxmoxSnapshotDelete(ctx context.Context, b *Broker, s Session, params json.RawMessage) (any, error) {
	var p struct {
		guestParams
		Snapname string `json:"snapname"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	switch {
	case p.Snapname == "":
		return nil, invalid("params.snapname is required")
	case p.Snapname == "current":
		return nil, invalid(`params.snapname: "current" is the guest's present state, not a snapshot`)
	case !snapName.MatchString(p.Snapname):
		return nil, invalid("params.snapname: %q is not a snapshot name (2 to 40 letters, digits, _ or -, starting with a letter)", p.Snapname)
	}
	if err := s.onTarget(strconv.Itoa(p.VMID)); err != nil {
		return nil, err
	}
	api, err := proxmox(b)
	if err != nil {
		return nil, err
	}
	var upid string
	path := pve.GuestPath(p.Node, p.Kind, p.VMID, "snapshot", p.Snapname)
	if err := api.Do(ctx, http.MethodDelete, path, nil, &upid); err != nil {
		return nil, fmt.Errorf("delete snapshot %q of %s: %w", p.Snapname, p.guestParams, err)
	}
	if upid == "" {
		return nil, fmt.Errorf("delete snapshot %q of %s: Proxmox answered no task", p.Snapname, p.guestParams)
	}
	return map[string]any{"snapname": p.Snapname, "task": upid}, nil
}

// proxmoxTask says how a task is doing: {"upid": "UPID:pve1:…"}.
func proxmoxTask(ctx context.Context, b *Broker, _ Session, params json.RawMessage) (any, error) {
	var p struct {
		UPID string `json:"upid"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	node, err := taskNode(p.UPID)
	if err != nil {
		return nil, err
	}
	api, err := proxmox(b)
	if err != nil {
		return nil, err
	}
	var st struct {
		Status     string `json:"status"`
		ExitStatus string `json:"exitstatus"`
	}
	if err := api.Do(ctx, http.MethodGet, pve.Path("nodes", node, "tasks", p.UPID, "status"), nil, &st); err != nil {
		return nil, fmt.Errorf("task %s: %w", p.UPID, err)
	}
	ok := st.Status == "stopped" && (st.ExitStatus == "OK" || strings.HasPrefix(st.ExitStatus, "WARNINGS"))
	return Task{UPID: p.UPID, Node: node, Status: st.Status, ExitStatus: st.ExitStatus, OK: ok}, nil
}

// taskNode is the node a task runs on, the second field of its UPID
// ("UPID:pve1:0002F1E6A:…"): its status is asked of that node.
func taskNode(upid string) (string, error) {
	if upid == "" {
		return "", invalid("params.upid is required")
	}
	f := strings.Split(upid, ":")
	if len(f) < 8 || f[0] != "UPID" || !nodeName.MatchString(f[1]) {
		return "", invalid("params.upid: %q is not a Proxmox task ID (UPID:node:…)", upid)
	}
	return f[1], nil
}

// The worker hands the broker its own client.
var _ Proxmox = (*pve.Client)(nil)

package proxmox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Guest kinds, as they appear in API paths.
const (
	KindQEMU = "qemu"
	KindLXC  = "lxc"
)

// Node is one cluster node, from GET /nodes. An offline node reports only
// its name and status.
type Node struct {
	Name   string
	Status string  // online, offline or unknown
	CPU    float64 // share of MaxCPU in use, 0 to 1
	MaxCPU int64
	Mem    int64 // bytes
	MaxMem int64
	Uptime int64 // seconds
}

// Guest is a virtual machine or container, from the guest listings of a
// node or its status/current.
type Guest struct {
	VMID     int
	Name     string
	Kind     string // KindQEMU or KindLXC
	Node     string
	Status   string  // running or stopped
	CPU      float64 // share of CPUs in use, 0 to 1
	CPUs     int64
	Mem      int64 // bytes
	MaxMem   int64
	Uptime   int64 // seconds
	Template bool
}

// Snapshot is one snapshot of a guest.
type Snapshot struct {
	Name        string
	Description string
	Parent      string
	SnapTime    int64 // Unix seconds
}

// Nodes lists the cluster's nodes (GET /nodes).
func (c *Client) Nodes(ctx context.Context) ([]Node, error) {
	var wire []struct {
		Node   string `json:"node"`
		Status string `json:"status"`
		CPU    number `json:"cpu"`
		MaxCPU number `json:"maxcpu"`
		Mem    number `json:"mem"`
		MaxMem number `json:"maxmem"`
		Uptime number `json:"uptime"`
	}
	if err := c.Get(ctx, "/nodes", &wire); err != nil {
		return nil, err
	}
	nodes := make([]Node, len(wire))
	for i, n := range wire {
		nodes[i] = Node{
			Name: n.Node, Status: n.Status, CPU: float64(n.CPU), MaxCPU: n.MaxCPU.int(),
			Mem: n.Mem.int(), MaxMem: n.MaxMem.int(), Uptime: n.Uptime.int(),
		}
	}
	return nodes, nil
}

// wireGuest is a guest as the listings and status/current give it.
type wireGuest struct {
	VMID     number `json:"vmid"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	CPU      number `json:"cpu"`
	CPUs     number `json:"cpus"`
	Mem      number `json:"mem"`
	MaxMem   number `json:"maxmem"`
	Uptime   number `json:"uptime"`
	Template number `json:"template"`
}

func (w wireGuest) guest(node, kind string) Guest {
	return Guest{
		VMID: int(w.VMID.int()), Name: w.Name, Kind: kind, Node: node, Status: w.Status,
		CPU: float64(w.CPU), CPUs: w.CPUs.int(), Mem: w.Mem.int(), MaxMem: w.MaxMem.int(),
		Uptime: w.Uptime.int(), Template: w.Template != 0,
	}
}

// Guests lists the guests of one kind on node (GET /nodes/{node}/qemu or
// /nodes/{node}/lxc).
func (c *Client) Guests(ctx context.Context, node, kind string) ([]Guest, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	var wire []wireGuest
	if err := c.Get(ctx, Path("nodes", node, kind), &wire); err != nil {
		return nil, err
	}
	guests := make([]Guest, len(wire))
	for i, w := range wire {
		guests[i] = w.guest(node, kind)
	}
	return guests, nil
}

// GuestPath is the API path of guest vmid of kind on node, followed by
// rest: GuestPath("pve1", "qemu", 100, "status", "current").
func GuestPath(node, kind string, vmid int, rest ...string) string {
	return Path(append([]string{"nodes", node, kind, strconv.Itoa(vmid)}, rest...)...)
}

// Status returns the current state of one guest (GET
// .../{vmid}/status/current). Proxmox answers it only from the node the
// guest is on: elsewhere it is an *APIError saying the guest's
// configuration file does not exist.
func (c *Client) Status(ctx context.Context, node, kind string, vmid int) (Guest, error) {
	if err := checkKind(kind); err != nil {
		return Guest{}, err
	}
	var w wireGuest
	if err := c.Get(ctx, GuestPath(node, kind, vmid, "status", "current"), &w); err != nil {
		return Guest{}, err
	}
	g := w.guest(node, kind)
	if g.VMID == 0 {
		g.VMID = vmid
	}
	return g, nil
}

// currentSnapshot is the name the API gives the guest's present state in
// a snapshot listing; Proxmox refuses it as a snapshot name.
const currentSnapshot = "current"

// Snapshots lists the snapshots of one guest, oldest first as Proxmox
// lists them, without the "current" entry that stands for its present
// state (GET .../{vmid}/snapshot).
func (c *Client) Snapshots(ctx context.Context, node, kind string, vmid int) ([]Snapshot, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	var wire []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Parent      string `json:"parent"`
		SnapTime    number `json:"snaptime"`
	}
	if err := c.Get(ctx, GuestPath(node, kind, vmid, "snapshot"), &wire); err != nil {
		return nil, err
	}
	snaps := make([]Snapshot, 0, len(wire))
	for _, s := range wire {
		if s.Name == currentSnapshot {
			continue
		}
		snaps = append(snaps, Snapshot{Name: s.Name, Description: s.Description, Parent: s.Parent, SnapTime: s.SnapTime.int()})
	}
	return snaps, nil
}

func checkKind(kind string) error {
	if kind != KindQEMU && kind != KindLXC {
		return fmt.Errorf("proxmox: guest kind %q is neither %s nor %s", kind, KindQEMU, KindLXC)
	}
	return nil
}

// number is a JSON number that Proxmox may also send as a string (the API
// server is Perl, and some versions give "vmid":"101" in LXC listings),
// or leave out.
type number float64

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = 0
			return nil
		}
		b = []byte(s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("not a number: %s", b)
	}
	*n = number(f)
	return nil
}

func (n number) int() int64 { return int64(math.Round(float64(n))) }

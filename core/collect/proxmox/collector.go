package proxmox

import (
	"context"
	"strconv"
	"strings"

	"github.com/wingman-dev/wingman/core/domain"
)

// Fact types the collector produces.
const (
	FactNode = "proxmox_node"
	FactVM   = "vm"
	FactLXC  = "lxc"
)

// Collector reads one cluster into facts.
type Collector struct {
	c *Client
}

// NewCollector returns a collector over c.
func NewCollector(c *Client) *Collector { return &Collector{c: c} }

// Client is the API client, shared with the proxmox execution plugin.
func (p *Collector) Client() *Client { return p.c }

// Name names the collector in logs and capabilities.
func (p *Collector) Name() string { return "proxmox" }

// Collect returns a fact per node (type proxmox_node, status online,
// offline or unknown) and, for each online node, a fact per QEMU virtual
// machine (type vm) and per container (type lxc), with the status Proxmox
// gives (running, stopped) and their snapshots counted.
//
// Only a failed node listing fails Collect. A node whose guests cannot be
// listed keeps its fact with the error in attrs["error"], and a guest
// whose snapshots cannot be listed has it in attrs["snapshot_error"], so
// that one unreachable node does not hide the rest of the cluster. The
// guests of a node that is not online are not asked for: Proxmox would
// only time out trying to reach it.
func (p *Collector) Collect(ctx context.Context) ([]domain.WireFact, error) {
	nodes, err := p.c.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	var facts []domain.WireFact
	for _, n := range nodes {
		node := domain.WireFact{Type: FactNode, Name: n.Name, Status: n.Status}
		if n.Status != "online" {
			facts = append(facts, node)
			continue
		}
		node.Attrs = map[string]any{
			"cpu": n.CPU, "maxcpu": n.MaxCPU, "mem": n.Mem, "maxmem": n.MaxMem, "uptime": n.Uptime,
		}
		var guests []domain.WireFact
		var errs []string
		for _, kind := range []string{KindQEMU, KindLXC} {
			list, err := p.c.Guests(ctx, n.Name, kind)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			for _, g := range list {
				guests = append(guests, p.guestFact(ctx, g))
			}
		}
		if len(errs) > 0 {
			node.Attrs["error"] = strings.Join(errs, "; ")
		}
		facts = append(facts, node)
		facts = append(facts, guests...)
	}
	return facts, nil
}

func (p *Collector) guestFact(ctx context.Context, g Guest) domain.WireFact {
	typ := FactVM
	if g.Kind == KindLXC {
		typ = FactLXC
	}
	name := g.Name
	if name == "" {
		name = g.Kind + "-" + strconv.Itoa(g.VMID)
	}
	attrs := map[string]any{
		"vmid": g.VMID, "node": g.Node, "status": g.Status, "cpu": g.CPU, "maxcpu": g.CPUs,
		"mem": g.Mem, "maxmem": g.MaxMem, "uptime": g.Uptime,
	}
	if g.Template {
		attrs["template"] = true
	}
	snaps, err := p.c.Snapshots(ctx, g.Node, g.Kind, g.VMID)
	if err != nil {
		attrs["snapshot_error"] = err.Error()
	} else {
		attrs["snapshot_count"] = len(snaps)
		if len(snaps) > 0 {
			latest := snaps[0]
			for _, s := range snaps[1:] {
				if s.SnapTime > latest.SnapTime {
					latest = s
				}
			}
			attrs["latest_snapshot"] = map[string]any{"name": latest.Name, "snaptime": latest.SnapTime}
		}
	}
	return domain.WireFact{Type: typ, Name: name, Status: g.Status, Attrs: attrs}
}

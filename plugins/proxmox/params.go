package proxmox

import (
	"errors"
	"fmt"
	"slices"

	pve "github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/plugins"
)

// Proxmox's range of guest IDs.
const (
	minVMID = 100
	maxVMID = 999999999
)

// maxDescription bounds a snapshot's description; Proxmox keeps it in the
// guest's configuration file.
const maxDescription = 1024

// params are an action's params, decoded and checked.
type params struct {
	VMID        int    `json:"vmid"`
	Node        string `json:"node"`
	Kind        string `json:"kind"`
	Snapname    string `json:"snapname"`
	Description string `json:"description"`
	Target      string `json:"target"`
	Online      *bool  `json:"online"`
}

// parse decodes a's params and checks them against a's action, refusing
// params that belong to another action so that a mistake in a plan shows
// before anything runs.
func parse(a plugins.Action) (params, error) {
	var p params
	if err := plugins.DecodeParams(a.Params, &p); err != nil {
		return p, err
	}
	if p.VMID < minVMID || p.VMID > maxVMID {
		return p, fmt.Errorf("param vmid: %d is not a guest ID (%d to %d)", p.VMID, minVMID, maxVMID)
	}
	if !validNode(p.Node) {
		return p, fmt.Errorf("param node: %q is not a node name", p.Node)
	}
	switch p.Kind {
	case "":
		p.Kind = pve.KindQEMU
	case pve.KindQEMU, pve.KindLXC:
	default:
		return p, fmt.Errorf("param kind: %q is neither %s nor %s", p.Kind, pve.KindQEMU, pve.KindLXC)
	}

	var only []string // the params the action takes beyond vmid, node, kind
	switch a.Name {
	case ActionSnapshot:
		only = []string{"snapname", "description"}
		switch {
		case p.Snapname == "current":
			// Proxmox's name for the guest's present state.
			return p, errors.New(`param snapname: "current" is reserved by Proxmox`)
		case !validSnapname(p.Snapname):
			return p, fmt.Errorf("param snapname: %q must be 2 to 40 letters, digits, _ or -, starting with a letter", p.Snapname)
		case len(p.Description) > maxDescription:
			return p, fmt.Errorf("param description: longer than %d bytes", maxDescription)
		}
	case ActionRestart:
	case ActionMigrate:
		only = []string{"target", "online"}
		switch {
		case !validNode(p.Target):
			return p, fmt.Errorf("param target: %q is not a node name", p.Target)
		case p.Target == p.Node:
			return p, fmt.Errorf("param target: the guest is already on %s", p.Node)
		}
	default:
		return p, fmt.Errorf("proxmox has no action %q (it has %s, %s, %s)", a.Name, ActionMigrate, ActionRestart, ActionSnapshot)
	}
	given := map[string]bool{
		"snapname": p.Snapname != "", "description": p.Description != "",
		"target": p.Target != "", "online": p.Online != nil,
	}
	for name, set := range given {
		if set && !slices.Contains(only, name) {
			return p, fmt.Errorf("param %s: not a param of %s", name, a.Name)
		}
	}
	return p, nil
}

// validSnapname reports whether s matches [A-Za-z][A-Za-z0-9_-]{1,39}.
// Names are narrowed to what Proxmox accepts, and further, so that a param
// can never reach another API path.
func validSnapname(s string) bool {
	if len(s) < 2 || len(s) > 40 || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// validNode reports whether s is a host name label, as Proxmox node
// names are: letters, digits and inner hyphens, at most 63.
func validNode(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// online reports whether a migration was asked to keep the guest running.
func (p params) online() bool { return p.Online != nil && *p.Online }

// guest names the guest in messages: "qemu 100 on pve1".
func (p params) guest() string { return fmt.Sprintf("%s %d on %s", p.Kind, p.VMID, p.Node) }

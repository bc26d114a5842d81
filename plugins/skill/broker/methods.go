// The broker's methods, each with the permission it needs.

package broker

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

type method struct {
	perm manifest.Permission
	call func(ctx context.Context, b *Broker, s Session, params json.RawMessage) (any, error)
}

var methods = map[string]method{
	"docker.containers": {manifest.DockerRead, dockerContainers},
	"docker.inspect":    {manifest.DockerRead, dockerInspect},
	"docker.restart":    {manifest.DockerRestart, dockerRestart},

	"proxmox.nodes":           {manifest.ProxmoxRead, proxmoxNodes},
	"proxmox.guests":          {manifest.ProxmoxRead, proxmoxGuests},
	"proxmox.snapshots":       {manifest.ProxmoxRead, proxmoxSnapshots},
	"proxmox.task":            {manifest.ProxmoxRead, proxmoxTask},
	"proxmox.snapshot.delete": {manifest.ProxmoxSnapshotDelete, proxmoxSnapshotDelete},
}

func methodList() string {
	var names []string
	for n := range methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

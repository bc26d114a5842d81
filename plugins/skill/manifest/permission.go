// The permissions a skill may declare, and which of them only read.

package manifest

import "sort"

// Permission names one kind of adapter call, "adapter:what" such as
// docker:read or proxmox:snapshot:delete.
type Permission string

// The permissions the broker knows. A manifest naming another is refused,
// so that a misspelt permission fails at install instead of at the first
// call.
const (
	DockerRead            Permission = "docker:read"
	DockerRestart         Permission = "docker:restart"
	ProxmoxRead           Permission = "proxmox:read"
	ProxmoxSnapshotDelete Permission = "proxmox:snapshot:delete"
)

// permissions maps each known permission to whether it only reads.
var permissions = map[Permission]bool{
	DockerRead:            true,
	DockerRestart:         false,
	ProxmoxRead:           true,
	ProxmoxSnapshotDelete: false,
}

// Known lists every permission the broker knows, sorted.
func Known() []Permission {
	out := make([]Permission, 0, len(permissions))
	for p := range permissions {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Valid reports whether p is a permission the broker knows.
func (p Permission) Valid() bool {
	_, ok := permissions[p]
	return ok
}

// ReadOnly reports whether p only reads; an unknown permission does not.
func (p Permission) ReadOnly() bool { return permissions[p] }

// knownList is Known as text, for error messages.
func knownList() string {
	var s []string
	for _, p := range Known() {
		s = append(s, string(p))
	}
	return joinQuoted(s)
}

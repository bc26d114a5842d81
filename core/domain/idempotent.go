package domain

// idempotent lists the actions that may safely run again after a worker
// died mid-task: running them twice leaves the target as running them
// once. Anything not listed (scripts, webhooks, playbooks, snapshots) is
// failed instead of retried, because a second run could do harm.
var idempotent = map[string]bool{
	"docker.restart": true, "docker.start": true, "docker.stop": true,
	"proxmox.restart": true,
}

// Idempotent reports whether plugin.action may be retried.
func Idempotent(plugin, action string) bool { return idempotent[plugin+"."+action] }

// MaxAttempts is how many times a task is handed out before a lost lease
// fails it for good.
const MaxAttempts = 3

// Package collect holds what a worker observes with: each collector turns
// one source (Docker, the host, Proxmox, log files) into facts in the wire
// format, and never changes anything.
package collect

package domain

import "time"

// Backlog is what a worker's offline buffer holds, as the worker reports it
// in each heartbeat: how far behind the control plane is on that site.
type Backlog struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// Oldest is the timestamp of the oldest envelope waiting.
	Oldest *time.Time `json:"oldest,omitempty"`
	// Quarantined counts files found torn or corrupt and moved aside: they
	// are kept for a person to look at, never sent.
	Quarantined int `json:"quarantined,omitempty"`
}

// Gap records history a worker dropped from its full offline buffer, so
// that lost history shows instead of going missing in silence.
type Gap struct {
	// ID names the gap at its worker, which sends it until it is taken.
	ID          string      `json:"id"`
	PayloadType PayloadType `json:"payload_type"`
	Files       int         `json:"files"`
	Bytes       int64       `json:"bytes"`
	// From and To are the timestamps of the first and last envelope dropped.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Reason is why: "cap" (OFFLINE_BUFFER_MAX_MB), "age"
	// (OFFLINE_BUFFER_MAX_HOURS) or "disk_full".
	Reason string `json:"reason"`
}

// Gap reasons.
const (
	GapCap      = "cap"
	GapAge      = "age"
	GapDiskFull = "disk_full"
)

// SyncEndpoint is where the control plane can read a worker's offline
// buffer (GET /offline/pending), and the key it presents there. A worker
// behind NAT has none and pushes its backlog itself.
type SyncEndpoint struct {
	URL string `json:"url"`
	Key string `json:"key"`
}

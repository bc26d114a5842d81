package domain

import "time"

// Fact is the latest known state of one thing a worker observes: a
// container, a VM, a host, a service. The key is (WorkerID, Type, Name).
type Fact struct {
	WorkerID   string         `json:"worker_id"`
	SiteName   string         `json:"site_name,omitempty"`
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Status     string         `json:"status"`
	Attrs      map[string]any `json:"attrs,omitempty"`
	ObservedAt time.Time      `json:"observed_at"`
}

// FactChange is one entry of a fact's history: the state it moved into, and
// the status it had before (empty for a first sighting).
type FactChange struct {
	Fact
	PrevStatus string `json:"prev_status,omitempty"`
}

// FactFilter narrows a fact listing; empty fields match everything.
type FactFilter struct {
	WorkerID string
	Type     string
	Name     string
	Status   string
	Limit    int
}

// IntAttr reads a numeric attribute that came through JSON.
func (f Fact) IntAttr(key string) (int64, bool) {
	switch v := f.Attrs[key].(type) {
	case float64:
		return int64(v), true
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

// StringAttr reads a string attribute.
func (f Fact) StringAttr(key string) string {
	s, _ := f.Attrs[key].(string)
	return s
}

package ingest

import (
	"fmt"
	"net/url"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// Bounds of a heartbeat's lists: a worker holds a handful of tasks and its
// gaps are merged by type and reason, so more is a broken worker.
const (
	maxHeldTasks = 1000
	maxGaps      = 100
)

// checkHealth refuses a heartbeat whose offline-buffer fields make no sense.
func checkHealth(h domain.HealthPayload) error {
	if len(h.HeldTasks) > maxHeldTasks || len(h.Gaps) > maxGaps {
		return fmt.Errorf("health payload: %d held tasks and %d gaps; at most %d and %d: %w",
			len(h.HeldTasks), len(h.Gaps), maxHeldTasks, maxGaps, domain.ErrInvalid)
	}
	if b := h.Backlog; b != nil && (b.Files < 0 || b.Bytes < 0 || b.Quarantined < 0) {
		return fmt.Errorf("health payload: backlog counts must not be negative: %w", domain.ErrInvalid)
	}
	for i, g := range h.Gaps {
		switch {
		case g.ID == "" || len(g.ID) > 64:
			return fmt.Errorf("health payload: gaps[%d].id: 1 to 64 characters: %w", i, domain.ErrInvalid)
		case g.Files < 1 || g.Bytes < 0 || g.To.Before(g.From):
			return fmt.Errorf("health payload: gaps[%d]: files ≥ 1, bytes ≥ 0 and from ≤ to: %w", i, domain.ErrInvalid)
		case g.Reason != domain.GapCap && g.Reason != domain.GapAge && g.Reason != domain.GapDiskFull:
			return fmt.Errorf("health payload: gaps[%d].reason %q is not cap, age or disk_full: %w", i, g.Reason, domain.ErrInvalid)
		}
	}
	if sy := h.Sync; sy != nil {
		u, err := url.Parse(sy.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("health payload: sync.url %q is not an http(s) URL: %w", sy.URL, domain.ErrInvalid)
		}
		if len(sy.Key) < 32 || len(sy.Key) > 256 {
			return fmt.Errorf("health payload: sync.key must be 32 to 256 characters: %w", domain.ErrInvalid)
		}
	}
	return nil
}

// health records a heartbeat: the worker's state unless a newer heartbeat
// was applied (one synced late from the buffer says how things were), its
// gaps, and fresh leases for the tasks it holds.
func (s *Service) health(tx store.Tx, b *events.Batch, env domain.Envelope, h domain.HealthPayload) error {
	now := s.Now()
	// A clock ahead (a board before NTP) must not freeze the worker's state
	// until real time catches up: a report is never newer than now.
	reported := env.Timestamp
	if reported.After(now) {
		reported = now
	}
	r := domain.WorkerReport{Health: h.Status, Version: h.Version, Capabilities: h.Capabilities, Sync: h.Sync,
		ReportedAt: reported, SeenAt: now}
	if h.Backlog != nil {
		r.Backlog = *h.Backlog
	}
	if err := tx.SeeWorker(env.WorkerID, r); err != nil {
		return err
	}
	if len(h.Gaps) > 0 {
		if err := tx.AddGaps(env.WorkerID, h.Gaps, now); err != nil {
			return err
		}
	}
	// Only a recent heartbeat speaks for what the worker holds now.
	if len(h.HeldTasks) > 0 && s.TaskLease > 0 && now.Sub(reported) < s.TaskLease {
		if _, err := tx.RenewLeases(env.WorkerID, h.HeldTasks, now.Add(s.TaskLease)); err != nil {
			return err
		}
	}
	b.Changed("worker", env.WorkerID, now)
	return s.Advisor.WorkerBack(tx, b, env.WorkerID)
}

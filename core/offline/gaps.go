package offline

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"

	"github.com/wingman-dev/wingman/core/domain"
)

// gapLedger keeps the drops not yet acknowledged in state/gaps.json, so a
// restart does not forget history it lost. It holds one gap per payload
// type and reason, which grows with each drop until the control plane has
// stored it as it stands: a long outage is a few gaps, not one per
// heartbeat.
type gapLedger struct {
	path string
	log  *slog.Logger

	mu    sync.Mutex
	gaps  []domain.Gap
	dirty bool
}

func openGaps(stateDir string, log *slog.Logger) (*gapLedger, error) {
	l := &gapLedger{path: filepath.Join(stateDir, "gaps.json"), log: log}
	data, err := os.ReadFile(l.path)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read gaps: %w", err)
	}
	if err := json.Unmarshal(data, &l.gaps); err != nil {
		// A torn ledger must not stop the worker; what it held is lost and
		// that loss itself is logged.
		l.log.Error("offline buffer: the gap ledger is corrupt; starting a new one", "file", l.path, "err", err)
		l.gaps = nil
	}
	return l, nil
}

// record adds a dropped envelope to the gap of its type and reason, or
// opens one. flush writes the ledger.
func (l *gapLedger) record(it Item, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := slices.IndexFunc(l.gaps, func(g domain.Gap) bool { return g.PayloadType == it.PayloadType && g.Reason == reason })
	if i < 0 {
		l.gaps = append(l.gaps, domain.Gap{ID: newGapID(), PayloadType: it.PayloadType, Reason: reason,
			From: it.Timestamp, To: it.Timestamp})
		i = len(l.gaps) - 1
	}
	g := &l.gaps[i]
	g.Files++
	g.Bytes += it.Bytes
	if it.Timestamp.Before(g.From) {
		g.From = it.Timestamp
	}
	if it.Timestamp.After(g.To) {
		g.To = it.Timestamp
	}
	l.dirty = true
}

// pending returns the gaps as they stand, for a heartbeat.
func (l *gapLedger) pending() []domain.Gap {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.gaps)
}

// ack forgets the gaps the control plane stored as they still stand; a gap
// that grew since that heartbeat waits for the next one.
func (l *gapLedger) ack(sent []domain.Gap) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.gaps)
	l.gaps = slices.DeleteFunc(l.gaps, func(g domain.Gap) bool {
		return slices.ContainsFunc(sent, func(s domain.Gap) bool { return s.ID == g.ID && s.Files == g.Files })
	})
	if len(l.gaps) != n {
		l.dirty = true
		l.flushLocked()
	}
}

// flush writes the ledger if it changed: once per write to the buffer, not
// once per dropped file.
func (l *gapLedger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

// flushLocked writes the ledger; l.mu is held. A failed write (a full
// disk) keeps the ledger in memory and is tried again on the next flush.
func (l *gapLedger) flushLocked() {
	if !l.dirty {
		return
	}
	data, err := json.Marshal(l.gaps)
	if err == nil {
		err = writeAtomic(filepath.Dir(l.path), filepath.Base(l.path), data)
	}
	if err != nil {
		l.log.Error("offline buffer: save the gap ledger", "err", err)
		return
	}
	l.dirty = false
}

func newGapID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "gap-" + hex.EncodeToString(b)
}

// isDiskFull tells a full file system or quota from other write errors.
func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

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
// restart does not forget history it lost.
type gapLedger struct {
	path string
	log  *slog.Logger

	mu   sync.Mutex
	gaps []ledgerGap
}

type ledgerGap struct {
	domain.Gap
	// Closed is set once the gap was handed to a heartbeat: it no longer
	// grows, so what the control plane stores is what was sent.
	Closed bool `json:"closed"`
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

// record adds a dropped envelope to the open gap of its type and reason,
// or opens one.
func (l *gapLedger) record(it Item, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := slices.IndexFunc(l.gaps, func(g ledgerGap) bool {
		return !g.Closed && g.PayloadType == it.PayloadType && g.Reason == reason
	})
	if i < 0 {
		l.gaps = append(l.gaps, ledgerGap{Gap: domain.Gap{ID: newGapID(), PayloadType: it.PayloadType, Reason: reason,
			From: it.Timestamp, To: it.Timestamp}})
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
	l.save()
}

func (l *gapLedger) pending() []domain.Gap {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]domain.Gap, 0, len(l.gaps))
	for i := range l.gaps {
		l.gaps[i].Closed = true
		out = append(out, l.gaps[i].Gap)
	}
	if len(out) > 0 {
		l.save()
	}
	return out
}

func (l *gapLedger) ack(ids []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.gaps)
	l.gaps = slices.DeleteFunc(l.gaps, func(g ledgerGap) bool { return g.Closed && slices.Contains(ids, g.ID) })
	if len(l.gaps) != n {
		l.save()
	}
}

// save writes the ledger; l.mu is held. A failed save (a full disk) keeps
// the ledger in memory and is tried again on the next change.
func (l *gapLedger) save() {
	data, err := json.Marshal(l.gaps)
	if err == nil {
		err = writeAtomic(filepath.Dir(l.path), filepath.Base(l.path), data)
	}
	if err != nil {
		l.log.Error("offline buffer: save the gap ledger", "err", err)
	}
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

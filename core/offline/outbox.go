package offline

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// ErrFull is returned by Put when an execution result cannot be written:
// the buffer holds only results, or the disk is full even after dropping
// what may be dropped. The caller keeps the result and tries again later.
var ErrFull = errors.New("offline buffer full")

// ErrDropped is returned by Put when an envelope that may be dropped (facts,
// health, logs) did not fit. The loss is recorded as a gap.
var ErrDropped = errors.New("dropped: the offline buffer is full; the gap is recorded")

// ErrCorrupt is returned by Read for a file that was moved to quarantine.
var ErrCorrupt = errors.New("corrupt file moved to quarantine")

// Item is one envelope waiting in the outbox.
type Item struct {
	Name        string             `json:"name"`
	PayloadType domain.PayloadType `json:"payload_type"`
	Timestamp   time.Time          `json:"timestamp"`
	Bytes       int64              `json:"bytes"`
	// TaskID names the task of an execution result.
	TaskID string `json:"task_id,omitempty"`
}

// Options bound the outbox.
type Options struct {
	// MaxBytes caps the envelopes' bytes on disk (OFFLINE_BUFFER_MAX_MB);
	// the small files in state/ and inbox/ are not counted.
	MaxBytes int64
	// MaxAge drops facts, health and logs older than this
	// (OFFLINE_BUFFER_MAX_HOURS). Results are never dropped.
	MaxAge time.Duration
	Now    func() time.Time
	Log    *slog.Logger
}

// Outbox is the folder of envelopes waiting for the control plane. It is
// safe for concurrent use.
type Outbox struct {
	dir, quarantineDir string
	opt                Options
	gaps               *gapLedger

	mu          sync.Mutex
	items       map[string]Item
	bytes       int64
	quarantined int
	changed     chan struct{}
	pulledAt    atomic.Int64 // Unix ns of the control plane's last pull
}

// Open opens the outbox in dir, creating it if needed. Temp files of
// writes a crash cut short are deleted (nobody was told of them); any
// other file that is not a whole envelope is moved to quarantine.
func Open(dir string, opt Options) (*Outbox, error) {
	if opt.MaxBytes <= 0 || opt.MaxAge <= 0 {
		return nil, fmt.Errorf("open offline buffer %s: the size and age caps must be positive", dir)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	o := &Outbox{dir: dir, quarantineDir: filepath.Join(dir, "quarantine"), opt: opt,
		items: map[string]Item{}, changed: make(chan struct{}, 1)}
	for _, d := range []string{dir, o.quarantineDir, filepath.Join(dir, "state")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("open offline buffer: %w", err)
		}
	}
	if err := removeTemps(filepath.Join(dir, "state")); err != nil {
		return nil, fmt.Errorf("open offline buffer %s: %w", dir, err)
	}
	var err error
	if o.gaps, err = openGaps(filepath.Join(dir, "state"), opt.Log); err != nil {
		return nil, fmt.Errorf("open offline buffer %s: %w", dir, err)
	}
	if err := o.scan(); err != nil {
		return nil, fmt.Errorf("open offline buffer %s: %w", dir, err)
	}
	if q, err := os.ReadDir(o.quarantineDir); err == nil {
		o.quarantined = len(q)
	}
	// A cap lowered since the last run holds from the start.
	o.mu.Lock()
	o.expire()
	o.makeRoom(0, domain.GapCap)
	o.mu.Unlock()
	o.gaps.flush()
	return o, nil
}

func (o *Outbox) scan() error {
	entries, err := os.ReadDir(o.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			continue
		case strings.HasPrefix(name, tempPrefix):
			if err := os.Remove(filepath.Join(o.dir, name)); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(filepath.Join(o.dir, name))
		if err != nil {
			o.quarantine(name, err)
			continue
		}
		it, err := check(name, data)
		if err != nil {
			o.quarantine(name, err)
			continue
		}
		o.items[name] = it
		o.bytes += it.Bytes
	}
	return nil
}

// check decodes a file's bytes as the envelope its name promises.
func check(name string, data []byte) (Item, error) {
	pt, _, ok := parseName(name)
	if !ok {
		return Item{}, errors.New("not an envelope's file name")
	}
	var env domain.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return Item{}, fmt.Errorf("not a whole envelope: %w", err)
	}
	if env.PayloadType != pt || env.WorkerID == "" || env.Timestamp.IsZero() || len(env.Payload) == 0 {
		return Item{}, fmt.Errorf("envelope of type %q from %q at %s does not match its name", env.PayloadType, env.WorkerID, env.Timestamp)
	}
	it := Item{Name: name, PayloadType: pt, Timestamp: env.Timestamp, Bytes: int64(len(data))}
	if pt == domain.PayloadExecutionResult {
		it.TaskID = strings.TrimSuffix(strings.TrimPrefix(name, resultPrefix), ".json")
	}
	return it, nil
}

// Put writes env durably and returns its file's name. An envelope that does
// not fit makes room by dropping the oldest facts and health, then log
// summaries; see ErrFull and ErrDropped for what happens when that is not
// enough.
func (o *Outbox) Put(env domain.Envelope) (string, error) {
	data, err := json.Marshal(env)
	if err != nil {
		return "", fmt.Errorf("buffer %s envelope: %w", env.PayloadType, err)
	}
	var taskID string
	if env.PayloadType == domain.PayloadExecutionResult {
		var r domain.ExecutionResultPayload
		if err := json.Unmarshal(env.Payload, &r); err != nil {
			return "", fmt.Errorf("buffer execution result: %w", err)
		}
		taskID = r.TaskID
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	defer o.gaps.flush()
	name, err := fileName(env.PayloadType, env.Timestamp, taskID)
	if err != nil {
		return "", fmt.Errorf("buffer envelope: %w", err)
	}
	// Two envelopes of one type in one nanosecond: move the second's name
	// on, so neither replaces the other.
	for at := env.Timestamp; env.PayloadType != domain.PayloadExecutionResult; {
		if _, taken := o.items[name]; !taken {
			break
		}
		at = at.Add(time.Nanosecond)
		name, _ = fileName(env.PayloadType, at, "")
	}
	it := Item{Name: name, PayloadType: env.PayloadType, Timestamp: env.Timestamp, Bytes: int64(len(data)), TaskID: taskID}
	if err := o.write(it, data); err != nil {
		return "", err
	}
	o.poke()
	return name, nil
}

// write makes room for it and writes it; o.mu is held.
func (o *Outbox) write(it Item, data []byte) error {
	o.expire()
	old := o.items[it.Name].Bytes // a result written again replaces itself
	if !o.fits(it.Bytes-old) || !o.makeRoom(it.Bytes-old, domain.GapCap) {
		return o.refuse(it, domain.GapCap, fmt.Errorf("%d bytes do not fit in %d", it.Bytes, o.opt.MaxBytes))
	}
	for {
		err := writeAtomic(o.dir, it.Name, data)
		if err == nil {
			o.items[it.Name] = it
			o.bytes += it.Bytes - old
			return nil
		}
		if !isDiskFull(err) {
			return fmt.Errorf("buffer %s: %w", it.Name, err)
		}
		// A full disk: drop what may be dropped, one file at a time,
		// until the write fits or nothing is left to drop.
		victim, ok := o.oldestDroppable()
		if !ok || !o.drop(victim, domain.GapDiskFull) {
			return o.refuse(it, domain.GapDiskFull, err)
		}
		o.opt.Log.Warn("offline buffer: the disk is full; dropped the oldest envelope", "dropped", victim.Name)
	}
}

// fits reports whether need more bytes could fit at all once everything
// droppable were gone: if not, nothing is dropped in vain.
func (o *Outbox) fits(need int64) bool {
	kept := int64(0)
	for _, it := range o.items {
		if !droppable(it.PayloadType) {
			kept += it.Bytes
		}
	}
	return kept+need <= o.opt.MaxBytes
}

// refuse answers for an envelope that could not be written.
func (o *Outbox) refuse(it Item, reason string, cause error) error {
	if !droppable(it.PayloadType) {
		return fmt.Errorf("buffer %s: %w: %w", it.Name, ErrFull, cause)
	}
	o.gaps.record(it, reason)
	return fmt.Errorf("buffer %s: %w (%w)", it.Name, ErrDropped, cause)
}

// makeRoom drops the oldest droppable envelopes until need more bytes fit
// under the cap, and reports whether they do.
func (o *Outbox) makeRoom(need int64, reason string) bool {
	for o.bytes+need > o.opt.MaxBytes {
		victim, ok := o.oldestDroppable()
		if !ok || !o.drop(victim, reason) {
			return false
		}
	}
	return true
}

// expire drops droppable envelopes older than MaxAge.
func (o *Outbox) expire() {
	cut := o.opt.Now().Add(-o.opt.MaxAge)
	for _, it := range o.items {
		if droppable(it.PayloadType) && it.Timestamp.Before(cut) && !o.drop(it, domain.GapAge) {
			return
		}
	}
}

func (o *Outbox) oldestDroppable() (Item, bool) {
	var victim Item
	found := false
	for _, it := range o.items {
		if !droppable(it.PayloadType) {
			continue
		}
		if !found || dropRank(it.PayloadType) < dropRank(victim.PayloadType) ||
			(dropRank(it.PayloadType) == dropRank(victim.PayloadType) && older(it, victim)) {
			victim, found = it, true
		}
	}
	return victim, found
}

func older(a, b Item) bool {
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.Before(b.Timestamp)
	}
	return a.Name < b.Name
}

// drop deletes an envelope and records the gap it leaves. It reports
// false when the file could not be removed (a file system gone read-only),
// so that callers stop rather than pick the same file forever.
func (o *Outbox) drop(it Item, reason string) bool {
	if err := os.Remove(filepath.Join(o.dir, it.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		o.opt.Log.Error("offline buffer: drop", "file", it.Name, "err", err)
		return false
	}
	delete(o.items, it.Name)
	o.bytes -= it.Bytes
	o.gaps.record(it, reason)
	return true
}

// List returns the envelopes waiting, newest first.
func (o *Outbox) List() []Item {
	o.mu.Lock()
	out := make([]Item, 0, len(o.items))
	for _, it := range o.items {
		out = append(out, it)
	}
	o.mu.Unlock()
	slices.SortFunc(out, func(a, b Item) int {
		switch {
		case older(b, a):
			return -1
		case older(a, b):
			return 1
		}
		return 0
	})
	return out
}

// Read returns a waiting envelope's bytes. A file found torn or corrupt is
// moved to quarantine and ErrCorrupt returned; a file already gone (sent
// and confirmed by another path) is os.ErrNotExist.
func (o *Outbox) Read(name string) ([]byte, error) {
	if !o.known(name) {
		return nil, fmt.Errorf("read %s: %w", name, os.ErrNotExist)
	}
	data, err := os.ReadFile(filepath.Join(o.dir, name))
	if err == nil {
		_, err = check(name, data)
	}
	if err != nil {
		o.mu.Lock()
		defer o.mu.Unlock()
		if errors.Is(err, os.ErrNotExist) {
			o.untrack(name)
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		o.quarantine(name, err)
		return nil, fmt.Errorf("read %s: %w: %w", name, ErrCorrupt, err)
	}
	return data, nil
}

// Delete removes an envelope the control plane confirmed. A heartbeat's
// gaps are then known to the control plane, and forgotten here.
func (o *Outbox) Delete(name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	it, ok := o.items[name]
	if !ok {
		return nil // gone already, or never one of ours (a name like ../x)
	}
	path := filepath.Join(o.dir, name)
	if it.PayloadType == domain.PayloadHealth {
		if data, err := os.ReadFile(path); err == nil {
			var env struct {
				Payload domain.HealthPayload `json:"payload"`
			}
			if json.Unmarshal(data, &env) == nil {
				o.gaps.ack(env.Payload.Gaps)
			}
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	delete(o.items, name)
	o.bytes -= it.Bytes
	return nil
}

// Quarantine moves a file the control plane refused aside: it will never
// be accepted, but it is kept for a person to read.
func (o *Outbox) Quarantine(name string, why error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.items[name]; ok {
		o.quarantine(name, why)
	}
}

// known reports whether name is a waiting envelope: only those are read,
// deleted or moved, whatever name a caller sends.
func (o *Outbox) known(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.items[name]
	return ok
}

// maxQuarantined bounds the quarantine folder: beyond it the oldest
// quarantined files go, so that a stream of refused files (a broken
// worker) cannot fill the disk past the buffer's cap.
const maxQuarantined = 100

// quarantine moves name aside, under a name of its own (a task's result
// quarantined twice keeps both); o.mu is held (or Open is running).
func (o *Outbox) quarantine(name string, why error) {
	o.opt.Log.Warn("offline buffer: moving a bad file to quarantine", "file", name, "reason", why)
	dst := filepath.Join(o.quarantineDir, o.opt.Now().UTC().Format(nameTime)+"-"+name)
	if err := os.Rename(filepath.Join(o.dir, name), dst); err != nil {
		o.opt.Log.Error("offline buffer: quarantine", "file", name, "err", err)
		return
	}
	o.untrack(name)
	o.quarantined++
	o.trimQuarantine()
}

// trimQuarantine deletes the oldest quarantined files beyond the bound.
// Their names start with the time they were moved, so they sort by age.
func (o *Outbox) trimQuarantine() {
	entries, err := os.ReadDir(o.quarantineDir)
	if err != nil || len(entries) <= maxQuarantined {
		return
	}
	for _, e := range entries[:len(entries)-maxQuarantined] {
		if err := os.Remove(filepath.Join(o.quarantineDir, e.Name())); err == nil {
			o.opt.Log.Warn("offline buffer: quarantine full; deleted its oldest file", "file", e.Name())
		}
	}
}

// untrack forgets a file that is no longer waiting; o.mu is held.
func (o *Outbox) untrack(name string) {
	if it, ok := o.items[name]; ok {
		delete(o.items, name)
		o.bytes -= it.Bytes
	}
}

// Backlog describes what waits, for the heartbeat.
func (o *Outbox) Backlog() domain.Backlog {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := domain.Backlog{Files: len(o.items), Bytes: o.bytes, Quarantined: o.quarantined}
	for _, it := range o.items {
		if b.Oldest == nil || it.Timestamp.Before(*b.Oldest) {
			at := it.Timestamp
			b.Oldest = &at
		}
	}
	return b
}

// Gaps returns the drops not yet acknowledged, for the next heartbeat:
// at most one per payload type and reason. Delete of a heartbeat's file
// acknowledges the gaps it carried.
func (o *Outbox) Gaps() []domain.Gap { return o.gaps.pending() }

// Changed is signalled when an envelope is written.
func (o *Outbox) Changed() <-chan struct{} { return o.changed }

func (o *Outbox) poke() {
	select {
	case o.changed <- struct{}{}:
	default:
	}
}

// PulledAt is when the control plane last pulled from this outbox.
func (o *Outbox) PulledAt() time.Time { return time.Unix(0, o.pulledAt.Load()) }

func (o *Outbox) markPulled() { o.pulledAt.Store(o.opt.Now().UnixNano()) }

package audit

import (
	"errors"
	"fmt"

	"github.com/wingman-dev/wingman/core/domain"
)

// ErrBroken is wrapped by every error Verify returns.
var ErrBroken = errors.New("audit chain broken")

// Verify walks a whole log, oldest first, starting at sequence 1, and
// returns nil if every link holds. Otherwise its error names the first
// event that does not fit: one whose content no longer matches its hash
// (edited), whose PrevHash is not its predecessor's hash (reordered or
// replaced), or whose sequence skips (deleted).
func Verify(events []domain.AuditEvent) error {
	prevHash, prevSeq := Genesis, int64(0)
	for _, ev := range events {
		if ev.Seq != prevSeq+1 {
			return fmt.Errorf("%w at event %d: expected event %d next; events %d..%d are missing",
				ErrBroken, ev.Seq, prevSeq+1, prevSeq+1, ev.Seq-1)
		}
		if ev.PrevHash != prevHash {
			return fmt.Errorf("%w at event %d (%s by %s): it does not link to event %d",
				ErrBroken, ev.Seq, ev.Action, ev.ActorName, prevSeq)
		}
		if Hash(ev) != ev.Hash {
			return fmt.Errorf("%w at event %d (%s by %s at %s): its content was changed after it was written",
				ErrBroken, ev.Seq, ev.Action, ev.ActorName, ev.At.UTC().Format("2006-01-02T15:04:05Z"))
		}
		prevHash, prevSeq = ev.Hash, ev.Seq
	}
	return nil
}

// Unsealed reports whether ev is still waiting to be sealed into the chain
// (the store lists such events after the sealed ones, with Seq 0).
func Unsealed(ev domain.AuditEvent) bool { return ev.Seq == 0 && ev.Hash == "" }

// Split separates a listing into its sealed events, which Verify checks,
// and the count of unsealed ones after them.
func Split(events []domain.AuditEvent) (sealed []domain.AuditEvent, unsealed int) {
	for i, ev := range events {
		if Unsealed(ev) {
			return events[:i], len(events) - i
		}
	}
	return events, 0
}

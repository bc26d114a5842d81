// Package audit makes the audit log tamper-evident: every event carries the
// hash of the one before it, so editing, deleting or reordering a stored
// event breaks the chain at that point, and Verify names the first break.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Genesis is the PrevHash of the first event.
const Genesis = ""

// hashed lists what an event's hash covers, in a fixed order. The time is
// kept at millisecond precision because that is what the store keeps.
type hashed struct {
	Seq       int64                `json:"seq"`
	At        string               `json:"at"`
	ActorKind domain.PrincipalKind `json:"actor_kind"`
	ActorID   string               `json:"actor_id"`
	ActorName string               `json:"actor_name"`
	ActorRole domain.Role          `json:"actor_role"`
	Action    string               `json:"action"`
	Subject   string               `json:"subject"`
	Outcome   domain.Outcome       `json:"outcome"`
	Reason    string               `json:"reason"`
	Detail    map[string]any       `json:"detail"`
	PrevHash  string               `json:"prev_hash"`
}

// Hash computes ev's hash from its content and PrevHash; ev.Hash is ignored.
func Hash(ev domain.AuditEvent) string {
	b, err := json.Marshal(hashed{
		Seq: ev.Seq, At: ev.At.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano),
		ActorKind: ev.ActorKind, ActorID: ev.ActorID, ActorName: ev.ActorName, ActorRole: ev.ActorRole,
		Action: ev.Action, Subject: ev.Subject, Outcome: ev.Outcome, Reason: ev.Reason,
		Detail: ev.Detail, PrevHash: ev.PrevHash,
	})
	if err != nil {
		// Detail holds only JSON-decoded values (Normalize), which always marshal.
		panic(fmt.Sprintf("audit: hash event %d: %v", ev.Seq, err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Normalize round-trips detail through JSON so the hash computed before an
// event is stored equals the one computed after it is read back (numbers
// become float64, structs become maps).
func Normalize(detail map[string]any) (map[string]any, error) {
	if len(detail) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return nil, fmt.Errorf("audit detail: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("audit detail: %w", err)
	}
	return out, nil
}

// Seal fills ev's Seq, PrevHash and Hash so that it follows an event with
// sequence prevSeq and hash prevHash.
func Seal(ev *domain.AuditEvent, prevSeq int64, prevHash string) error {
	d, err := Normalize(ev.Detail)
	if err != nil {
		return err
	}
	ev.Detail = d
	ev.At = ev.At.UTC().Truncate(time.Millisecond)
	ev.Seq = prevSeq + 1
	ev.PrevHash = prevHash
	ev.Hash = Hash(*ev)
	return nil
}

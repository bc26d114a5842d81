package worker

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
)

// liveAge is how long an envelope may have waited in the outbox and still
// count as live rather than backlog (see domain.BacklogHeader).
const liveAge = 10 * time.Second

// pulledPause is how long the worker leaves its backlog to the control
// plane after the control plane last pulled from it, so the two do not
// send the same files side by side.
const pulledPause = 30 * time.Second

// emit writes an envelope to the outbox; the pusher sends it. A full
// buffer drops facts, health and logs (recording the gap) rather than
// stop the worker.
func (w *Worker) emit(pt domain.PayloadType, payload any) {
	raw, err := json.Marshal(payload)
	if err != nil {
		w.Log.Error("encode envelope", "type", pt, "err", err)
		return
	}
	env := domain.Envelope{ID: newID(), WorkerID: w.Config.ID, SiteName: w.Config.SiteName, Timestamp: w.Now().UTC(),
		PayloadType: pt, Payload: raw}
	name, err := w.Outbox.Put(env)
	switch {
	case errors.Is(err, offline.ErrDropped):
		w.Log.Warn("offline buffer full", "type", pt, "err", err)
	case err != nil:
		w.Log.Error("buffer envelope", "type", pt, "err", err)
	default:
		w.Log.Debug("buffered", "file", name, "id", env.ID)
	}
}

// push sends the outbox to the control plane, newest first, until ctx
// ends: the latest state matters most after an outage, and history can
// follow. A file is deleted only once the control plane has taken it.
// While the control plane is unreachable it retries forever, with
// jittered backoff so that workers of one site do not retry in step.
func (w *Worker) push(ctx context.Context) {
	var limiter *pacer
	if w.BacklogRate > 0 {
		limiter = newPacer(w.BacklogRate)
	}
	failures := 0
	for ctx.Err() == nil {
		wait := w.pushOnce(ctx, limiter)
		switch {
		case wait < 0:
			failures = 0
			select {
			case <-ctx.Done():
			case <-w.Outbox.Changed():
			case <-time.After(time.Minute): // expiry by age, and a missed signal
			}
			continue
		case wait == 0:
			failures = 0
			continue
		}
		if wait == retryBackoff {
			failures++
			wait = backoff(failures, pushRetryMax)
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// retryBackoff asks push to back off as the failures so far say.
const retryBackoff = time.Duration(1)

// pushOnce sends what waits, newest first, and returns how long to wait
// before the next round: -1 when the outbox is empty, 0 to list again at
// once (something newer was written), retryBackoff after a failure.
func (w *Worker) pushOnce(ctx context.Context, limiter *pacer) time.Duration {
	items := resultsFirst(w.Outbox.List())
	if len(items) == 0 {
		return -1
	}
	if batch := w.liveResults(items); len(batch) > 1 {
		if wait, sent := w.pushBatch(ctx, batch); sent {
			return wait
		}
		// Refused as a batch (a control plane without batches): one at a
		// time below, which sets any bad envelope aside alone.
	}
	for _, it := range items {
		if ctx.Err() != nil {
			return 0
		}
		backlog := w.Now().Sub(it.Timestamp) > liveAge
		if backlog {
			if since := w.Now().Sub(w.Outbox.PulledAt()); since < pulledPause {
				return pulledPause - since
			}
			if limiter != nil {
				limiter.wait(ctx)
			}
		}
		data, err := w.Outbox.Read(it.Name)
		if err != nil {
			continue // gone (pulled meanwhile) or quarantined
		}
		_, err = w.Client.IngestFile(ctx, data, backlog)
		var apiErr *client.Error
		switch {
		case err == nil:
			if err := w.Outbox.Delete(it.Name); err != nil {
				w.Log.Error("delete sent envelope", "file", it.Name, "err", err)
			}
			w.Log.Debug("delivered", "file", it.Name)
		case refused(err):
			// The envelope is wrong and will stay wrong: keep it aside
			// for a person, and go on with the rest.
			w.Outbox.Quarantine(it.Name, err)
		case errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
			return apiErr.RetryAfter
		default:
			if ctx.Err() == nil {
				w.Log.Warn("control plane did not take the envelope; will retry", "file", it.Name, "err", err)
			}
			return retryBackoff
		}
		select {
		case <-w.Outbox.Changed():
			return 0 // a newer envelope goes first
		default:
		}
	}
	return 0
}

// liveResults is the run of live execution results that items (results
// first) begins with, up to one batch.
func (w *Worker) liveResults(items []offline.Item) []offline.Item {
	n := 0
	for n < len(items) && n < resultBatch && items[n].PayloadType == domain.PayloadExecutionResult &&
		w.Now().Sub(items[n].Timestamp) <= liveAge {
		n++
	}
	return items[:n]
}

// resultBatch is the most results sent in one request: enough that a
// worker finishing many tasks pays for one round trip and one commit,
// few enough that a batch stays small.
const resultBatch = 64

// pushBatch sends live results in one request and reports whether the
// control plane took the batch as one, and how long to wait as pushOnce
// does. Each envelope taken is deleted, each refused is set aside, the
// rest stay for the next round.
func (w *Worker) pushBatch(ctx context.Context, batch []offline.Item) (time.Duration, bool) {
	names := make([]string, 0, len(batch))
	files := make([][]byte, 0, len(batch))
	for _, it := range batch {
		data, err := w.Outbox.Read(it.Name)
		if err != nil {
			continue // gone (pulled meanwhile) or quarantined
		}
		names, files = append(names, it.Name), append(files, data)
	}
	if len(files) == 0 {
		return 0, true
	}
	answers, err := w.Client.IngestFiles(ctx, files)
	var apiErr *client.Error
	switch {
	case err == nil:
	case refused(err):
		return 0, false
	case errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
		return apiErr.RetryAfter, true
	default:
		if ctx.Err() == nil {
			w.Log.Warn("control plane did not take the results; will retry", "files", len(files), "err", err)
		}
		return retryBackoff, true
	}
	wait := time.Duration(0)
	for i, a := range answers {
		switch err := client.ItemError(a); {
		case err == nil:
			if err := w.Outbox.Delete(names[i]); err != nil {
				w.Log.Error("delete sent envelope", "file", names[i], "err", err)
			}
		case refused(err):
			w.Outbox.Quarantine(names[i], err)
		default:
			// Left for the next round, after a pause: at once, the same
			// answer would come back in a tight loop.
			w.Log.Warn("control plane did not take a result; will retry", "file", names[i], "err", err)
			wait = retryBackoff
		}
	}
	w.Log.Debug("delivered a batch", "files", len(files))
	return wait, true
}

// pushRetryMax bounds the wait between two tries of an unreachable control
// plane: its newest state should be there within a second of its return,
// and a refused connection twice a second costs nothing.
const pushRetryMax = 500 * time.Millisecond

// resultsFirst moves execution results ahead of the rest, keeping each
// group newest first. A result is what a person waits for, and one that
// arrived late, after its task was handed out again, would make the task
// run twice.
func resultsFirst(items []offline.Item) []offline.Item {
	out := make([]offline.Item, 0, len(items))
	for _, it := range items {
		if it.PayloadType == domain.PayloadExecutionResult {
			out = append(out, it)
		}
	}
	for _, it := range items {
		if it.PayloadType != domain.PayloadExecutionResult {
			out = append(out, it)
		}
	}
	return out
}

// backoff doubles from 250 ms up to ceiling, jittered in its upper half so
// that the workers of one outage do not retry in step.
func backoff(failures int, ceiling time.Duration) time.Duration {
	d := min((250*time.Millisecond)<<min(failures-1, 10), ceiling)
	return d/2 + rand.N(d/2+1)
}

// pacer spaces sends to a rate.
type pacer struct {
	every time.Duration
	next  time.Time
}

func newPacer(perSecond float64) *pacer {
	return &pacer{every: time.Duration(float64(time.Second) / perSecond)}
}

func (p *pacer) wait(ctx context.Context) {
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	d := p.next.Sub(now)
	p.next = p.next.Add(p.every)
	if d <= 0 {
		return
	}
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// heldTasks names the tasks whose leases the heartbeat renews: those in
// the inbox and those whose result waits in the outbox.
func (w *Worker) heldTasks() []string {
	var ids []string
	for _, h := range w.Inbox.Held() {
		ids = append(ids, h.Task.TaskID)
	}
	for _, it := range w.Outbox.List() {
		if it.TaskID != "" {
			ids = append(ids, it.TaskID)
		}
	}
	return ids
}

// refused reports whether the control plane rejected an envelope for what
// it is, so that sending it again cannot help. Only wingmand's own answer
// (one with an error code) says so: a proxy's 403 or 404 page on the way
// says nothing about the envelope, and is retried.
func refused(err error) bool {
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Code == "" {
		return false
	}
	for _, e := range []error{domain.ErrInvalid, domain.ErrTooLarge, domain.ErrForbidden, domain.ErrNotFound} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func newID() string {
	b := make([]byte, 12)
	_, _ = crand.Read(b)
	return "env-" + hex.EncodeToString(b)
}

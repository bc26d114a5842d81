// Package events carries "something changed" inside one wingmand: to the
// SSE streams of live views, and to the long polls of workers that have a
// new task. Changes are collected in a Batch while a transaction runs and
// handed to the Hub only after it commits, so nobody hears of a change
// that was rolled back.
package events

import (
	"sync"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Hub fans events out to subscribers and wakes waiting workers.
type Hub struct {
	mu      sync.Mutex
	subs    map[chan domain.Event]struct{} // guarded by mu
	wakers  map[string]chan struct{}       // guarded by mu; one per worker id
	dropped uint64                         // guarded by mu
	closed  chan struct{}
	once    sync.Once
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[chan domain.Event]struct{}{}, wakers: map[string]chan struct{}{}, closed: make(chan struct{})}
}

// Close ends every subscription and every wait, so that streams and long
// polls return when the server shuts down instead of holding it up.
func (h *Hub) Close() {
	h.once.Do(func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		close(h.closed)
		for ch := range h.subs {
			delete(h.subs, ch)
			close(ch)
		}
	})
}

// Subscribe returns a channel of events and a function that ends the
// subscription. A subscriber that falls behind by more than buf events
// misses events rather than slowing everyone down; views re-read the state
// they show, so a missed event costs a refresh, not correctness.
func (h *Hub) Subscribe(buf int) (<-chan domain.Event, func()) {
	ch := make(chan domain.Event, buf)
	h.mu.Lock()
	select {
	case <-h.closed:
		close(ch)
		h.mu.Unlock()
		return ch, func() {}
	default:
	}
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		if _, ok := h.subs[ch]; ok {
			delete(h.subs, ch)
			close(ch)
		}
		h.mu.Unlock()
	}
}

// Publish sends ev to every subscriber that has room.
func (h *Hub) Publish(ev domain.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- ev:
		default:
			h.dropped++
		}
	}
}

// waker returns the wake channel of a worker. The channel has room for one
// signal, so a wake that arrives while nobody waits is kept for the next
// poll instead of lost.
func (h *Hub) waker(workerID string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, ok := h.wakers[workerID]
	if !ok {
		ch = make(chan struct{}, 1)
		h.wakers[workerID] = ch
	}
	return ch
}

// Wake signals that a task may be waiting for workerID.
func (h *Hub) Wake(workerID string) {
	select {
	case h.waker(workerID) <- struct{}{}:
	default:
	}
}

// Closed is closed when the hub is.
func (h *Hub) Closed() <-chan struct{} { return h.closed }

// WaitWake blocks until workerID is woken, the timeout passes or done is
// closed; it reports whether it was woken.
func (h *Hub) WaitWake(workerID string, timeout time.Duration, done <-chan struct{}) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-h.waker(workerID):
		return true
	case <-t.C:
	case <-done:
	case <-h.closed:
	}
	return false
}

// Flush announces what a committed transaction changed.
func (h *Hub) Flush(b *Batch) {
	if h == nil || b == nil {
		return
	}
	for _, ev := range b.events {
		h.Publish(ev)
	}
	for _, w := range b.wake {
		h.Wake(w)
	}
}

// Batch collects the changes of one transaction.
type Batch struct {
	events []domain.Event
	wake   []string
}

// Changed notes that the object kind/id changed at at.
func (b *Batch) Changed(kind, id string, at time.Time) {
	b.events = append(b.events, domain.Event{Kind: kind, ID: id, At: at})
}

// Wake notes that workerID has a new task.
func (b *Batch) Wake(workerID string) { b.wake = append(b.wake, workerID) }

// Reset empties the batch, for a transaction that is retried.
func (b *Batch) Reset() { b.events, b.wake = nil, nil }

package events

import (
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestFlushPublishesAndWakes(t *testing.T) {
	h := NewHub()
	ch, cancel := h.Subscribe(4)
	defer cancel()
	var b Batch
	b.Changed("plan", "pl-1", time.Unix(0, 0))
	b.Wake("w1")
	h.Flush(&b)
	if ev := <-ch; ev.Kind != "plan" || ev.ID != "pl-1" {
		t.Fatalf("event = %+v", ev)
	}
	// The wake came before anyone waited: it must not be lost.
	if !h.WaitWake("w1", time.Second, nil) {
		t.Fatal("a wake sent before the wait was lost")
	}
	if h.WaitWake("w1", 10*time.Millisecond, nil) {
		t.Fatal("one wake woke two waits")
	}
}

func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	h := NewHub()
	_, cancel := h.Subscribe(1)
	defer cancel()
	for i := 0; i < 100; i++ {
		h.Publish(domain.Event{Kind: "fact"})
	}
	if h.dropped != 99 {
		t.Fatalf("dropped = %d, want 99", h.dropped)
	}
	cancel()
	cancel() // a second cancel is harmless
}

func TestCloseEndsStreamsAndWaits(t *testing.T) {
	h := NewHub()
	ch, cancel := h.Subscribe(1)
	defer cancel()
	h.Close()
	if _, ok := <-ch; ok {
		t.Fatal("subscription still open after Close")
	}
	if h.WaitWake("w1", time.Minute, nil) {
		t.Fatal("a wait after Close reported a wake")
	}
	if late, _ := h.Subscribe(1); late == nil {
		t.Fatal("nil channel")
	} else if _, ok := <-late; ok {
		t.Fatal("a subscription after Close is open")
	}
}

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestEvents(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer good" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"code":"unauthenticated","message":"not authenticated: bad token"}}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, ": connected\n\n: keep-alive\n\n")
		fmt.Fprint(w, "event: plan\ndata: {\"kind\":\"plan\",\"id\":\"pl-1\",\"at\":\"2026-11-25T10:00:00Z\"}\n\n")
		fmt.Fprint(w, "event: task\ndata: {\"kind\":\"task\",\"id\":\"tk-1\",\"at\":\"2026-11-25T10:00:01Z\"}\n\n")
	}))
	defer srv.Close()

	if _, err := New(srv.URL, "bad").Events(context.Background()); !errors.Is(err, domain.ErrUnauthenticated) {
		t.Fatalf("bad token: %v, want ErrUnauthenticated", err)
	}
	s, err := New(srv.URL, "good").Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, want := range []string{"plan/pl-1", "task/tk-1"} {
		ev, err := s.Next()
		if err != nil || ev.Kind+"/"+ev.ID != want {
			t.Fatalf("next = %+v, %v; want %s", ev, err, want)
		}
	}
	// The server ended the stream: the caller learns it went away.
	if _, err := s.Next(); !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("after the stream ended: %v, want ErrUnavailable", err)
	}
}

package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(status int, code, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, status, domain.ErrorBody{Error: domain.APIError{Code: code, Message: msg}})
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error
		wantMsg string
	}{
		{"policy", apiError(403, domain.CodePolicy, "the plan's author may not approve it"), domain.ErrPolicy,
			"approve pl-7f3a: refused by policy: the plan's author may not approve it"},
		{"expired", apiError(409, domain.CodeExpired, "plan pl-7f3a expired at 10:00"), domain.ErrExpired,
			"approve pl-7f3a: plan expired: plan pl-7f3a expired at 10:00"},
		{"decided", apiError(409, domain.CodeDecided, "plan pl-7f3a is already rejected"), domain.ErrDecided,
			"approve pl-7f3a: plan already decided: plan pl-7f3a is already rejected"},
		{"message already names the sentinel", apiError(404, domain.CodeNotFound, "plan pl-7f3a not found"), domain.ErrNotFound,
			"approve pl-7f3a: plan pl-7f3a not found"},
		{"forbidden", apiError(403, domain.CodeForbidden, "operator role needed"), domain.ErrForbidden,
			"approve pl-7f3a: forbidden: operator role needed"},
		{"unauthenticated", apiError(401, domain.CodeUnauthenticated, "token revoked"), domain.ErrUnauthenticated,
			"approve pl-7f3a: not authenticated: token revoked"},
		{"conflict", apiError(409, domain.CodeConflict, "worker edge-1 exists"), domain.ErrConflict, ""},
		{"invalid", apiError(400, domain.CodeInvalid, "bad id"), domain.ErrInvalid, ""},
		{"too large", apiError(413, domain.CodeTooLarge, "max 1 MiB"), domain.ErrTooLarge, ""},
		{"rate limited", apiError(429, domain.CodeRateLimited, "slow down"), domain.ErrRateLimited, ""},
		{"bare 401", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(401) }, domain.ErrUnauthenticated,
			"approve pl-7f3a: not authenticated"},
		{"bare 403", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(403) }, domain.ErrForbidden, ""},
		{"bare 404 with text", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "404 page not found", 404) },
			domain.ErrNotFound, "approve pl-7f3a: 404 page not found"},
		{"proxy 502", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(502) }, domain.ErrUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, err := client.New(srv.URL, "tok").Approve(context.Background(), "pl-7f3a", "")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want errors.Is %v", err, tt.want)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("message = %q, want %q", err.Error(), tt.wantMsg)
			}
			var apiErr *client.Error
			if !errors.As(err, &apiErr) {
				t.Errorf("err is not a *client.Error")
			}
		})
	}
}

func TestInternalErrorHasNoSentinel(t *testing.T) {
	srv := httptest.NewServer(apiError(500, domain.CodeInternal, "database is locked"))
	defer srv.Close()
	_, err := client.New(srv.URL, "tok").Status(context.Background())
	if err == nil || err.Error() != "get status: database is locked" {
		t.Fatalf("err = %v", err)
	}
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != domain.CodeInternal {
		t.Errorf("apiErr = %+v", apiErr)
	}
	if errors.Is(err, domain.ErrUnavailable) {
		t.Error("internal error reported as unavailable")
	}
}

func TestConnectionRefusedIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	_, err = client.New(url, "tok").GetPlan(context.Background(), "pl-1")
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), url) || !strings.HasPrefix(err.Error(), "get plan pl-1: server unreachable: ") {
		t.Errorf("message %q does not name the server", err)
	}
}

func TestSlowServerIsUnavailableButCallerCancelIsNot(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	c := client.New(srv.URL, "tok", client.WithTimeout(20*time.Millisecond))
	_, err := c.Status(context.Background())
	if !errors.Is(err, domain.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("own timeout: err = %v, want ErrUnavailable wrapping DeadlineExceeded", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = client.New(srv.URL, "tok").Status(ctx)
	if errors.Is(err, domain.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("caller deadline: err = %v, want DeadlineExceeded only", err)
	}
}

// wingmand's messages often start with the operation already; it is not
// repeated.
func TestServerMessageWithOperationIsNotRepeated(t *testing.T) {
	srv := httptest.NewServer(apiError(409, domain.CodeDecided, "approve pl-1: it is already failed: plan already decided"))
	defer srv.Close()
	_, err := client.New(srv.URL, "tok").Approve(context.Background(), "pl-1", "")
	if err == nil || err.Error() != "approve pl-1: it is already failed: plan already decided" || !errors.Is(err, domain.ErrDecided) {
		t.Errorf("err = %v", err)
	}
}

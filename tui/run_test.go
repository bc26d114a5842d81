package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
)

// TestRunsWithoutItsLog: a log that cannot be written does not keep the
// console from opening; the user is told once the screen is back.
func TestRunsWithoutItsLog(t *testing.T) {
	_, srv, token := serve(t)
	// A folder cannot be made under a regular file.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := Run(ctx, Options{Client: client.New(srv.URL, token), Server: srv.URL, In: strings.NewReader("q"),
		Out: &out, ErrOut: &errOut, LogFile: filepath.Join(blocker, "wingctl-tui.log")})
	if err != nil {
		t.Fatalf("Run = %v", err)
	}
	if !strings.Contains(errOut.String(), "the console ran without its log") {
		t.Fatalf("stderr = %q, want a word about the log", errOut.String())
	}
	if out.Len() == 0 {
		t.Fatal("the console drew nothing")
	}
}

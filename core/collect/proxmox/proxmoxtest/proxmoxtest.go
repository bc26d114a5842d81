// Package proxmoxtest stands in for a Proxmox VE API in tests, since a
// real one cannot run where Wingman is tested: a TLS server from
// net/http/httptest that checks the API token as pveproxy does and answers
// with what a test's handler says, typically recorded answers from
// testdata/proxmox in the shape the Proxmox VE API documents.
package proxmoxtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/collect/proxmox"
)

// The API token the stand-in accepts.
const (
	User       = "root@pam"
	TokenName  = "wingman"
	TokenValue = "3f1c2a9e-5b7d-4e08-a6c4-9d2e71b0f5a3"
)

// Header is the Authorization header a client configured with the token
// sends.
const Header = "PVEAPIToken=" + User + "!" + TokenName + "=" + TokenValue

// Start serves h under /api2/json (h sees paths without that prefix) on a
// TLS server closed when the test ends. Like pveproxy, it answers a
// request without the token with the recorded "401 No ticket" and one
// with a wrong token with "401 invalid token value!", both from
// dir/errors. The Config returned reaches the server and trusts its
// certificate through CAFile, with the token above.
func Start(t testing.TB, dir string, h http.Handler) (*httptest.Server, proxmox.Config) {
	t.Helper()
	noTicket := Load(t, dir, "errors/401-no-ticket.http")
	badToken := Load(t, dir, "errors/401-invalid-token.http")
	api := http.StripPrefix("/api2/json", h)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch auth := r.Header.Get("Authorization"); {
		case auth == "":
			WriteRaw(t, w, noTicket)
		case auth != Header:
			WriteRaw(t, w, badToken)
		case !strings.HasPrefix(r.URL.Path, "/api2/json/"):
			http.NotFound(w, r)
		default:
			api.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	ca := filepath.Join(t.TempDir(), "pve-root-ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, proxmox.Config{
		Host:       srv.Listener.Addr().String(),
		User:       User,
		TokenName:  TokenName,
		TokenValue: TokenValue,
		CAFile:     ca,
		Timeout:    30 * time.Second,
	}
}

// Load returns the recorded answer name under dir, failing the test when
// it cannot be read.
func Load(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("recorded answer: %v", err)
	}
	return b
}

// WriteData answers {"data": data} as pveproxy does.
func WriteData(t testing.TB, w http.ResponseWriter, data any) {
	b, err := json.Marshal(map[string]any{"data": data})
	if err != nil {
		t.Errorf("proxmoxtest: %v", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	WriteJSON(w, b)
}

// WriteJSON answers a recorded JSON body with status 200.
func WriteJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Server", "pve-api-daemon/3.0")
	_, _ = w.Write(body)
}

// WriteRaw answers with a recorded raw HTTP answer (an .http file: status
// line, headers, blank line, body) as it is. net/http would replace the
// reason phrase of the status line with the standard one, and Proxmox puts
// its error message there, so WriteRaw writes to the hijacked connection.
// Content-Length is recomputed and the connection closed afterwards.
func WriteRaw(t testing.TB, w http.ResponseWriter, raw []byte) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		t.Errorf("proxmoxtest: recorded answer: %v", err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("proxmoxtest: recorded answer body: %v", err)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("proxmoxtest: hijack: %v", err)
		return
	}
	defer conn.Close()
	resp.Header.Del("Content-Length")
	resp.Header.Set("Connection", "close")
	fmt.Fprintf(buf, "HTTP/1.1 %s\r\n", resp.Status)
	_ = resp.Header.Write(buf)
	fmt.Fprintf(buf, "Content-Length: %d\r\n\r\n", len(body))
	_, _ = buf.Write(body)
	_ = buf.Flush()
}

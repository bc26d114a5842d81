package logsum

import (
	"strings"
	"testing"
)

// Made-up secrets in the shapes of real ones.
const (
	testJWT    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	testAWS    = "AKIAIOSFODNN7EXAMPLE"
	testGitHub = "ghp_R2d2C3poX9wingmanT0kenAbCdEf123456"
	testSlack  = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
	testWM     = "wm_mfrggzdfmztwq2lknnwg23tpobyxe43u"
	testWMW    = "wmw_onswg4tforrw6zdfnfxgo3tbnvswy4dp"
	testHex    = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	testB64    = "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg7Xk2Pq"
	testPEM    = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi2t8H4wNz0WqbZ\nx9Vq1bYw==\n-----END RSA PRIVATE KEY-----"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		gone []string // must not be in the output
		kept []string // must be in the output
		want string   // the whole output, when given
	}{
		{name: "email", in: "password reset mail sent to alice.smith+home@example.co.uk for user 42",
			gone: []string{"alice", "example.co.uk"}, want: "password reset mail sent to <email> for user 42"},
		{name: "email in angle brackets", in: `From: "Bob" <bob@mail.example.org> delivered`,
			gone: []string{"bob@", "mail.example.org"}, kept: []string{`From: "Bob" <<email>> delivered`}},
		{name: "ipv4 with port", in: "Connection from 192.168.1.23:51234 closed by peer",
			gone: []string{"192.168.1.23"}, want: "Connection from <ip>:51234 closed by peer"},
		{name: "ipv4 in access log", in: `203.0.113.9 - - [15/Jan/2024:10:30:00 +0000] "GET /index.html HTTP/1.1" 200 512`,
			gone: []string{"203.0.113.9"}, kept: []string{"<ip> - - [15/Jan/2024:10:30:00 +0000]", `"GET /index.html HTTP/1.1" 200 512`}},
		{name: "ipv6 compressed", in: "listening on [2001:db8::8a2e:370:7334]:443 and fe80::1%eth0",
			gone: []string{"2001:db8", "8a2e", "fe80", "eth0"}, want: "listening on [<ip>]:443 and <ip>"},
		{name: "ipv6 full and loopback", in: "peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 via ::1: refused",
			gone: []string{"2001:0db8", "::1"}, want: "peer <ip> via <ip>: refused"},
		{name: "ipv4 mapped ipv6", in: "client ::ffff:10.1.2.3 accepted",
			gone: []string{"10.1.2.3", "ffff"}, want: "client <ip> accepted"},
		{name: "bearer header", in: "GET /api/v1/plans Authorization: Bearer abc.def-ghi_jkl~123 status=401",
			gone: []string{"abc.def", "jkl~123"}, kept: []string{"GET /api/v1/plans Authorization: <secret>", "status=401"}},
		{name: "basic header", in: "proxy: Proxy-Authorization: Basic dXNlcjpodW50ZXIy forwarded",
			gone: []string{"dXNlcjpodW50ZXIy"}, kept: []string{"proxy: Proxy-Authorization: <secret>", "forwarded"}},
		{name: "bearer alone", in: `curl -H "X-Upstream: yes" sent Bearer sk-live-51HxYz0 to upstream`,
			gone: []string{"sk-live-51HxYz0"}, kept: []string{"sent Bearer <secret> to upstream", `"X-Upstream: yes"`}},
		{name: "password key=value", in: "db connect user=admin password=hunter2 host=db dbname=app",
			gone: []string{"hunter2"}, want: "db connect user=admin password=<secret> host=db dbname=app"},
		{name: "password colon", in: "Login failed: Password: Tr0ub4dor&3 for admin",
			gone: []string{"Tr0ub4dor"}, kept: []string{"Login failed: Password: <secret>", "for admin"}},
		{name: "json password", in: `{"user":"bob","password":"p@ss w0rd!","remember":true}`,
			gone: []string{"p@ss", "w0rd"}, want: `{"user":"bob","password":"<secret>","remember":true}`},
		{name: "json keys that name secrets", in: `{"level":"info","client_secret": "s3cr3t", "apiKey":"k-123", "X-Auth-Token":'tok9', "msg":"ok"}`,
			gone: []string{"s3cr3t", "k-123", "tok9"}, kept: []string{`"level":"info"`, `"client_secret": "<secret>"`, `"apiKey":"<secret>"`, `"X-Auth-Token":'<secret>'`, `"msg":"ok"`}},
		{name: "escaped json in docker log", in: `{"log":"{\"user\":\"bob\",\"passwd\":\"hunter2\"}\n","stream":"stdout"}`,
			gone: []string{"hunter2"}, kept: []string{`\"user\":\"bob\"`, `\"passwd\":\"<secret>\"`, `"stream":"stdout"`}},
		{name: "query string", in: "GET /callback?code=abc&access_token=ya29.A0ARrdaM&state=xyz 200",
			gone: []string{"ya29.A0ARrdaM"}, want: "GET /callback?code=abc&access_token=<secret>&state=xyz 200"},
		{name: "secret keys mixed case", in: "API_KEY=a1b2c3 SESSION_ID=s-778 Credentials: admin:admin PWD=/root privateKey=k1",
			gone: []string{"a1b2c3", "s-778", "admin:admin", "/root", "k1"}, kept: []string{"API_KEY=<secret>", "SESSION_ID=<secret>", "PWD=<secret>", "privateKey=<secret>"}},
		{name: "cookie header", in: "request headers Cookie: theme=dark; sid=8f14e45fceea167a; lang=en",
			gone: []string{"8f14e45fceea167a", "theme=dark"}, want: "request headers Cookie: <secret>"},
		{name: "url userinfo", in: "connecting to postgres://wingman:s3cr3t@db.lan:5432/wingman?sslmode=disable",
			gone: []string{"s3cr3t", "wingman:"}, want: "connecting to postgres://<secret>@db.lan:5432/wingman?sslmode=disable"},
		{name: "url userinfo with @ in password", in: "remote https://bob:p@ss@git.example.com/repo.git fetched",
			gone: []string{"bob", "p@ss"}, want: "remote https://<secret>@git.example.com/repo.git fetched"},
		{name: "jwt", in: "token accepted id_token " + testJWT + " exp=3600",
			gone: []string{"eyJhbGci", "SflKxwRJ", "eyJzdWIi"}, want: "token accepted id_token <secret> exp=3600"},
		{name: "aws access key", in: "using credentials of " + testAWS + " in eu-west-1",
			gone: []string{testAWS}, want: "using credentials of <secret> in eu-west-1"},
		{name: "github token", in: "git clone with " + testGitHub + " failed: 403",
			gone: []string{testGitHub, "R2d2C3po"}, want: "git clone with <secret> failed: 403"},
		{name: "slack token", in: "posting to slack with " + testSlack + " ok",
			gone: []string{"xoxb", "AbCdEfGh"}, want: "posting to slack with <secret> ok"},
		{name: "wingman tokens", in: "worker enrolled with " + testWMW + ", admin used " + testWM,
			gone: []string{testWMW, testWM, "mfrggzdf", "onswg4tf"}, want: "worker enrolled with <secret>, admin used <secret>"},
		{name: "pem in one string", in: "loaded key " + testPEM + " from disk",
			gone: []string{"MIIEpAIBAAKCAQEA", "x9Vq1bYw", "RSA PRIVATE KEY"}, want: "loaded key <secret> from disk"},
		{name: "pem cut short", in: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU",
			gone: []string{"b3BlbnNzaC1rZXkt"}, want: "<secret>"},
		{name: "long hex", in: "session " + testHex + " resumed",
			gone: []string{testHex}, want: "session <secret> resumed"},
		{name: "long hex with 0x", in: "signing with key 0x" + testHex[:40] + " done",
			gone: []string{testHex[:40]}, want: "signing with key <secret> done"},
		{name: "long base64", in: "x-request-signature " + testB64 + "== verified",
			gone: []string{testB64}, want: "x-request-signature <secret> verified"},
		{name: "several in one line", in: `level=error msg="login failed" email=carol@example.com ip=10.0.0.7 token=abc123 ua="curl/8.1"`,
			gone: []string{"carol", "10.0.0.7", "abc123"}, want: `level=error msg="login failed" email=<email> ip=<ip> token=<secret> ua="curl/8.1"`},

		// What must stay.
		{name: "times and macs stay", in: "2024-01-15 10:30:00.123 link up on eth0 (aa:bb:cc:dd:ee:ff) at 10:30:01",
			want: "2024-01-15 10:30:00.123 link up on eth0 (aa:bb:cc:dd:ee:ff) at 10:30:01"},
		{name: "code and units stay", in: "std::vector<int> overflow in user@1000.service; uuid 123e4567-e89b-12d3-a456-426614174000",
			want: "std::vector<int> overflow in user@1000.service; uuid 123e4567-e89b-12d3-a456-426614174000"},
		{name: "paths and identifiers stay", in: "open /home/user/Projects/MyApp2/src/main.go: org/springframework/web/servlet/DispatcherServlet kube_proxy_v1_2_3_deployment_controller",
			want: "open /home/user/Projects/MyApp2/src/main.go: org/springframework/web/servlet/DispatcherServlet kube_proxy_v1_2_3_deployment_controller"},
		{name: "host and port of an auth server stay", in: "dial auth.example.com:8443/login?next=/&token=t0k",
			gone: []string{"t0k"}, want: "dial auth.example.com:8443/login?next=/&token=<secret>"},
		{name: "dotted key with a number", in: "config db.password:12345 loaded",
			gone: []string{"12345"}, want: "config db.password:<secret> loaded"},
		{name: "versions with fewer parts stay", in: "nginx/1.25.3 started, Go go1.26.8, kernel 6.1.0-17-amd64",
			want: "nginx/1.25.3 started, Go go1.26.8, kernel 6.1.0-17-amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.in)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("Redact(%q) = %q, still contains %q", tt.in, got, g)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(got, k) {
					t.Errorf("Redact(%q) = %q, lost %q", tt.in, got, k)
				}
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := Redact(got); again != got {
				t.Errorf("Redact is not idempotent: %q, then %q", got, again)
			}
		})
	}
}

// A private key logged one line at a time is hidden whole, however short
// its lines, and what follows it is not.
func TestKeyBlock(t *testing.T) {
	t.Parallel()
	var k keyBlock
	lines := append([]string{"app: loading key"}, strings.Split(testPEM, "\n")...)
	lines = append(lines, "app: key loaded from 10.0.0.1")
	var got []string
	for _, l := range lines {
		s, _ := k.redact(l)
		got = append(got, s)
	}
	want := []string{"app: loading key", "<secret>", "<secret>", "<secret>", "<secret>", "app: key loaded from <ip>"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q\nwant %q", got, want)
	}

	// A key that never ends stops hiding the log after maxKeyLines.
	k = keyBlock{}
	k.redact("-----BEGIN EC PRIVATE KEY-----")
	for range maxKeyLines {
		if s, in := k.redact("MHcCAQEEIBkg"); s != RedactedSecret || !in {
			t.Fatalf("inside the key: %q, %v", s, in)
		}
	}
	if s, in := k.redact("server started"); s != "server started" || in {
		t.Errorf("after maxKeyLines: %q, %v", s, in)
	}
}

func TestLooksRandom(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		testB64: true,
		"h3Kp9/QzR7vXw2LmN8sT+bY4cF6gJ1dE5aU0oIiZ":          true,
		"AbstractSingletonProxyFactoryBean2Impl":            false,
		"api/v1/namespaces/kube-system/pods/coredns-5d78c9": false,
		"HTTP_X_FORWARDED_FOR_HEADER_VALUE_2024":            false,
	} {
		if got := looksRandom(s); got != want {
			t.Errorf("looksRandom(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCapLine(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("Ab1", 20)
	line := strings.Repeat("x ", maxLine/2-4) + secret
	got := capLine(line)
	if len(got) > maxLine || strings.Contains(got, "Ab1") {
		t.Errorf("capLine kept %d bytes ending %q", len(got), got[len(got)-10:])
	}
}

// Single sign-on through the API: ID tokens from a real provider are
// accepted beside local tokens, their users provisioned and given the role
// their groups map to or an admin's override; every other kind is refused.

package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// sso is a provider with people, and the settings that point wingmand at
// it: alice administers, bob operates, vera views, and carol is in no
// mapped group, which gives no role.
func sso(t *testing.T) (*oidctest.Provider, config.OIDC) {
	t.Helper()
	p := oidctest.New(t)
	for _, u := range []oidctest.User{
		{Username: "alice", Name: "Alice Liddell", Email: "alice@example.com", Groups: []string{"wingman-admins"}},
		{Username: "bob", Name: "Bob Ops", Email: "bob@example.com", Groups: []string{"staff", "ops"}},
		{Username: "vera", Name: "Vera", Groups: []string{"staff"}},
		{Username: "carol", Email: "carol@example.com", Groups: []string{"guests"}},
	} {
		p.AddUser(u)
	}
	return p, config.OIDC{
		Enabled: true, IssuerURL: p.Issuer, ClientID: oidctest.WebClientID, ClientSecret: oidctest.WebClientSecret,
		CLIClientID: oidctest.CLIClientID, Scopes: []string{"openid", "profile", "email"}, RoleClaim: "groups",
		RoleMap: map[string]domain.Role{"wingman-admins": domain.RoleAdmin, "ops": domain.RoleOperator, "staff": domain.RoleViewer},
	}
}

// idToken is a good ID token of the provider for username, as wingctl gets.
func idToken(p *oidctest.Provider, username string) string {
	return p.Token(p.IDClaims(oidctest.CLIClientID, username), oidctest.Forge{})
}

func TestOIDCSignIn(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p, settings := sso(t)
			e := newEnv(t, kind, "", daemon.WithOIDC(settings))

			var ac domain.AuthConfig
			e.must(200, "GET", "/api/v1/auth/config", "", nil, &ac)
			if !ac.OIDC || ac.Issuer != p.Issuer || ac.ClientID != oidctest.CLIClientID || strings.Join(ac.Scopes, " ") != "openid profile email" {
				t.Errorf("auth config = %+v", ac)
			}

			bob := idToken(p, "bob")
			var who domain.Principal
			e.must(200, "GET", "/api/v1/whoami", bob, nil, &who)
			if who.Kind != domain.PrincipalUser || who.Name != "Bob Ops" || who.Role != domain.RoleOperator ||
				who.TokenID != "" || who.ExpiresAt == nil || time.Until(*who.ExpiresAt) > 5*time.Minute {
				t.Fatalf("whoami = %+v, want Bob Ops, operator from ops, and his token's expiry", who)
			}
			var again domain.Principal
			e.must(200, "GET", "/api/v1/whoami", bob, nil, &again)
			if again.UserID != who.UserID {
				t.Errorf("a second request made another user: %s, then %s", who.UserID, again.UserID)
			}
			var viewer domain.Principal
			e.must(200, "GET", "/api/v1/whoami", idToken(p, "vera"), nil, &viewer)
			if viewer.Role != domain.RoleViewer {
				t.Errorf("vera's role = %s, want viewer from staff", viewer.Role)
			}

			// Local tokens keep working beside single sign-on.
			e.must(200, "GET", "/api/v1/status", e.admin, nil, nil)

			// The operator approves; the audit log names him and his role.
			plan := e.planFor(e.worker("w1"), "web")
			e.must(200, "POST", "/api/v1/plans/"+plan.ID+"/approve", bob, domain.ApproveRequest{Comment: "sso"}, nil)
			code, apiErr := e.call("POST", "/api/v1/plans/"+plan.ID+"/approve", idToken(p, "vera"), domain.ApproveRequest{}, nil)
			if code != 403 || !strings.Contains(apiErr.Message, "needs the operator role; Vera has viewer") {
				t.Errorf("viewer approves: %d %+v, want 403", code, apiErr)
			}

			// carol signed in, but no group of hers maps to a role.
			carol := idToken(p, "carol")
			code, apiErr = e.call("GET", "/api/v1/whoami", carol, nil, nil)
			if code != 403 || apiErr.Code != domain.CodeForbidden ||
				!strings.HasPrefix(apiErr.Message, "carol signed in but has no Wingman role: their groups (guests) map to none") {
				t.Fatalf("carol: %d %+v, want 403 saying she has no role", code, apiErr)
			}
			// She was provisioned all the same, so an admin finds her.
			var users []domain.User
			e.must(200, "GET", "/api/v1/users", idToken(p, "alice"), nil, &users)
			byName := map[string]domain.User{}
			for _, u := range users {
				byName[u.Name] = u
				if u.Issuer != p.Issuer {
					t.Errorf("users lists %+v, not of the provider", u)
				}
			}
			if len(users) != 4 || byName["carol"].Role != "" || byName["carol"].Email != "carol@example.com" ||
				byName["Bob Ops"].ID != who.UserID || byName["Alice Liddell"].Role != domain.RoleAdmin {
				t.Fatalf("users = %+v, want alice, bob, vera and carol", users)
			}
			code, _ = e.call("GET", "/api/v1/users", bob, nil, nil)
			if code != 403 {
				t.Errorf("operator lists users: %d, want 403", code)
			}
			code, _ = e.call("PUT", "/api/v1/users/"+byName["carol"].ID+"/role", bob, domain.SetRoleRequest{Role: domain.RoleAdmin}, nil)
			if code != 403 {
				t.Errorf("operator sets a role: %d, want 403", code)
			}

			// An admin's override wins over the groups, and goes away.
			var carolU domain.User
			e.must(200, "PUT", "/api/v1/users/"+byName["carol"].ID+"/role", e.admin, domain.SetRoleRequest{Role: domain.RoleOperator}, &carolU)
			if carolU.RoleOverride != domain.RoleOperator {
				t.Errorf("after set-role: %+v", carolU)
			}
			var carolP domain.Principal
			e.must(200, "GET", "/api/v1/whoami", carol, nil, &carolP)
			if carolP.Role != domain.RoleOperator || carolP.UserID != carolU.ID {
				t.Errorf("carol after the override = %+v, want operator", carolP)
			}
			e.must(200, "PUT", "/api/v1/users/"+who.UserID+"/role", idToken(p, "alice"), domain.SetRoleRequest{Role: domain.RoleViewer}, nil)
			e.must(200, "GET", "/api/v1/whoami", bob, nil, &who)
			if who.Role != domain.RoleViewer {
				t.Errorf("bob overridden to viewer acts as %s", who.Role)
			}
			e.must(200, "PUT", "/api/v1/users/"+who.UserID+"/role", e.admin, domain.SetRoleRequest{}, nil)
			e.must(200, "GET", "/api/v1/whoami", bob, nil, &who)
			if who.Role != domain.RoleOperator {
				t.Errorf("bob without the override acts as %s, want operator again", who.Role)
			}
			// His groups change at the provider: his next token says so,
			// he stays the same user, and the change is audited.
			sub, _ := p.IDClaims(oidctest.CLIClientID, "bob")["sub"].(string)
			p.AddUser(oidctest.User{Username: "bob", Subject: sub, Name: "Bob Ops", Email: "bob@example.com", Groups: []string{"staff"}})
			e.must(200, "GET", "/api/v1/whoami", idToken(p, "bob"), nil, &who)
			if who.Role != domain.RoleViewer || who.UserID != byName["Bob Ops"].ID {
				t.Errorf("bob, no longer in ops = %+v, want the same user as viewer", who)
			}
			for _, bad := range []struct {
				id   string
				role domain.Role
				want int
			}{{carolU.ID, "root", 400}, {"u-nobody", domain.RoleAdmin, 404}} {
				if code, apiErr := e.call("PUT", "/api/v1/users/"+bad.id+"/role", e.admin, domain.SetRoleRequest{Role: bad.role}, nil); code != bad.want {
					t.Errorf("set-role %s %s: %d %+v, want %d", bad.id, bad.role, code, apiErr, bad.want)
				}
			}

			var page domain.AuditPage
			e.must(200, "GET", "/api/v1/audit?limit=500", e.admin, nil, &page)
			seen := map[string]bool{}
			for _, ev := range page.Events {
				switch {
				case ev.Action == "plan.approve" && ev.Outcome == domain.OutcomeOK:
					seen["approve"] = ev.ActorName == "Bob Ops" && ev.ActorRole == domain.RoleOperator && ev.ActorID == byName["Bob Ops"].ID
				case ev.Action == "user.provision" && ev.Subject == carolU.ID:
					seen["provision"] = ev.ActorName == "carol" && ev.ActorRole == ""
				case ev.Action == "user.role" && ev.Subject == carolU.ID && ev.Outcome == domain.OutcomeOK:
					seen["role"] = ev.Detail["role"] == "operator"
				case ev.Action == "user.role" && ev.Outcome == domain.OutcomeRefused:
					seen["refused"] = ev.ActorName == "Bob Ops"
				case ev.Action == "user.profile":
					seen["profile"] = ev.Subject == who.UserID && ev.Detail["previous_role"] == "operator" && ev.Detail["role"] == "viewer"
				}
			}
			for _, what := range []string{"approve", "provision", "role", "refused", "profile"} {
				if !seen[what] {
					t.Errorf("no audit event for %s naming its actor, in %+v", what, page.Events)
				}
			}
		})
	}
}

// TestOIDCRefusals sends each kind of bad token through the API: each is
// answered 401, like a bad local token, and provisions nobody.
func TestOIDCRefusals(t *testing.T) {
	p, settings := sso(t)
	e := newEnv(t, "sqlite", "", daemon.WithOIDC(settings))
	bob := func(change func(map[string]any)) map[string]any { return claims(p, change) }
	now := time.Now()
	good := idToken(p, "bob")
	dot := strings.LastIndex(good, ".")
	sig := []byte(good[dot+1:])
	sig[5] = map[bool]byte{true: 'B', false: 'A'}[sig[5] == 'A']
	tests := []struct {
		name, token, says string
	}{
		{"alg none", p.Token(bob(func(map[string]any) {}), oidctest.Forge{Alg: "none"}), "signing algorithm not allowed"},
		{"HS256 keyed with the public key", p.Token(bob(func(map[string]any) {}), oidctest.Forge{Alg: "HS256", Key: p.PublicKeyPEM()}), "signing algorithm not allowed"},
		{"wrong issuer", p.Token(bob(func(c map[string]any) { c["iss"] = "https://idp.example.com" }), oidctest.Forge{}), "wrong issuer"},
		{"another client's token", p.Token(bob(func(c map[string]any) { c["aud"], c["azp"] = []string{"grafana"}, "grafana" }), oidctest.Forge{}), "not issued to Wingman"},
		{"expired", p.Token(bob(func(c map[string]any) {
			c["iat"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-10*time.Minute).Unix()
		}), oidctest.Forge{}), "token expired"},
		{"not before in the future", p.Token(bob(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() }), oidctest.Forge{}), "not valid yet"},
		{"tampered signature", good[:dot+1] + string(sig), "signature not verified"},
		{"unknown key id", p.Token(bob(func(map[string]any) {}), oidctest.Forge{KeyID: "no-such-key"}), "signature not verified"},
		{"access token", p.Token(bob(func(c map[string]any) { c["scope"] = "openid" }), oidctest.Forge{Type: "at+jwt"}), "not an ID token"},
		{"garbage", "not-a-jwt", "malformed token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.url+"/api/v1/whoami", nil)
			req.Header.Set("Authorization", "Bearer "+tt.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatalf("%s: %d, want 401 with WWW-Authenticate", tt.name, resp.StatusCode)
			}
			code, apiErr := e.call("GET", "/api/v1/whoami", tt.token, nil, nil)
			if code != 401 || apiErr.Code != domain.CodeUnauthenticated || !strings.Contains(apiErr.Message, tt.says) {
				t.Errorf("%d %+v, want 401 saying %q", code, apiErr, tt.says)
			}
		})
	}
	var users []domain.User
	e.must(200, "GET", "/api/v1/users", e.admin, nil, &users)
	if len(users) != 0 {
		t.Errorf("refused tokens provisioned %+v", users)
	}
}

// TestOIDCProviderDown: a token that may well be good, while the
// provider cannot be reached, is answered 503, not 401, and local tokens
// still work.
func TestOIDCProviderDown(t *testing.T) {
	p, settings := sso(t)
	settings.IssuerURL = "http://127.0.0.1:1"
	e := newEnv(t, "sqlite", "", daemon.WithOIDC(settings))
	tok := p.Token(claims(p, func(c map[string]any) { c["iss"] = settings.IssuerURL }), oidctest.Forge{})
	code, apiErr := e.call("GET", "/api/v1/whoami", tok, nil, nil)
	if code != 503 || apiErr.Code != domain.CodeUnavailable || !strings.Contains(apiErr.Message, "provider not reachable") {
		t.Errorf("provider down: %d %+v, want 503", code, apiErr)
	}
	e.must(200, "GET", "/api/v1/whoami", e.admin, nil, nil)
}

// claims are those of bob's good ID token, changed by change.
func claims(p *oidctest.Provider, change func(map[string]any)) map[string]any {
	c := p.IDClaims(oidctest.CLIClientID, "bob")
	change(c)
	return c
}

// TestAuthConfigWithoutOIDC tells wingctl that only local tokens work.
func TestAuthConfigWithoutOIDC(t *testing.T) {
	e := newEnv(t, "sqlite", "")
	var ac domain.AuthConfig
	e.must(200, "GET", "/api/v1/auth/config", "", nil, &ac)
	if ac.OIDC || ac.Issuer != "" {
		t.Errorf("auth config = %+v, want OIDC off", ac)
	}
	if code, _ := e.call("GET", "/api/v1/whoami", idTokenLike, nil, nil); code != 401 {
		t.Errorf("an ID token without OIDC: %d, want 401", code)
	}
}

// idTokenLike is shaped like a JWT; without single sign-on it is just an
// unknown token.
const idTokenLike = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"

// The login page, and the test playing the browser.

package oidctest

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// loginPath serves the login page every authorization request is sent to.
const loginPath = "/login"

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<title>Sign in</title>
<form method="post" action="` + loginPath + `">
<input type="hidden" name="id" value="{{.ID}}">
<p>{{.Error}}</p>
<label>Username <input name="username" autofocus></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button>
</form>
`))

// serveLogin shows the login form (GET) and completes the authorization
// request with the user it names (POST), sending the browser back to op.
func (p *Provider) serveLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.Form.Get("id")
	if r.Method == http.MethodPost {
		err := p.st.login(id, r.PostForm.Get("username"), r.PostForm.Get("password"))
		if err == nil {
			ctx := op.ContextWithIssuer(r.Context(), p.Issuer)
			http.Redirect(w, r, op.AuthCallbackURL(p.op)(ctx, id), http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		loginPage.Execute(w, struct{ ID, Error string }{id, err.Error()})
		return
	}
	loginPage.Execute(w, struct{ ID, Error string }{id, ""})
}

// Login plays the browser in an authorization-code flow: it opens authURL,
// signs in at the login form as username, and follows the provider's
// redirects. It returns the redirect to the client's redirect_uri, with
// its code and state (or error), without following it: a test of a
// loopback login GETs it to reach the waiting client.
func (p *Provider) Login(ctx context.Context, authURL, username string) (*url.URL, error) {
	p.st.mu.Lock()
	password := p.st.users[username].Password
	p.st.mu.Unlock()
	browser := &http.Client{
		Transport:     p.srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, fmt.Errorf("oidctest: login: %w", err)
	}
	for range 10 {
		resp, err := browser.Do(req)
		if err != nil {
			return nil, fmt.Errorf("oidctest: login: %w", err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("oidctest: login: %s %s answered %s: %s", req.Method, req.URL, resp.Status, body)
		}
		next, err := resp.Location()
		if err != nil {
			return nil, fmt.Errorf("oidctest: login: %w", err)
		}
		if !strings.HasPrefix(next.String(), p.Issuer+"/") {
			return next, nil
		}
		if next.Path == loginPath {
			form := url.Values{"id": {next.Query().Get("id")}, "username": {username}, "password": {password}}
			req, err = http.NewRequestWithContext(ctx, http.MethodPost, next.String(), strings.NewReader(form.Encode()))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		} else {
			req, err = http.NewRequestWithContext(ctx, http.MethodGet, next.String(), nil)
		}
		if err != nil {
			return nil, fmt.Errorf("oidctest: login: %w", err)
		}
	}
	return nil, fmt.Errorf("oidctest: login: more than 10 redirects from %s", authURL)
}

package logout

import (
	"path/filepath"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
)

func TestLogoutRun(t *testing.T) {
	if _, err := apitest.ParseOptions(output.Table, NewCmdLogout, "now"); err == nil {
		t.Error("an argument was accepted")
	}
	f, _, errOut := apitest.NewFactory("https://wingman.lan", "", output.Table)
	dir := t.TempDir()
	f.Getenv = func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] }
	creds := sso.Credentials{Path: filepath.Join(dir, "wingman", sso.CredentialsFile)}
	for _, server := range []string{"https://wingman.lan", "https://other.lan"} {
		if err := creds.Put(server, sso.Login{IDToken: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"Logged out of https://wingman.lan.\n", "Not logged in to https://wingman.lan.\n"} {
		errOut.Reset()
		if err := apitest.Run(NewCmdLogout(f, nil), ""); err != nil {
			t.Fatal(err)
		}
		if errOut.String() != want {
			t.Errorf("errOut = %q, want %q", errOut, want)
		}
	}
	if _, ok, _ := creds.Get("https://other.lan"); !ok {
		t.Error("the login to another server was forgotten too")
	}
}

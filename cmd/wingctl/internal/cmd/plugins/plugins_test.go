package plugins

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

func TestFlagsToOptions(t *testing.T) {
	if got, err := apitest.ParseOptions(output.Table, NewCmdInstall, "container-restart --force"); err != nil || got.ID != "container-restart" || !got.Force {
		t.Errorf("install options = %+v, %v", got, err)
	}
	if got, err := apitest.ParseOptions(output.Table, NewCmdUpdate, "a b"); err != nil || len(got.IDs) != 2 || got.Force {
		t.Errorf("update options = %+v, %v", got, err)
	}
	if got, err := apitest.ParseOptions(output.Table, NewCmdSearch, "docker logs"); err != nil || got.Query != "docker logs" {
		t.Errorf("search options = %+v, %v", got, err)
	}
	if got, err := apitest.ParseOptions(output.Table, NewCmdSign, "dir --key k.key"); err != nil || got.Dir != "dir" || got.Key != "k.key" {
		t.Errorf("sign options = %+v, %v", got, err)
	}
	for _, bad := range []struct {
		name string
		err  error
	}{
		{"install without id", run(NewCmdInstall, "")},
		{"verify two ids", run(NewCmdVerify, "a b")},
		{"sign without key", run(NewCmdSign, "dir")},
		{"keygen without out", run(NewCmdKeygen, "")},
	} {
		if cmdutil.ExitCode(bad.err) != cmdutil.ExitUsage {
			t.Errorf("%s: %v, want a usage error", bad.name, bad.err)
		}
	}
}

func run[O any](newCmd apitest.NewCmdFunc[O], args string) error {
	_, err := apitest.ParseOptions(output.Table, newCmd, args)
	return err
}

func TestListRun(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/plugins", apitest.JSON(http.StatusOK, []domain.InstalledSkill{
		{SkillSummary: domain.SkillSummary{ID: "container-restart", Version: "1.0.0", TrustLevel: "verified",
			Actions: []string{"restart"}, Permissions: []string{"docker:read", "docker:restart"}}, Source: "community", Signer: "DE0DDD81A3FC3F1B (ci)"},
		{SkillSummary: domain.SkillSummary{ID: "docker-inventory", Version: "0.3.0", TrustLevel: "sandboxed",
			Actions: []string{"report"}, Permissions: []string{"docker:read"}}, Source: "community"},
	}))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdList, "")
	want := "ID                 VERSION  TRUST      SOURCE     ACTIONS  PERMISSIONS                 SIGNER\n" +
		"container-restart  1.0.0    verified   community  restart  docker:read,docker:restart  DE0DDD81A3FC3F1B (ci)\n" +
		"docker-inventory   0.3.0    sandboxed  community  report   docker:read                 -\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
}

func TestInstallRun(t *testing.T) {
	var req domain.InstallSkillRequest
	srv := apitest.Serve(t, "POST /api/v1/plugins", apitest.Capture(&req, apitest.JSON(http.StatusCreated, domain.InstalledSkill{
		SkillSummary: domain.SkillSummary{ID: "container-restart", Version: "1.0.0", TrustLevel: "verified", Permissions: []string{"docker:read"}},
		Source:       "community", Signer: "K (ci)"})))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdInstall, "container-restart")
	if req != (domain.InstallSkillRequest{ID: "container-restart"}) ||
		out.String() != "Installed container-restart 1.0.0 (verified, signed by K (ci); permissions docker:read)\n" {
		t.Errorf("request %+v, out %q", req, out)
	}

	srv = apitest.Serve(t, "POST /api/v1/plugins", apitest.Error(http.StatusForbidden, domain.CodePolicy, "claims-trusted claims trust_level: trusted"))
	f, _, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdInstall(f, nil), "claims-trusted")
	if !errors.Is(err, domain.ErrPolicy) || cmdutil.ExitCode(err) != cmdutil.ExitPolicy {
		t.Errorf("refused install = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
}

func TestVerifyRunFails(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/plugins/verify", apitest.JSON(http.StatusOK, []domain.SkillVerification{
		{ID: "a", Version: "1.0.0", Source: "community", TrustLevel: "verified", OK: true, Signer: "K"},
		{ID: "b", Source: "community", Problem: "skill.py changed"},
	}))
	f, out, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdVerify(f, nil), "")
	if err == nil || cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(out.String(), "FAILED: skill.py changed") {
		t.Errorf("verify = %v, out:\n%s", err, out)
	}
}

// keygen then sign, as a maintainer does: the signature verifies against
// the keyring entry keygen printed.
func TestKeygenAndSign(t *testing.T) {
	dir := t.TempDir()
	f, out, _ := apitest.NewFactory("http://unused", "", output.Table)
	if err := apitest.Run(NewCmdKeygen(f, nil), "--out "+filepath.Join(dir, "me")); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Fatalf("keygen without a password = %v, want a usage error", err)
	}
	if err := apitest.Run(NewCmdKeygen(f, nil), "--no-password --name me --out "+filepath.Join(dir, "me")); err != nil {
		t.Fatal(err)
	}
	if err := apitest.Run(NewCmdKeygen(f, nil), "--no-password --out "+filepath.Join(dir, "me")); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Fatalf("second keygen = %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, "me.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", info.Mode(), err)
	}
	keys, err := signature.ParseKeyring([]byte("keys:\n"+out.String()), "printed")
	if err != nil {
		t.Fatalf("the printed entry is not a keyring entry: %v\n%s", err, out)
	}

	skill := filepath.Join(dir, "skill")
	if err := os.CopyFS(skill, os.DirFS(filepath.Join(skilltest.Testdata(), "registry", "plugins", "docker-inventory"))); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := apitest.NewFactory("http://unused", "", output.Table)
	if err := apitest.Run(NewCmdSign(f, nil), skill+" --key "+filepath.Join(dir, "me.key")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "Signed docker-inventory 0.3.0 (3 files)") {
		t.Errorf("sign said %q", errOut)
	}
	b, err := bundle.ReadDir(skill)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Verify(b, "docker-inventory", "0.3.0"); err != nil {
		t.Fatalf("Verify = %v", err)
	}
}

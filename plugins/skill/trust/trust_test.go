package trust

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

func TestAdmit(t *testing.T) {
	keys, err := signature.LoadKeyring("../../../testdata/registry-keys/keyring.yaml")
	if err != nil {
		t.Fatal(err)
	}
	read := func(id string) bundle.Bundle {
		b, err := bundle.ReadDir(filepath.Join("../../../testdata/registry/plugins", id))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		id     string
		source Source
		trust  manifest.Trust // "" when refused
		want   string
	}{
		{"container-restart", Community, manifest.Verified, ""},
		{"container-restart", Local, manifest.Verified, ""},
		{"docker-inventory", Community, manifest.Sandboxed, ""},
		{"claims-trusted", Community, "", "claims trust_level: trusted, which only skills shipped with Wingman"},
		{"claims-trusted", Local, "", "claims trust_level: trusted"},
		{"claims-trusted", Core, manifest.Trusted, ""},
		{"container-restart", Core, "", "a core skill must say trust_level: trusted"},
		{"tampered-restart", Community, "", "skill.py changed"},
		{"revoked-signer", Community, "", "revoked"},
		{"stranger-signed", Community, "", "not pinned"},
	}
	for _, tt := range tests {
		t.Run(tt.id+" from "+string(tt.source), func(t *testing.T) {
			a, err := Admit(read(tt.id), tt.source, keys)
			if tt.trust == "" {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("Admit = %v, want a refusal saying %q", err, tt.want)
				}
				return
			}
			if err != nil || a.Manifest.TrustLevel != tt.trust || a.Source != tt.source {
				t.Fatalf("Admit = %+v, %v", a, err)
			}
			if (tt.trust == manifest.Verified) != (a.Signer != nil) {
				t.Errorf("signer = %v", a.Signer)
			}
		})
	}
}

// Package trust decides whether a skill may be loaded, and at which trust
// level, from where it came and what signs it. The same rules run on the
// control plane when a skill is installed and on every worker before it
// loads one, so a worker never relies on the control plane's word:
//
//   - core (shipped with Wingman, skills/core): must say trusted; may use
//     every permission.
//   - community (the marketplace) and local (the user's own): may never
//     say trusted. verified needs a signature by a pinned, unrevoked
//     maintainer key over exactly these files, this id and this version.
//     sandboxed needs none, but a signature it carries must verify, and
//     its permissions must only read.
package trust

import (
	"errors"
	"fmt"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// Source is where a skill came from, which caps the trust it may have.
type Source string

// Sources, as the folders under skills/ are named.
const (
	Core      Source = "core"
	Community Source = "community"
	Local     Source = "local"
)

// ErrRefused is wrapped by every refusal of Admit.
var ErrRefused = errors.New("skill refused")

// Admitted is a skill that passed.
type Admitted struct {
	Manifest *manifest.Manifest
	Source   Source
	// Signer is the key that signed it, for verified skills (and for a
	// sandboxed one that carries a good signature).
	Signer *signature.Key
}

// Admit checks b as a skill from source, with keys the pinned maintainer
// keys. The error names the skill and the reason.
func Admit(b bundle.Bundle, source Source, keys *signature.Keyring) (Admitted, error) {
	m, err := b.Manifest()
	if err != nil {
		return Admitted{}, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	a := Admitted{Manifest: m, Source: source}
	refuse := func(format string, args ...any) (Admitted, error) {
		return Admitted{}, fmt.Errorf("%w: %s %s from %s: %s", ErrRefused, m.ID, m.Version, source, fmt.Sprintf(format, args...))
	}
	switch source {
	case Core:
		if m.TrustLevel != manifest.Trusted {
			return refuse("a core skill must say trust_level: trusted, not %s", m.TrustLevel)
		}
		return a, nil
	case Community, Local:
	default:
		return refuse("unknown source")
	}
	if m.TrustLevel == manifest.Trusted {
		return refuse("it claims trust_level: trusted, which only skills shipped with Wingman (skills/core) have")
	}
	_, signed := b.File(signature.FileName)
	if m.TrustLevel == manifest.Sandboxed && !signed {
		return a, nil
	}
	key, err := keys.Verify(b, m.ID, m.Version)
	if err != nil {
		return refuse("%v", err)
	}
	a.Signer = &key
	return a, nil
}

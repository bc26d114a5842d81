// Package signature signs and verifies skills. A skill's signature.sig
// holds a canonical list (the plugin's id and version, then the SHA-256 of
// every other file in the skill, sorted by path) followed by a minisign
// signature (Ed25519, aead.dev/minisign) of exactly that list. Verifying
// checks the signature against maintainer keys pinned in configuration,
// refuses revoked keys, and then compares the list with the files at hand,
// so that a changed byte, a missing file or an extra one is named.
package signature

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// FileName is the signature's name in a skill's folder; it is the one
// file the list does not cover.
const FileName = "signature.sig"

// listHeader starts every list; a later format changes it.
const listHeader = "wingman-skill-files v1"

// List is what a signature signs.
type List struct {
	ID      string
	Version string
	// Files are SHA-256 digests by path, every file of the skill but the
	// signature.
	Files map[string][32]byte
}

// ListOf makes the list of b, which names itself id at version.
func ListOf(id, version string, b bundle.Bundle) List {
	l := List{ID: id, Version: version, Files: map[string][32]byte{}}
	for _, name := range b.Names() {
		if name == FileName {
			continue
		}
		l.Files[name], _ = b.Digest(name)
	}
	return l
}

// Text is the canonical form that is signed:
//
//	wingman-skill-files v1
//	id container-restart
//	version 1.2.0
//	sha256 <64 hex digits> manifest.yaml
//	sha256 <64 hex digits> skill.py
//
// one line each, files sorted by path (bytewise), every line ending in \n.
func (l List) Text() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nid %s\nversion %s\n", listHeader, l.ID, l.Version)
	for _, n := range slices.Sorted(maps.Keys(l.Files)) {
		d := l.Files[n]
		fmt.Fprintf(&b, "sha256 %s %s\n", hex.EncodeToString(d[:]), n)
	}
	return b.Bytes()
}

// parseList reads a list in the form Text writes, and nothing else: a
// list that would not be written the same way again is refused, so there
// is one text for one list.
func parseList(text []byte) (List, error) {
	l := List{Files: map[string][32]byte{}}
	sc := bufio.NewScanner(bytes.NewReader(text))
	line := 0
	var prev string
	for sc.Scan() {
		line++
		s := sc.Text()
		switch {
		case line == 1:
			if s != listHeader {
				return l, fmt.Errorf("line 1: %q is not %q", s, listHeader)
			}
		case line == 2:
			id, ok := strings.CutPrefix(s, "id ")
			if !ok || id == "" {
				return l, fmt.Errorf("line 2: want \"id <plugin id>\"")
			}
			l.ID = id
		case line == 3:
			v, ok := strings.CutPrefix(s, "version ")
			if !ok || v == "" {
				return l, fmt.Errorf("line 3: want \"version <version>\"")
			}
			l.Version = v
		default:
			hexDigest, name, ok := strings.Cut(strings.TrimPrefix(s, "sha256 "), " ")
			var d [32]byte
			n, err := hex.Decode(d[:], []byte(hexDigest))
			if !ok || !strings.HasPrefix(s, "sha256 ") || err != nil || n != 32 || len(hexDigest) != 64 {
				return l, fmt.Errorf("line %d: want \"sha256 <64 hex digits> <path>\"", line)
			}
			if err := manifest.CheckPath(name); err != nil {
				return l, fmt.Errorf("line %d: %w", line, err)
			}
			if name <= prev {
				return l, fmt.Errorf("line %d: %s is out of order or listed twice", line, name)
			}
			prev = name
			l.Files[name] = d
		}
	}
	if line < 3 {
		return l, fmt.Errorf("the list ends after %d lines, before its id and version", line)
	}
	if !bytes.Equal(l.Text(), text) {
		return l, fmt.Errorf("the list is not in canonical form (lowercase hex, one space, \\n line ends)")
	}
	return l, nil
}

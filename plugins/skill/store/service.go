// Service: the marketplace and the store behind the API's interface
// (core/api.Skills), with errors mapped to the domain's sentinels.

package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/wingman-dev/wingman/core/domain"
	corestore "github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
	"github.com/wingman-dev/wingman/plugins/skill/marketplace"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
	"github.com/wingman-dev/wingman/plugins/skill/trust"
)

// MaxReadme caps the README shown by Info.
const MaxReadme = 256 << 10

// Service is what wingmand's API calls for plugins.
type Service struct {
	Store   *Store
	Market  *marketplace.Client
	Enabled bool
	Log     *slog.Logger
}

// NewService opens the store, its marketplace skills in db and its local
// ones under dataDir/skills, and the registry cfg names.
func NewService(db corestore.Store, dataDir string, cfg Config, log *slog.Logger) (*Service, error) {
	keys, err := signature.LoadKeyring(cfg.KeysFile)
	if err != nil {
		return nil, err
	}
	root := filepath.Join(dataDir, "skills")
	st, err := Open(db, root, keys)
	if err != nil {
		return nil, err
	}
	// Marketplace skills were kept in this folder before they moved to
	// the database; nothing reads it now, and an admin who upgraded must
	// learn why they are gone.
	if old, err := os.ReadDir(filepath.Join(root, string(trust.Community))); err == nil && len(old) > 0 {
		log.Warn("marketplace skills now live in the database; the folder of earlier versions is not read: install its skills again",
			"folder", filepath.Join(root, string(trust.Community)))
	}
	mc, err := marketplace.New(cfg.Repo, nil)
	if err != nil {
		return nil, err
	}
	return &Service{Store: st, Market: mc, Enabled: cfg.Enabled, Log: log}, nil
}

// index reads the registry's index, when the marketplace is on.
func (s *Service) index(ctx context.Context) (marketplace.Index, error) {
	if !s.Enabled {
		return marketplace.Index{}, fmt.Errorf("the plugin marketplace is off on this server (set MARKETPLACE_ENABLED=true): %w", domain.ErrPolicy)
	}
	ix, err := s.Market.Index(ctx)
	if err != nil {
		return ix, mapErr(err)
	}
	return ix, nil
}

// mapErr turns the store's, the marketplace's and trust's errors into the
// domain's.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, marketplace.ErrNotFound), errors.Is(err, ErrNotInstalled):
		return fmt.Errorf("%w: %w", domain.ErrNotFound, err)
	case errors.Is(err, trust.ErrRefused), errors.Is(err, marketplace.ErrBadEntry):
		return fmt.Errorf("%w: %w", domain.ErrPolicy, err)
	case errors.Is(err, ErrRollback), errors.Is(err, ErrTaken):
		return fmt.Errorf("%w: %w", domain.ErrConflict, err)
	case errors.Is(err, errDatabase):
		// Not the registry's timeout, and not the client's to read: the
		// API answers an internal error and logs this one.
		return err
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the plugin registry did not answer: %w: %w", domain.ErrUnavailable, err)
	}
	return err
}

// Search lists the registry's plugins matching query.
func (s *Service) Search(ctx context.Context, query string) ([]domain.MarketplaceSkill, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	installed, err := s.installedVersions(ctx)
	if err != nil {
		return nil, err
	}
	var out []domain.MarketplaceSkill
	for _, e := range ix.Search(query) {
		out = append(out, listing(e, installed))
	}
	return out, nil
}

// installedVersions maps each installed skill that passes its checks to
// its version: one read of the store for a whole listing.
func (s *Service) installedVersions(ctx context.Context) (map[string]string, error) {
	ok, _, err := s.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ok))
	for _, in := range ok {
		out[in.Manifest.ID] = in.Manifest.Version
	}
	return out, nil
}

func listing(e marketplace.Entry, installed map[string]string) domain.MarketplaceSkill {
	return domain.MarketplaceSkill{ID: e.ID, Name: e.Name, Version: e.Version, Author: e.Author, Description: e.Description,
		TrustLevel: string(e.TrustLevel), Permissions: permStrings(e.Permissions), Signed: slices.Contains(e.Files, signature.FileName),
		Installed: installed[e.ID]}
}

// Info describes one plugin of the registry, with its README.
func (s *Service) Info(ctx context.Context, id string) (domain.MarketplaceSkillInfo, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return domain.MarketplaceSkillInfo{}, err
	}
	e, err := ix.Find(id)
	if err != nil {
		return domain.MarketplaceSkillInfo{}, mapErr(err)
	}
	installed, err := s.installedVersions(ctx)
	if err != nil {
		return domain.MarketplaceSkillInfo{}, err
	}
	info := domain.MarketplaceSkillInfo{MarketplaceSkill: listing(e, installed), Files: e.Files, Source: s.Market.Base() + "plugins/" + e.ID + "/"}
	if slices.Contains(e.Files, "README.md") {
		readme, err := s.Market.File(ctx, e.ID, "README.md", MaxReadme)
		if err != nil {
			return info, mapErr(err)
		}
		info.Readme = string(readme)
	}
	return info, nil
}

// Install fetches id from the registry, checks it and installs it.
func (s *Service) Install(ctx context.Context, id string, force bool) (domain.InstalledSkill, error) {
	in, _, _, err := s.fetchInstall(ctx, id, force)
	return in, err
}

// fetchInstall fetches id from the registry and installs it; it reports
// the version it found installed and whether it wrote.
func (s *Service) fetchInstall(ctx context.Context, id string, force bool) (domain.InstalledSkill, string, bool, error) {
	if !marketplace.ValidID(id) {
		return domain.InstalledSkill{}, "", false, fmt.Errorf("%q is not a plugin id: %w", id, domain.ErrInvalid)
	}
	ix, err := s.index(ctx)
	if err != nil {
		return domain.InstalledSkill{}, "", false, err
	}
	e, err := ix.Find(id)
	if err != nil {
		return domain.InstalledSkill{}, "", false, mapErr(err)
	}
	b, err := s.Market.Fetch(ctx, e)
	if err != nil {
		return domain.InstalledSkill{}, "", false, mapErr(err)
	}
	in, previous, wrote, err := s.Store.Install(ctx, b, force)
	if err != nil {
		return domain.InstalledSkill{}, previous, false, mapErr(err)
	}
	if wrote {
		s.Log.Info("skill installed", "skill", id, "version", in.Manifest.Version, "trust", in.Manifest.TrustLevel,
			"replaced", previous, "signer", signer(in))
	}
	return installed(in), previous, wrote, nil
}

// Update installs the registry's version of an installed community skill
// when it differs; an older one needs force.
func (s *Service) Update(ctx context.Context, id string, force bool) (domain.SkillUpdate, error) {
	cur, err := s.Store.Get(ctx, id)
	if err != nil {
		return domain.SkillUpdate{ID: id}, mapErr(err)
	}
	if cur.Source != trust.Community {
		return domain.SkillUpdate{ID: id}, fmt.Errorf("%s is a local skill; the marketplace does not update it: %w", id, domain.ErrConflict)
	}
	up := domain.SkillUpdate{ID: id, From: cur.Manifest.Version}
	in, _, wrote, err := s.fetchInstall(ctx, id, force)
	if err != nil {
		return up, err
	}
	// Updated only when this call wrote: the same version installed by
	// another replica meanwhile (automatic updates run on each) is not
	// an update of this one's, and is not audited twice.
	up.To, up.Skill, up.Updated = in.Version, in, wrote
	return up, nil
}

// Remove removes an installed community skill.
func (s *Service) Remove(ctx context.Context, id string) (domain.InstalledSkill, error) {
	in, err := s.Store.Remove(ctx, id)
	if err != nil {
		return domain.InstalledSkill{SkillSummary: domain.SkillSummary{ID: id}}, mapErr(err)
	}
	if in.Manifest == nil {
		return domain.InstalledSkill{SkillSummary: domain.SkillSummary{ID: id}, Source: string(trust.Community)}, nil
	}
	return installed(in), nil
}

// List returns the installed skills that pass their checks; Verify shows
// the others.
func (s *Service) List(ctx context.Context) ([]domain.InstalledSkill, error) {
	ok, _, err := s.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.InstalledSkill, 0, len(ok))
	for _, in := range ok {
		out = append(out, installed(in))
	}
	return out, nil
}

// Verify checks the installed skill id, or every one when id is empty,
// against its stored files and the pinned keys.
func (s *Service) Verify(ctx context.Context, id string) ([]domain.SkillVerification, error) {
	if id != "" {
		in, err := s.Store.Get(ctx, id)
		if errors.Is(err, ErrNotInstalled) || errors.Is(err, errDatabase) {
			return nil, mapErr(err)
		}
		if err != nil {
			return []domain.SkillVerification{{ID: id, Problem: err.Error()}}, nil
		}
		return []domain.SkillVerification{verification(in)}, nil
	}
	ok, broken, err := s.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []domain.SkillVerification
	for _, in := range ok {
		out = append(out, verification(in))
	}
	for _, b := range broken {
		out = append(out, domain.SkillVerification{ID: b.ID, Source: string(b.Source), Problem: b.Err.Error()})
	}
	return out, nil
}

// Bundles are the installed skills that pass their checks, every file
// included, for workers.
func (s *Service) Bundles(ctx context.Context) ([]domain.SkillBundle, error) {
	ok, broken, err := s.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range broken {
		s.Log.Warn("installed skill fails its checks; not served to workers", "skill", b.ID, "source", b.Source, "err", b.Err)
	}
	out := make([]domain.SkillBundle, 0, len(ok))
	for _, in := range ok {
		out = append(out, domain.SkillBundle{ID: in.Manifest.ID, Version: in.Manifest.Version, Source: string(in.Source),
			Files: in.Bundle.Files()})
	}
	return out, nil
}

// CheckAction vets a plan's action that names an installed skill: the
// skill must not be sandboxed, must offer the action, and the action may
// not claim a smaller blast radius than the skill's manifest.
func (s *Service) CheckAction(tx corestore.Tx, a domain.Action) error {
	in, err := s.Store.GetIn(tx, a.Plugin)
	if errors.Is(err, ErrNotInstalled) {
		return nil // not a skill: a built-in plugin, checked by its worker
	}
	if errors.Is(err, errDatabase) {
		return fmt.Errorf("check skill %s: %w", a.Plugin, err)
	}
	if err != nil {
		return fmt.Errorf("skill %s fails its checks, so none of its actions may be planned: %v: %w", a.Plugin, err, domain.ErrPolicy)
	}
	m := in.Manifest
	switch {
	case m.TrustLevel == manifest.Sandboxed:
		return fmt.Errorf("skill %s is sandboxed (unsigned): its actions can never run nor be part of a plan: %w", m.ID, domain.ErrPolicy)
	case !m.HasAction(a.Action):
		return fmt.Errorf("skill %s has no action %q (its actions: %v): %w", m.ID, a.Action, m.ActionNames(), domain.ErrInvalid)
	case m.BlastRadius.MutatesState && !a.BlastRadius.MutatesState:
		return fmt.Errorf("skill %s mutates state, but the action's blast_radius says it does not: %w", m.ID, domain.ErrInvalid)
	case !m.BlastRadius.Reversible && a.BlastRadius.Reversible:
		return fmt.Errorf("skill %s is not reversible, but the action's blast_radius says it is: %w", m.ID, domain.ErrInvalid)
	}
	return nil
}

func installed(in Installed) domain.InstalledSkill {
	m := in.Manifest
	return domain.InstalledSkill{SkillSummary: summary(m), Source: string(in.Source), Signer: signer(in), InstalledAt: in.InstalledAt}
}

func summary(m *manifest.Manifest) domain.SkillSummary {
	return domain.SkillSummary{ID: m.ID, Name: m.Name, Version: m.Version, Author: m.Author, Description: m.Description,
		TrustLevel: string(m.TrustLevel), Permissions: permStrings(m.Permissions), Actions: m.ActionNames(), BlastRadius: m.BlastRadius}
}

func verification(in Installed) domain.SkillVerification {
	return domain.SkillVerification{ID: in.Manifest.ID, Version: in.Manifest.Version, Source: string(in.Source),
		TrustLevel: string(in.Manifest.TrustLevel), OK: true, Signer: signer(in)}
}

func signer(in Installed) string {
	if in.Signer == nil {
		return ""
	}
	return in.Signer.ID + " (" + in.Signer.Name + ")"
}

func permStrings(ps []manifest.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

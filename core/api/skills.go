// The plugin (skill) endpoints: the marketplace, the installed set, and the skills workers fetch.

package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Skills is the plugin marketplace and the set of installed skills, as the
// API needs them. plugins/skill/store implements it and cmd/wingmand wires
// it in, so that core does not import plugins. Errors wrap the domain's
// sentinels: ErrNotFound, ErrPolicy (a refused skill, or the marketplace
// switched off), ErrConflict (an older version without force),
// ErrUnavailable (the registry did not answer).
type Skills interface {
	Search(ctx context.Context, query string) ([]domain.MarketplaceSkill, error)
	Info(ctx context.Context, id string) (domain.MarketplaceSkillInfo, error)
	Install(ctx context.Context, id string, force bool) (domain.InstalledSkill, error)
	Update(ctx context.Context, id string, force bool) (domain.SkillUpdate, error)
	Remove(ctx context.Context, id string) (domain.InstalledSkill, error)
	List(ctx context.Context) ([]domain.InstalledSkill, error)
	// Verify checks the installed skill id, or all of them when id is "".
	Verify(ctx context.Context, id string) ([]domain.SkillVerification, error)
	// Bundles are the installed skills as workers fetch them.
	Bundles(ctx context.Context) ([]domain.SkillBundle, error)
	// CheckAction vets an action of a proposed plan that names a skill:
	// refused when the skill is sandboxed, lacks the action, or has a
	// wider blast radius than the action claims. Actions of other plugins
	// pass.
	CheckAction(tx store.Tx, a domain.Action) error
}

// skills returns the configured Skills, or an error when wingmand runs
// without them.
func (s *Server) skills() (Skills, error) {
	if s.Skills == nil {
		return nil, fmt.Errorf("this server has no plugin store: %w", domain.ErrUnavailable)
	}
	return s.Skills, nil
}

// skillRead answers a read of the skills for a viewer or better.
func skillRead[T any](s *Server, w http.ResponseWriter, p domain.Principal, read func(Skills) (T, error)) error {
	if err := auth.Require(p, domain.RoleViewer); err != nil {
		return err
	}
	sk, err := s.skills()
	if err != nil {
		return err
	}
	out, err := read(sk)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) searchSkills(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return skillRead(s, w, p, func(sk Skills) ([]domain.MarketplaceSkill, error) {
		return nonNil(sk.Search(r.Context(), r.URL.Query().Get("q")))
	})
}

func (s *Server) skillInfo(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return skillRead(s, w, p, func(sk Skills) (domain.MarketplaceSkillInfo, error) {
		return sk.Info(r.Context(), r.PathValue("id"))
	})
}

func (s *Server) listSkills(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return skillRead(s, w, p, func(sk Skills) ([]domain.InstalledSkill, error) {
		return nonNil(sk.List(r.Context()))
	})
}

func (s *Server) verifySkills(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	return skillRead(s, w, p, func(sk Skills) ([]domain.SkillVerification, error) {
		return nonNil(sk.Verify(r.Context(), r.URL.Query().Get("id")))
	})
}

// skillChange runs an admin's change to the installed skills and audits
// it, refused or done. The change runs outside any store transaction: it
// downloads, and a transaction must not wait on the network.
func (s *Server) skillChange(r *http.Request, p domain.Principal, action, subject string,
	change func(Skills) (detail map[string]any, err error)) error {
	if err := auth.Require(p, domain.RoleAdmin); err != nil {
		return s.refused(r.Context(), p, action, subject, err)
	}
	sk, err := s.skills()
	if err != nil {
		return err
	}
	detail, err := change(sk)
	if err != nil {
		return s.refused(r.Context(), p, action, subject, err)
	}
	return s.Store.Update(r.Context(), func(tx store.Tx) error {
		return tx.AppendAudit(&domain.AuditEvent{At: s.Now(), ActorKind: p.Kind, ActorID: p.UserID, ActorName: p.Name,
			ActorRole: p.Role, Action: action, Subject: subject, Outcome: domain.OutcomeOK, Detail: detail})
	})
}

func skillDetail(sk domain.InstalledSkill) map[string]any {
	return map[string]any{"version": sk.Version, "trust_level": sk.TrustLevel, "source": sk.Source, "signer": sk.Signer}
}

func (s *Server) installSkill(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.InstallSkillRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	var out domain.InstalledSkill
	err := s.skillChange(r, p, "plugin.install", req.ID, func(sk Skills) (map[string]any, error) {
		var err error
		out, err = sk.Install(r.Context(), req.ID, req.Force)
		d := skillDetail(out)
		d["force"] = req.Force
		return d, err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) updateSkill(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.UpdateSkillRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	id := r.PathValue("id")
	var out domain.SkillUpdate
	err := s.skillChange(r, p, "plugin.update", id, func(sk Skills) (map[string]any, error) {
		var err error
		out, err = sk.Update(r.Context(), id, req.Force)
		d := skillDetail(out.Skill)
		d["from"], d["updated"], d["force"] = out.From, out.Updated, req.Force
		return d, err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) removeSkill(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	id := r.PathValue("id")
	err := s.skillChange(r, p, "plugin.remove", id, func(sk Skills) (map[string]any, error) {
		gone, err := sk.Remove(r.Context(), id)
		return skillDetail(gone), err
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// workerSkills serves a worker the installed skills; it verifies each
// again with its own pinned keys before loading it.
func (s *Server) workerSkills(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.RequireWorker(p, ""); err != nil {
		return err
	}
	sk, err := s.skills()
	if err != nil {
		return err
	}
	out, err := nonNil(sk.Bundles(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

func (s *Server) approve(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.ApproveRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	resp, err := s.Approvals.Approve(r.Context(), p, r.PathValue("id"), req.Comment)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) reject(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.RejectRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	resp, err := s.Approvals.Reject(r.Context(), p, r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// adminChange runs an admin's change together with its audit event.
func (s *Server) adminChange(r *http.Request, p domain.Principal, action, subject string,
	change func(tx store.Tx) (detail map[string]any, err error)) error {
	if err := auth.Require(p, domain.RoleAdmin); err != nil {
		return s.refused(r.Context(), p, action, subject, err)
	}
	return s.Store.Update(r.Context(), func(tx store.Tx) error {
		detail, err := change(tx)
		if err != nil {
			return err
		}
		return tx.AppendAudit(&domain.AuditEvent{At: s.Now(), ActorKind: p.Kind, ActorID: p.UserID, ActorName: p.Name,
			ActorRole: p.Role, Action: action, Subject: subject, Outcome: domain.OutcomeOK, Detail: detail})
	})
}

func (s *Server) createWorker(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.CreateWorkerRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	if err := auth.ValidID(req.ID); err != nil {
		return err
	}
	var out domain.CreatedWorker
	err := s.adminChange(r, p, "worker.add", req.ID, func(tx store.Tx) (map[string]any, error) {
		now := s.Now()
		out.Worker = domain.Worker{ID: req.ID, SiteName: req.SiteName, Health: domain.WorkerUnknown, CreatedAt: now}
		if err := tx.CreateWorker(out.Worker); err != nil {
			return nil, err
		}
		secret, tk, err := auth.IssueWorkerToken(tx, req.ID, now)
		out.Secret = secret
		return map[string]any{"site": req.SiteName, "token": tk.ID}, err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) deleteWorker(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	id := r.PathValue("id")
	var b events.Batch
	err := s.adminChange(r, p, "worker.remove", id, func(tx store.Tx) (map[string]any, error) {
		b.Reset()
		if err := tx.DeleteWorker(id); err != nil {
			return nil, err
		}
		if err := tx.RevokeWorkerTokens(id, s.Now()); err != nil {
			return nil, err
		}
		return nil, s.Approvals.AbandonWorker(tx, &b, id)
	})
	if err == nil {
		s.Hub.Flush(&b)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.CreateTokenRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	var expires *time.Time
	if req.ExpiresIn != "" {
		d, err := time.ParseDuration(req.ExpiresIn)
		if err != nil || d <= 0 {
			return fmt.Errorf("expires_in %q must be a positive Go duration such as 720h: %w", req.ExpiresIn, domain.ErrInvalid)
		}
		at := s.Now().Add(d)
		expires = &at
	}
	var out domain.CreatedToken
	err := s.adminChange(r, p, "token.create", req.Name, func(tx store.Tx) (map[string]any, error) {
		secret, tk, err := auth.IssueAPIToken(tx, req.Name, req.Role, s.Now(), expires)
		out.Secret, out.Token = secret, tk
		return map[string]any{"role": req.Role, "token": tk.ID}, err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	id := r.PathValue("id")
	err := s.adminChange(r, p, "token.revoke", id, func(tx store.Tx) (map[string]any, error) {
		return nil, tx.RevokeToken(id, s.Now())
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// refused records a refusal in the audit log, in a transaction of its own
// (the refused change has none), and returns why.
func (s *Server) refused(ctx context.Context, p domain.Principal, action, subject string, why error) error {
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(&domain.AuditEvent{At: s.Now(), ActorKind: p.Kind, ActorID: p.UserID, ActorName: p.Name,
			ActorRole: p.Role, Action: action, Subject: subject, Outcome: domain.OutcomeRefused, Reason: why.Error()})
	})
	if err != nil {
		s.Logger.Error("audit a refusal", "action", action, "err", err)
	}
	return why
}

// The installed skills in the daemon: plans' actions vetted against them, and
// PLUGIN_AUTO_UPDATE, the periodic update of installed marketplace skills,
// audited as the system.

package daemon

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// autoUpdateSkills updates every installed marketplace skill each
// skillsAuto (PLUGIN_AUTO_UPDATE), as the system, with the same checks as
// an admin's update: a newer version must verify like a first install,
// and an older one is never taken.
func (d *Daemon) autoUpdateSkills(ctx context.Context) {
	every(ctx, d.skillsAuto, func(ctx context.Context) {
		d.sweepOnce(ctx, "update skills", "updated skills", slog.LevelInfo, d.updateSkillsOnce)
	})
}

func (d *Daemon) updateSkillsOnce(ctx context.Context) (int, error) {
	installed, err := d.skills.List(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sk := range installed {
		if sk.Source != "community" {
			continue
		}
		up, err := d.skills.Update(ctx, sk.ID, false)
		if errors.Is(err, domain.ErrUnavailable) {
			// The registry did not answer: the next round tries again,
			// and the audit log is for decisions, not for outages.
			d.log.Warn("automatic skill update: registry unreachable", "skill", sk.ID, "err", err)
			continue
		}
		if err == nil && !up.Updated {
			continue
		}
		ev := &domain.AuditEvent{At: time.Now().UTC(), ActorKind: domain.PrincipalSystem, ActorID: domain.System.UserID,
			ActorName: domain.System.Name, Action: "plugin.update", Subject: sk.ID, Outcome: domain.OutcomeOK,
			Detail: map[string]any{"from": up.From, "version": up.To, "auto": true}}
		if err != nil {
			ev.Outcome, ev.Reason = domain.OutcomeRefused, err.Error()
			d.log.Warn("automatic skill update refused", "skill", sk.ID, "err", err)
		} else {
			n++
		}
		if err := d.store.Update(ctx, func(tx store.Tx) error { return tx.AppendAudit(ev) }); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Installed marketplace skills: their files as verified on install, in the
// store every replica shares.

package sqlstore

import (
	"fmt"

	"github.com/wingman-dev/wingman/core/domain"
)

const skillCols = `id, version, files, installed_at`

func scanSkill(s interface{ Scan(...any) error }) (domain.StoredSkill, error) {
	var sk domain.StoredSkill
	var installed int64
	err := s.Scan(&sk.ID, &sk.Version, &sk.Files, &installed)
	sk.InstalledAt = fromMS(installed)
	return sk, err
}

// GetSkill reads one skill, locking its row with lock.
func (t *tx) GetSkill(id string, lock bool) (domain.StoredSkill, error) {
	q := `SELECT ` + skillCols + ` FROM skills WHERE id = $1`
	if lock {
		q += t.d.LockRow
	}
	sk, err := scanSkill(t.queryRow(q, id))
	if err != nil {
		return sk, notFound(err, "skill "+id)
	}
	return sk, nil
}

// ListSkills reads every skill by id.
func (t *tx) ListSkills() ([]domain.StoredSkill, error) {
	rows, err := t.query(`SELECT ` + skillCols + ` FROM skills ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list skills: %w", err)
	}
	defer rows.Close()
	var out []domain.StoredSkill
	for rows.Next() {
		sk, err := scanSkill(rows)
		if err != nil {
			return nil, fmt.Errorf("list skills: %w", err)
		}
		out = append(out, sk)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list skills: %w", err)
	}
	return out, nil
}

// PutSkill inserts s or replaces the skill of its id, in one statement.
func (t *tx) PutSkill(s domain.StoredSkill) error {
	_, err := t.exec(`INSERT INTO skills (`+skillCols+`) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, files = excluded.files, installed_at = excluded.installed_at`,
		s.ID, s.Version, s.Files, ms(s.InstalledAt))
	if err != nil {
		return fmt.Errorf("put skill %s: %w", s.ID, err)
	}
	return nil
}

// AddSkill inserts s, or fails with domain.ErrConflict when its id is
// taken.
func (t *tx) AddSkill(s domain.StoredSkill) error {
	res, err := t.exec(`INSERT INTO skills (`+skillCols+`) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		s.ID, s.Version, s.Files, ms(s.InstalledAt))
	return inserted(res, err, "skill "+s.ID)
}

// DeleteSkill removes one skill.
func (t *tx) DeleteSkill(id string) error {
	res, err := t.exec(`DELETE FROM skills WHERE id = $1`, id)
	return mustAffect(res, err, "skill "+id)
}

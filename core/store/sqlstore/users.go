// People: local users made by API tokens and single sign-on users
// provisioned on their first sign-in, with an admin's role override.

package sqlstore

import (
	"fmt"

	"github.com/wingman-dev/wingman/core/domain"
)

const userCols = `id, name, email, role, role_override, issuer, subject, created_at`

func scanUser(s interface{ Scan(...any) error }) (domain.User, error) {
	var u domain.User
	var created int64
	err := s.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.RoleOverride, &u.Issuer, &u.Subject, &created)
	u.CreatedAt = fromMS(created)
	return u, err
}

// EnsureUser returns the user for (issuer, subject), creating it if needed.
func (t *tx) EnsureUser(u domain.User) (domain.User, error) {
	if u.ID == "" {
		u.ID = newID("u-", 6)
	}
	_, err := t.exec(`INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (issuer, subject) DO NOTHING`,
		u.ID, u.Name, u.Email, string(u.Role), string(u.RoleOverride), u.Issuer, u.Subject, ms(u.CreatedAt))
	if err != nil {
		return u, fmt.Errorf("ensure user %s: %w", u.Name, err)
	}
	return t.UserBySubject(u.Issuer, u.Subject)
}

// GetUser reads one user.
func (t *tx) GetUser(id string) (domain.User, error) {
	u, err := scanUser(t.queryRow(`SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, notFound(err, "user "+id)
	}
	return u, nil
}

// UserBySubject reads the user an identity provider knows as subject.
func (t *tx) UserBySubject(issuer, subject string) (domain.User, error) {
	u, err := scanUser(t.queryRow(`SELECT `+userCols+` FROM users WHERE issuer = $1 AND subject = $2`, issuer, subject))
	if err != nil {
		return u, notFound(err, fmt.Sprintf("user %s of %s", subject, issuer))
	}
	return u, nil
}

// UpdateUserProfile stores the name, e-mail and mapped role of a user's
// newest sign-in; the override, issuer and subject stay.
func (t *tx) UpdateUserProfile(u domain.User) error {
	res, err := t.exec(`UPDATE users SET name = $2, email = $3, role = $4 WHERE id = $1`,
		u.ID, u.Name, u.Email, string(u.Role))
	return mustAffect(res, err, "user "+u.ID)
}

// ListUsers lists every user, oldest first.
func (t *tx) ListUsers() ([]domain.User, error) {
	rows, err := t.query(`SELECT ` + userCols + ` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetRoleOverride sets or, with the empty role, removes a user's override.
func (t *tx) SetRoleOverride(userID string, role domain.Role) error {
	res, err := t.exec(`UPDATE users SET role_override = $2 WHERE id = $1`, userID, string(role))
	return mustAffect(res, err, "user "+userID)
}

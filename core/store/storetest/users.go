package storetest

import (
	"database/sql"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// testUsers: a single sign-on user is found by issuer and subject, their
// profile follows their newest sign-in, and an admin's override outlives
// both and can be removed.
func testUsers(t *testing.T, s store.Store, _ *sql.DB) {
	const issuer = "https://id.example.com/realms/home"
	var alice domain.User
	update(t, s, func(tx store.Tx) (err error) {
		if _, err := tx.EnsureUser(domain.User{Name: "root", Role: domain.RoleAdmin, Issuer: domain.LocalIssuer, Subject: "root", CreatedAt: t0}); err != nil {
			return err
		}
		alice, err = tx.EnsureUser(domain.User{Name: "Alice", Email: "alice@example.com", Role: domain.RoleViewer,
			Issuer: issuer, Subject: "sub-a", CreatedAt: t0.Add(time.Minute)})
		return err
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.UserBySubject(issuer, "sub-a")
		if err != nil {
			return err
		}
		if got != alice || got.RoleOverride != "" {
			t.Errorf("UserBySubject = %+v, want %+v", got, alice)
		}
		_, err = tx.UserBySubject("https://other.example.com", "sub-a")
		wantErr(t, err, domain.ErrNotFound)
		_, err = tx.UserBySubject(issuer, "sub-b")
		wantErr(t, err, domain.ErrNotFound)
		return nil
	})

	update(t, s, func(tx store.Tx) error {
		if err := tx.SetRoleOverride(alice.ID, domain.RoleOperator); err != nil {
			return err
		}
		wantErr(t, tx.SetRoleOverride("u-nobody", domain.RoleAdmin), domain.ErrNotFound)
		// The provider renamed her and her groups changed.
		changed := alice
		changed.Name, changed.Email, changed.Role, changed.RoleOverride = "Alice L.", "al@example.com", "", domain.RoleAdmin
		changed.Issuer, changed.Subject = "ignored", "ignored"
		if err := tx.UpdateUserProfile(changed); err != nil {
			return err
		}
		wantErr(t, tx.UpdateUserProfile(domain.User{ID: "u-nobody", Name: "x"}), domain.ErrNotFound)
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUser(alice.ID)
		if err != nil {
			return err
		}
		want := alice
		want.Name, want.Email, want.Role, want.RoleOverride = "Alice L.", "al@example.com", "", domain.RoleOperator
		if got != want {
			t.Errorf("after override and new profile: %+v, want %+v", got, want)
		}
		if r := got.EffectiveRole(domain.RoleViewer); r != domain.RoleOperator {
			t.Errorf("effective role = %s, want the override", r)
		}
		all, err := tx.ListUsers()
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].Name != "root" || all[1] != want {
			t.Errorf("ListUsers = %+v, want root then alice", all)
		}
		return nil
	})

	update(t, s, func(tx store.Tx) error {
		if err := tx.SetRoleOverride(alice.ID, ""); err != nil {
			return err
		}
		got, err := tx.EnsureUser(domain.User{Name: "again", Role: domain.RoleAdmin, Issuer: issuer, Subject: "sub-a", CreatedAt: t0})
		if err != nil {
			return err
		}
		if got.ID != alice.ID || got.Name != "Alice L." || got.RoleOverride != "" || got.EffectiveRole(domain.RoleViewer) != domain.RoleViewer {
			t.Errorf("after removing the override: %+v", got)
		}
		return nil
	})
}

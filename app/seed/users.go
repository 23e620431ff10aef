package seed

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"khung/app/auth"
	"khung/models"
)

// DemoPassword is the password of every demo login. It is printed by
// `khung seed --demo`; a real deployment creates its own users.
const DemoPassword = "Khung@2026!"

// demoUser is one demo login; Unit is a unit code and Inspector an inspector
// code ("" for none).
type demoUser struct {
	Email, FullName string
	Role            models.Role
	Unit            string
	Position        models.UnitPosition
	Inspector       string
	What            string // what the login shows, for the report
}

// DemoInspectorCode is the inspector profile linked to inspector@khung.vn: the
// first member of the city team, who can lead.
const DemoInspectorCode = "i001"

// demoUsers lists one login per role, plus a commune office and the head of
// Quận Ba Đình's People's Committee for the escalation of overdue items
// (data/users.toml); the inspector's login takes inspectorName.
func (d *demoData) demoUsers(inspectorName string) []demoUser {
	users := slices.Clone(d.users)
	for i, u := range users {
		if u.FullName == "" && u.Inspector != "" {
			users[i].FullName = inspectorName
		}
	}
	return users
}

// insertUsers adds the demo logins that are missing. Passwords are hashed only
// for the users actually added (bcrypt is deliberately slow).
func insertUsers(tx *gorm.DB, users []demoUser, unitIDs, inspectorIDs map[string]int64, rep *demoReport) error {
	emails := make([]string, len(users))
	for i, u := range users {
		emails[i] = u.Email
	}
	var existing []string
	if err := tx.Model(&models.User{}).Where("email IN ?", emails).Pluck("email", &existing).Error; err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	have := map[string]bool{}
	for _, e := range existing {
		have[e] = true
	}
	var fresh []models.User
	for _, u := range users {
		if have[u.Email] {
			continue
		}
		hash, err := auth.HashPassword(DemoPassword)
		if err != nil {
			return fmt.Errorf("seed users: %w", err)
		}
		row := models.User{Email: u.Email, FullName: u.FullName, PasswordHash: hash, Role: u.Role,
			UnitPosition: u.Position, Locale: models.LocaleVI, Active: true}
		if u.Unit != "" {
			id, ok := unitIDs[u.Unit]
			if !ok {
				return fmt.Errorf("seed users: unit %s of %s is missing", u.Unit, u.Email)
			}
			row.UnitID = &id
		}
		if u.Inspector != "" {
			id, ok := inspectorIDs[u.Inspector]
			if !ok {
				return fmt.Errorf("seed users: inspector %s of %s is missing", u.Inspector, u.Email)
			}
			row.InspectorID = &id
		}
		fresh = append(fresh, row)
	}
	n, err := insertMissing(tx, fresh)
	if err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	rep.add("users", n)
	return nil
}

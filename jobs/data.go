package jobs

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/notify"
	"khung/models"
)

// directory tells who receives what: the office and head users of each unit,
// the department's leadership, and the users of inspectors.
type directory struct {
	units      map[int64]map[followup.Audience][]notify.Recipient
	leadership []notify.Recipient
	inspectors map[int64]notify.Recipient
}

// loadDirectory reads the active users. Unit users receive by their position
// in the unit (office, head); the department's leadership are the approvers
// whose position is leadership.
func loadDirectory(ctx context.Context, tx *gorm.DB) (directory, error) {
	var users []models.User
	if err := tx.WithContext(ctx).
		Select("id", "email", "full_name", "locale", "role", "unit_id", "unit_position", "inspector_id").
		Where("active").Order("id").Find(&users).Error; err != nil {
		return directory{}, fmt.Errorf("read users: %w", err)
	}
	d := directory{
		units:      map[int64]map[followup.Audience][]notify.Recipient{},
		inspectors: map[int64]notify.Recipient{},
	}
	for _, u := range users {
		r := notify.Recipient{UserID: u.ID, Email: u.Email, Name: u.FullName, Locale: u.Locale}
		switch {
		case u.Role == models.RoleUnit && u.UnitID != nil:
			if d.units[*u.UnitID] == nil {
				d.units[*u.UnitID] = map[followup.Audience][]notify.Recipient{}
			}
			a := followup.Audience(u.UnitPosition)
			d.units[*u.UnitID][a] = append(d.units[*u.UnitID][a], r)
		case u.Role == models.RoleApprover && u.UnitPosition == models.PositionLeadership:
			d.leadership = append(d.leadership, r)
		}
		if u.InspectorID != nil {
			d.inspectors[*u.InspectorID] = r
		}
	}
	return d, nil
}

// recipients returns who of unit (or above it) a notice for a goes to.
func (d directory) recipients(a followup.Audience, unit int64) []notify.Recipient {
	if a == followup.AudienceLeadership {
		return d.leadership
	}
	return d.units[unit][a]
}

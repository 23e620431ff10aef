package notices

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/notify"
	"khung/models"
)

// Directory tells who receives what: the office and head users of each unit,
// the department's leadership, and the users of inspectors.
type Directory struct {
	units      map[int64]map[followup.Audience][]notify.Recipient
	leadership []notify.Recipient
	inspectors map[int64]notify.Recipient
}

// Recipients reads the active users. Unit users receive by their position in
// the unit (office, head); the department's leadership are the approvers whose
// position is leadership; an inspector receives through their user.
func (s *Service) Recipients(ctx context.Context, tx *gorm.DB) (Directory, error) {
	var users []models.User
	if err := tx.WithContext(ctx).
		Select("id", "email", "full_name", "locale", "role", "unit_id", "unit_position", "inspector_id").
		Where("active").Order("id").Find(&users).Error; err != nil {
		return Directory{}, fmt.Errorf("read users: %w", err)
	}
	d := Directory{
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

// To returns who of unit (or above it) a notice for audience a goes to.
// unitMayKnow is the visibility rule's answer for the unit's users (false for
// a recommendation or conclusion of a secret visit that has not started): the
// unit's audiences then get nothing, the department's leadership still does.
func (d Directory) To(a followup.Audience, unit int64, unitMayKnow bool) []notify.Recipient {
	if a == followup.AudienceLeadership {
		return d.leadership
	}
	if !unitMayKnow {
		return nil
	}
	return d.units[unit][a]
}

// Inspector returns the user of inspector id, if they have an account.
func (d Directory) Inspector(id int64) (notify.Recipient, bool) {
	r, ok := d.inspectors[id]
	return r, ok
}

// unitIDs lists the units that have users, sorted.
func (d Directory) unitIDs() []int64 {
	ids := make([]int64, 0, len(d.units))
	for id := range d.units {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

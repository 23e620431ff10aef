package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/notify"
	"khung/models"
)

// Rule keys read besides the three of models (RuleReminderOffsets,
// RuleEscalation, RuleDigestWeekday). A missing rule takes its value from
// followup.DefaultPolicy, which mirrors the seed.
const (
	ruleVisitNoticeDays = "notify.visit_notice_working_days" // integer
	ruleCatchUpDays     = "notify.catch_up_days"             // integer
	ruleDirectiveDays   = "followup.directive_days"          // {"days": 15, "working_days": false}
)

// loadPolicy reads the notification policy in force on day from the rules
// table. A rule whose value cannot be read is an error naming the rule: the
// jobs stop rather than remind by a policy nobody wrote.
func loadPolicy(ctx context.Context, tx *gorm.DB, day time.Time) (followup.Policy, error) {
	var rules []models.Rule
	err := tx.WithContext(ctx).
		Where("key IN ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)",
			[]string{models.RuleReminderOffsets, models.RuleEscalation, models.RuleDigestWeekday, ruleVisitNoticeDays, ruleCatchUpDays, ruleDirectiveDays},
			models.DateOf(day), models.DateOf(day)).
		Find(&rules).Error
	if err != nil {
		return followup.Policy{}, fmt.Errorf("read notification policy: %w", err)
	}
	p := followup.DefaultPolicy()
	for _, r := range rules {
		if err := applyRule(&p, r); err != nil {
			return followup.Policy{}, fmt.Errorf("rule %s (valid from %s): %w", r.Key, r.ValidFrom, err)
		}
	}
	if err := p.Validate(); err != nil {
		return followup.Policy{}, err
	}
	return p, nil
}

func applyRule(p *followup.Policy, r models.Rule) error {
	switch r.Key {
	case models.RuleReminderOffsets:
		var days []int
		if err := json.Unmarshal(r.Value, &days); err != nil {
			return fmt.Errorf("want a list of days such as [14, 7, 1]: %w", err)
		}
		p.ReminderOffsetsDays = days
	case models.RuleEscalation:
		var levels []models.EscalationLevel
		if err := json.Unmarshal(r.Value, &levels); err != nil {
			return fmt.Errorf(`want a list such as [{"position": "office", "overdue_working_days": 0}]: %w`, err)
		}
		p.Escalation = p.Escalation[:0:0]
		for _, l := range levels {
			p.Escalation = append(p.Escalation, followup.Escalation{Audience: followup.Audience(l.Position), OverdueWorkingDays: l.OverdueWorkingDays})
		}
	case models.RuleDigestWeekday:
		var name string
		if err := json.Unmarshal(r.Value, &name); err != nil {
			return fmt.Errorf(`want a weekday such as "monday": %w`, err)
		}
		d, err := followup.ParseWeekday(name)
		if err != nil {
			return err
		}
		p.DigestWeekday = d
	case ruleVisitNoticeDays:
		if err := json.Unmarshal(r.Value, &p.VisitNoticeWorkingDays); err != nil {
			return fmt.Errorf("want a number of working days: %w", err)
		}
	case ruleCatchUpDays:
		if err := json.Unmarshal(r.Value, &p.CatchUpDays); err != nil {
			return fmt.Errorf("want a number of days: %w", err)
		}
	case ruleDirectiveDays:
		var v struct {
			Days        int  `json:"days"`
			WorkingDays bool `json:"working_days"`
		}
		if err := json.Unmarshal(r.Value, &v); err != nil {
			return fmt.Errorf(`want {"days": 15, "working_days": false}: %w`, err)
		}
		p.DirectiveDays, p.DirectiveInWorkingDays = v.Days, v.WorkingDays
	}
	return nil
}

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

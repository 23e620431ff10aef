package notices

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
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

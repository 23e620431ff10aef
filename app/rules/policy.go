package rules

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/planning"
	"khung/models"
)

// Policy returns the notification policy in force. A rule whose value cannot
// be read is an error naming it: the jobs stop rather than remind by a policy
// nobody wrote.
func (s *Set) Policy() (followup.Policy, error) {
	p := followup.DefaultPolicy()
	var errs []error
	var err error
	p.ReminderOffsetsDays, err = Get(s, ReminderOffsets)
	errs = append(errs, err)
	levels, err := Get(s, Escalation)
	errs = append(errs, err)
	p.Escalation = make([]followup.Escalation, len(levels))
	for i, l := range levels {
		p.Escalation[i] = followup.Escalation{Audience: followup.Audience(l.Position), OverdueWorkingDays: l.OverdueWorkingDays}
	}
	weekday, err := Get(s, DigestWeekday)
	errs = append(errs, err)
	p.DigestWeekday = time.Weekday(weekday)
	p.VisitNoticeWorkingDays, err = Get(s, VisitNoticeDays)
	errs = append(errs, err)
	p.CatchUpDays, err = Get(s, CatchUpDays)
	errs = append(errs, err)
	directive, err := Get(s, DirectiveDays)
	errs = append(errs, err)
	p.DirectiveDays, p.DirectiveInWorkingDays = directive.Days, directive.WorkingDays
	conclusion, err := Get(s, ConclusionDays)
	errs = append(errs, err)
	p.ConclusionDays, p.ConclusionInWorkingDays = conclusion.Days, conclusion.WorkingDays
	p.LimitReminderDays, err = Get(s, LimitReminderDays)
	errs = append(errs, err)

	if err := errors.Join(errs...); err != nil {
		return followup.Policy{}, fmt.Errorf("notification policy on %s: %w", s.Day, err)
	}
	if err := p.Validate(); err != nil {
		return followup.Policy{}, err
	}
	return p, nil
}

// LoadPolicy reads the notification policy in force on day.
func LoadPolicy(ctx context.Context, db *gorm.DB, day models.Date) (followup.Policy, error) {
	s, err := Load(ctx, db, day)
	if err != nil {
		return followup.Policy{}, err
	}
	return s.Policy()
}

// Planning returns the planner's limits and weights in force, a zero (or
// left out) weight or limit read as the engine's default; nil when the table
// holds none of them, and the engine takes its defaults itself.
func (s *Set) Planning() (*planning.Rules, error) {
	if !s.Has(MaxVisitDays.Key) && !s.Has(MaxTeamSize.Key) && !s.Has(ExtraDaysPerExtraBody.Key) && !s.Has(Weights.Key) {
		return nil, nil
	}
	var r planning.Rules
	var errs []error
	var err error
	r.MaxVisitDays, err = Get(s, MaxVisitDays)
	errs = append(errs, err)
	r.MaxTeamSize, err = Get(s, MaxTeamSize)
	errs = append(errs, err)
	r.ExtraDaysPerExtraBody, err = Get(s, ExtraDaysPerExtraBody)
	errs = append(errs, err)
	r.Weights, err = Get(s, Weights)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("planning rules on %s: %w", s.Day, err)
	}
	r = planning.EffectiveRules(&r)
	return &r, nil
}

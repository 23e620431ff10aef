package rules_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"khung/app/followup"
	"khung/app/planning"
	"khung/app/rules"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// valueCase is one value written for one rule: the problems it has, by rule
// name ("format" or "invalid"), none when it is accepted.
type valueCase struct {
	name  string
	entry rules.Entry
	value string
	want  []string
}

func TestEachRuleAcceptsOnlyTheValuesItsDeclarationAllows(t *testing.T) {
	tests := []valueCase{
		{"reminder offsets are a list of days", rules.ReminderOffsets, `[14, 7, 1]`, nil},
		{"no reminder at all is a policy too", rules.ReminderOffsets, `[]`, nil},
		{"a reminder after the deadline is refused", rules.ReminderOffsets, `[14, -7]`, []string{"invalid"}},
		{"a reminder more than a year ahead is refused", rules.ReminderOffsets, `[400]`, []string{"invalid"}},
		{"a reminder given twice is refused", rules.ReminderOffsets, `[7, 7]`, []string{"invalid"}},
		{"reminder offsets that are not numbers are refused", rules.ReminderOffsets, `"abc"`, []string{"format"}},
		{"a fractional reminder offset is refused", rules.ReminderOffsets, `[1.5]`, []string{"format"}},
		{"null is not a value", rules.ReminderOffsets, `null`, []string{"format"}},
		{"anything after the value is refused", rules.ReminderOffsets, `[1] [2]`, []string{"format"}},

		{"the escalation ladder names unit positions", rules.Escalation,
			`[{"position": "office", "overdue_working_days": 0}, {"position": "leadership", "overdue_working_days": 10}]`, nil},
		{"an escalation level with an unknown position is refused", rules.Escalation,
			`[{"position": "mayor", "overdue_working_days": 0}]`, []string{"invalid"}},
		{"a position told twice is refused", rules.Escalation,
			`[{"position": "head", "overdue_working_days": 0}, {"position": "head", "overdue_working_days": 5}]`, []string{"invalid"}},
		{"negative overdue days are refused", rules.Escalation,
			`[{"position": "head", "overdue_working_days": -1}]`, []string{"invalid"}},
		{"a level before the one above it is refused", rules.Escalation,
			`[{"position": "head", "overdue_working_days": 5}, {"position": "leadership", "overdue_working_days": 2}]`, []string{"invalid"}},
		{"an escalation level with a misspelt field is refused", rules.Escalation,
			`[{"position": "head", "overdue_days": 5}]`, []string{"format"}},

		{"the digest day is an English weekday", rules.DigestWeekday, `"friday"`, nil},
		{"the digest on funday is refused", rules.DigestWeekday, `"funday"`, []string{"format"}},
		{"a weekday number is refused", rules.DigestWeekday, `1`, []string{"format"}},

		{"a visit is announced at least one working day ahead", rules.VisitNoticeDays, `0`, []string{"invalid"}},
		{"five working days' notice is accepted", rules.VisitNoticeDays, `5`, nil},
		{"no catch-up after downtime is accepted", rules.CatchUpDays, `0`, nil},
		{"a negative catch-up is refused", rules.CatchUpDays, `-1`, []string{"invalid"}},

		{"a directive deadline in working days is accepted", rules.DirectiveDays, `{"days": 10, "working_days": true}`, nil},
		{"a directive deadline of no days is refused", rules.DirectiveDays, `{"days": 0, "working_days": false}`, []string{"invalid"}},
		{"a bare number is not a directive deadline", rules.DirectiveDays, `15`, []string{"format"}},
		{"a conclusion deadline of 15 days is accepted", rules.ConclusionDays, `{"days": 15, "working_days": false}`, nil},
		{"an implementation check of 10 working days is accepted", rules.ImplementationCheckDays, `10`, nil},
		{"an implementation check of no day is refused", rules.ImplementationCheckDays, `0`, []string{"invalid"}},

		{"one planned visit per unit and year is accepted", rules.MaxPlannedVisitsPerUnit, `1`, nil},
		{"no planned visit per unit is refused", rules.MaxPlannedVisitsPerUnit, `0`, []string{"invalid"}},
		{"20 December is a deadline", rules.PlanIssueDeadline, `{"month": 12, "day": 20}`, nil},
		{"29 February is a day of the year", rules.PlanIssueDeadline, `{"month": 2, "day": 29}`, nil},
		{"31 April is refused", rules.PlanIssueDeadline, `{"month": 4, "day": 31}`, []string{"invalid"}},
		{"month 13 is refused", rules.PlanIssueDeadline, `{"month": 13, "day": 1}`, []string{"invalid"}},
		{"a visit lasts at least one day", rules.MaxVisitDays, `0`, []string{"invalid"}},
		{"a team has at least one member", rules.MaxTeamSize, `0`, []string{"invalid"}},
		{"a team of 8 is accepted", rules.MaxTeamSize, `8`, nil},
		{"no extra day for an extra body is accepted", rules.ExtraDaysPerExtraBody, `0`, nil},
		{"negative extra days are refused", rules.ExtraDaysPerExtraBody, `-1`, []string{"invalid"}},
		{"some weights may be left to their default", rules.Weights, `{"window_day": 20}`, nil},
		{"negative weights are refused, each named", rules.Weights, `{"rotation": -5, "area_week": -1}`, []string{"invalid", "invalid"}},
		{"an unknown weight is refused", rules.Weights, `{"windowday": 20}`, []string{"format"}},
		{"rotating team leaders is true or false", rules.RotateTeamLeaders, `false`, nil},
		{"rotating team leaders is not a string", rules.RotateTeamLeaders, `"yes"`, []string{"format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range tt.entry.Problems([]byte(tt.value)) {
				got = append(got, p.Rule)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s = %s (-want +got):\n%s", tt.entry.Info().Key, tt.value, diff)
			}
		})
	}
}

func TestEveryRuleIsDeclaredOnceWithAValidDefaultAndMessagesInBothLanguages(t *testing.T) {
	locales, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	vi, en := locales.For("vi"), locales.For("en")
	seen := map[string]bool{}
	for _, e := range rules.All() {
		info := e.Info()
		if seen[info.Key] {
			t.Errorf("%s is declared twice", info.Key)
		}
		seen[info.Key] = true
		if got, ok := rules.Find(info.Key); !ok || got.Info().Key != info.Key {
			t.Errorf("Find(%s) = %v, %v", info.Key, got, ok)
		}
		if p := e.Problems(info.Default); len(p) > 0 {
			t.Errorf("%s: its default %s breaks its own rule: %+v", info.Key, info.Default, p)
		}
		if info.LegalBasis == "" || info.Since.IsZero() {
			t.Errorf("%s has no legal basis or no date of effect: %+v", info.Key, info)
		}
		for _, id := range []string{info.AboutID, info.FormatID} {
			if !vi.Has(id) || !en.Has(id) {
				t.Errorf("%s: message %s is missing in Vietnamese or English", info.Key, id)
			}
		}
	}
	if _, ok := rules.Find("conclusion.sign_days"); ok {
		t.Error("an undeclared key is found")
	}
}

func TestEveryProblemReadsInBothLanguages(t *testing.T) {
	locales, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		entry rules.Entry
		value string
	}{
		{rules.ReminderOffsets, `[-7, 3, 3]`},
		{rules.Escalation, `[{"position": "head", "overdue_working_days": 5}, {"position": "leadership", "overdue_working_days": 2},
			{"position": "head", "overdue_working_days": -1}, {"position": "mayor", "overdue_working_days": 0}]`},
		{rules.CatchUpDays, `-1`},
		{rules.DirectiveDays, `{"days": 0}`},
		{rules.PlanIssueDeadline, `{"month": 2, "day": 30}`},
		{rules.Weights, `{"rotation": -5}`},
		{rules.DigestWeekday, `"funday"`},
	}
	ids := map[string]bool{}
	for _, b := range bad {
		for _, p := range b.entry.Problems([]byte(b.value)) {
			ids[p.Msg.ID] = true
			textVI, textEN := locales.For("vi").Msg(p.Msg), locales.For("en").Msg(p.Msg)
			if textVI == p.Msg.ID || textEN == p.Msg.ID || textVI == textEN || strings.Contains(textVI+textEN, "no value") {
				t.Errorf("%s: %s reads %q / %q", b.entry.Info().Key, p.Msg.ID, textVI, textEN)
			}
		}
	}
	for _, id := range []string{"rules.problem.offset_range", "rules.problem.offset_twice", "rules.problem.position",
		"rules.problem.position_twice", "rules.problem.overdue_negative", "rules.problem.level_order", "rules.problem.between",
		"rules.problem.deadline_days", "rules.problem.month_day", "rules.problem.weight_negative"} {
		if !ids[id] {
			t.Errorf("no bad value above gives %s", id)
		}
	}
}

func TestTheRulesInForceOnADayAreReadTypedWithDefaultsForMissingOnes(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	ctx := context.Background()
	day := models.NewDate(2026, 3, 2)

	// An empty table: the default policy, and no planner rules (the engine's defaults).
	set, err := rules.Load(ctx, db, day)
	if err != nil {
		t.Fatal(err)
	}
	p, err := set.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(followup.DefaultPolicy(), p); diff != "" {
		t.Errorf("policy of an empty table (-want +got):\n%s", diff)
	}
	if r, err := set.Planning(); r != nil || err != nil {
		t.Errorf("planning rules of an empty table: %+v, %v", r, err)
	}

	dbtest.MustExec(t, db, `INSERT INTO rules (key, value, valid_from, valid_to) VALUES
		('notify.reminder_offsets_days', '[30]', '2025-01-01', '2025-12-31'),
		('notify.reminder_offsets_days', '[3, 1]', '2026-01-01', NULL),
		('notify.digest_weekday', '"friday"', '2026-03-03', NULL),
		('followup.directive_days', '{"days": 10, "working_days": true}', '2025-07-01', NULL),
		('planning.weights', '{"window_day": 20}', '2025-01-01', NULL),
		('some.other_key', '"not a rule of the registry"', '2025-01-01', NULL)`)
	set, err = rules.Load(ctx, db, day)
	if err != nil {
		t.Fatal(err)
	}
	p, err = set.Policy()
	if err != nil {
		t.Fatal(err)
	}
	want := followup.DefaultPolicy()
	want.ReminderOffsetsDays = []int{3, 1} // the 2026 version, not the 2025 one
	want.DirectiveDays, want.DirectiveInWorkingDays = 10, true
	// The digest stays on Monday: Friday starts the day after.
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("policy on %s (-want +got):\n%s", day, diff)
	}
	r, err := set.Planning()
	if err != nil {
		t.Fatal(err)
	}
	wantRules := planning.DefaultRules()
	wantRules.Weights.WindowDay = 20
	if r == nil || *r != wantRules {
		t.Errorf("planning rules = %+v, want %+v", r, wantRules)
	}
	if slices.Contains(rules.Keys(), "some.other_key") || !set.Has("planning.weights") || set.Has("planning.max_team_size") {
		t.Errorf("keys %v; has weights %v", rules.Keys(), set.Has("planning.weights"))
	}
}

func TestAValueWrittenByHandThatBreaksItsRuleIsAnErrorNamingIt(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	ctx := context.Background()
	dbtest.MustExec(t, db, `INSERT INTO rules (key, value, valid_from) VALUES
		('notify.escalation', '[{"position": "mayor", "overdue_working_days": 0}]', '2025-01-01'),
		('planning.max_team_size', '"eight"', '2025-01-01')`)
	_, err := rules.LoadPolicy(ctx, db, models.DateOf(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)))
	if err == nil || !strings.Contains(err.Error(), "rule notify.escalation (valid from 2025-01-01)") ||
		!strings.Contains(err.Error(), "rules.problem.position") {
		t.Errorf("policy with an unknown position: %v", err)
	}
	set, err := rules.Load(ctx, db, models.NewDate(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.Planning(); err == nil || !strings.Contains(err.Error(), "rule planning.max_team_size") {
		t.Errorf("planning rules with a team size in words: %v", err)
	}
	// Each reader stops only on its own rules.
	if v, err := rules.Get(set, rules.RotateTeamLeaders); err != nil || !v {
		t.Errorf("rotate team leaders: %v, %v", v, err)
	}
}

func TestDefaultsAreTheirOwnCopies(t *testing.T) {
	set := &rules.Set{}
	a, err := rules.Get(set, rules.ReminderOffsets)
	if err != nil {
		t.Fatal(err)
	}
	a[0] = 99
	b, _ := rules.Get(set, rules.ReminderOffsets)
	raw, _ := json.Marshal(b)
	if string(raw) != "[14,7,1]" {
		t.Errorf("a caller changed the registry's default: %s", raw)
	}
}

package rules

import (
	"encoding/json"
	"strings"
	"time"

	"khung/app/followup"
	"khung/app/msg"
	"khung/app/planning"
	"khung/models"
)

// Legal texts the rules rest on.
const (
	lawInspection2025 = "Luật Thanh tra số 84/2025/QH15 (hiệu lực từ 01/7/2025)"
	lawInspection2022 = "Luật Thanh tra số 11/2022/QH15"
	directive20       = "Chỉ thị số 20/CT-TTg ngày 17/5/2017 của Thủ tướng Chính phủ (thanh tra, kiểm tra doanh nghiệp không quá 01 lần/năm)"
	plannerSpec       = "Tham số lập kế hoạch khung của Sở Nội vụ (docs/planner-spec.md)"
	departmentPolicy  = "Quy chế theo dõi, đôn đốc việc thực hiện kết luận của Sở Nội vụ (giá trị mặc định, quản trị viên điều chỉnh)"
)

// Dates the rules take effect from.
var (
	since2017 = models.NewDate(2017, 5, 17) // Directive 20/CT-TTg
	since2023 = models.NewDate(2023, 7, 1)  // Law 11/2022/QH15 in force
	since2025 = models.NewDate(2025, 1, 1)
	july2025  = models.NewDate(2025, 7, 1)  // Law 84/2025/QH15 in force
	june2025  = models.NewDate(2025, 6, 30) // the last day of Law 11/2022/QH15
)

// under2022 is the basis a rule had under the 2022 Law on Inspection, from
// its entry into force (01/07/2023) to its last day (30/06/2025).
func under2022(article string) []Basis {
	end := june2025
	return []Basis{{LegalBasis: lawInspection2022 + ", " + article, From: since2023, To: &end}}
}

// The notification policy (followup.Policy); defaults from followup.DefaultPolicy.
var (
	ReminderOffsets = Def[[]int]{
		Key:        "notify.reminder_offsets_days",
		Default:    followup.DefaultPolicy().ReminderOffsetsDays,
		Check:      checkOffsets,
		LegalBasis: departmentPolicy, Since: since2025,
	}
	Escalation = Def[[]EscalationLevel]{
		Key:        "notify.escalation",
		Default:    levelsOf(followup.DefaultPolicy().Escalation),
		Check:      checkEscalation,
		LegalBasis: departmentPolicy, Since: since2025,
	}
	DigestWeekday = Def[Weekday]{
		Key:        "notify.digest_weekday",
		Default:    Weekday(followup.DefaultPolicy().DigestWeekday),
		LegalBasis: departmentPolicy, Since: since2025,
	}
	VisitNoticeDays = Def[int]{
		Key:        "notify.visit_notice_working_days",
		Default:    followup.DefaultPolicy().VisitNoticeWorkingDays,
		Check:      between(1, 60),
		LegalBasis: departmentPolicy, Since: since2025,
	}
	CatchUpDays = Def[int]{
		Key:        "notify.catch_up_days",
		Default:    followup.DefaultPolicy().CatchUpDays,
		Check:      between(0, 366),
		LegalBasis: departmentPolicy, Since: since2025,
	}
	DirectiveDays = Def[Deadline]{
		Key: "followup.directive_days",
		Default: Deadline{Days: followup.DefaultPolicy().DirectiveDays,
			WorkingDays: followup.DefaultPolicy().DirectiveInWorkingDays},
		Check:      checkDeadline,
		LegalBasis: lawInspection2025 + ", Điều 53", Since: july2025,
		Earlier: under2022("cần đối chiếu điều khoản cụ thể"),
	}
)

// The other legal time limits of the follow-up: signing the conclusion
// (app/notices reminds its signer) and the length of a check on implementation
// (app/inspections refuses a longer one).
var (
	LimitReminderDays = Def[int]{
		Key:        "notify.limit_reminder_days",
		Default:    followup.DefaultPolicy().LimitReminderDays,
		Check:      between(0, 30),
		LegalBasis: departmentPolicy, Since: since2025,
	}
	ConclusionDays = Def[Deadline]{
		Key:        "followup.conclusion_days",
		Default:    Deadline{Days: followup.DefaultPolicy().ConclusionDays, WorkingDays: followup.DefaultPolicy().ConclusionInWorkingDays},
		Check:      checkDeadline,
		LegalBasis: lawInspection2025 + ", Điều 36", Since: july2025,
		Earlier: under2022("cần đối chiếu điều khoản cụ thể"),
	}
	ImplementationCheckDays = Def[int]{
		Key:     "followup.implementation_check_max_working_days",
		Default: 10,
		Check:   between(1, 366),
		LegalBasis: lawInspection2025 + " và văn bản hướng dẫn (Nghị định 216/2025/NĐ-CP, 217/2025/NĐ-CP; Thông tư 04/2025/TT-TTCP)" +
			" — cần đối chiếu điều khoản cụ thể",
		Since: july2025,
	}
)

// The planner (planning.Rules and the plan's own limits); the engine's
// defaults from planning.DefaultRules.
var (
	MaxPlannedVisitsPerUnit = Def[int]{
		Key:        "planning.max_planned_visits_per_unit_per_year",
		Default:    1,
		Check:      between(1, 12),
		LegalBasis: directive20 + " — áp dụng tương tự cho kế hoạch khung", Since: since2017,
	}
	PlanIssueDeadline = Def[MonthDay]{
		Key:        "planning.plan_issue_deadline",
		Default:    MonthDay{Month: 12, Day: 20},
		Check:      checkMonthDay,
		LegalBasis: lawInspection2025 + " — kế hoạch thanh tra, kiểm tra hằng năm; cần đối chiếu điều khoản cụ thể",
		Since:      july2025,
		Earlier:    under2022("Điều 45"),
	}
	MaxVisitDays = Def[int]{
		Key:        "planning.max_visit_days",
		Default:    planning.DefaultRules().MaxVisitDays,
		Check:      between(1, 250),
		LegalBasis: plannerSpec, Since: since2025,
	}
	MaxTeamSize = Def[int]{
		Key:        "planning.max_team_size",
		Default:    planning.DefaultRules().MaxTeamSize,
		Check:      between(1, 50),
		LegalBasis: plannerSpec, Since: since2025,
	}
	// An extra day of 0 is read by the engine as its default (1).
	ExtraDaysPerExtraBody = Def[int]{
		Key:        "planning.extra_days_per_extra_body",
		Default:    planning.DefaultRules().ExtraDaysPerExtraBody,
		Check:      between(0, 30),
		LegalBasis: plannerSpec, Since: since2025,
	}
	// A weight of 0 or left out is read by the engine as its default.
	Weights = Def[planning.Weights]{
		Key:        "planning.weights",
		Default:    planning.DefaultRules().Weights,
		Check:      checkWeights,
		LegalBasis: plannerSpec + " §5", Since: since2025,
	}
	RotateTeamLeaders = Def[bool]{
		Key:        "planning.rotate_team_leaders",
		Default:    true,
		LegalBasis: plannerSpec, Since: since2025,
	}
)

// All lists every declared rule, in the order the seed writes them.
func All() []Entry {
	return []Entry{
		MaxPlannedVisitsPerUnit, PlanIssueDeadline, MaxVisitDays, MaxTeamSize, ExtraDaysPerExtraBody, Weights, RotateTeamLeaders,
		ConclusionDays, DirectiveDays, ImplementationCheckDays,
		ReminderOffsets, Escalation, DigestWeekday, VisitNoticeDays, CatchUpDays, LimitReminderDays,
	}
}

// EscalationLevel is one element of notify.escalation: who is told once a
// recommendation is overdue by OverdueWorkingDays working days.
type EscalationLevel struct {
	Position           models.UnitPosition `json:"position"`
	OverdueWorkingDays int                 `json:"overdue_working_days"`
}

func levelsOf(ladder []followup.Escalation) []EscalationLevel {
	out := make([]EscalationLevel, len(ladder))
	for i, e := range ladder {
		out[i] = EscalationLevel{Position: models.UnitPosition(e.Audience), OverdueWorkingDays: e.OverdueWorkingDays}
	}
	return out
}

// Deadline is a time limit in days, working days when WorkingDays.
type Deadline struct {
	Days        int  `json:"days"`
	WorkingDays bool `json:"working_days"`
}

// MonthDay is a day of every year: {"month": 12, "day": 20}.
type MonthDay struct {
	Month int `json:"month"`
	Day   int `json:"day"`
}

// Weekday is a day of the week written as its English name: "monday".
type Weekday time.Weekday

// MarshalJSON writes the lower-case English name.
func (w Weekday) MarshalJSON() ([]byte, error) {
	return json.Marshal(strings.ToLower(time.Weekday(w).String()))
}

// UnmarshalJSON reads an English weekday name.
func (w *Weekday) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	d, err := followup.ParseWeekday(name)
	if err != nil {
		return err
	}
	*w = Weekday(d)
	return nil
}

// between accepts whole numbers from lo to hi.
func between(lo, hi int) func(int) []msg.Message {
	return func(n int) []msg.Message {
		if n < lo || n > hi {
			return []msg.Message{msg.New("rules.problem.between", "Min", lo, "Max", hi, "Value", n)}
		}
		return nil
	}
}

// checkOffsets mirrors followup.Policy.Validate: offsets from 1 to 366, each once.
func checkOffsets(days []int) []msg.Message {
	var out []msg.Message
	seen := map[int]bool{}
	for _, d := range days {
		if d < 1 || d > 366 {
			out = append(out, msg.New("rules.problem.offset_range", "Days", d))
		} else if seen[d] {
			out = append(out, msg.New("rules.problem.offset_twice", "Days", d))
		}
		seen[d] = true
	}
	return out
}

// checkEscalation mirrors followup.Policy.Validate: known positions, each
// once, never negative, by increasing overdue days.
func checkEscalation(levels []EscalationLevel) []msg.Message {
	var out []msg.Message
	seen := map[models.UnitPosition]bool{}
	for i, l := range levels {
		n := i + 1
		switch l.Position {
		case models.PositionOffice, models.PositionHead, models.PositionLeadership:
			if seen[l.Position] {
				out = append(out, msg.New("rules.problem.position_twice", "Level", n, "Position", string(l.Position)))
			}
		default:
			out = append(out, msg.New("rules.problem.position", "Level", n, "Position", string(l.Position)))
		}
		seen[l.Position] = true
		if l.OverdueWorkingDays < 0 {
			out = append(out, msg.New("rules.problem.overdue_negative", "Level", n))
		} else if i > 0 && l.OverdueWorkingDays < levels[i-1].OverdueWorkingDays {
			out = append(out, msg.New("rules.problem.level_order", "Level", n, "Previous", i))
		}
	}
	return out
}

func checkDeadline(d Deadline) []msg.Message {
	if d.Days < 1 || d.Days > 366 {
		return []msg.Message{msg.New("rules.problem.deadline_days", "Min", 1, "Max", 366, "Value", d.Days)}
	}
	return nil
}

func checkMonthDay(md MonthDay) []msg.Message {
	// 2024 is a leap year, so 29 February is a day of the year.
	t := time.Date(2024, time.Month(md.Month), md.Day, 0, 0, 0, 0, time.UTC)
	if md.Month < 1 || md.Month > 12 || t.Day() != md.Day {
		return []msg.Message{msg.New("rules.problem.month_day", "Month", md.Month, "Day", md.Day)}
	}
	return nil
}

func checkWeights(w planning.Weights) []msg.Message {
	var out []msg.Message
	for _, c := range []struct {
		name  string
		value int64
	}{
		{"unscheduled", w.Unscheduled}, {"window_day", w.WindowDay}, {"rotation", w.Rotation},
		{"joint_missing_body", w.JointMissingBody}, {"balance_day", w.BalanceDay}, {"area_week", w.AreaWeek},
	} {
		if c.value < 0 {
			out = append(out, msg.New("rules.problem.weight_negative", "Name", c.name, "Value", c.value))
		}
	}
	return out
}

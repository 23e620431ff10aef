package planning

import (
	"fmt"
	"strings"
	"time"

	"khung/app/calendar"
)

// Problem is one defect of an instance, named by its field, in English and Vietnamese.
type Problem struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
}

// InstanceError lists every problem Validate found in an instance.
type InstanceError struct {
	Problems []Problem
}

// Error joins the first problems into one English sentence.
func (e *InstanceError) Error() string {
	const shown = 8
	var b strings.Builder
	b.WriteString("invalid instance: ")
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Field + ": " + p.Message)
	}
	return b.String()
}

// validator collects problems while walking an instance.
type validator struct {
	year     int
	problems []Problem
}

func (v *validator) add(field, en, vi string) {
	v.problems = append(v.problems, Problem{Field: field, Message: en, MessageVI: vi})
}

// date parses an ISO date that must lie in the plan year.
func (v *validator) date(field, s string) (time.Time, bool) {
	t, err := calendar.Parse(s)
	if err != nil {
		v.add(field, fmt.Sprintf("%q is not a date YYYY-MM-DD", s),
			fmt.Sprintf("%q không phải ngày dạng YYYY-MM-DD", s))
		return t, false
	}
	if t.Year() != v.year {
		v.add(field, fmt.Sprintf("%s is outside the year %d", s, v.year),
			fmt.Sprintf("ngày %s nằm ngoài năm %d", s, v.year))
		return t, false
	}
	return t, true
}

func (v *validator) interval(field string, iv Interval) {
	from, ok1 := v.date(field+".from", iv.From)
	to, ok2 := v.date(field+".to", iv.To)
	if ok1 && ok2 && to.Before(from) {
		v.add(field, fmt.Sprintf("ends (%s) before it starts (%s)", iv.To, iv.From),
			fmt.Sprintf("ngày kết thúc (%s) trước ngày bắt đầu (%s)", iv.To, iv.From))
	}
}

// Validate checks the instance itself: ids are unique and known, dates are real
// and inside the year, days, team sizes and priorities are in range, the unit
// tree has no cycle. It returns nil or an *InstanceError listing every problem.
// References that cannot break a rule (an inspector's home, former or conflict
// unit that is not in the list; history of a unit no longer listed) are allowed.
func Validate(inst *Instance) error {
	if inst == nil {
		return &InstanceError{Problems: []Problem{{Field: "instance", Message: "is empty", MessageVI: "dữ liệu trống"}}}
	}
	v := &validator{year: inst.Year}
	if inst.Year < 2000 || inst.Year > 2100 {
		v.add("year", fmt.Sprintf("%d is not a plan year (2000–2100)", inst.Year),
			fmt.Sprintf("%d không phải năm kế hoạch hợp lệ (2000–2100)", inst.Year))
		return &InstanceError{Problems: v.problems}
	}
	for i, s := range inst.Calendar.Holidays {
		v.date(fmt.Sprintf("calendar.holidays[%d]", i), s)
	}
	for i, s := range inst.Calendar.ExtraWorkingDays {
		v.date(fmt.Sprintf("calendar.extra_working_days[%d]", i), s)
	}

	units := map[string]int{}
	for i, u := range inst.Units {
		f := fmt.Sprintf("units[%d]", i)
		switch {
		case u.ID == "":
			v.add(f+".id", "is empty", "mã đơn vị trống")
		case units[u.ID] > 0:
			v.add(f+".id", fmt.Sprintf("unit %s appears twice", u.ID), fmt.Sprintf("đơn vị %s bị lặp", u.ID))
		}
		units[u.ID] = i + 1
		for j, b := range u.Blackouts {
			v.interval(fmt.Sprintf("%s (%s).blackouts[%d]", f, u.ID, j), b)
		}
	}
	for i, u := range inst.Units {
		if u.Parent != "" && units[u.Parent] == 0 {
			v.add(fmt.Sprintf("units[%d] (%s).parent", i, u.ID), fmt.Sprintf("unknown unit %q", u.Parent),
				fmt.Sprintf("không có đơn vị %q", u.Parent))
		}
	}
	// Walk up from every unit; more steps than units means a cycle.
	for i, u := range inst.Units {
		cur, steps := u.Parent, 0
		for cur != "" && units[cur] > 0 && steps <= len(inst.Units) {
			cur = inst.Units[units[cur]-1].Parent
			steps++
		}
		if steps > len(inst.Units) {
			v.add(fmt.Sprintf("units[%d] (%s).parent", i, u.ID), "the unit tree has a cycle",
				"cây đơn vị có vòng lặp")
		}
	}

	bodies := map[string]bool{}
	for i, b := range inst.Bodies {
		f := fmt.Sprintf("bodies[%d].id", i)
		switch {
		case b.ID == "":
			v.add(f, "is empty", "mã cơ quan trống")
		case bodies[b.ID]:
			v.add(f, fmt.Sprintf("body %s appears twice", b.ID), fmt.Sprintf("cơ quan %s bị lặp", b.ID))
		}
		bodies[b.ID] = true
	}

	inspectors := map[string]bool{}
	for i, in := range inst.Inspectors {
		f := fmt.Sprintf("inspectors[%d]", i)
		switch {
		case in.ID == "":
			v.add(f+".id", "is empty", "mã cán bộ trống")
		case inspectors[in.ID]:
			v.add(f+".id", fmt.Sprintf("inspector %s appears twice", in.ID), fmt.Sprintf("cán bộ %s bị lặp", in.ID))
		}
		inspectors[in.ID] = true
		f = fmt.Sprintf("%s (%s)", f, in.ID)
		if !bodies[in.Body] {
			v.add(f+".body", fmt.Sprintf("unknown body %q", in.Body), fmt.Sprintf("không có cơ quan %q", in.Body))
		}
		if in.MaxDays < 0 {
			v.add(f+".max_days", fmt.Sprintf("%d is negative", in.MaxDays), fmt.Sprintf("%d là số âm", in.MaxDays))
		}
		for j, iv := range in.Unavailable {
			v.interval(fmt.Sprintf("%s.unavailable[%d]", f, j), iv)
		}
	}

	rules := EffectiveRules(inst.Rules)
	if r := inst.Rules; r != nil {
		if r.MaxVisitDays < 0 || r.MaxTeamSize < 0 || r.ExtraDaysPerExtraBody < 0 {
			v.add("rules", "limits must not be negative", "giới hạn không được âm")
		}
		w := r.Weights
		if w.Unscheduled < 0 || w.WindowDay < 0 || w.Rotation < 0 || w.JointMissingBody < 0 || w.BalanceDay < 0 || w.AreaWeek < 0 {
			v.add("rules.weights", "weights must not be negative", "trọng số không được âm")
		}
	}

	proposals := map[string]bool{}
	for i, p := range inst.Proposals {
		f := fmt.Sprintf("proposals[%d]", i)
		switch {
		case p.ID == "":
			v.add(f+".id", "is empty", "mã đề xuất trống")
		case proposals[p.ID]:
			v.add(f+".id", fmt.Sprintf("proposal %s appears twice", p.ID), fmt.Sprintf("đề xuất %s bị lặp", p.ID))
		}
		proposals[p.ID] = true
		f = fmt.Sprintf("%s (%s)", f, p.ID)
		if !bodies[p.Body] {
			v.add(f+".body", fmt.Sprintf("unknown body %q", p.Body), fmt.Sprintf("không có cơ quan %q", p.Body))
		}
		if units[p.Unit] == 0 {
			v.add(f+".unit", fmt.Sprintf("unknown unit %q", p.Unit), fmt.Sprintf("không có đơn vị %q", p.Unit))
		}
		switch p.Form {
		case FormPlanned, FormUnannounced, FormVerification:
		default:
			v.add(f+".form", fmt.Sprintf("%q is not planned, unannounced or verification", p.Form),
				fmt.Sprintf("%q không phải hình thức theo kế hoạch, đột xuất hoặc xác minh", p.Form))
		}
		if p.Days < 1 {
			v.add(f+".days", fmt.Sprintf("%d: a visit lasts at least one working day", p.Days),
				fmt.Sprintf("%d: cuộc kiểm tra kéo dài ít nhất một ngày làm việc", p.Days))
		}
		if p.TeamSize < 1 {
			v.add(f+".team_size", fmt.Sprintf("%d: a team has at least one inspector", p.TeamSize),
				fmt.Sprintf("%d: đoàn có ít nhất một thành viên", p.TeamSize))
		}
		if p.Priority < 1 || p.Priority > 3 {
			v.add(f+".priority", fmt.Sprintf("%d is not 1 (normal) to 3 (highest)", p.Priority),
				fmt.Sprintf("%d không nằm trong khoảng 1 (thường) đến 3 (cao nhất)", p.Priority))
		}
		if p.Window != nil {
			v.interval(f+".window", *p.Window)
		}
	}
	// A planned visit is named after its unit, the others after their proposal.
	for i, p := range inst.Proposals {
		if p.Form != FormPlanned && units[p.ID] > 0 {
			v.add(fmt.Sprintf("proposals[%d].id", i),
				fmt.Sprintf("%s is also a unit id: visit v-%s would be ambiguous", p.ID, p.ID),
				fmt.Sprintf("%s trùng mã đơn vị: cuộc kiểm tra v-%s không xác định được", p.ID, p.ID))
		}
	}
	if rules.MaxVisitDays < 1 || rules.MaxTeamSize < 1 {
		v.add("rules", "max_visit_days and max_team_size must be at least 1",
			"max_visit_days và max_team_size phải từ 1 trở lên")
	}
	if len(v.problems) > 0 {
		return &InstanceError{Problems: v.problems}
	}
	return nil
}

package planning

import (
	"fmt"
	"math"
	"slices"
	"time"

	"khung/app/calendar"
)

// Violation is a broken hard rule: Rule is "H1".."H6", or "V" when a visit of
// §2 is missing, repeated or unknown.
type Violation struct {
	Rule      string  `json:"rule"`
	Visit     string  `json:"visit,omitempty"`
	Inspector string  `json:"inspector,omitempty"`
	Day       string  `json:"day,omitempty"`
	Msg       Message `json:"msg"` // what is broken, as a message id with parameters
	// Message and MessageVI are Msg in English and Vietnamese, filled by Delta.Render.
	Message   string `json:"message,omitempty"`
	MessageVI string `json:"message_vi,omitempty"`
}

// Penalty component names, as in Weights' JSON and Metrics.PenaltyBy.
var componentNames = []string{"unscheduled", "window_day", "rotation", "joint_missing_body", "balance_day", "area_week"}

// rawScore holds the score components before weighting; balance is Σ|W·L_m − total·W_m|.
type rawScore struct {
	unscheduled, windowDays, rotation, joint, areaWeek, balance int64
}

// scaled returns each weighted component × W, in componentNames order.
func (r rawScore) scaled(w Weights, W int64) [6]int64 {
	return [6]int64{
		W * w.Unscheduled * r.unscheduled, W * w.WindowDay * r.windowDays, W * w.Rotation * r.rotation,
		W * w.JointMissingBody * r.joint, w.BalanceDay * r.balance, W * w.AreaWeek * r.areaWeek,
	}
}

// round2 divides a scaled penalty by W and rounds to 0.01.
func round2(x, W int64) float64 {
	if W == 0 {
		return 0
	}
	return math.Round(float64(x)*100/float64(W)) / 100
}

// metrics scores a plan of this model plainly (maps and loops, independent of
// the search state) and fills Metrics.
func (m *model) metrics(plan *Plan) Metrics {
	viol, raw := m.evaluate(plan)
	W := int64(m.cal.Len())
	parts := raw.scaled(m.rules.Weights, W)
	by := make(map[string]float64, len(parts))
	var total int64
	for k, x := range parts {
		by[componentNames[k]] = round2(x, W)
		total += x
	}
	planned := map[string]int{}
	most := 0
	for _, v := range plan.Visits {
		if v.Form == FormPlanned {
			planned[v.Unit]++
			most = max(most, planned[v.Unit])
		}
	}
	return Metrics{
		Proposals:               len(m.inst.Proposals),
		Visits:                  len(plan.Visits),
		Unscheduled:             len(plan.Unscheduled),
		HardViolations:          len(viol),
		Penalty:                 round2(total, W),
		PenaltyBy:               by,
		MaxPlannedVisitsPerUnit: most,
	}
}

// evaluate checks H1–H6 and "every visit exactly once", and computes the raw
// score of the plan (visits that break H1 are left out of the score).
func (m *model) evaluate(plan *Plan) ([]Violation, rawScore) {
	var out []Violation
	var raw rawScore
	add := func(rule, visit, insp, day string, msg Message) {
		out = append(out, Violation{Rule: rule, Visit: visit, Inspector: insp, Day: day, Msg: msg})
	}
	merged := make(map[string]*MergedVisit, len(m.visits))
	for i := range m.visits {
		merged[m.visits[i].ID] = &m.visits[i]
	}
	seen := map[string]int{}
	for _, u := range plan.Unscheduled {
		seen[u.Visit]++
		if mv := merged[u.Visit]; mv != nil {
			raw.unscheduled += int64(mv.Priority)
		}
	}
	cal := m.cal
	W := int64(cal.Len())
	// onDay[k·days + d] is 1 + the position in plan.Visits of the visit that
	// has inspector k (model index) on day d, or 0.
	onDay := make([]int32, len(m.inspectors)*cal.Len())
	daysOf := map[string]int{}
	unitDays := map[string]map[int]string{}
	var monthLoad [13]int64
	var total int64
	areaWeeks := map[string]bool{}
	insp := make(map[string]*Inspector, len(m.inspectors))
	inspIdx := make(map[string]int, len(m.inspectors))
	for i := range m.inspectors {
		insp[m.inspectors[i].ID] = &m.inspectors[i]
		inspIdx[m.inspectors[i].ID] = i
	}
	for pos, v := range plan.Visits {
		seen[v.ID]++
		mv := merged[v.ID]
		if mv == nil {
			add("V", v.ID, "", "", Msg("planning.rule.unknown_visit"))
			continue
		}
		// H1
		t, err := calendar.Parse(v.Start)
		first, ok := cal.Index(t)
		if err != nil || !ok {
			add("H1", v.ID, "", v.Start, Msg("planning.rule.start_not_working", "Date", v.Start, "Year", m.inst.Year))
			continue
		}
		if first+mv.Days > cal.Len() {
			add("H1", v.ID, "", v.Start, Msg("planning.rule.past_year_end", "Count", mv.Days, "Date", v.Start))
			continue
		}
		if v.Days != mv.Days || v.End != m.dateOf(first+mv.Days-1) {
			add("H1", v.ID, "", v.End, Msg("planning.rule.wrong_end", "Count", mv.Days, "Date", m.dateOf(first+mv.Days-1)))
		}
		last := first + mv.Days - 1
		// H5
		ui := m.unitIdx[mv.Unit]
		for _, b := range m.inst.Units[ui].Blackouts {
			a, z := m.dayRange(b)
			if a <= z && a <= last && first <= z {
				d := max(a, first)
				add("H5", v.ID, "", m.dateOf(d), Msg("planning.rule.blackout", "Date", m.dateOf(d), "Unit", mv.Unit))
			}
		}
		// H6
		if unitDays[mv.Unit] == nil {
			unitDays[mv.Unit] = map[int]string{}
		}
		for d := first; d <= last; d++ {
			if o, clash := unitDays[mv.Unit][d]; clash {
				add("H6", v.ID, "", m.dateOf(d), Msg("planning.rule.same_day", "Other", o, "Visit", v.ID, "Unit", mv.Unit))
				break
			}
		}
		for d := first; d <= last; d++ {
			unitDays[mv.Unit][d] = v.ID
		}
		// H3
		leads, members := 0, map[string]bool{}
		var skills []string
		for _, tm := range v.Team {
			in := insp[tm.Inspector]
			if in == nil {
				add("H3", v.ID, tm.Inspector, "", Msg("planning.rule.unknown_inspector"))
				continue
			}
			if members[tm.Inspector] {
				add("H3", v.ID, tm.Inspector, "", Msg("planning.rule.listed_twice"))
			}
			members[tm.Inspector] = true
			skills = append(skills, in.Skills...)
			if tm.Role == RoleLead {
				leads++
				if !in.CanLead || in.Body != mv.LeadBody {
					add("H3", v.ID, tm.Inspector, "", Msg("planning.rule.lead_body", "Body", mv.LeadBody))
				}
			}
		}
		if leads != 1 {
			add("H3", v.ID, "", "", Msg("planning.rule.lead_count", "Count", leads))
		}
		if len(members) != mv.TeamSize {
			add("H3", v.ID, "", "", Msg("planning.rule.team_count", "Count", len(members), "Size", mv.TeamSize))
		}
		for _, sk := range mv.Skills {
			if !slices.Contains(skills, sk) {
				add("H3", v.ID, "", "", Msg("planning.rule.skill_missing", "Skill", sk))
			}
		}
		// H2 and H4
		for _, tm := range v.Team {
			in := insp[tm.Inspector]
			if in == nil {
				continue
			}
			if c := m.conflict(in, ui); c != "" {
				add("H4", v.ID, in.ID, "", Msg("planning.rule.conflict", "Inspector", in.ID, "Unit", mv.Unit, "Through", c))
			}
			row := onDay[inspIdx[in.ID]*cal.Len():]
			for d := first; d <= last; d++ {
				if o := row[d]; o > 0 {
					add("H2", v.ID, in.ID, m.dateOf(d), Msg("planning.rule.two_visits", "Inspector", in.ID, "Other", plan.Visits[o-1].ID, "Visit", v.ID, "Date", m.dateOf(d)))
				}
				row[d] = int32(pos + 1)
			}
			for _, iv := range in.Unavailable {
				a, z := m.dayRange(iv)
				if a <= z && a <= last && first <= z {
					d := max(a, first)
					add("H2", v.ID, in.ID, m.dateOf(d), Msg("planning.rule.leave", "Inspector", in.ID, "Date", m.dateOf(d)))
				}
			}
			daysOf[in.ID] += mv.Days
		}

		// Score.
		for _, iv := range mv.Windows {
			if iv.From == "" {
				continue
			}
			a, z := m.dayRange(iv)
			in := max(0, min(last, z)-max(first, a)+1)
			raw.windowDays += int64(mv.Days - in)
		}
		var lead string
		for _, tm := range v.Team {
			if tm.Role == RoleLead {
				lead = tm.Inspector
			}
		}
		if slices.Contains(m.lastLeads[mv.Unit], lead) {
			raw.rotation++
		}
		for _, b := range mv.Bodies {
			found := false
			for _, tm := range v.Team {
				if in := insp[tm.Inspector]; in != nil && in.Body == b {
					found = true
				}
			}
			if !found {
				raw.joint++
			}
		}
		for d := first; d <= last; d++ {
			monthLoad[cal.Month(d)] += int64(len(v.Team))
		}
		total += int64(len(v.Team) * mv.Days)
		if area := m.inst.Units[ui].Area; area != "" && mv.Form == FormPlanned {
			y, w := cal.ISOWeek(first)
			areaWeeks[fmt.Sprintf("%s/%d-%d", area, y, w)] = true
		}
	}
	for _, in := range m.inspectors {
		if in.MaxDays > 0 && daysOf[in.ID] > in.MaxDays {
			add("H2", "", in.ID, "", Msg("planning.rule.max_days", "Inspector", in.ID, "Count", daysOf[in.ID], "Max", in.MaxDays))
		}
	}
	for _, mv := range m.visits {
		switch n := seen[mv.ID]; {
		case n == 0:
			add("V", mv.ID, "", "", Msg("planning.rule.missing_visit"))
		case n > 1:
			add("V", mv.ID, "", "", Msg("planning.rule.repeated_visit", "Count", n))
		}
	}
	for mo := 1; mo <= 12; mo++ {
		raw.balance += abs64(W*monthLoad[mo] - total*int64(cal.InMonth(timeMonth(mo))))
	}
	raw.areaWeek = int64(len(areaWeeks))
	return out, raw
}

// conflict returns the unit through which inspector in conflicts with unit
// index u (u itself or an ancestor), or "".
func (m *model) conflict(in *Inspector, u int) string {
	for a := u; a >= 0; a = m.parent[a] {
		id := m.inst.Units[a].ID
		if in.HomeUnit == id || slices.Contains(in.FormerUnits, id) || slices.Contains(in.ConflictUnits, id) {
			return id
		}
	}
	return ""
}

func timeMonth(m int) time.Month { return time.Month(m) }

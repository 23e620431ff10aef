// Package mip writes the exact time-indexed mixed-integer model of a planning
// instance (planner-spec §4 and §5) as CPLEX-LP text, turns a solver's solution
// back into a plan, and keeps the proven optima of small instances as golden
// files to measure the engine against. The solver itself is HiGHS, run by
// tools/mip/solve.mjs under Node; nothing here needs it except Solver.
//
// Variables (v visit, s start, i inspector, t working day):
//
//	x_v_s   visit v starts on working day s (only starts whose days stay in the
//	        year and outside the unit's blackouts: H1, H5)
//	u_v     visit v is unscheduled
//	y_v_i   inspector i is on v's team (only inspectors free of conflict: H4)
//	l_v_i   inspector i leads v (only can_lead inspectors of the lead body)
//	z_v_i_t ≥ y_v_i + cover_v_t − 1, where cover_v_t = Σ x_v_s over the starts
//	        whose days include t; Σ_v z_v_i_t ≤ 1 (0 on leave), Σ z ≤ max_days (H2)
//	m_v_k   body k of v's proposals has no member on the team
//	e_m     |W|·|L_m − T_m|, the balance of month m, linearised
//	a_k     an (area, ISO week) pair holds the start of a planned visit
//
// The objective is the penalty multiplied by |W| (the number of working days), so
// that every coefficient is an integer; Model.Scale is that factor.
package mip

import (
	"fmt"
	"slices"
	"strings"

	"khung/app/planning"
	"khung/app/planning/check"
)

// Model is the MIP of one instance and what is needed to read a solution back.
type Model struct {
	// LP is the model in CPLEX-LP format.
	LP string
	// Scale is |W|: the objective equals Scale × penalty.
	Scale int64
	// Variables and Constraints count the model's size.
	Variables, Constraints int

	inst     *planning.Instance
	cal      *check.Calendar
	visits   []check.Expected
	starts   [][]int // per visit, feasible starts (working-day indexes)
	eligible [][]int // per visit, inspector indexes free of conflict
	leads    [][]int // per visit, eligible inspectors who may lead it
}

type term struct {
	coef int64
	name string
}

// lpWriter writes rows of an LP file, wrapping long expressions.
type lpWriter struct {
	b    strings.Builder
	rows int
}

func (w *lpWriter) expr(terms []term) {
	n := 0
	for _, t := range terms {
		if t.coef == 0 {
			continue
		}
		if n > 0 && n%8 == 0 {
			w.b.WriteString("\n  ")
		}
		switch {
		case t.coef == 1:
			fmt.Fprintf(&w.b, " + %s", t.name)
		case t.coef == -1:
			fmt.Fprintf(&w.b, " - %s", t.name)
		case t.coef < 0:
			fmt.Fprintf(&w.b, " - %d %s", -t.coef, t.name)
		default:
			fmt.Fprintf(&w.b, " + %d %s", t.coef, t.name)
		}
		n++
	}
	if n == 0 {
		w.b.WriteString(" 0 u_0")
	}
}

func (w *lpWriter) row(name string, terms []term, sense string, rhs int64) {
	fmt.Fprintf(&w.b, " %s:", name)
	w.expr(terms)
	fmt.Fprintf(&w.b, " %s %d\n", sense, rhs)
	w.rows++
}

func xName(v, s int) string    { return fmt.Sprintf("x_%d_%d", v, s) }
func uName(v int) string       { return fmt.Sprintf("u_%d", v) }
func yName(v, i int) string    { return fmt.Sprintf("y_%d_%d", v, i) }
func lName(v, i int) string    { return fmt.Sprintf("l_%d_%d", v, i) }
func zName(v, i, t int) string { return fmt.Sprintf("z_%d_%d_%d", v, i, t) }

// Build writes the MIP of inst. It uses the checker's merge and calendar, not
// the engine's, so that the two sides stay independent.
func Build(inst *planning.Instance) (*Model, error) {
	cal, err := check.NewCalendar(inst)
	if err != nil {
		return nil, fmt.Errorf("mip: %w", err)
	}
	visits, err := check.ExpectedVisits(inst)
	if err != nil {
		return nil, fmt.Errorf("mip: %w", err)
	}
	if len(cal.Days) == 0 {
		return nil, fmt.Errorf("mip: the year %d has no working day", inst.Year)
	}
	m := &Model{inst: inst, cal: cal, visits: visits, Scale: int64(len(cal.Days))}
	m.prepare()
	m.LP = m.write()
	return m, nil
}

// prepare computes each visit's feasible starts, eligible inspectors and leads.
func (m *Model) prepare() {
	units := map[string]planning.Unit{}
	for _, u := range m.inst.Units {
		units[u.ID] = u
	}
	nW := len(m.cal.Days)
	for _, e := range m.visits {
		blocked := make([]bool, nW)
		for _, b := range units[e.Unit].Blackouts {
			for d := range nW {
				if date := m.cal.Date(d); date >= b.From && date <= b.To {
					blocked[d] = true
				}
			}
		}
		var starts []int
		for s := 0; s+e.Days <= nW; s++ {
			if !slices.Contains(blocked[s:s+e.Days], true) {
				starts = append(starts, s)
			}
		}
		m.starts = append(m.starts, starts)

		above := map[string]bool{}
		for u := e.Unit; u != "" && !above[u]; u = units[u].Parent {
			above[u] = true
		}
		var eligible, leads []int
		for i, in := range m.inst.Inspectors {
			conflict := above[in.HomeUnit]
			for _, u := range append(slices.Clone(in.FormerUnits), in.ConflictUnits...) {
				conflict = conflict || above[u]
			}
			if conflict {
				continue
			}
			eligible = append(eligible, i)
			if in.CanLead && in.Body == e.LeadBody {
				leads = append(leads, i)
			}
		}
		m.eligible = append(m.eligible, eligible)
		m.leads = append(m.leads, leads)
	}
}

// covering returns the starts of visit v whose days include working day t.
func (m *Model) covering(v, t int) []int {
	var out []int
	for _, s := range m.starts[v] {
		if s <= t && t < s+m.visits[v].Days {
			out = append(out, s)
		}
	}
	return out
}

func (m *Model) write() string {
	rules := planning.EffectiveRules(m.inst.Rules)
	wt := rules.Weights
	W := m.Scale
	nW := len(m.cal.Days)
	w := &lpWriter{}
	var binaries, continuous []string

	// Objective.
	var obj []term
	proposals := map[string]planning.Proposal{}
	for _, p := range m.inst.Proposals {
		proposals[p.ID] = p
	}
	lastLeads := lastYearLeads(m.inst.History)
	for v, e := range m.visits {
		obj = append(obj, term{W * wt.Unscheduled * int64(e.Priority), uName(v)})
		binaries = append(binaries, uName(v))
		for _, s := range m.starts[v] {
			var outside int64
			for _, pid := range e.Proposals {
				win := proposals[pid].Window
				if win == nil {
					continue
				}
				for d := s; d < s+e.Days; d++ {
					if date := m.cal.Date(d); date < win.From || date > win.To {
						outside++
					}
				}
			}
			obj = append(obj, term{W * wt.WindowDay * outside, xName(v, s)})
			binaries = append(binaries, xName(v, s))
		}
		for _, i := range m.eligible[v] {
			binaries = append(binaries, yName(v, i))
		}
		for _, i := range m.leads[v] {
			binaries = append(binaries, lName(v, i))
			if lastLeads[e.Unit][m.inst.Inspectors[i].ID] {
				obj = append(obj, term{W * wt.Rotation, lName(v, i)})
			}
		}
		for k := range e.Bodies {
			name := fmt.Sprintf("m_%d_%d", v, k)
			obj = append(obj, term{W * wt.JointMissingBody, name})
			continuous = append(continuous, name)
		}
	}
	var months []int
	var workMonth [13]int64
	for _, d := range m.cal.Days {
		workMonth[d.Month()]++
	}
	for mo := 1; mo <= 12; mo++ {
		if workMonth[mo] > 0 {
			months = append(months, mo)
			name := fmt.Sprintf("e_%d", mo)
			obj = append(obj, term{wt.BalanceDay, name})
			continuous = append(continuous, name)
		}
	}
	type areaWeek struct {
		area       string
		year, week int
	}
	units := map[string]planning.Unit{}
	for _, u := range m.inst.Units {
		units[u.ID] = u
	}
	awIndex := map[areaWeek]int{}
	var awKeys []areaWeek
	for v, e := range m.visits {
		area := units[e.Unit].Area
		if e.Form != planning.FormPlanned || area == "" {
			continue
		}
		for _, s := range m.starts[v] {
			y, wk := m.cal.Days[s].ISOWeek()
			k := areaWeek{area, y, wk}
			if _, ok := awIndex[k]; !ok {
				awIndex[k] = len(awKeys)
				awKeys = append(awKeys, k)
				name := fmt.Sprintf("a_%d", awIndex[k])
				obj = append(obj, term{W * wt.AreaWeek, name})
				continuous = append(continuous, name)
			}
		}
	}
	w.b.WriteString("\\ Khung planning MIP: objective = penalty × |W|\nMinimize\n obj:")
	w.expr(obj)
	w.b.WriteString("\nSubject To\n")

	// Each visit is started once or unscheduled; team, lead, skills, bodies.
	for v, e := range m.visits {
		assign := []term{{1, uName(v)}}
		for _, s := range m.starts[v] {
			assign = append(assign, term{1, xName(v, s)})
		}
		w.row(fmt.Sprintf("assign_%d", v), assign, "=", 1)

		team := []term{{int64(e.TeamSize), uName(v)}}
		for _, i := range m.eligible[v] {
			team = append(team, term{1, yName(v, i)})
		}
		w.row(fmt.Sprintf("team_%d", v), team, "=", int64(e.TeamSize))

		lead := []term{{1, uName(v)}}
		for _, i := range m.leads[v] {
			lead = append(lead, term{1, lName(v, i)})
			w.row(fmt.Sprintf("leadon_%d_%d", v, i), []term{{1, lName(v, i)}, {-1, yName(v, i)}}, "<=", 0)
		}
		w.row(fmt.Sprintf("lead_%d", v), lead, "=", 1)

		for k, skill := range e.Skills {
			row := []term{{1, uName(v)}}
			for _, i := range m.eligible[v] {
				if slices.Contains(m.inst.Inspectors[i].Skills, skill) {
					row = append(row, term{1, yName(v, i)})
				}
			}
			w.row(fmt.Sprintf("skill_%d_%d", v, k), row, ">=", 1)
		}
		for k, body := range e.Bodies {
			row := []term{{1, fmt.Sprintf("m_%d_%d", v, k)}, {1, uName(v)}}
			for _, i := range m.eligible[v] {
				if m.inst.Inspectors[i].Body == body {
					row = append(row, term{1, yName(v, i)})
				}
			}
			w.row(fmt.Sprintf("body_%d_%d", v, k), row, ">=", 1)
		}
	}

	// Inspector-days: z links team and cover; one visit a day, none on leave, max_days.
	busy := map[[2]int][]term{} // (inspector, day) → z terms
	total := map[int][]term{}   // inspector → z terms
	for v := range m.visits {
		days := map[int]bool{}
		for _, s := range m.starts[v] {
			for d := s; d < s+m.visits[v].Days; d++ {
				days[d] = true
			}
		}
		for _, i := range m.eligible[v] {
			for t := range nW {
				if !days[t] {
					continue
				}
				z := zName(v, i, t)
				continuous = append(continuous, z)
				row := []term{{1, z}, {-1, yName(v, i)}}
				for _, s := range m.covering(v, t) {
					row = append(row, term{-1, xName(v, s)})
				}
				w.row(fmt.Sprintf("link_%d_%d_%d", v, i, t), row, ">=", -1)
				busy[[2]int{i, t}] = append(busy[[2]int{i, t}], term{1, z})
				total[i] = append(total[i], term{1, z})
			}
		}
	}
	for i, in := range m.inst.Inspectors {
		for t := range nW {
			terms := busy[[2]int{i, t}]
			if len(terms) == 0 {
				continue
			}
			limit := int64(1)
			for _, iv := range in.Unavailable {
				if d := m.cal.Date(t); d >= iv.From && d <= iv.To {
					limit = 0
				}
			}
			if limit == 1 && len(terms) == 1 {
				continue // a single visit that day: nothing to forbid
			}
			w.row(fmt.Sprintf("busy_%d_%d", i, t), terms, "<=", limit)
		}
		if in.MaxDays > 0 && len(total[i]) > 0 {
			w.row(fmt.Sprintf("maxdays_%d", i), total[i], "<=", int64(in.MaxDays))
		}
	}

	// H6: visits of one unit never share a day.
	byUnit := map[string][]int{}
	var unitOrder []string
	for v, e := range m.visits {
		if byUnit[e.Unit] == nil {
			unitOrder = append(unitOrder, e.Unit)
		}
		byUnit[e.Unit] = append(byUnit[e.Unit], v)
	}
	for ui, u := range unitOrder {
		vs := byUnit[u]
		if len(vs) < 2 {
			continue
		}
		for t := range nW {
			var row []term
			for _, v := range vs {
				for _, s := range m.covering(v, t) {
					row = append(row, term{1, xName(v, s)})
				}
			}
			if len(row) > 1 {
				w.row(fmt.Sprintf("unit_%d_%d", ui, t), row, "<=", 1)
			}
		}
	}

	// Balance: e_m ≥ ±(|W|·L_m − W_m·total), with L_m and total linear in x.
	for _, mo := range months {
		var expr []term
		for v, e := range m.visits {
			for _, s := range m.starts[v] {
				var inMonth int64
				for d := s; d < s+e.Days; d++ {
					if int(m.cal.Days[d].Month()) == mo {
						inMonth++
					}
				}
				coef := int64(e.TeamSize) * (W*inMonth - workMonth[mo]*int64(e.Days))
				expr = append(expr, term{coef, xName(v, s)})
			}
		}
		e := fmt.Sprintf("e_%d", mo)
		pos := append([]term{{1, e}}, negate(expr)...)
		neg := append([]term{{1, e}}, expr...)
		w.row(fmt.Sprintf("balhi_%d", mo), pos, ">=", 0)
		w.row(fmt.Sprintf("ballo_%d", mo), neg, ">=", 0)
	}

	// Area-weeks: a_k ≥ the visit's starts in that week, for each planned visit.
	for v, e := range m.visits {
		area := units[e.Unit].Area
		if e.Form != planning.FormPlanned || area == "" {
			continue
		}
		byKey := map[int][]term{}
		var keys []int
		for _, s := range m.starts[v] {
			y, wk := m.cal.Days[s].ISOWeek()
			k := awIndex[areaWeek{area, y, wk}]
			if byKey[k] == nil {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], term{-1, xName(v, s)})
		}
		for _, k := range keys {
			row := append([]term{{1, fmt.Sprintf("a_%d", k)}}, byKey[k]...)
			w.row(fmt.Sprintf("aw_%d_%d", v, k), row, ">=", 0)
		}
	}

	w.b.WriteString("Bounds\n")
	for _, c := range continuous {
		fmt.Fprintf(&w.b, " %s >= 0\n", c)
	}
	w.b.WriteString("Binary\n")
	for k, b := range binaries {
		if k > 0 && k%10 == 0 {
			w.b.WriteString("\n")
		}
		w.b.WriteString(" " + b)
	}
	w.b.WriteString("\nEnd\n")
	m.Variables = len(binaries) + len(continuous)
	m.Constraints = w.rows
	return w.b.String()
}

func negate(ts []term) []term {
	out := make([]term, len(ts))
	for i, t := range ts {
		out[i] = term{-t.coef, t.name}
	}
	return out
}

// lastYearLeads maps each unit to the lead inspectors of its most recent history year.
func lastYearLeads(history []planning.HistoryRow) map[string]map[string]bool {
	last := map[string]int{}
	for _, h := range history {
		if y, ok := last[h.Unit]; !ok || h.Year > y {
			last[h.Unit] = h.Year
		}
	}
	out := map[string]map[string]bool{}
	for _, h := range history {
		if h.Year == last[h.Unit] {
			if out[h.Unit] == nil {
				out[h.Unit] = map[string]bool{}
			}
			out[h.Unit][h.LeadInspector] = true
		}
	}
	return out
}

package planning

import (
	"slices"
	"strings"
	"testing"
)

// solveValid solves inst and fails on any hard violation or missing visit.
func solveValid(t *testing.T, inst *Instance, opt Options) *Plan {
	t.Helper()
	plan, err := Solve(inst, opt)
	if err != nil {
		t.Fatal(err)
	}
	renderPlan(t, plan)
	m, err := newModel(inst)
	if err != nil {
		t.Fatal(err)
	}
	viol, _ := m.evaluate(plan)
	for _, v := range viol {
		t.Errorf("violation %s %s %s %s: %v", v.Rule, v.Visit, v.Inspector, v.Day, v.Msg)
	}
	if plan.Metrics.HardViolations != 0 {
		t.Errorf("metrics report %d hard violations", plan.Metrics.HardViolations)
	}
	return plan
}

func visit(t *testing.T, plan *Plan, id string) Visit {
	t.Helper()
	for _, v := range plan.Visits {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("visit %s is not scheduled (unscheduled: %+v)", id, plan.Unscheduled)
	return Visit{}
}

func unscheduled(t *testing.T, plan *Plan, id string) Unscheduled {
	t.Helper()
	for _, u := range plan.Unscheduled {
		if u.Visit == id {
			return u
		}
	}
	t.Fatalf("visit %s is scheduled, want it unscheduled", id)
	return Unscheduled{}
}

func lead(v Visit) string {
	for _, m := range v.Team {
		if m.Role == RoleLead {
			return m.Inspector
		}
	}
	return ""
}

func members(v Visit) []string {
	var out []string
	for _, m := range v.Team {
		out = append(out, m.Inspector)
	}
	return out
}

func win(from, to string) *Interval { return &Interval{From: from, To: to} }

func TestHardConstraints(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Instance)
		check func(t *testing.T, plan *Plan)
	}{
		{
			name: "an inspector is never on two visits the same day",
			edit: func(inst *Instance) {
				// Only i1 can lead city-team visits; both want the same week.
				inst.Inspectors[1].CanLead = false
				for _, u := range []string{"01.001", "01.002"} {
					p := prop("p"+u, "city-team", u, FormPlanned, 3, 1, 1)
					p.Window = win("2025-03-03", "2025-03-07")
					inst.Proposals = append(inst.Proposals, p)
				}
			},
			check: func(t *testing.T, plan *Plan) {
				a, b := visit(t, plan, "v-01.001"), visit(t, plan, "v-01.002")
				if lead(a) != "i1" || lead(b) != "i1" {
					t.Fatalf("leads %s, %s; want i1 on both", lead(a), lead(b))
				}
				if a.Start <= b.End && b.Start <= a.End {
					t.Errorf("i1 leads %s..%s and %s..%s", a.Start, a.End, b.Start, b.End)
				}
			},
		},
		{
			name: "no member from the inspected unit or its ancestors",
			edit: func(inst *Instance) {
				inst.Inspectors[0].FormerUnits = []string{"01.001"} // parent of the ward
				inst.Inspectors[1].ConflictUnits = []string{"01.002"}
				inst.Proposals = append(inst.Proposals,
					prop("p1", "city-team", "01.001.01", FormPlanned, 2, 2, 1),
					prop("p2", "city-team", "01.002", FormPlanned, 2, 2, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				if m := members(visit(t, plan, "v-01.001.01")); slices.Contains(m, "i1") {
					t.Errorf("i1 formerly worked in 01.001 but inspects its ward: %v", m)
				}
				if m := members(visit(t, plan, "v-01.002")); slices.Contains(m, "i2") {
					t.Errorf("i2 has a conflict with 01.002 but inspects it: %v", m)
				}
			},
		},
		{
			name: "a visit whose only leads are conflicted is unscheduled with the reason",
			edit: func(inst *Instance) {
				inst.Inspectors[0].HomeUnit = "01" // the root: conflicts with everything
				inst.Inspectors[1].ConflictUnits = []string{"01.001"}
				inst.Proposals = append(inst.Proposals, prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				u := unscheduled(t, plan, "v-01.001")
				if u.Reason != "no lead inspector of city-team free of conflict of interest" {
					t.Errorf("reason %q", u.Reason)
				}
				if !slices.Equal(u.Proposals, []string{"p1"}) {
					t.Errorf("proposals %v", u.Proposals)
				}
			},
		},
		{
			name: "nobody works on a day of leave",
			edit: func(inst *Instance) {
				inst.Inspectors[1].CanLead = false
				inst.Inspectors[0].Unavailable = []Interval{{From: "2025-03-01", To: "2025-03-20"}}
				p := prop("p1", "city-team", "01.001", FormPlanned, 3, 1, 1)
				p.Window = win("2025-03-03", "2025-03-21")
				inst.Proposals = append(inst.Proposals, p)
			},
			check: func(t *testing.T, plan *Plan) {
				v := visit(t, plan, "v-01.001")
				if v.Start <= "2025-03-20" {
					t.Errorf("i1 leads from %s but is on leave until 2025-03-20", v.Start)
				}
				if !strings.Contains(strings.Join(v.Why, "\n"), "i1 is on leave") {
					t.Errorf("why does not say the cheaper start was blocked by leave: %q", v.Why)
				}
			},
		},
		{
			name: "max_days caps an inspector's visit days",
			edit: func(inst *Instance) {
				inst.Inspectors[1].CanLead = false
				inst.Inspectors[0].MaxDays = 5
				inst.Proposals = append(inst.Proposals,
					prop("p1", "city-team", "01.001", FormPlanned, 3, 1, 1),
					prop("p2", "city-team", "01.002", FormPlanned, 3, 1, 2))
			},
			check: func(t *testing.T, plan *Plan) {
				visit(t, plan, "v-01.002") // the higher priority wins the lead's days
				u := unscheduled(t, plan, "v-01.001")
				if !strings.Contains(u.Reason, "max_days") {
					t.Errorf("reason %q does not mention max_days", u.Reason)
				}
			},
		},
		{
			name: "no visit day in a blackout",
			edit: func(inst *Instance) {
				inst.Units[1].Blackouts = []Interval{{From: "2025-01-01", To: "2025-11-30"}}
				inst.Proposals = append(inst.Proposals, prop("p1", "city-team", "01.001", FormPlanned, 5, 2, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				if v := visit(t, plan, "v-01.001"); v.Start < "2025-12-01" {
					t.Errorf("starts %s inside the blackout", v.Start)
				}
			},
		},
		{
			name: "a blackout that leaves no room makes the visit unscheduled with the reason",
			edit: func(inst *Instance) {
				inst.Units[1].Blackouts = []Interval{{From: "2025-01-01", To: "2025-12-29"}}
				inst.Proposals = append(inst.Proposals, prop("p1", "city-team", "01.001", FormPlanned, 5, 2, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				u := unscheduled(t, plan, "v-01.001")
				if u.Reason != "the unit's blackouts leave no 5 consecutive working days in 2025" {
					t.Errorf("reason %q", u.Reason)
				}
			},
		},
		{
			name: "two visits of the same unit never share a day (H6)",
			edit: func(inst *Instance) {
				for _, p := range []Proposal{
					prop("p1", "city-team", "01.001", FormPlanned, 5, 1, 1),
					prop("p2", "city-team", "01.001", FormUnannounced, 5, 1, 1),
					prop("p3", "dept", "01.001", FormVerification, 5, 1, 1),
				} {
					p.Window = win("2025-06-02", "2025-06-06")
					inst.Proposals = append(inst.Proposals, p)
				}
			},
			check: func(t *testing.T, plan *Plan) {
				vs := []Visit{visit(t, plan, "v-01.001"), visit(t, plan, "v-p2"), visit(t, plan, "v-p3")}
				for a := range vs {
					for b := a + 1; b < len(vs); b++ {
						if vs[a].Start <= vs[b].End && vs[b].Start <= vs[a].End {
							t.Errorf("%s and %s share days", vs[a].ID, vs[b].ID)
						}
					}
				}
			},
		},
		{
			name: "a visit lasts its working days, skipping holidays and weekends (H1)",
			edit: func(inst *Instance) {
				p := prop("p1", "city-team", "01.001", FormPlanned, 4, 1, 1)
				p.Window = win("2025-04-28", "2025-05-05") // 30/4 and 1/5 are holidays
				inst.Proposals = append(inst.Proposals, p)
			},
			check: func(t *testing.T, plan *Plan) {
				v := visit(t, plan, "v-01.001")
				if v.Start != "2025-04-28" || v.End != "2025-05-05" || v.Days != 4 {
					t.Errorf("visit %s..%s (%d days), want 2025-04-28..2025-05-05 (4 working days)", v.Start, v.End, v.Days)
				}
			},
		},
		{
			name: "every skill is held by a team member and the lead belongs to the lead body (H3)",
			edit: func(inst *Instance) {
				p := prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1)
				p.Skills = []string{"cong_vu", "to_chuc"}
				inst.Proposals = append(inst.Proposals, p)
			},
			check: func(t *testing.T, plan *Plan) {
				v := visit(t, plan, "v-01.001")
				if l := lead(v); l != "i1" && l != "i2" {
					t.Errorf("lead %s is not of city-team", l)
				}
				if !slices.Contains(members(v), "i3") {
					t.Errorf("team %v lacks i3, the only holder of to_chuc", members(v))
				}
			},
		},
		{
			name: "a skill nobody free of conflict holds is a clear reason",
			edit: func(inst *Instance) {
				p := prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1)
				p.Skills = []string{"tai_chinh"}
				inst.Proposals = append(inst.Proposals, p)
			},
			check: func(t *testing.T, plan *Plan) {
				if u := unscheduled(t, plan, "v-01.001"); u.Reason != "no inspector holds skill tai_chinh" {
					t.Errorf("reason %q", u.Reason)
				}
			},
		},
		{
			name: "a team larger than the eligible inspectors is a clear reason",
			edit: func(inst *Instance) {
				inst.Proposals = append(inst.Proposals, prop("p1", "city-team", "01.001", FormPlanned, 2, 6, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				u := unscheduled(t, plan, "v-01.001")
				if u.Reason != "needs a team of 6 but only 4 inspectors are free of conflict of interest" {
					t.Errorf("reason %q", u.Reason)
				}
			},
		},
		{
			name: "the lead avoids last year's lead when another is free",
			edit: func(inst *Instance) {
				inst.History = []HistoryRow{{Unit: "01.001", Year: 2023, LeadInspector: "i2"}, {Unit: "01.001", Year: 2024, LeadInspector: "i1"}}
				inst.Proposals = append(inst.Proposals, prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				if l := lead(visit(t, plan, "v-01.001")); l != "i2" {
					t.Errorf("lead %s, want i2 (i1 led in 2024, the most recent year)", l)
				}
				if plan.Metrics.PenaltyBy["rotation"] != 0 {
					t.Errorf("rotation penalty %v", plan.Metrics.PenaltyBy["rotation"])
				}
			},
		},
		{
			name: "a joint visit takes a member of each body",
			edit: func(inst *Instance) {
				inst.Proposals = append(inst.Proposals,
					prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1),
					prop("p2", "dept", "01.001", FormPlanned, 2, 2, 1))
			},
			check: func(t *testing.T, plan *Plan) {
				v := visit(t, plan, "v-01.001")
				m := members(v)
				if !(slices.Contains(m, "i3") || slices.Contains(m, "i4")) {
					t.Errorf("team %v has nobody of dept", m)
				}
				if v.Days != 3 {
					t.Errorf("days %d, want 2 + 1 extra body", v.Days)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst := baseInstance()
			tc.edit(inst)
			for _, opt := range []Options{{Seed: 1}, {Greedy: true}} {
				plan := solveValid(t, inst, opt)
				if opt.Greedy {
					continue // the baseline must be valid too; the checks are for the engine
				}
				tc.check(t, plan)
				for _, v := range plan.Visits {
					if len(v.Why) < 3 {
						t.Errorf("%s has too few why sentences: %q", v.ID, v.Why)
					}
				}
			}
		})
	}
}

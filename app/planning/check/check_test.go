package check

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"khung/app/planning"
)

// holidaysExcept returns every weekday of year outside the kept ranges, so that a
// test instance has a calendar small enough to score by hand.
func holidaysExcept(year int, keep ...planning.Interval) []string {
	var out []string
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		s := d.Format(isoDate)
		kept := false
		for _, k := range keep {
			kept = kept || (s >= k.From && s <= k.To)
		}
		if !kept {
			out = append(out, s)
		}
	}
	return out
}

// tinyInstance has 16 working days: 2025-03-03…14 plus the working Saturday
// 2025-03-15 (11 in March) and 2025-04-07…11 (5 in April).
//
// Its merged visits:
//
//	v-01.001.00001  p1 (city-team, 3 days, team 2, window 03-03…03-05) + p2 (dept, 2 days, team 3, prio 2)
//	                → 4 days, team 3, lead body city-team, priority 2, skills cong_vu + to_chuc
//	v-01.001.00004  p3 (dept, 2 days, team 2)
//	v-p4            p4 unannounced at 01.001.00004 (city-team, 1 day, team 2, prio 3)
//	v-p5            p5 verification at 01-SNV (dept, 1 day, team 1): the only dept lead works there
func tinyInstance() *planning.Instance {
	return &planning.Instance{
		Year: 2025,
		Calendar: planning.Calendar{
			Holidays: holidaysExcept(2025,
				planning.Interval{From: "2025-03-03", To: "2025-03-14"},
				planning.Interval{From: "2025-04-07", To: "2025-04-11"}),
			ExtraWorkingDays: []string{"2025-03-15"},
		},
		Units: []planning.Unit{
			{ID: "01", Name: "Thành phố Hà Nội"},
			{ID: "01-SNV", Name: "Sở Nội vụ", Parent: "01"},
			{ID: "01-STP", Name: "Sở Tư pháp", Parent: "01"},
			{ID: "01.001", Name: "Quận Ba Đình", Parent: "01", Area: "001"},
			{ID: "01.001.00001", Name: "Phường Phúc Xá", Parent: "01.001", Area: "001"},
			{ID: "01.001.00004", Name: "Phường Trúc Bạch", Parent: "01.001", Area: "001",
				Blackouts: []planning.Interval{{From: "2025-04-10", To: "2025-04-11"}}},
		},
		Bodies: []planning.Body{
			{ID: "city-team", Name: "Đoàn kiểm tra công vụ Thành phố", Precedence: 1},
			{ID: "dept", Name: "Thanh tra Sở Nội vụ", Precedence: 2},
		},
		Inspectors: []planning.Inspector{
			{ID: "i1", Body: "city-team", HomeUnit: "01-SNV", Skills: []string{"cong_vu"}, CanLead: true},
			{ID: "i2", Body: "city-team", HomeUnit: "01-SNV", Skills: []string{"to_chuc"}},
			{ID: "i3", Body: "dept", HomeUnit: "01-SNV", CanLead: true, MaxDays: 2,
				Unavailable: []planning.Interval{{From: "2025-03-03", To: "2025-03-04"}}},
			{ID: "i4", Body: "dept", HomeUnit: "01.001"},
			{ID: "i5", Body: "city-team", HomeUnit: "01-STP", CanLead: true, FormerUnits: []string{"01.001.00004"}},
			{ID: "i6", Body: "city-team", HomeUnit: "01-STP", Skills: []string{"to_chuc"}, ConflictUnits: []string{"01.001"}},
			{ID: "i7", Body: "city-team", HomeUnit: "01-STP"},
		},
		History: []planning.HistoryRow{
			{Unit: "01.001.00001", Year: 2023, LeadInspector: "i3"},
			{Unit: "01.001.00001", Year: 2024, LeadInspector: "i1"},
		},
		Proposals: []planning.Proposal{
			{ID: "p1", Body: "city-team", Unit: "01.001.00001", Kind: "public_service", Form: planning.FormPlanned,
				Skills: []string{"cong_vu"}, Window: &planning.Interval{From: "2025-03-03", To: "2025-03-05"},
				Days: 3, TeamSize: 2, Priority: 1},
			{ID: "p2", Body: "dept", Unit: "01.001.00001", Kind: "specialised", Form: planning.FormPlanned,
				Skills: []string{"to_chuc"}, Days: 2, TeamSize: 3, Priority: 2},
			{ID: "p3", Body: "dept", Unit: "01.001.00004", Kind: "specialised", Form: planning.FormPlanned,
				Days: 2, TeamSize: 2, Priority: 1},
			{ID: "p4", Body: "city-team", Unit: "01.001.00004", Kind: "public_service", Form: planning.FormUnannounced,
				Days: 1, TeamSize: 2, Priority: 3},
			{ID: "p5", Body: "dept", Unit: "01-SNV", Kind: "specialised", Form: planning.FormVerification,
				Days: 1, TeamSize: 1, Priority: 1},
		},
	}
}

func team(lead string, members ...string) []planning.TeamMember {
	t := []planning.TeamMember{{Inspector: lead, Role: planning.RoleLead}}
	for _, m := range members {
		t = append(t, planning.TeamMember{Inspector: m, Role: planning.RoleMember})
	}
	return t
}

// tinyPlan is valid for tinyInstance. Its penalty, by hand:
//
//	unscheduled         v-p5, priority 1                                 10000
//	window_day          p1 wants 03-03…03-05; A is on 03-05,06,07,10: 3 days out × 10 = 30
//	rotation            A is led by i1, the unit's lead in 2024 (its last year) = 50
//	joint_missing_body  A has no member of dept                           = 30
//	balance_day         L_mar = 3×4 (A) + 2×1 (C) = 14, L_apr = 2×2 (B) = 4, total 18;
//	                    T_mar = 18×11/16 = 12.375, T_apr = 18×5/16 = 5.625;
//	                    |14−12.375| + |4−5.625| = 3.25
//	area_week           planned visits with an area: A (week 10), B (week 15); C is unannounced
//	                    → 2 pairs × 5                                      = 10
//	total                                                                  10123.25
func tinyPlan() *planning.Plan {
	return &planning.Plan{
		Visits: []planning.Visit{
			{ID: "A", Unit: "01.001.00001", Form: planning.FormPlanned, Proposals: []string{"p1", "p2"},
				LeadBody: "city-team", Start: "2025-03-05", End: "2025-03-10", Days: 4, Team: team("i1", "i2", "i5")},
			{ID: "B", Unit: "01.001.00004", Form: planning.FormPlanned, Proposals: []string{"p3"},
				LeadBody: "dept", Start: "2025-04-07", End: "2025-04-08", Days: 2, Team: team("i3", "i2")},
			{ID: "C", Unit: "01.001.00004", Form: planning.FormUnannounced, Proposals: []string{"p4"},
				LeadBody: "city-team", Start: "2025-03-13", End: "2025-03-13", Days: 1, Team: team("i1", "i2")},
		},
		Unscheduled: []planning.Unscheduled{{Visit: "D", Proposals: []string{"p5"}, Reason: "no dept lead free of conflict"}},
	}
}

func TestExpectedVisitsFollowTheMergeRules(t *testing.T) {
	inst := tinyInstance()
	inst.Proposals = append(inst.Proposals,
		planning.Proposal{ID: "p6", Body: "city-team", Unit: "01.001.00001", Form: planning.FormPlanned, Days: 9, TeamSize: 8, Priority: 1},
		planning.Proposal{ID: "p7", Body: "zeta", Unit: "01.001", Form: planning.FormPlanned, Days: 2, TeamSize: 1, Priority: 1},
		planning.Proposal{ID: "p8", Body: "alpha", Unit: "01.001", Form: planning.FormPlanned, Days: 2, TeamSize: 1, Priority: 1},
		planning.Proposal{ID: "p9", Body: "beta", Unit: "01.001", Form: planning.FormPlanned, Days: 3, TeamSize: 1, Priority: 1},
	)
	inst.Bodies = append(inst.Bodies,
		planning.Body{ID: "zeta", Precedence: 5}, planning.Body{ID: "alpha", Precedence: 5}, planning.Body{ID: "beta", Precedence: 5})
	got, err := ExpectedVisits(inst)
	if err != nil {
		t.Fatal(err)
	}
	byUnit := map[string]Expected{}
	for _, e := range got {
		byUnit[e.ID] = e
	}
	tests := []struct {
		name, id string
		check    func(e Expected) bool
	}{
		{"planned proposals of one unit become one visit", "v-01.001.00001",
			func(e Expected) bool { return slices.Equal(e.Proposals, []string{"p1", "p2", "p6"}) }},
		{"days are capped by max_visit_days", "v-01.001.00001",
			func(e Expected) bool { return e.Days == 10 }}, // min(10, 9 + 1×1)
		{"team size is capped by max_team_size", "v-01.001.00001",
			func(e Expected) bool { return e.TeamSize == 8 }},
		{"days add one per extra body", "v-01.001",
			func(e Expected) bool { return e.Days == 3+2 }},
		{"team size is at least the number of bodies", "v-01.001",
			func(e Expected) bool { return e.TeamSize == 3 }},
		{"lead body ties go to more proposal days", "v-01.001",
			func(e Expected) bool { return e.LeadBody == "beta" }},
		{"the lowest precedence leads", "v-01.001.00001",
			func(e Expected) bool { return e.LeadBody == "city-team" }},
		{"priority is the highest of the proposals", "v-01.001.00001",
			func(e Expected) bool { return e.Priority == 2 }},
		{"skills are the union", "v-01.001.00001",
			func(e Expected) bool { return slices.Equal(e.Skills, []string{"cong_vu", "to_chuc"}) }},
		{"an unannounced proposal stays separate", "v-p4",
			func(e Expected) bool { return e.Unit == "01.001.00004" && len(e.Proposals) == 1 }},
		{"a verification proposal stays separate", "v-p5",
			func(e Expected) bool { return e.Form == planning.FormVerification }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := byUnit[tt.id]
			if !ok || !tt.check(e) {
				t.Errorf("visit %s = %+v", tt.id, e)
			}
		})
	}
	if len(got) != 5 {
		t.Errorf("got %d visits, want 5 (three units with planned proposals + two separate)", len(got))
	}

	// Lead body on equal precedence and equal days: the smaller id.
	inst.Proposals[len(inst.Proposals)-1].Days = 2
	got, _ = ExpectedVisits(inst)
	for _, e := range got {
		if e.ID == "v-01.001" && e.LeadBody != "alpha" {
			t.Errorf("full tie: lead body %s, want alpha", e.LeadBody)
		}
	}
}

func TestValidPlanScoresEveryComponentByHand(t *testing.T) {
	rep := Check(tinyInstance(), tinyPlan())
	if !rep.Valid {
		t.Fatalf("valid plan reported invalid: %+v", rep.Violations)
	}
	want := map[string]float64{
		Unscheduled: 10000, WindowDay: 30, Rotation: 50, JointMissingBody: 30, BalanceDay: 3.25, AreaWeek: 10,
	}
	for k, v := range want {
		if rep.PenaltyBy[k] != v {
			t.Errorf("%s = %v, want %v", k, rep.PenaltyBy[k], v)
		}
	}
	if rep.Penalty != 10123.25 {
		t.Errorf("penalty = %v, want 10123.25", rep.Penalty)
	}
	if rep.Metrics.Visits != 3 || rep.Metrics.Unscheduled != 1 || rep.Metrics.MaxPlannedVisitsPerUnit != 1 || rep.Metrics.Proposals != 5 {
		t.Errorf("metrics = %+v", rep.Metrics)
	}
}

func TestWeightsChangeTheScore(t *testing.T) {
	inst := tinyInstance()
	inst.Rules = &planning.Rules{Weights: planning.Weights{Unscheduled: 1, BalanceDay: 4, AreaWeek: 7}}
	rep := Check(inst, tinyPlan())
	// 1×1 + 30 + 50 + 30 + 4×3.25 + 7×2
	if rep.Penalty != 1+30+50+30+13+14 {
		t.Errorf("penalty = %v, want 138 (by %v)", rep.Penalty, rep.PenaltyBy)
	}
}

func TestRotationLooksAtTheUnitsMostRecentYear(t *testing.T) {
	inst := tinyInstance()
	inst.History = []planning.HistoryRow{
		{Unit: "01.001.00001", Year: 2024, LeadInspector: "i5"},
		{Unit: "01.001.00001", Year: 2022, LeadInspector: "i1"},
	}
	if got := Check(inst, tinyPlan()).PenaltyBy[Rotation]; got != 0 {
		t.Errorf("rotation = %v, want 0: i1 led in 2022, not in the last year 2024", got)
	}
}

func TestCheckerCatchesEachBrokenRule(t *testing.T) {
	visit := func(p *planning.Plan, id string) *planning.Visit {
		for i := range p.Visits {
			if p.Visits[i].ID == id {
				return &p.Visits[i]
			}
		}
		panic("no visit " + id)
	}
	tests := []struct {
		name   string
		break_ func(inst *planning.Instance, p *planning.Plan)
		rules  []string
	}{
		{"H1 start on a Sunday", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "C")
			v.Start, v.End = "2025-03-16", "2025-03-16"
		}, []string{"H1"}},
		{"H1 start on a holiday", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "C")
			v.Start, v.End = "2025-03-17", "2025-03-17"
		}, []string{"H1"}},
		{"H1 end is not the last working day", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").End = "2025-03-08"
		}, []string{"H1"}},
		{"H1 visit runs past the end of the year", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "B")
			v.Start, v.End = "2025-04-11", "2025-04-14"
		}, []string{"H1"}},
		{"H1 start in another year", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "C")
			v.Start, v.End = "2024-03-13", "2024-03-13"
		}, []string{"H1"}},
		{"H2 inspector on two visits the same day", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "C")
			v.Start, v.End = "2025-03-06", "2025-03-06"
		}, []string{"H2"}},
		{"H2 inspector on leave", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "B")
			v.Start, v.End = "2025-03-03", "2025-03-04"
		}, []string{"H2"}},
		{"H2 inspector over max_days", func(inst *planning.Instance, _ *planning.Plan) {
			inst.Inspectors[2].MaxDays = 1
		}, []string{"H2"}},
		{"H3 team smaller than team_size", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i1", "i2")
		}, []string{"H3"}},
		{"H3 no lead", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team[0].Role = planning.RoleMember
		}, []string{"H3"}},
		{"H3 two leads", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team[2].Role = planning.RoleLead
		}, []string{"H3"}},
		{"H3 lead without can_lead", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i2", "i1", "i5")
		}, []string{"H3"}},
		{"H3 lead from another body than the lead body", func(inst *planning.Instance, p *planning.Plan) {
			inst.Inspectors[2].MaxDays = 0 // i3 now works 6 days
			visit(p, "A").Team = team("i3", "i1", "i2")
		}, []string{"H3"}},
		{"H3 a skill of the visit is not covered", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i1", "i5", "i7")
		}, []string{"H3"}},
		{"H3 the same inspector twice", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i1", "i2", "i2")
		}, []string{"H3"}},
		{"H3 unknown inspector", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i1", "i2", "nobody")
		}, []string{"H3"}},
		{"H3 unknown role", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team[1].Role = "observer"
		}, []string{"H3"}},
		{"H4 member works at an ancestor of the unit", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i1", "i2", "i4")
		}, []string{"H4"}},
		{"H4 member formerly worked at the unit", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "B").Team = team("i3", "i5")
		}, []string{"H4"}},
		{"H4 member has a relative's conflict above the unit", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Team = team("i1", "i6", "i5")
		}, []string{"H4"}},
		{"H4 member's home unit is the unit itself", func(inst *planning.Instance, p *planning.Plan) {
			inst.Inspectors[6].HomeUnit = "01.001.00004"
			v := visit(p, "C")
			v.Team = team("i1", "i7")
		}, []string{"H4"}},
		{"H5 visit day in the unit's blackout", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "C")
			v.Start, v.End = "2025-04-10", "2025-04-10"
		}, []string{"H5"}},
		{"H6 two visits of one unit on the same day", func(_ *planning.Instance, p *planning.Plan) {
			v := visit(p, "C")
			v.Start, v.End, v.Team = "2025-04-08", "2025-04-08", team("i1", "i7")
		}, []string{"H6"}},
		{"merge wrong lead body", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").LeadBody = "dept"
		}, []string{"merge"}},
		{"merge wrong number of days", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Days = 3
		}, []string{"merge"}},
		{"merge wrong unit", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "A").Unit = "01.001"
		}, []string{"merge"}},
		{"merge wrong form", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "C").Form = planning.FormPlanned
		}, []string{"merge"}},
		{"merge planned proposals of one unit split in two", func(_ *planning.Instance, p *planning.Plan) {
			a := visit(p, "A")
			a.Proposals = []string{"p1"}
			p.Unscheduled = append(p.Unscheduled, planning.Unscheduled{Visit: "A2", Proposals: []string{"p2"}})
		}, []string{"merge", "once"}},
		{"merge an unannounced proposal into the planned visit", func(_ *planning.Instance, p *planning.Plan) {
			b := visit(p, "B")
			b.Proposals = []string{"p3", "p4"}
			p.Visits = slices.DeleteFunc(p.Visits, func(v planning.Visit) bool { return v.ID == "C" })
		}, []string{"merge", "once"}},
		{"once a visit is missing", func(_ *planning.Instance, p *planning.Plan) {
			p.Unscheduled = nil
		}, []string{"once"}},
		{"once a visit is both scheduled and unscheduled", func(_ *planning.Instance, p *planning.Plan) {
			p.Unscheduled = append(p.Unscheduled, planning.Unscheduled{Visit: "C2", Proposals: []string{"p4"}})
		}, []string{"once"}},
		{"once two visits share an id", func(_ *planning.Instance, p *planning.Plan) {
			visit(p, "B").ID = "A"
		}, []string{"once"}},
		{"once a visit has no id", func(_ *planning.Instance, p *planning.Plan) {
			p.Unscheduled[0].Visit = ""
		}, []string{"once"}},
		{"instance proposal of an unknown unit", func(inst *planning.Instance, _ *planning.Plan) {
			inst.Proposals[4].Unit = "99"
		}, []string{"instance"}},
		{"instance holiday that is not a date", func(inst *planning.Instance, _ *planning.Plan) {
			inst.Calendar.Holidays = append(inst.Calendar.Holidays, "2025-13-01")
		}, []string{"instance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, plan := tinyInstance(), tinyPlan()
			tt.break_(inst, plan)
			rep := Check(inst, plan)
			if rep.Valid {
				t.Fatal("broken plan reported valid")
			}
			var rules []string
			for _, v := range rep.Violations {
				if !slices.Contains(rules, v.Rule) {
					rules = append(rules, v.Rule)
				}
				if strings.TrimSpace(v.Message) == "" {
					t.Errorf("violation without a message: %+v", v)
				}
			}
			sort.Strings(rules)
			if !slices.Equal(rules, tt.rules) {
				t.Errorf("rules broken = %v, want %v; violations: %+v", rules, tt.rules, rep.Violations)
			}
			if rep.Metrics.HardViolations != len(rep.Violations) {
				t.Errorf("hard_violations = %d, want %d", rep.Metrics.HardViolations, len(rep.Violations))
			}
		})
	}
}

func TestViolationsNameTheVisitInspectorAndDay(t *testing.T) {
	plan := tinyPlan()
	plan.Visits[2].Start, plan.Visits[2].End = "2025-03-06", "2025-03-06" // C onto A's second day
	rep := Check(tinyInstance(), plan)
	want := Violation{Rule: "H2", Visit: "C", Inspector: "i1", Day: "2025-03-06"}
	for _, v := range rep.Violations {
		v.Message = ""
		if v == want {
			return
		}
	}
	t.Errorf("no violation %+v in %+v", want, rep.Violations)
}

func TestNotesWhenThePlanClaimsAnotherScore(t *testing.T) {
	plan := tinyPlan()
	plan.Metrics.Penalty = 99
	rep := Check(tinyInstance(), plan)
	if !rep.Valid || len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], "10123.25") {
		t.Errorf("valid = %v, notes = %q", rep.Valid, rep.Notes)
	}
}

func TestRoundCents(t *testing.T) {
	tests := []struct {
		num, den int64
		want     float64
	}{
		{52, 16, 3.25}, {1, 3, 0.33}, {2, 3, 0.67}, {1, 200, 0.01}, {1, 201, 0}, {-1, 200, -0.01}, {5, 0, 0},
	}
	for _, tt := range tests {
		if got := roundCents(tt.num, tt.den); got != tt.want {
			t.Errorf("roundCents(%d, %d) = %v, want %v", tt.num, tt.den, got, tt.want)
		}
	}
}

func TestUnscheduledCostsTheHighestPriorityOfTheMergedProposals(t *testing.T) {
	plan := tinyPlan()
	plan.Visits = plan.Visits[1:] // A (p1 priority 1 + p2 priority 2) is unscheduled instead
	plan.Unscheduled = append(plan.Unscheduled, planning.Unscheduled{Visit: "A", Proposals: []string{"p2", "p1"}})
	rep := Check(tinyInstance(), plan)
	if !rep.Valid {
		t.Fatalf("violations: %+v", rep.Violations)
	}
	// v-p5 (priority 1) + A (priority 2): 10000 + 20000; A's window, rotation and
	// missing body no longer count.
	if rep.PenaltyBy[Unscheduled] != 30000 || rep.PenaltyBy[WindowDay] != 0 || rep.PenaltyBy[Rotation] != 0 || rep.PenaltyBy[JointMissingBody] != 0 {
		t.Errorf("penalty_by = %v", rep.PenaltyBy)
	}
	// Only B (week 15) opens an area-week now.
	if rep.PenaltyBy[AreaWeek] != 5 {
		t.Errorf("area_week = %v, want 5", rep.PenaltyBy[AreaWeek])
	}
}

func TestMissingInstanceOrPlanIsReportedNotAPanic(t *testing.T) {
	if rep := Check(nil, tinyPlan()); rep.Valid || rep.Violations[0].Rule != RuleInstance {
		t.Errorf("nil instance: %+v", rep)
	}
	if rep := Check(tinyInstance(), nil); rep.Valid || len(rep.Violations) != 4 {
		t.Errorf("nil plan: want the 4 visits reported missing, got %+v", rep.Violations)
	}
}

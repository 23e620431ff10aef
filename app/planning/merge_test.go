package planning

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// baseInstance is a tiny city: root 01, two districts (areas 001, 002), a
// ward under 01.001, two bodies and four inspectors.
func baseInstance() *Instance {
	return &Instance{
		Year:     2025,
		Calendar: Calendar{Holidays: []string{"2025-01-01", "2025-04-30", "2025-05-01"}, ExtraWorkingDays: []string{"2025-04-26"}},
		Units: []Unit{
			{ID: "01", Name: "Thành phố"},
			{ID: "01.001", Name: "Quận A", Parent: "01", Area: "001"},
			{ID: "01.001.01", Name: "Phường A1", Parent: "01.001", Area: "001"},
			{ID: "01.002", Name: "Quận B", Parent: "01", Area: "002"},
			{ID: "01.sonv", Name: "Sở Nội vụ", Parent: "01"},
		},
		Bodies: []Body{
			{ID: "city-team", Name: "Đoàn kiểm tra công vụ", Precedence: 1},
			{ID: "dept", Name: "Thanh tra Sở", Precedence: 2},
		},
		Inspectors: []Inspector{
			{ID: "i1", Body: "city-team", HomeUnit: "01.sonv", Skills: []string{"cong_vu"}, CanLead: true},
			{ID: "i2", Body: "city-team", HomeUnit: "01.sonv", Skills: []string{"cong_vu"}, CanLead: true},
			{ID: "i3", Body: "dept", HomeUnit: "01.sonv", Skills: []string{"to_chuc"}, CanLead: true},
			{ID: "i4", Body: "dept", HomeUnit: "01.sonv"},
		},
	}
}

func prop(id, body, unit, form string, days, team, prio int) Proposal {
	return Proposal{ID: id, Body: body, Unit: unit, Kind: "public_service", Form: form, Days: days, TeamSize: team, Priority: prio}
}

func TestMergeRules(t *testing.T) {
	tests := []struct {
		name      string
		rules     *Rules
		bodies    []Body
		proposals []Proposal
		check     func(t *testing.T, vs []MergedVisit)
	}{
		{
			name: "planned proposals for one unit become one visit with the unions",
			proposals: []Proposal{
				{ID: "p2", Body: "dept", Unit: "01.001", Form: FormPlanned, Days: 2, TeamSize: 2, Priority: 1, Topics: []string{"b", "a"}, Skills: []string{"to_chuc"}},
				{ID: "p1", Body: "city-team", Unit: "01.001", Form: FormPlanned, Days: 3, TeamSize: 2, Priority: 1, Topics: []string{"a"}, Skills: []string{"cong_vu"}},
			},
			check: func(t *testing.T, vs []MergedVisit) {
				v := one(t, vs)
				want := MergedVisit{ID: "v-01.001", Unit: "01.001", Form: FormPlanned, LeadBody: "city-team",
					Proposals: []string{"p1", "p2"}, Bodies: []string{"city-team", "dept"},
					Topics: []string{"a", "b"}, Skills: []string{"cong_vu", "to_chuc"},
					Days: 4, TeamSize: 2, Priority: 1, Windows: []Interval{{}, {}}}
				if !equalVisit(v, want) {
					t.Errorf("got %+v\nwant %+v", v, want)
				}
			},
		},
		{
			name: "unannounced is never merged",
			proposals: []Proposal{
				prop("p1", "city-team", "01.001", FormPlanned, 3, 2, 1),
				prop("p2", "city-team", "01.001", FormUnannounced, 2, 2, 1),
				prop("p3", "dept", "01.001", FormUnannounced, 2, 2, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if got := ids(vs); !slices.Equal(got, []string{"v-01.001", "v-p2", "v-p3"}) {
					t.Errorf("visits %v", got)
				}
			},
		},
		{
			name: "verification is never merged",
			proposals: []Proposal{
				prop("p1", "city-team", "01.001", FormVerification, 3, 2, 1),
				prop("p2", "city-team", "01.001", FormVerification, 3, 2, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if got := ids(vs); !slices.Equal(got, []string{"v-p1", "v-p2"}) {
					t.Errorf("visits %v", got)
				}
			},
		},
		{
			name: "lead body is the lowest precedence",
			proposals: []Proposal{
				prop("p1", "dept", "01.001", FormPlanned, 9, 2, 1),
				prop("p2", "city-team", "01.001", FormPlanned, 1, 2, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if v := one(t, vs); v.LeadBody != "city-team" {
					t.Errorf("lead body %s", v.LeadBody)
				}
			},
		},
		{
			name:   "precedence ties go to the body with more proposal days",
			bodies: []Body{{ID: "a", Precedence: 1}, {ID: "b", Precedence: 1}},
			proposals: []Proposal{
				prop("p1", "a", "01.001", FormPlanned, 2, 2, 1),
				prop("p2", "b", "01.001", FormPlanned, 3, 2, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if v := one(t, vs); v.LeadBody != "b" {
					t.Errorf("lead body %s", v.LeadBody)
				}
			},
		},
		{
			name:   "precedence and days ties go to the smaller body id",
			bodies: []Body{{ID: "b", Precedence: 1}, {ID: "a", Precedence: 1}},
			proposals: []Proposal{
				prop("p1", "b", "01.001", FormPlanned, 3, 2, 1),
				prop("p2", "a", "01.001", FormPlanned, 3, 2, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if v := one(t, vs); v.LeadBody != "a" {
					t.Errorf("lead body %s", v.LeadBody)
				}
			},
		},
		{
			name:   "days are the longest proposal plus one per extra body, capped at max_visit_days",
			rules:  &Rules{MaxVisitDays: 5},
			bodies: []Body{{ID: "a", Precedence: 1}, {ID: "b", Precedence: 2}, {ID: "c", Precedence: 3}},
			proposals: []Proposal{
				prop("p1", "a", "01.001", FormPlanned, 4, 1, 1),
				prop("p2", "b", "01.001", FormPlanned, 2, 1, 1),
				prop("p3", "c", "01.001", FormPlanned, 1, 1, 1),
				prop("p4", "a", "01.002", FormPlanned, 2, 1, 1),
				prop("p5", "b", "01.002", FormPlanned, 2, 1, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if vs[0].Days != 5 || vs[1].Days != 3 {
					t.Errorf("days %d (want 4+2 capped to 5) and %d (want 2+1)", vs[0].Days, vs[1].Days)
				}
			},
		},
		{
			name:   "team size is the largest team or the number of bodies, capped at max_team_size",
			rules:  &Rules{MaxTeamSize: 3},
			bodies: []Body{{ID: "a", Precedence: 1}, {ID: "b", Precedence: 2}, {ID: "c", Precedence: 3}, {ID: "d", Precedence: 4}},
			proposals: []Proposal{
				prop("p1", "a", "01.001", FormPlanned, 1, 1, 1),
				prop("p2", "b", "01.001", FormPlanned, 1, 1, 1),
				prop("p3", "a", "01.002", FormPlanned, 1, 2, 1),
				prop("p4", "b", "01.002", FormPlanned, 1, 1, 1),
				prop("p5", "c", "01.002", FormPlanned, 1, 1, 1),
				prop("p6", "d", "01.002", FormPlanned, 1, 1, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if vs[0].TeamSize != 2 || vs[1].TeamSize != 3 {
					t.Errorf("team sizes %d (want 2 bodies) and %d (want 4 bodies capped to 3)", vs[0].TeamSize, vs[1].TeamSize)
				}
			},
		},
		{
			name: "priority is the highest of the proposals",
			proposals: []Proposal{
				prop("p1", "city-team", "01.001", FormPlanned, 1, 1, 1),
				prop("p2", "dept", "01.001", FormPlanned, 1, 1, 3),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				if v := one(t, vs); v.Priority != 3 {
					t.Errorf("priority %d", v.Priority)
				}
			},
		},
		{
			name: "windows stay with their proposal",
			proposals: []Proposal{
				{ID: "p1", Body: "city-team", Unit: "01.001", Form: FormPlanned, Days: 1, TeamSize: 1, Priority: 1,
					Window: &Interval{From: "2025-03-01", To: "2025-03-31"}},
				prop("p2", "dept", "01.001", FormPlanned, 1, 1, 1),
			},
			check: func(t *testing.T, vs []MergedVisit) {
				v := one(t, vs)
				if !slices.Equal(v.Windows, []Interval{{From: "2025-03-01", To: "2025-03-31"}, {}}) {
					t.Errorf("windows %v", v.Windows)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst := baseInstance()
			inst.Rules = tc.rules
			if tc.bodies != nil {
				inst.Bodies = tc.bodies
				for k := range inst.Inspectors {
					inst.Inspectors[k].Body = tc.bodies[0].ID
				}
			}
			inst.Proposals = tc.proposals
			vs, err := Merge(inst)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, vs)
		})
	}
}

func one(t *testing.T, vs []MergedVisit) MergedVisit {
	t.Helper()
	if len(vs) != 1 {
		t.Fatalf("%d visits, want 1: %v", len(vs), ids(vs))
	}
	return vs[0]
}

func ids(vs []MergedVisit) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

func equalVisit(a, b MergedVisit) bool {
	return a.ID == b.ID && a.Unit == b.Unit && a.Form == b.Form && a.LeadBody == b.LeadBody &&
		slices.Equal(a.Proposals, b.Proposals) && slices.Equal(a.Bodies, b.Bodies) &&
		slices.Equal(a.Topics, b.Topics) && slices.Equal(a.Skills, b.Skills) &&
		a.Days == b.Days && a.TeamSize == b.TeamSize && a.Priority == b.Priority && slices.Equal(a.Windows, b.Windows)
}

func TestValidateNamesEveryBadField(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Instance)
		field string
	}{
		{"unknown unit", func(i *Instance) { i.Proposals[0].Unit = "01.999" }, "proposals[0] (p1).unit"},
		{"unknown body of a proposal", func(i *Instance) { i.Proposals[0].Body = "nobody" }, "proposals[0] (p1).body"},
		{"unknown body of an inspector", func(i *Instance) { i.Inspectors[0].Body = "nobody" }, "inspectors[0] (i1).body"},
		{"unknown parent", func(i *Instance) { i.Units[1].Parent = "99" }, "units[1] (01.001).parent"},
		{"a cycle in the unit tree", func(i *Instance) { i.Units[0].Parent = "01.001" }, "units[0] (01).parent"},
		{"negative days", func(i *Instance) { i.Proposals[0].Days = -2 }, "proposals[0] (p1).days"},
		{"zero team", func(i *Instance) { i.Proposals[0].TeamSize = 0 }, "proposals[0] (p1).team_size"},
		{"priority out of range", func(i *Instance) { i.Proposals[0].Priority = 4 }, "proposals[0] (p1).priority"},
		{"unknown form", func(i *Instance) { i.Proposals[0].Form = "surprise" }, "proposals[0] (p1).form"},
		{"window outside the year", func(i *Instance) {
			i.Proposals[0].Window = &Interval{From: "2024-12-01", To: "2025-01-31"}
		}, "proposals[0] (p1).window.from"},
		{"window ending before it starts", func(i *Instance) {
			i.Proposals[0].Window = &Interval{From: "2025-03-01", To: "2025-02-01"}
		}, "proposals[0] (p1).window"},
		{"holiday outside the year", func(i *Instance) { i.Calendar.Holidays = []string{"2026-01-01"} }, "calendar.holidays[0]"},
		{"not a date", func(i *Instance) { i.Inspectors[0].Unavailable = []Interval{{From: "2025-02-30", To: "2025-03-01"}} }, "inspectors[0] (i1).unavailable[0].from"},
		{"duplicate proposal", func(i *Instance) { i.Proposals = append(i.Proposals, i.Proposals[0]) }, "proposals[1].id"},
		{"negative max_days", func(i *Instance) { i.Inspectors[0].MaxDays = -1 }, "inspectors[0] (i1).max_days"},
		{"negative weight", func(i *Instance) { i.Rules = &Rules{Weights: Weights{Rotation: -5}} }, "rules.weights"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst := baseInstance()
			inst.Proposals = []Proposal{prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1)}
			tc.edit(inst)
			err := renderError(t, Validate(inst))
			var ie *InstanceError
			if !errors.As(err, &ie) {
				t.Fatalf("Validate = %v, want an *InstanceError", err)
			}
			found := false
			for _, p := range ie.Problems {
				found = found || p.Field == tc.field
				if p.Message == "" || p.MessageVI == "" {
					t.Errorf("problem %+v lacks a message in English or Vietnamese", p)
				}
			}
			if !found {
				t.Errorf("no problem names %q: %v", tc.field, err)
			}
			if _, err := Solve(inst, Options{}); err == nil {
				t.Error("Solve accepted the bad instance")
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %q", err, tc.field)
			}
		})
	}
}

func TestValidateAcceptsTheBaseInstance(t *testing.T) {
	inst := baseInstance()
	inst.Proposals = []Proposal{prop("p1", "city-team", "01.001", FormPlanned, 2, 2, 1)}
	if err := Validate(inst); err != nil {
		t.Fatal(err)
	}
	if err := Validate(nil); err == nil {
		t.Error("nil instance accepted")
	}
}

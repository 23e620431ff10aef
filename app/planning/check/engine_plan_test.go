package check_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
)

// cityPlan returns a generated Hanoi instance and the engine's plan for it,
// which the checker must find valid.
func cityPlan(t *testing.T) (*planning.Instance, *planning.Plan) {
	t.Helper()
	inst, err := gen.Generate(gen.Options{Province: "01", Proposals: 400, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planning.Solve(inst, planning.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep := check.Check(inst, plan); !rep.Valid {
		t.Fatalf("the engine's plan is invalid: %+v", rep.Violations[:min(3, len(rep.Violations))])
	}
	return inst, plan
}

// clone deep-copies through JSON so that each case breaks its own copy.
func clone[T any](t *testing.T, v *T) *T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// move sets a visit's start to working day s and its end accordingly.
func move(cal *check.Calendar, v *planning.Visit, s int) {
	v.Start, v.End = cal.Date(s), cal.Date(min(s+v.Days-1, len(cal.Days)-1))
}

func TestCheckerCatchesBreaksOfAnEnginePlan(t *testing.T) {
	inst, plan := cityPlan(t)
	cal, err := check.NewCalendar(inst)
	if err != nil {
		t.Fatal(err)
	}
	inspector := map[string]planning.Inspector{}
	for _, in := range inst.Inspectors {
		inspector[in.ID] = in
	}
	parent := map[string]string{}
	for _, u := range inst.Units {
		parent[u.ID] = u.Parent
	}
	under := func(unit, above string) bool {
		for u := unit; u != ""; u = parent[u] {
			if u == above {
				return true
			}
		}
		return false
	}

	tests := []struct {
		name string
		rule string
		// breakPlan returns false when the plan offers no place for this break.
		breakPlan func(inst *planning.Instance, p *planning.Plan) bool
	}{
		{"moving a visit onto a teammate's other visit double-books the teammate", "H2",
			func(_ *planning.Instance, p *planning.Plan) bool {
				seen := map[string]int{} // inspector → visit index
				for k := range p.Visits {
					for _, m := range p.Visits[k].Team {
						if j, ok := seen[m.Inspector]; ok {
							move(cal, &p.Visits[k], cal.Index(p.Visits[j].Start))
							return true
						}
						seen[m.Inspector] = k
					}
				}
				return false
			}},
		{"a member on leave", "H2",
			func(_ *planning.Instance, p *planning.Plan) bool {
				for k := range p.Visits {
					for _, m := range p.Visits[k].Team {
						for _, iv := range inspector[m.Inspector].Unavailable {
							if s := cal.Index(iv.From); s >= 0 {
								move(cal, &p.Visits[k], s)
								return true
							}
						}
					}
				}
				return false
			}},
		{"an inspector over max_days", "H2",
			func(inst *planning.Instance, p *planning.Plan) bool {
				days := map[string]int{}
				for _, v := range p.Visits {
					for _, m := range v.Team {
						days[m.Inspector] += v.Days
					}
				}
				for i, in := range inst.Inspectors {
					if days[in.ID] > 1 {
						inst.Inspectors[i].MaxDays = days[in.ID] - 1
						return true
					}
				}
				return false
			}},
		{"a conflicted inspector on the team", "H4",
			func(_ *planning.Instance, p *planning.Plan) bool {
				for k, v := range p.Visits {
					for _, in := range inst.Inspectors {
						for _, u := range append(slices.Clone(in.FormerUnits), in.ConflictUnits...) {
							if under(v.Unit, u) {
								p.Visits[k].Team[len(v.Team)-1].Inspector = in.ID
								return true
							}
						}
					}
				}
				return false
			}},
		{"a start on a public holiday", "H1",
			func(inst *planning.Instance, p *planning.Plan) bool {
				p.Visits[0].Start = inst.Calendar.Holidays[len(inst.Calendar.Holidays)-1]
				return true
			}},
		{"a visit during the unit's year-end blackout", "H5",
			func(inst *planning.Instance, p *planning.Plan) bool {
				s := cal.Index("2025-12-22")
				for k := range p.Visits {
					if s+p.Visits[k].Days <= len(cal.Days) {
						move(cal, &p.Visits[k], s)
						return true
					}
				}
				return false
			}},
		{"two visits of one unit on the same day", "H6",
			func(_ *planning.Instance, p *planning.Plan) bool {
				first := map[string]int{}
				for k, v := range p.Visits {
					if j, ok := first[v.Unit]; ok {
						move(cal, &p.Visits[k], cal.Index(p.Visits[j].Start))
						return true
					}
					first[v.Unit] = k
				}
				return false
			}},
		{"a lead who cannot lead", "H3",
			func(_ *planning.Instance, p *planning.Plan) bool {
				for k, v := range p.Visits {
					for j, m := range v.Team {
						if !inspector[m.Inspector].CanLead {
							p.Visits[k].Team[0].Role, p.Visits[k].Team[j].Role = planning.RoleMember, planning.RoleLead
							return true
						}
					}
				}
				return false
			}},
		{"a member dropped from the team", "H3",
			func(_ *planning.Instance, p *planning.Plan) bool {
				p.Visits[0].Team = p.Visits[0].Team[:len(p.Visits[0].Team)-1]
				return true
			}},
		{"a visit left out of the plan", "once",
			func(_ *planning.Instance, p *planning.Plan) bool {
				p.Visits = p.Visits[1:]
				return true
			}},
		{"a joint visit led by the wrong body", "merge",
			func(_ *planning.Instance, p *planning.Plan) bool {
				for k, v := range p.Visits {
					if len(v.Proposals) > 1 {
						p.Visits[k].LeadBody = "someone-else"
						return true
					}
				}
				return false
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, plan := clone(t, inst), clone(t, plan)
			if !tt.breakPlan(inst, plan) {
				t.Fatal("the engine's plan has no place to make this break: pick another seed")
			}
			rep := check.Check(inst, plan)
			found := slices.ContainsFunc(rep.Violations, func(v check.Violation) bool { return v.Rule == tt.rule })
			if rep.Valid || !found {
				var rules []string
				for _, v := range rep.Violations {
					rules = append(rules, v.Rule)
				}
				t.Errorf("want a %s violation, got valid=%v rules [%s]", tt.rule, rep.Valid, strings.Join(rules, " "))
			}
		})
	}
}

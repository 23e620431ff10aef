package mip

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"khung/app/planning"
	"khung/app/planning/check"
	"khung/app/planning/gen"
)

// lpRow is one parsed constraint (or the objective) of the model's LP text.
type lpRow struct {
	name  string
	terms map[string]float64
	sense string
	rhs   float64
}

// parseLP reads the LP text that write produces (not general CPLEX-LP).
func parseLP(t *testing.T, text string) (obj lpRow, rows []lpRow, binaries map[string]bool) {
	t.Helper()
	binaries = map[string]bool{}
	section := ""
	var cur []string
	flush := func() {
		if len(cur) == 0 {
			return
		}
		r := parseRow(t, strings.Join(cur, " "))
		cur = nil
		if section == "obj" {
			obj = r
		} else {
			rows = append(rows, r)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch trimmed := strings.TrimSpace(line); {
		case strings.HasPrefix(line, "\\") || trimmed == "":
		case trimmed == "Minimize":
			section = "obj"
		case trimmed == "Subject To":
			flush()
			section = "rows"
		case trimmed == "Bounds", trimmed == "Binary", trimmed == "End":
			flush()
			section = trimmed
		case section == "Binary":
			for _, name := range strings.Fields(trimmed) {
				binaries[name] = true
			}
		case section == "Bounds":
		case strings.HasPrefix(line, "  "): // continuation of a wrapped row
			cur = append(cur, trimmed)
		default:
			flush()
			cur = []string{trimmed}
		}
	}
	return obj, rows, binaries
}

func parseRow(t *testing.T, s string) lpRow {
	t.Helper()
	name, body, ok := strings.Cut(s, ":")
	if !ok {
		t.Fatalf("row without a name: %q", s)
	}
	r := lpRow{name: name, terms: map[string]float64{}}
	f := strings.Fields(body)
	for k := 0; k < len(f); {
		tok := f[k]
		switch tok {
		case "<=", ">=", "=":
			r.sense = tok
			v, err := strconv.ParseFloat(f[k+1], 64)
			if err != nil {
				t.Fatalf("row %s: rhs %q", name, f[k+1])
			}
			r.rhs = v
			return r
		}
		sign := 1.0
		if tok == "-" || tok == "+" {
			if tok == "-" {
				sign = -1
			}
			k++
		}
		coef := 1.0
		if v, err := strconv.ParseFloat(f[k], 64); err == nil {
			coef = v
			k++
		}
		r.terms[f[k]] += sign * coef
		k++
	}
	return r // the objective has no sense
}

// pointOf sets the model's binaries from a plan and every continuous variable
// to the least value its ≥ rows allow (all of them appear with coefficient 1).
func pointOf(t *testing.T, m *Model, plan *planning.Plan, rows []lpRow) map[string]float64 {
	t.Helper()
	val := map[string]float64{}
	inspector := map[string]int{}
	for i, in := range m.inst.Inspectors {
		inspector[in.ID] = i
	}
	byProposals := map[string]planning.Visit{}
	for _, v := range plan.Visits {
		byProposals[strings.Join(v.Proposals, ",")] = v
	}
	for v, e := range m.visits {
		pv, ok := byProposals[strings.Join(e.Proposals, ",")]
		if !ok {
			val[uName(v)] = 1
			continue
		}
		val[xName(v, m.cal.Index(pv.Start))] = 1
		for _, tm := range pv.Team {
			val[yName(v, inspector[tm.Inspector])] = 1
			if tm.Role == planning.RoleLead {
				val[lName(v, inspector[tm.Inspector])] = 1
			}
		}
	}
	for _, r := range rows {
		if r.sense != ">=" {
			continue
		}
		for name, coef := range r.terms {
			if coef != 1 || !strings.ContainsAny(name[:1], "zmea") {
				continue
			}
			rest := 0.0
			for other, c := range r.terms {
				if other != name {
					rest += c * val[other]
				}
			}
			val[name] = math.Max(val[name], r.rhs-rest)
		}
	}
	return val
}

// infeasible lists the variables a point uses that the model does not have
// (a start, team member or lead it rules out) and the rows it violates.
func infeasible(m *Model, val map[string]float64, rows []lpRow, binaries map[string]bool) []string {
	var out []string
	for name, v := range val {
		if v != 0 && !strings.ContainsAny(name[:1], "zmea") && !binaries[name] {
			out = append(out, "no variable "+name)
		}
	}
	return append(out, broken(rows, val)...)
}

// broken lists the rows a point violates.
func broken(rows []lpRow, val map[string]float64) []string {
	var out []string
	for _, r := range rows {
		lhs := 0.0
		for name, c := range r.terms {
			lhs += c * val[name]
		}
		if (r.sense == "<=" && lhs > r.rhs+1e-9) || (r.sense == ">=" && lhs < r.rhs-1e-9) || (r.sense == "=" && math.Abs(lhs-r.rhs) > 1e-9) {
			out = append(out, fmt.Sprintf("%s (%g %s %g)", r.name, lhs, r.sense, r.rhs))
		}
	}
	return out
}

// Any valid plan is a feasible point of the model whose objective is the
// checker's penalty × |W|; an invalid one breaks a row. This checks the model
// against the checker without a solver.
func TestEveryValidPlanIsAPointOfTheModelWithTheSamePenalty(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5, 6} {
		inst := gen.GenerateSmall(seed)
		m, err := Build(inst)
		if err != nil {
			t.Fatal(err)
		}
		obj, rows, binaries := parseLP(t, m.LP)
		if len(rows) != m.Constraints {
			t.Fatalf("seed %d: parsed %d rows, model says %d", seed, len(rows), m.Constraints)
		}
		for _, opt := range []planning.Options{{Greedy: true}, {}} {
			plan, err := planning.Solve(inst, opt)
			if err != nil {
				t.Fatal(err)
			}
			rep := check.Check(inst, plan)
			if !rep.Valid {
				t.Fatalf("seed %d: engine plan invalid: %+v", seed, rep.Violations[0])
			}
			val := pointOf(t, m, plan, rows)
			if problems := infeasible(m, val, rows, binaries); len(problems) > 0 {
				t.Fatalf("seed %d: a valid plan is not a point of the model: %v", seed, problems[:min(3, len(problems))])
			}
			objective := 0.0
			for name, c := range obj.terms {
				objective += c * val[name]
			}
			if got := math.Round(objective*100/float64(m.Scale)) / 100; got != rep.Penalty {
				t.Errorf("seed %d greedy=%v: model objective %.0f / %d = %.2f, checker %.2f (%v)",
					seed, opt.Greedy, objective, m.Scale, got, rep.Penalty, rep.PenaltyBy)
			}

			// The same plan with one inspector double-booked is not a point of the model.
			if len(plan.Visits) >= 2 {
				bad := *plan
				bad.Visits = append([]planning.Visit(nil), plan.Visits...)
				team := append([]planning.TeamMember(nil), bad.Visits[1].Team...)
				team[len(team)-1].Inspector = bad.Visits[0].Team[0].Inspector
				bad.Visits[1].Team = team
				bad.Visits[1].Start, bad.Visits[1].End = bad.Visits[0].Start, bad.Visits[0].End
				if check.Check(inst, &bad).Valid {
					t.Fatalf("seed %d: the checker accepts a double-booked lead", seed)
				}
				if len(infeasible(m, pointOf(t, m, &bad, rows), rows, binaries)) == 0 {
					t.Errorf("seed %d: an invalid plan is a point of the model", seed)
				}
			}
		}
	}
}

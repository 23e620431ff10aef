package mip

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"khung/app/planning"
	"khung/app/planning/check"
)

// Solution is what tools/mip/solve.mjs prints: the HiGHS model status, the
// objective, the solve time and the non-zero columns.
type Solution struct {
	Status    string             `json:"status"`
	Objective float64            `json:"objective"`
	MS        int64              `json:"ms"`
	Columns   map[string]float64 `json:"columns"`
}

// Solver runs HiGHS through Node.
type Solver struct {
	Node      string        // the node binary; "" means "node"
	Script    string        // path of solve.mjs; "" means "tools/mip/solve.mjs"
	TimeLimit time.Duration // per model; 0 means 10 minutes
}

// Solve passes the LP text to the script and reads its JSON answer.
func (s Solver) Solve(ctx context.Context, lp string) (Solution, error) {
	node, script, limit := s.Node, s.Script, s.TimeLimit
	if node == "" {
		node = "node"
	}
	if script == "" {
		script = "tools/mip/solve.mjs"
	}
	if limit == 0 {
		limit = 10 * time.Minute
	}
	cmd := exec.CommandContext(ctx, node, script, "--time-limit", strconv.FormatFloat(limit.Seconds(), 'f', -1, 64))
	cmd.Stdin = strings.NewReader(lp)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return Solution{}, fmt.Errorf("run %s %s: %w: %s", node, script, err, strings.TrimSpace(errOut.String()))
	}
	var sol Solution
	if err := json.Unmarshal(out.Bytes(), &sol); err != nil {
		return Solution{}, fmt.Errorf("read the solver's answer: %w", err)
	}
	return sol, nil
}

// Plan turns a solution of the model into a plan (visits in the checker's merge
// order, lead first in each team, members by id).
func (m *Model) Plan(sol Solution) (*planning.Plan, error) {
	on := func(name string) bool { return sol.Columns[name] > 0.5 }
	plan := &planning.Plan{Visits: []planning.Visit{}, Unscheduled: []planning.Unscheduled{}}
	for v, e := range m.visits {
		if on(uName(v)) {
			plan.Unscheduled = append(plan.Unscheduled, planning.Unscheduled{
				Visit: e.ID, Proposals: e.Proposals, Reason: "unscheduled in the exact optimum (HiGHS)",
				ReasonVi: "chưa bố trí được trong phương án tối ưu chính xác (HiGHS)"})
			continue
		}
		start := -1
		for _, s := range m.starts[v] {
			if on(xName(v, s)) {
				if start >= 0 {
					return nil, fmt.Errorf("visit %s starts twice in the solution", e.ID)
				}
				start = s
			}
		}
		if start < 0 {
			return nil, fmt.Errorf("visit %s is neither started nor unscheduled in the solution", e.ID)
		}
		var lead string
		var members []string
		for _, i := range m.eligible[v] {
			id := m.inst.Inspectors[i].ID
			switch {
			case on(lName(v, i)):
				lead = id
			case on(yName(v, i)):
				members = append(members, id)
			}
		}
		slices.Sort(members)
		team := []planning.TeamMember{{Inspector: lead, Role: planning.RoleLead}}
		for _, id := range members {
			team = append(team, planning.TeamMember{Inspector: id, Role: planning.RoleMember})
		}
		plan.Visits = append(plan.Visits, planning.Visit{
			ID: e.ID, Unit: e.Unit, Form: e.Form, Proposals: e.Proposals, LeadBody: e.LeadBody,
			Start: m.cal.Date(start), End: m.cal.Date(start + e.Days - 1), Days: e.Days, Team: team,
			Why:   []string{"start and team of the exact optimum (HiGHS)"},
			WhyVi: []string{"Ngày bắt đầu và đoàn kiểm tra theo phương án tối ưu chính xác (HiGHS)"},
		})
	}
	return plan, nil
}

// Result is a proven optimum, checked by the independent checker.
type Result struct {
	Optimum   float64 // penalty, rounded to 0.01
	Objective int64   // Optimum × Scale, exact
	Scale     int64
	HighsMS   int64
	Plan      *planning.Plan
	Model     *Model
}

// Exact builds the model of inst, solves it to proven optimality and re-scores
// the solution with check.Check: the plan must be valid and its penalty must
// equal the MIP objective, which catches modelling mistakes on either side.
func Exact(ctx context.Context, inst *planning.Instance, solver Solver) (*Result, error) {
	m, err := Build(inst)
	if err != nil {
		return nil, err
	}
	sol, err := solver.Solve(ctx, m.LP)
	if err != nil {
		return nil, err
	}
	if sol.Status != "Optimal" {
		return nil, fmt.Errorf("HiGHS status %q after %d ms: no proven optimum", sol.Status, sol.MS)
	}
	obj := math.Round(sol.Objective)
	if math.Abs(obj-sol.Objective) > 1e-6*max(1, math.Abs(obj)) {
		return nil, fmt.Errorf("objective %v is not an integer: the model's coefficients are wrong", sol.Objective)
	}
	plan, err := m.Plan(sol)
	if err != nil {
		return nil, err
	}
	rep := check.Check(inst, plan)
	if !rep.Valid {
		return nil, fmt.Errorf("the MIP's plan breaks %d rules, first: %+v", len(rep.Violations), rep.Violations[0])
	}
	optimum := math.Round(obj*100/float64(m.Scale)) / 100
	if rep.Penalty != optimum {
		return nil, fmt.Errorf("MIP objective %.0f / %d = %.2f but the checker scores its plan %.2f (%v)",
			obj, m.Scale, optimum, rep.Penalty, rep.PenaltyBy)
	}
	plan.Metrics = rep.Metrics
	plan.Metrics.SolveMS = sol.MS
	return &Result{Optimum: optimum, Objective: int64(obj), Scale: m.Scale, HighsMS: sol.MS, Plan: plan, Model: m}, nil
}

package planning_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"khung/app/planning"
	"khung/app/planning/gen"
)

// cityScenario is the repair benchmark on a generated city: from
// today, a month of leave for the two leads with most visits in that month,
// ten urgent (unannounced, priority 3) proposals due within the month, and
// five visits after today cancelled.
func cityScenario(t testing.TB, seed uint64) (*planning.Instance, *planning.Plan, *planning.Changes) {
	t.Helper()
	inst, err := gen.Generate(gen.Options{Province: "01", Proposals: 1600, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planning.Solve(inst, planning.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return inst, plan, scenarioChanges(inst, plan, "2025-06-02", "2025-07-01")
}

func scenarioChanges(inst *planning.Instance, plan *planning.Plan, today, monthEnd string) *planning.Changes {
	ch := &planning.Changes{Today: today}
	leads := map[string]int{}
	busy := map[string]bool{} // on a visit that started before today and is still running
	for _, v := range plan.Visits {
		if v.Start >= today && v.Start <= monthEnd {
			leads[v.Team[0].Inspector]++
		}
		if v.Start < today && v.End >= today {
			for _, tm := range v.Team {
				busy[tm.Inspector] = true
			}
		}
	}
	ids := make([]string, 0, len(leads))
	for id := range leads {
		if !busy[id] {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(leads[b], leads[a]), cmp.Compare(a, b)) })
	for _, id := range ids[:min(2, len(ids))] {
		ch.Unavailable = append(ch.Unavailable, planning.Unavailability{Inspector: id, From: today, To: monthEnd})
	}
	for k := range 10 {
		src := inst.Proposals[(k*157+11)%len(inst.Proposals)]
		ch.NewProposals = append(ch.NewProposals, planning.Proposal{
			ID: fmt.Sprintf("urgent-%02d", k), Body: src.Body, Unit: src.Unit, Kind: src.Kind,
			Form: planning.FormUnannounced, Skills: src.Skills, Topics: src.Topics,
			Window: &planning.Interval{From: today, To: monthEnd}, Days: 2 + k%3, TeamSize: 2, Priority: 3,
		})
	}
	var later []planning.Visit
	for _, v := range plan.Visits {
		if v.Start > monthEnd {
			later = append(later, v)
		}
	}
	for k := 0; k < 5 && len(later) > 0; k++ {
		ch.WithdrawnProposals = append(ch.WithdrawnProposals, later[(k*37)%len(later)].Proposals...)
	}
	return ch
}

// movedBetween counts the visits of before (not cancelled) that after
// schedules on another start or leaves unscheduled.
func movedBetween(before, after *planning.Plan) int {
	start := map[string]string{}
	for _, v := range after.Visits {
		start[v.ID] = v.Start
	}
	inAfter := map[string]bool{}
	for _, u := range after.Unscheduled {
		inAfter[u.Visit] = true
	}
	n := 0
	for _, v := range before.Visits {
		s, ok := start[v.ID]
		switch {
		case ok && s != v.Start:
			n++
		case !ok && inAfter[v.ID]:
			n++
		}
	}
	return n
}

func TestRepairScenarioSketch(t *testing.T) {
	inst, plan, ch := cityScenario(t, 1)
	t0 := time.Now()
	res, err := planning.Repair(inst, plan, ch, planning.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("repair %v", time.Since(t0))
	agree(t, res.Instance, res.Plan)
	rebuild := solve(t, res.Instance, planning.Options{Seed: 1})
	r := res.Plan.Repair
	t.Logf("old penalty %.2f; repair %.2f (+%.0f disruption) moved %d reteamed %d placed %d dropped %d members %d frozen %d; rebuild %.2f moved %d",
		plan.Metrics.Penalty, res.Plan.Metrics.Penalty, r.Disruption, len(r.Moved), len(r.Reteamed), len(r.Placed), len(r.Dropped), r.ChangedMembers, r.Frozen,
		rebuild.Metrics.Penalty, movedBetween(plan, rebuild))
	t.Logf("by %v / rebuild %v", res.Plan.Metrics.PenaltyBy, rebuild.Metrics.PenaltyBy)
	for _, n := range res.Notes[:min(12, len(res.Notes))] {
		t.Logf("%s %v %v", n.Visit, n.KeepOld, n.Why)
	}
}

// BenchmarkRepairCity repairs the city plan after the changes (two
// leads on leave for a month, ten urgent proposals, five cancellations).
func BenchmarkRepairCity(b *testing.B) {
	inst, plan, ch := cityScenario(b, 1)
	b.ResetTimer()
	start := processCPU()
	for b.Loop() {
		if _, err := planning.Repair(inst, plan, ch, planning.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

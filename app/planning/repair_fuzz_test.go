package planning_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"khung/app/planning"
)

// randomChanges draws changes for a plan of inst: a today, new leave, new
// proposals copied from existing ones, withdrawals, pins and notices.
func randomChanges(rng *rand.Rand, inst *planning.Instance, plan *planning.Plan) *planning.Changes {
	day := func(doy int) string {
		return time.Date(inst.Year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, doy).Format(time.DateOnly)
	}
	ch := &planning.Changes{Today: day(rng.IntN(365))}
	for range rng.IntN(4) {
		if len(inst.Inspectors) == 0 {
			break
		}
		a := rng.IntN(365)
		ch.Unavailable = append(ch.Unavailable, planning.Unavailability{
			Inspector: inst.Inspectors[rng.IntN(len(inst.Inspectors))].ID, From: day(a), To: day(a + rng.IntN(60))})
	}
	forms := []string{planning.FormPlanned, planning.FormUnannounced, planning.FormVerification}
	for k := range rng.IntN(4) {
		if len(inst.Proposals) == 0 {
			break
		}
		p := inst.Proposals[rng.IntN(len(inst.Proposals))]
		p.ID = fmt.Sprintf("n%03d", k)
		p.Form = forms[rng.IntN(len(forms))]
		p.Priority = 1 + rng.IntN(3)
		if rng.IntN(2) == 0 {
			a := rng.IntN(330)
			p.Window = &planning.Interval{From: day(a), To: day(a + rng.IntN(35))}
		}
		ch.NewProposals = append(ch.NewProposals, p)
	}
	for range rng.IntN(4) {
		if len(inst.Proposals) == 0 {
			break
		}
		id := inst.Proposals[rng.IntN(len(inst.Proposals))].ID
		if !containsString(ch.WithdrawnProposals, id) {
			ch.WithdrawnProposals = append(ch.WithdrawnProposals, id)
		}
	}
	for range rng.IntN(3) {
		if len(plan.Visits) > 0 {
			ch.PinnedVisits = append(ch.PinnedVisits, plan.Visits[rng.IntN(len(plan.Visits))].ID)
		}
	}
	for range rng.IntN(3) {
		if len(plan.Visits) > 0 {
			ch.NoticeSent = append(ch.NoticeSent, plan.Visits[rng.IntN(len(plan.Visits))].ID)
		}
	}
	return ch
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FuzzRepair: repairing a plan after random changes gives a valid plan of the
// changed instance in which frozen visits are untouched and nothing changed
// starts before today, or refuses only because a frozen visit cannot stay.
func FuzzRepair(f *testing.F) {
	for seed := range uint64(10) {
		f.Add(seed, uint8(8+seed*5), uint8(3+seed*2), seed*7+1)
	}
	f.Add(uint64(99), uint8(60), uint8(3), uint64(5))  // far too few inspectors
	f.Add(uint64(100), uint8(0), uint8(10), uint64(6)) // nothing to do before the changes
	f.Fuzz(func(t *testing.T, seed uint64, nProposals, nInspectors uint8, changeSeed uint64) {
		inst := planning.RandomInstance(seed, int(nProposals%60), int(nInspectors%25))
		plan, err := planning.Solve(inst, planning.Options{Seed: seed, Iterations: 2000})
		if err != nil {
			t.Fatalf("Solve: %v", err)
		}
		ch := randomChanges(rand.New(rand.NewPCG(changeSeed, 3)), inst, plan)
		res, err := planning.Repair(inst, plan, ch, planning.Options{Seed: changeSeed, Iterations: 2000})
		var ce *planning.ChangesError
		switch {
		case errors.As(err, &ce):
			for _, p := range ce.Problems {
				frozen := p.Field == "today" || p.Field == "pinned_visits" || p.Field == "notice_sent"
				if !frozen || !strings.HasPrefix(p.Msg.ID, "repair.conflict.") {
					t.Errorf("refused for %s: %s %v", p.Field, p.Msg.ID, p.Msg.Args)
				}
			}
			return
		case err != nil:
			t.Fatalf("Repair: %v", err)
		}
		repairHolds(t, inst, plan, ch, res)
	})
}

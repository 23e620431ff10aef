package planning_test

import (
	"regexp"
	"testing"

	"khung/app/planning"
)

// isoDate finds a date written the English way; Vietnamese sentences use dd/mm/yyyy.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

func TestExplanationsComeInVietnameseToo(t *testing.T) {
	inst := cityInstance(t)
	for _, tc := range []struct {
		name string
		opt  planning.Options
	}{
		{"search plan of the city", planning.Options{Seed: 1}},
		{"greedy baseline of the city", planning.Options{Seed: 1, Greedy: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := solve(t, inst, tc.opt)
			if len(plan.Visits) == 0 {
				t.Fatal("no visit scheduled")
			}
			viDates := 0
			for _, v := range plan.Visits {
				if len(v.WhyVi) != len(v.Why) {
					t.Fatalf("visit %s: %d Vietnamese sentences for %d English ones", v.ID, len(v.WhyVi), len(v.Why))
				}
				for k, vi := range v.WhyVi {
					switch {
					case vi == "":
						t.Errorf("visit %s: Vietnamese sentence %d is empty", v.ID, k)
					case vi == v.Why[k]:
						t.Errorf("visit %s: sentence %d is not translated: %q", v.ID, k, vi)
					case isoDate.MatchString(vi):
						t.Errorf("visit %s: Vietnamese sentence %d has an ISO date: %q", v.ID, k, vi)
					}
					if isoDate.MatchString(v.Why[k]) {
						viDates++
					}
				}
			}
			if viDates == 0 {
				t.Error("no English sentence has a date, so the date check above proves nothing")
			}
			for _, u := range plan.Unscheduled {
				switch {
				case u.ReasonVi == "":
					t.Errorf("unscheduled %s has no Vietnamese reason (English: %q)", u.Visit, u.Reason)
				case u.ReasonVi == u.Reason:
					t.Errorf("unscheduled %s: reason is not translated: %q", u.Visit, u.ReasonVi)
				case isoDate.MatchString(u.ReasonVi):
					t.Errorf("unscheduled %s: Vietnamese reason has an ISO date: %q", u.Visit, u.ReasonVi)
				}
			}
			t.Logf("%d visits, %d unscheduled", len(plan.Visits), len(plan.Unscheduled))
		})
	}
}

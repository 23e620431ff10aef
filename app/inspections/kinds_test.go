package inspections_test

import (
	"context"
	"testing"

	"khung/app/inspections"
	"khung/models"
)

// An unplanned visit has no proposals: the words of its documents come from
// its own kind (visits.kind), with its form and its lead body.
func TestAnUnplannedVisitsDocumentsTakeTheWordsOfItsOwnKind(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	tests := []struct {
		name string
		form models.Form
		kind string
		want string // kinds.toml's code
	}{
		{"an unannounced public-service check is a kiểm tra công vụ", models.FormUnannounced, "public_service", "kiem_tra_cong_vu"},
		{"an unannounced specialised check is a kiểm tra", models.FormUnannounced, "specialised", "kiem_tra"},
		{"a verification stays a verification whatever its kind", models.FormVerification, "public_service", "xac_minh"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := d("2027-09-06").AddDays(7 * i)
			v, err := w.svc.CreateUnplanned(ctx, w.planner, inspections.UnplannedInput{UnitID: w.CommuneB.ID, Form: tc.form,
				LeadBodyID: w.CityTeam.ID, Kind: tc.kind, StartDate: start, EndDate: start.AddDays(1), LeadID: w.Outsider.ID,
				Reason: "Đơn phản ánh của công dân"})
			if err != nil {
				t.Fatal(err)
			}
			dec, err := w.svc.SignDecision(ctx, w.planner, v.ID, decisionFor(start.AddDays(-3), w.Outsider.ID), later)
			if err != nil {
				t.Fatal(err)
			}
			if dec.KindCode != tc.want {
				t.Errorf("kind of documents %q, want %q", dec.KindCode, tc.want)
			}
		})
	}
}

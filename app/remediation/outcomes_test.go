package remediation_test

import (
	"context"
	"errors"
	"testing"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/remediation"
	"khung/models"
	"khung/views"
)

// The outcome of a recommendation of responsibility: each measure of
// kinds.toml's [[discipline]] is recorded by the owner unit or a planner,
// with whom, the decision's date and number; anything else is refused on its
// field in Vietnamese and English, or as a conflict or not found, and writes
// nothing.
func TestTheOutcomeOfARecommendationOfResponsibility(t *testing.T) {
	x := newWorld(t)
	ctx := context.Background()
	liable := models.LiableIndividual
	must(t, x.db.Model(&x.recA).Updates(map[string]any{"kind": models.RecommendationResponsibility, "liable": liable}).Error)
	loc, err := views.LoadLocales(views.LocaleFiles())
	must(t, err)
	good := remediation.OutcomeInput{Measure: "canh_cao", Subject: "Ông Lê Văn C, công chức Tư pháp – Hộ tịch",
		DecidedOn: models.NewDate(2027, 4, 9), DocumentNumber: "21/QĐ-UBND"}
	with := func(f func(*remediation.OutcomeInput)) remediation.OutcomeInput { in := good; f(&in); return in }
	tests := []struct {
		name  string
		who   authz.Actor
		rec   int64
		in    remediation.OutcomeInput
		field string // the field refused
		err   error  // or the error
	}{
		{"the owner unit records a warning", x.unitA, x.recA.ID, good, "", nil},
		{"a planner records a review for the collective", x.planner, x.recA.ID, with(func(in *remediation.OutcomeInput) {
			in.Measure, in.Subject = "kiem_diem", "Tập thể lãnh đạo UBND phường"
		}), "", nil},
		{"an unknown measure is refused", x.unitA, x.recA.ID, with(func(in *remediation.OutcomeInput) { in.Measure = "phat_tien" }), "measure", nil},
		{"whom it concerns is required", x.unitA, x.recA.ID, with(func(in *remediation.OutcomeInput) { in.Subject = "  " }), "subject", nil},
		{"the decision's number is required", x.unitA, x.recA.ID, with(func(in *remediation.OutcomeInput) { in.DocumentNumber = "" }), "document_number", nil},
		{"a decision after today is refused", x.unitA, x.recA.ID, with(func(in *remediation.OutcomeInput) { in.DecidedOn = models.NewDate(2027, 4, 11) }), "decided_on", nil},
		{"a decision before the conclusion is refused", x.unitA, x.recA.ID, with(func(in *remediation.OutcomeInput) { in.DecidedOn = models.NewDate(2027, 3, 31) }), "decided_on", nil},
		{"a remedial recommendation has no outcome of responsibility", x.districtA, x.recB.ID, good, "", apperr.ErrConflict},
		{"another unit's recommendation answers as a missing one", x.unitB, x.recA.ID, good, "", apperr.ErrNotFound},
		{"an inspector does not record it", x.lead, x.recA.ID, good, "", apperr.ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := x.count(t, `SELECT count(*) FROM responsibility_outcomes`)
			_, err := x.svc.RecordOutcome(ctx, tc.who, tc.rec, tc.in, apr10)
			switch {
			case tc.field == "" && tc.err == nil:
				if err != nil {
					t.Fatal(err)
				}
				if n := x.count(t, `SELECT count(*) FROM responsibility_outcomes`); n != before+1 {
					t.Errorf("%d outcomes, want %d", n, before+1)
				}
				return
			case tc.field != "":
				ve, ok := apperr.AsValidation(err)
				if !ok || !ve.Has(tc.field) {
					t.Fatalf("error %v, want a problem of %s", err, tc.field)
				}
				for _, f := range ve.Fields {
					if f.Msg.ID != "" && (loc.For("vi").Msg(f.Msg) == "" || loc.For("en").Msg(f.Msg) == "" || !loc.For("en").Has(f.Msg.ID)) {
						t.Errorf("%s: %s has no text in both languages", f.Field, f.Msg.ID)
					}
				}
			default:
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
			}
			if n := x.count(t, `SELECT count(*) FROM responsibility_outcomes`); n != before {
				t.Errorf("%d outcomes after a refusal, want %d", n, before)
			}
		})
	}
	d, err := x.svc.Get(ctx, x.unitA, x.recA.ID, models.NewDate(2027, 4, 10))
	must(t, err)
	if len(d.Outcomes) != 2 || d.Outcomes[0].MeasureName != "Cảnh cáo" || d.Outcomes[1].MeasureNameEN != "Review and lessons learnt" || !d.CanRecordOutcome {
		t.Errorf("the follow-up shows %+v", d.Outcomes)
	}
}

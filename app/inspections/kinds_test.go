package inspections_test

import (
	"context"
	"testing"
	"time"

	"khung/app/apperr"
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

// A check on the implementation of a conclusion lasts at most 10 working days
// on site (followup.implementation_check_max_working_days): weekends and
// public holidays do not count; one day more is refused on end_date, and
// only overdue recommendations of the unit may be checked.
func TestACheckOnImplementationLastsAtMostTenWorkingDays(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	dbtestExec(t, w, `INSERT INTO holidays (date, kind, name_vi, name_en) VALUES ('2027-04-30', 'holiday', 'Ngày Chiến thắng', 'Reunification Day'),
		('2027-05-01', 'holiday', 'Quốc tế Lao động', 'Labour Day')`)
	var c, rec, done int64
	w.db.Raw(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name) VALUES (?, 1, ?, 2027, '2027-03-20', 'Trần Văn Hùng') RETURNING id`,
		w.Planned.ID, w.CityTeam.ID).Scan(&c)
	w.db.Raw(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity) VALUES (?, ?, 'Công khai thủ tục', '2027-04-01', 'medium') RETURNING id`,
		c, w.CommuneA.ID).Scan(&rec)
	w.db.Raw(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity, status, closed_at) VALUES (?, ?, 'Niêm yết', '2027-04-01', 'low', 'done', now()) RETURNING id`,
		c, w.CommuneA.ID).Scan(&done)
	now := time.Date(2027, 4, 20, 9, 0, 0, 0, hcm)
	tests := []struct {
		name       string
		start, end string
		recs       []int64
		field      string // the field refused; "" when created
	}{
		{"two weeks from Monday to Friday are 10 working days", "2027-05-03", "2027-05-14", []int64{rec}, ""},
		{"one working day more is refused", "2027-05-03", "2027-05-17", []int64{rec}, "end_date"},
		{"the 30/4 and 1/5 holidays do not count", "2027-04-26", "2027-05-10", []int64{rec}, ""},
		{"a recommendation carried out is not checked", "2027-05-17", "2027-05-18", []int64{done}, "recommendation_ids"},
		{"nor one of another unit", "2027-05-17", "2027-05-18", []int64{rec}, "recommendation_ids"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			unit := w.CommuneA.ID
			if i == 4 {
				unit = w.CommuneB.ID
			}
			before := count(t, w.db, "visits")
			v, err := w.svc.CreateCheck(ctx, w.planner, inspections.CheckInput{UnitID: unit, RecommendationIDs: tc.recs,
				LeadBodyID: w.CityTeam.ID, StartDate: d(tc.start), EndDate: d(tc.end), LeadID: w.Outsider.ID,
				Reason: "Kiến nghị quá hạn"}, now)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if v.Kind == nil || *v.Kind != inspections.ImplementationCheck || v.Form != models.FormPlanned || v.PlanVersionID != nil {
					t.Errorf("visit %+v", v)
				}
				// Free the inspector for the next case.
				dbtestExec(t, w, `DELETE FROM visits WHERE id = ?`, v.ID)
				return
			}
			ve, ok := apperr.AsValidation(err)
			if !ok || !ve.Has(tc.field) || !fieldInBothLanguages(t, ve.Fields[0]) {
				t.Fatalf("error %v, want a problem of %s in vi and en", err, tc.field)
			}
			if n := count(t, w.db, "visits"); n != before {
				t.Errorf("%d visits after a refused check, want %d", n, before)
			}
		})
	}
}

func dbtestExec(t *testing.T, w *world, query string, args ...any) {
	t.Helper()
	if err := w.db.Exec(query, args...).Error; err != nil {
		t.Fatal(err)
	}
}

package reports_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/reports"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
)

// visitInspectionsDefinition is what visit_inspections holds, computed live
// from the rows it is made of (the view it was until migration 00026).
const visitInspectionsDefinition = `SELECT vp.visit_id, p.body_id, (array_agg(p.kind ORDER BY p.id))[1] AS kind, count(*)::int AS proposals,
	       min(v.start_date) AS start_date
	  FROM visit_proposals vp JOIN proposals p ON p.id = vp.proposal_id JOIN visits v ON v.id = vp.visit_id GROUP BY vp.visit_id, p.body_id
	UNION ALL
	SELECT v.id, v.lead_body_id, v.kind, 0, v.start_date FROM visits v WHERE NOT EXISTS (SELECT 1 FROM visit_proposals x WHERE x.visit_id = v.id)`

// sameAsDefinition fails unless the table and its live definition hold the
// same rows.
func sameAsDefinition(t *testing.T, db *gorm.DB, after string) {
	t.Helper()
	n := count(t, db, `SELECT count(*) FROM ((SELECT visit_id, body_id, kind, proposals, start_date FROM visit_inspections
		EXCEPT ALL (`+visitInspectionsDefinition+`)) UNION ALL ((`+visitInspectionsDefinition+`)
		EXCEPT ALL SELECT visit_id, body_id, kind, proposals, start_date FROM visit_inspections)) d`)
	if n != 0 {
		t.Errorf("after %s: visit_inspections differs from its definition in %d rows", after, n)
	}
}

// The inspections the report counts are a table kept by triggers (a
// country's ten years made the view too slow): after every kind of write —
// a joint visit's links added and removed, a proposal moved to another body
// or kind, a visit's lead body, kind or days changed, an unplanned visit, a
// visit deleted — it holds exactly the rows its definition gives.
func TestVisitInspectionsStayEqualToTheirLiveDefinitionAfterEveryWrite(t *testing.T) {
	db := dbtest.Gorm(t)
	w := build(t, db) // a joint visit of three bodies, unplanned and cancelled visits, a part-merged ward's visit
	exec := func(q string, args ...any) { dbtest.MustExec(t, db, q, args...) }
	sameAsDefinition(t, db, "building the report's world")
	if n := count(t, db, `SELECT count(*) FROM visit_inspections WHERE visit_id = ?`, w.Planned.ID); n != 3 {
		t.Errorf("the joint visit stands for %d inspections, want 3 (positive control)", n)
	}
	steps := []struct {
		name string
		do   func()
	}{
		{"a proposal moved to another body", func() {
			exec(`UPDATE proposals SET body_id = ? WHERE id = (SELECT min(proposal_id) FROM visit_proposals WHERE visit_id = ?)`, w.Inspectorate.ID, w.Planned.ID)
		}},
		{"a proposal of another kind", func() {
			exec(`UPDATE proposals SET kind = 'specialised' WHERE id IN (SELECT proposal_id FROM visit_proposals WHERE visit_id = ?)`, w.Planned.ID)
		}},
		{"a link removed", func() {
			exec(`DELETE FROM visit_proposals WHERE visit_id = ? AND proposal_id = (SELECT max(proposal_id) FROM visit_proposals WHERE visit_id = ?)`, w.Planned.ID, w.Planned.ID)
		}},
		{"every link of a visit removed (its lead body's inspection)", func() {
			exec(`DELETE FROM visit_proposals WHERE visit_id = ?`, w.District.ID)
		}},
		{"a link added back", func() {
			exec(`INSERT INTO visit_proposals (visit_id, proposal_id) SELECT ?, id FROM proposals WHERE unit_id = ? LIMIT 1`, w.District.ID, w.DistrictA.ID)
		}},
		{"an unplanned visit's lead body and kind changed", func() {
			exec(`UPDATE visits SET lead_body_id = ?, kind = 'public_service' WHERE id = ?`, w.CityTeam.ID, w.Unplanned.ID)
		}},
		{"a visit moved to other days", func() {
			exec(`UPDATE visits SET start_date = start_date + 7, end_date = end_date + 7 WHERE id = ?`, w.Unplanned.ID)
		}},
		{"a visit deleted", func() { exec(`DELETE FROM visits WHERE id = ?`, w.Cancelled.ID) }},
	}
	for _, s := range steps {
		s.do()
		sameAsDefinition(t, db, s.name)
	}

	// Two transactions adding links to the same visit at once: the second
	// waits for the first's rows and then commits too (without ON CONFLICT
	// in the rebuild it failed on the table's key).
	var free []int64
	db.Raw(`SELECT proposal_id FROM visit_proposals WHERE visit_id = ? ORDER BY proposal_id LIMIT 2`, w.Planned.ID).Scan(&free)
	if len(free) < 2 {
		t.Fatalf("the joint visit has %d links, want 2 at least", len(free))
	}
	exec(`DELETE FROM visit_proposals WHERE visit_id = ? AND proposal_id IN (?, ?)`, w.Planned.ID, free[0], free[1])
	first, second := db.Begin(), db.Begin()
	if err := first.Exec(`INSERT INTO visit_proposals (visit_id, proposal_id) VALUES (?, ?)`, w.Planned.ID, free[0]).Error; err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		err := second.Exec(`INSERT INTO visit_proposals (visit_id, proposal_id) VALUES (?, ?)`, w.Planned.ID, free[1]).Error
		if err == nil {
			err = second.Commit().Error
		} else {
			second.Rollback()
		}
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // the second is now waiting on the first's rows
	if err := first.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("the second of two concurrent link writes to one visit failed: %v", err)
	}
	sameAsDefinition(t, db, "two concurrent link writes to one visit")
}

// The report counts recommendations by state in SQL (a country's year is
// half a million of them); the lists behind its figures still read them row
// by row. Both agree, for every state, whatever the reader and the day.
func TestRecommendationFiguresEqualTheRowsBehindThem(t *testing.T) {
	db := dbtest.Gorm(t)
	w := build(t, db)
	svc := service(t, db)
	ctx := context.Background()
	f := reports.Filter{From: models.NewDate(2027, 1, 1), To: models.NewDate(2027, 12, 31)}
	unitA := authz.Actor{UserID: 2, Role: models.RoleUnit, UnitID: w.DistrictA.ID, UnitPath: w.DistrictA.Path}
	for _, a := range []authz.Actor{
		{UserID: 1, Role: models.RolePlanner, Today: models.NewDate(2027, 5, 12)},
		{UserID: 1, Role: models.RolePlanner, Today: models.NewDate(2027, 12, 31)},
		{UserID: 3, Role: models.RoleViewer, Today: visitstest.UnannouncedStart},
		func() authz.Actor { unitA.Today = models.NewDate(2027, 12, 31); return unitA }(),
	} {
		r, err := svc.Periodic(ctx, a, f)
		if err != nil {
			t.Fatal(err)
		}
		rec := r.Recommendations
		want := map[string]int{"issued": rec.Issued, "done": rec.Done, "open": rec.Open, "overdue": rec.Overdue}
		for _, state := range reports.RecommendationStates() {
			_, total, err := svc.RecommendationVisits(ctx, a, f, state, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != want[state] {
				t.Errorf("%s on %s: the report counts %d %s, its list %d", a.Role, a.Today, want[state], state, total)
			}
		}
		if a.Role == models.RolePlanner && a.Today == models.NewDate(2027, 12, 31) && (rec.Issued != 3 || rec.Overdue != 1 || rec.Done != 1) {
			t.Errorf("planner at the year's end: %+v, want 3 issued, 1 done, 1 overdue (positive control)", rec)
		}
	}
}

// A province's year is the report narrowed to the province's subtree of
// units (area) and one year: its figures are those of the visits to its
// units, counted once per body, and of nothing outside it.
func TestAnAreasYearCountsTheInspectionsOfItsSubtreeOnly(t *testing.T) {
	db := dbtest.Gorm(t)
	w := build(t, db)
	svc := service(t, db)
	ctx := context.Background()
	planner := authz.Actor{UserID: 1, Role: models.RolePlanner, Today: models.NewDate(2027, 12, 31)}
	for _, area := range []models.Unit{w.DistrictA, w.DistrictB, w.City} {
		f, err := reports.ParseFilter(func(k string) string {
			return map[string]string{"period": "2027", "area": fmt.Sprint(area.ID)}[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Periodic(ctx, planner, f)
		if err != nil {
			t.Fatal(err)
		}
		want := count(t, db, `SELECT count(*) FROM visits v JOIN visit_inspections vi ON vi.visit_id = v.id JOIN units u ON u.id = v.unit_id
			WHERE u.path LIKE ? AND v.start_date BETWEEN '2027-01-01' AND '2027-12-31' AND v.status <> 'cancelled'
			  AND (v.plan_version_id IS NULL OR v.plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published'))`, area.Path+"%") +
			count(t, db, `SELECT count(*) FROM own_inspections o JOIN units u ON u.id = o.unit_id WHERE u.path LIKE ? AND o.start_date BETWEEN '2027-01-01' AND '2027-12-31'`, area.Path+"%")
		if r.Totals.Inspections != want || want == 0 {
			t.Errorf("%s's year: %d inspections, want %d (and some)", area.Name, r.Totals.Inspections, want)
		}
		rows, total, err := svc.Inspections(ctx, planner, f)
		if err != nil || total != want || len(rows) != want {
			t.Errorf("%s's list: %d rows of %d (%v), want %d", area.Name, len(rows), total, err, want)
		}
	}
}

package reports_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/reports"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// world is visitstest's 2027 plan plus what the statistics must tell apart:
// the planned visit becomes a joint visit of three bodies, an unplanned
// verification visit with its kind, a cancelled visit, a visit to a ward that
// was split between two successors (a part merger), a district's own
// inspection, and the planned visit's findings, conclusion and three
// recommendations (done, overdue, not yet due).
type world struct {
	*visitstest.World
	Unplanned, Cancelled, OldWard models.Visit
	Own                           models.OwnInspection
	Split                         models.Unit
}

func build(t *testing.T, db *gorm.DB) *world {
	t.Helper()
	w := &world{World: visitstest.Build(t, db)}
	exec := func(q string, args ...any) { dbtest.MustExec(t, db, q, args...) }
	// The third body of the planned joint visit.
	var pid int64
	if err := db.Raw(`INSERT INTO proposals (year, body_id, unit_id, kind, form, topics, skills, days, team_size, status)
		VALUES (2027, ?, ?, 'public_service', 'planned', '{ky_luat_hanh_chinh}', '{}', 2, 2, 'accepted') RETURNING id`,
		w.DistrictBody.ID, w.CommuneA.ID).Scan(&pid).Error; err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO visit_proposals (visit_id, proposal_id) VALUES (?, ?)`, w.Planned.ID, pid)

	w.Unplanned = w.World.Unplanned(t, db, w.CommuneB.ID, w.Outsider.ID, models.NewDate(2027, 6, 7), models.NewDate(2027, 6, 8))
	exec(`UPDATE visits SET kind = 'specialised' WHERE id = ?`, w.Unplanned.ID)
	w.Cancelled = w.World.Unplanned(t, db, w.CommuneB.ID, w.Outsider.ID, models.NewDate(2027, 7, 5), models.NewDate(2027, 7, 6))
	exec(`UPDATE visits SET status = 'cancelled', kind = 'public_service' WHERE id = ?`, w.Cancelled.ID)

	// A ward of district B split, on 1 July 2025, between commune B and a new ward.
	w.Split = models.Unit{Code: "00040", Name: "Phường Hàng Mã", Kind: models.UnitCommune, TypeLabel: "Phường",
		ParentID: &w.DistrictB.ID, AreaCode: "002", Path: models.UnitPath(w.DistrictB.Path, "00040"),
		ValidTo: models.DatePtr(models.NewDate(2025, 6, 30))}
	if err := db.Create(&w.Split).Error; err != nil {
		t.Fatal(err)
	}
	other := models.Unit{Code: "00041", Name: "Phường Hoàn Kiếm", Kind: models.UnitCommune, TypeLabel: "Phường",
		ParentID: &w.City.ID, AreaCode: "01", Path: models.UnitPath(w.City.Path, "00041"), ValidFrom: models.DatePtr(models.NewDate(2025, 7, 1))}
	if err := db.Create(&other).Error; err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO unit_successions (predecessor_id, successor_id, how, effective_on) VALUES (?, ?, 'part', '2025-07-01'), (?, ?, 'part', '2025-07-01')`,
		w.Split.ID, w.CommuneB.ID, w.Split.ID, other.ID)
	w.OldWard = w.World.Unplanned(t, db, w.Split.ID, w.Outsider.ID, models.NewDate(2027, 2, 1), models.NewDate(2027, 2, 2))
	exec(`UPDATE visits SET kind = 'public_service' WHERE id = ?`, w.OldWard.ID)

	w.Own = models.OwnInspection{ByUnitID: w.DistrictB.ID, UnitID: w.CommuneB.ID, Kind: "public_service", Form: models.FormPlanned,
		StartDate: models.NewDate(2027, 5, 4), EndDate: models.NewDate(2027, 5, 5), Status: models.OwnConcluded,
		ConclusionNumber: "05/KL-UBND", ConclusionSignedOn: models.DatePtr(models.NewDate(2027, 5, 20)),
		Shortcomings: 2, Violations: 1, Recommendations: 3, RecommendationsDone: 1, Source: "form"}
	if err := db.Create(&w.Own).Error; err != nil {
		t.Fatal(err)
	}

	// The planned visit's work: findings, a conclusion signed 20 days after
	// its draft (late against 15), three recommendations.
	exec(`INSERT INTO findings (visit_id, kind, description, severity) VALUES
		(?, 'violation', 'Chậm giải quyết hồ sơ', 'high'), (?, 'shortcoming', 'Thiếu sổ theo dõi', 'low'),
		(?, 'shortcoming', 'Niêm yết chưa đủ', 'low')`, w.Planned.ID, w.Planned.ID, w.Planned.ID)
	var cid int64
	if err := db.Raw(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, draft_received_on, signed_on, signer_name, signer_title, summary)
		VALUES (?, 12, ?, 2027, '2027-03-25', '2027-04-14', 'Nguyễn Văn A', 'Giám đốc', 'Kết luận') RETURNING id`,
		w.Planned.ID, w.CityTeam.ID).Scan(&cid).Error; err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity, status, closed_at) VALUES
		(?, ?, 'Rà soát hồ sơ', '2027-05-14', 'high', 'done', '2027-05-10 09:00+07'),
		(?, ?, 'Bổ sung sổ', '2027-05-14', 'medium', 'open', NULL),
		(?, ?, 'Kiểm điểm', '2028-01-20', 'low', 'reported', NULL)`,
		cid, w.CommuneA.ID, cid, w.CommuneA.ID, cid, w.DistrictA.ID)
	return w
}

func service(t *testing.T, db *gorm.DB) *reports.Service {
	t.Helper()
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	return reports.New(db, loc, l)
}

// count runs an independent count written for the test.
func count(t *testing.T, db *gorm.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func byKey(cs []reports.Count) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Key] = c.Count
	}
	return m
}

func TestTheReportsFiguresEqualIndependentCountsOverTheSameRows(t *testing.T) {
	db := dbtest.Gorm(t)
	w := build(t, db)
	svc := service(t, db)
	ctx := context.Background()
	f := reports.Filter{From: models.NewDate(2027, 1, 1), To: models.NewDate(2027, 12, 31)}
	planner := authz.Actor{UserID: 1, Role: models.RolePlanner, Today: models.NewDate(2027, 12, 31)}
	r, err := svc.Periodic(ctx, planner, f)
	if err != nil {
		t.Fatal(err)
	}

	// Independent counts: the city's visits that happened (published or
	// outside a plan, not cancelled), per body of their proposals or, with
	// none, their lead body; plus the units' own.
	const counted = `FROM visits v WHERE v.start_date BETWEEN '2027-01-01' AND '2027-12-31' AND v.status <> 'cancelled'
		AND (v.plan_version_id IS NULL OR v.plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published'))`
	joint := count(t, db, `SELECT count(*) FROM (SELECT DISTINCT vp.visit_id, p.body_id FROM visit_proposals vp
		JOIN proposals p ON p.id = vp.proposal_id WHERE vp.visit_id IN (SELECT v.id `+counted+`)) x`)
	alone := count(t, db, `SELECT count(*) `+counted+` AND NOT EXISTS (SELECT 1 FROM visit_proposals vp WHERE vp.visit_id = v.id)`)
	visitsN := count(t, db, `SELECT count(*) `+counted)
	own := count(t, db, `SELECT count(*) FROM own_inspections WHERE start_date BETWEEN '2027-01-01' AND '2027-12-31'`)
	proposalsN := count(t, db, `SELECT count(*) FROM visit_proposals WHERE visit_id IN (SELECT v.id `+counted+`)`)

	// The fixture's own arithmetic, so a broken independent count shows too:
	// planned joint (3 bodies), unannounced, district, other, unplanned, old
	// ward = 6 visits and 8 inspections; one own inspection.
	if visitsN != 6 || joint+alone != 8 || own != 1 {
		t.Fatalf("fixture: %d visits, %d+%d inspections, %d own", visitsN, joint, alone, own)
	}
	if got, want := r.Totals, (reports.Totals{Inspections: joint + alone + own, Visits: visitsN, OwnInspections: own}); got != want {
		t.Errorf("totals %+v, want %+v", got, want)
	}
	if got, want := r.MergeSavings, (reports.MergeSavings{ProposalsReceived: proposalsN, Inspections: joint + alone,
		Visits: visitsN, VisitsAvoided: joint + alone - visitsN}); got != want {
		t.Errorf("merge savings %+v, want %+v", got, want)
	}
	if r.MergeSavings.VisitsAvoided != 2 {
		t.Errorf("the joint visit of three bodies avoids two visits: %d", r.MergeSavings.VisitsAvoided)
	}
	levels := byKey(r.ByLevel)
	cityTeam := count(t, db, `SELECT count(*) FROM (SELECT DISTINCT vp.visit_id, p.body_id FROM visit_proposals vp
		JOIN proposals p ON p.id = vp.proposal_id JOIN bodies b ON b.id = p.body_id
		WHERE b.kind = 'city_team' AND vp.visit_id IN (SELECT v.id `+counted+`)) x`)
	communeBodies := count(t, db, `SELECT count(*) FROM (SELECT DISTINCT vp.visit_id, p.body_id FROM visit_proposals vp
		JOIN proposals p ON p.id = vp.proposal_id JOIN bodies b ON b.id = p.body_id
		WHERE b.kind = 'district_internal' AND vp.visit_id IN (SELECT v.id `+counted+`)) x`)
	if levels["city_team"] != cityTeam || levels["commune"] != communeBodies+own ||
		levels["department"] != joint+alone-cityTeam-communeBodies {
		t.Errorf("by level %v: city team %d, communes %d+%d", levels, cityTeam, communeBodies, own)
	}
	forms := byKey(r.ByForm)
	unplannedForms := count(t, db, `SELECT count(*) `+counted+` AND v.form = 'verification'`)
	if forms["verification"] != unplannedForms || forms["unannounced"] != 1 || forms["planned"] != joint+alone+own-unplannedForms-1 {
		t.Errorf("by form %v (verification %d)", forms, unplannedForms)
	}
	kinds := byKey(r.ByKind)
	if kinds["specialised"] != 2 { // the inspectorate's part of the joint visit, and the unplanned visit
		t.Errorf("by kind %v", kinds)
	}
	bodies := byKey(r.ByBody)
	if bodies["u"+itoa(w.DistrictB.ID)] != 1 || bodies["b"+itoa(w.DistrictBody.ID)] != 2 {
		t.Errorf("by body %v", bodies)
	}
	// The ward split between two successors counts once.
	if n := count(t, db, `SELECT count(*) FROM visits WHERE unit_id = ?`, w.Split.ID); n != 1 {
		t.Fatalf("old ward visits %d", n)
	}

	// Findings: the planned visit's three and the own inspection's 2 + 1.
	var violations, shortcomings int
	for _, fc := range r.Findings {
		switch fc.Kind {
		case "violation":
			violations += fc.Count
		case "shortcoming":
			shortcomings += fc.Count
		}
	}
	wantV := count(t, db, `SELECT count(*) FROM findings WHERE kind = 'violation'`) + count(t, db, `SELECT sum(violations) FROM own_inspections`)
	wantS := count(t, db, `SELECT count(*) FROM findings WHERE kind = 'shortcoming'`) + count(t, db, `SELECT sum(shortcomings) FROM own_inspections`)
	if violations != wantV || shortcomings != wantS {
		t.Errorf("findings %+v, want %d violations %d shortcomings", r.Findings, wantV, wantS)
	}
	if c := r.Conclusions; c.Issued != 1 || c.Late != 1 || c.OnTime != 0 || c.Own != 1 {
		t.Errorf("conclusions %+v", c)
	}
	rec := r.Recommendations
	if rec.Issued != 3 || rec.Done != 1 || rec.Open != 2 || rec.Overdue != 1 || rec.RecordedIssued != 3 || rec.RecordedDone != 1 {
		t.Errorf("recommendations %+v", rec)
	}
	// Overdue from 14 May 2027 to 31 December 2027, in working days counted
	// independently: weekdays minus the holidays table's days off (none here).
	wantAge := count(t, db, `SELECT count(*) FROM generate_series('2027-05-15'::date, '2027-12-31', '1 day') d
		WHERE extract(isodow FROM d) < 6`)
	var maxAge int
	for _, o := range rec.ByOwner {
		maxAge = max(maxAge, o.MaxAgeing)
	}
	if maxAge != wantAge || rec.Ageing[3].Count != 1 {
		t.Errorf("ageing %d, want %d; buckets %+v", maxAge, wantAge, rec.Ageing)
	}
	if rec.Rate != 0.3333 {
		t.Errorf("rate %v", rec.Rate)
	}
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if len(b) == 0 {
		return "0"
	}
	return string(b)
}

func TestAUnitsAndAViewersFiguresNeverCountAHiddenVisit(t *testing.T) {
	db := dbtest.Gorm(t)
	w := build(t, db)
	svc := service(t, db)
	ctx := context.Background()
	f := reports.Filter{From: models.NewDate(2027, 1, 1), To: models.NewDate(2027, 12, 31)}
	dayBefore := visitstest.UnannouncedStart.AddDays(-1)
	unitA := authz.Actor{UserID: 2, Role: models.RoleUnit, UnitID: w.DistrictA.ID, UnitPath: w.DistrictA.Path}
	viewer := authz.Actor{UserID: 3, Role: models.RoleViewer}
	for _, tc := range []struct {
		name        string
		a           authz.Actor
		day         models.Date
		inspections int
		unannounced int
	}{
		// District A's subtree: the joint visit (3), the district's visit (1), the unannounced one (1) once started.
		{"a unit before the unannounced visit starts", unitA, dayBefore, 4, 0},
		{"a unit from its start (positive control)", unitA, visitstest.UnannouncedStart, 5, 1},
		// Before 12 April: the planned ones (5), the own inspection and February's
		// verification visit; not the unannounced one nor June's verification visit.
		{"a viewer before it starts", viewer, models.NewDate(2027, 4, 11), 7, 0},
		{"a viewer at the year's end (positive control)", viewer, models.NewDate(2027, 12, 31), 9, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.a.Today = tc.day
			r, err := svc.Periodic(ctx, tc.a, f)
			if err != nil {
				t.Fatal(err)
			}
			if r.Totals.Inspections != tc.inspections || byKey(r.ByForm)["unannounced"] != tc.unannounced {
				t.Errorf("totals %+v, by form %v; want %d inspections, %d unannounced", r.Totals, byKey(r.ByForm), tc.inspections, tc.unannounced)
			}
			rows, total, err := svc.Inspections(ctx, tc.a, f)
			if err != nil || total != tc.inspections || len(rows) != total {
				t.Errorf("list behind the figure: %d rows of %d (%v), want %d", len(rows), total, err, tc.inspections)
			}
		})
	}
	if _, err := svc.Periodic(ctx, authz.Actor{UserID: 4, Role: models.RoleAdmin, Today: dayBefore}, f); err == nil {
		t.Error("an administrator reads no statistics")
	}
}

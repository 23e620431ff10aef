package authz

import (
	"errors"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/models"
	"khung/models/dbtest"
)

func TestEachRoleHasExactlyItsPermissions(t *testing.T) {
	all := []Permission{ManageReference, ViewAudit, ReadReference, ManageProposals, ManagePlans, ApprovePlans,
		ReadDraftPlans, ReadPublishedPlans, WorkOnVisits, VerifyRemediation, ReportRemediation, ViewStatistics}
	want := map[models.Role][]Permission{
		models.RoleAdmin:     {ManageReference, ViewAudit, ReadReference},
		models.RolePlanner:   {ReadReference, ManageProposals, ManagePlans, ReadDraftPlans, ReadPublishedPlans, WorkOnVisits, VerifyRemediation, ViewStatistics},
		models.RoleApprover:  {ReadReference, ApprovePlans, ReadDraftPlans, ReadPublishedPlans, ViewStatistics},
		models.RoleInspector: {ReadReference, ReadPublishedPlans, WorkOnVisits, VerifyRemediation},
		models.RoleUnit:      {ReadReference, ReportRemediation},
		models.RoleViewer:    {ReadPublishedPlans, ViewStatistics},
		"":                   nil,
		"superuser":          nil,
	}
	for role := range want {
		t.Run(string(role), func(t *testing.T) {
			a := Actor{UserID: 7, Role: role}
			var got []Permission
			for _, p := range all {
				if Can(a, p) {
					got = append(got, p)
				}
				err := Require(a, p)
				if (err == nil) != Can(a, p) {
					t.Errorf("Require and Can disagree on %s", p)
				}
				if err != nil && role != "" && !errors.Is(err, apperr.ErrForbidden) {
					t.Errorf("Require(%s) = %v, want ErrForbidden", p, err)
				}
			}
			sortPerms(got)
			w := append([]Permission(nil), want[role]...)
			sortPerms(w)
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("permissions (-want +got):\n%s", diff)
			}
		})
	}
	if Can(Actor{Role: models.RoleAdmin}, ManageReference) {
		t.Error("an actor without a user id must be able to do nothing")
	}
}

func sortPerms(p []Permission) { sort.Slice(p, func(i, j int) bool { return p[i] < p[j] }) }

// world is a small city: two districts with a ward each, one published plan
// version with a planned and an unannounced visit, a draft version, visits
// outside any plan, a conclusion with recommendations.
type world struct {
	city, d1, d2, w1, w2 models.Unit
	inspector            int64 // on the team of visits v1 and u1
	visits               map[string]int64
	recs                 map[string]int64
}

func exec(t *testing.T, db *gorm.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := db.Raw(q+" RETURNING id", args...).Scan(&id).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func unit(t *testing.T, db *gorm.DB, code, name string, parent *models.Unit) models.Unit {
	t.Helper()
	u := models.Unit{Code: code, Name: name, Kind: models.UnitDistrict, TypeLabel: "Quận"}
	if parent == nil {
		u.Kind, u.TypeLabel, u.Path = models.UnitCity, "Thành phố", models.UnitPath("", code)
	} else {
		u.ParentID, u.Path = &parent.ID, models.UnitPath(parent.Path, code)
	}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func buildWorld(t *testing.T, db *gorm.DB) world {
	t.Helper()
	w := world{visits: map[string]int64{}, recs: map[string]int64{}}
	w.city = unit(t, db, "01", "Thành phố Hà Nội", nil)
	w.d1 = unit(t, db, "001", "Quận Ba Đình", &w.city)
	w.d2 = unit(t, db, "006", "Quận Đống Đa", &w.city)
	w.w1 = unit(t, db, "00001", "Phường Phúc Xá", &w.d1)
	w.w2 = unit(t, db, "00226", "Phường Văn Miếu", &w.d2)
	body := exec(t, db, `INSERT INTO bodies (code, name, kind) VALUES ('CT', 'Đoàn kiểm tra công vụ Thành phố', 'city_team')`)
	w.inspector = exec(t, db, `INSERT INTO inspectors (code, full_name, body_id) VALUES ('I1', 'Lê Văn Cường', ?)`, body)
	plan := exec(t, db, `INSERT INTO plans (year, title, issuing_body_id) VALUES (2026, 'Kế hoạch khung 2026', ?)`, body)
	published := exec(t, db, `INSERT INTO plan_versions (plan_id, number, status, approved_at, published_at) VALUES (?, 1, 'published', now(), now())`, plan)
	draft := exec(t, db, `INSERT INTO plan_versions (plan_id, number, status, reason) VALUES (?, 2, 'draft', 'điều chỉnh')`, plan)
	visit := func(name string, version any, unitID int64, form, status, start, end string) {
		w.visits[name] = exec(t, db, `INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, days, team_size, status, start_date, end_date)
			VALUES (?, ?, 2026, ?, ?, ?, 3, 3, ?, ?, ?)`, version, "v-"+name, unitID, form, body, status, start, end)
	}
	// The tests read on 2026-06-01 (worldToday) unless they say otherwise.
	visit("p1", published, w.w1.ID, "planned", "planned", "2026-05-04", "2026-05-06")             // published, planned, ward 1
	visit("p2", published, w.w2.ID, "planned", "planned", "2026-07-06", "2026-07-08")             // published, planned, ward 2, upcoming
	visit("u1", published, w.d1.ID, "unannounced", "decision_signed", "2026-06-10", "2026-06-12") // unannounced, starts on 10 June
	visit("u2", nil, w.w1.ID, "unannounced", "on_site", "2026-05-20", "2026-05-22")               // unannounced outside the plan, started
	visit("x1", nil, w.w1.ID, "verification", "decision_signed", "2026-06-15", "2026-06-17")      // verification, not started
	visit("x2", nil, w.w1.ID, "verification", "announced", "2026-05-25", "2026-05-27")            // verification, started
	visit("d1", draft, w.w1.ID, "planned", "planned", "2026-08-03", "2026-08-05")                 // draft version only
	visit("dv", published, w.d1.ID, "planned", "conclusion_issued", "2026-05-11", "2026-05-13")   // the district's own visit, concluded
	for _, v := range []string{"p1", "u1"} {
		if err := db.Exec(`INSERT INTO visit_members (visit_id, inspector_id, role) VALUES (?, ?, 'member')`, w.visits[v], w.inspector).Error; err != nil {
			t.Fatal(err)
		}
	}
	conclusion := func(visit string, number int) int64 {
		return exec(t, db, `INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name)
			VALUES (?, ?, ?, 2026, '2026-05-04', 'Nguyễn Văn Giám')`, w.visits[visit], number, body)
	}
	c1, c2, c3, c4 := conclusion("p1", 1), conclusion("p2", 2), conclusion("u1", 3), conclusion("dv", 4)
	rec := func(name string, c, owner int64) {
		w.recs[name] = exec(t, db, `INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity)
			VALUES (?, ?, 'Khắc phục', '2026-06-30', 'medium')`, c, owner)
	}
	rec("r1", c1, w.w1.ID)
	rec("r2", c2, w.w2.ID)
	rec("r3", c3, w.d1.ID) // of the unannounced visit u1, recorded before it starts (issue 9)
	rec("r4", c4, w.w1.ID) // the district's conclusion names its ward 1
	return w
}

func names(t *testing.T, db *gorm.DB, table string, scope Scope, byID map[string]int64) []string {
	t.Helper()
	var ids []int64
	if err := db.Table(table).Scopes(scope).Order("id").Pluck(table+".id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	rev := map[int64]string{}
	for n, id := range byID {
		rev[id] = n
	}
	out := []string{}
	for _, id := range ids {
		out = append(out, rev[id])
	}
	sort.Strings(out)
	return out
}

func TestScopesLetEachRoleReachOnlyItsRows(t *testing.T) {
	db := dbtest.Gorm(t)
	w := buildWorld(t, db)
	units := map[string]int64{"city": w.city.ID, "d1": w.d1.ID, "d2": w.d2.ID, "w1": w.w1.ID, "w2": w.w2.ID}
	today, startOfU1 := models.NewDate(2026, 6, 1), models.NewDate(2026, 6, 10)
	allUnits := []string{"city", "d1", "d2", "w1", "w2"}
	allVisits := []string{"d1", "dv", "p1", "p2", "u1", "u2", "x1", "x2"}
	allRecs := []string{"r1", "r2", "r3", "r4"}

	tests := []struct {
		name   string
		actor  Actor
		units  []string
		visits []string
		recs   []string
	}{
		{"admin reads the unit tree but no visit", Actor{UserID: 1, Role: models.RoleAdmin, Today: startOfU1},
			allUnits, []string{}, []string{}},
		{"planner reads everything", Actor{UserID: 2, Role: models.RolePlanner},
			allUnits, allVisits, allRecs},
		{"approver reads everything", Actor{UserID: 3, Role: models.RoleApprover},
			allUnits, allVisits, allRecs},
		{"inspector reads the visits of their team, and the published plan's except secret ones not started",
			Actor{UserID: 4, Role: models.RoleInspector, InspectorID: w.inspector, Today: today},
			allUnits, []string{"dv", "p1", "p2", "u1"}, []string{"r1", "r3"}},
		{"inspector without a profile reads the published plan's visits that are not secret",
			Actor{UserID: 5, Role: models.RoleInspector, Today: today},
			allUnits, []string{"dv", "p1", "p2"}, []string{}},
		{"district unit reads its subtree; no unannounced visit or its recommendation before it starts, no draft",
			Actor{UserID: 6, Role: models.RoleUnit, UnitID: w.d1.ID, UnitPath: w.d1.Path, Today: today},
			[]string{"d1", "w1"}, []string{"dv", "p1", "u2", "x2"}, []string{"r1", "r4"}},
		{"district unit sees the unannounced visit and its recommendation from its first day",
			Actor{UserID: 6, Role: models.RoleUnit, UnitID: w.d1.ID, UnitPath: w.d1.Path, Today: startOfU1},
			[]string{"d1", "w1"}, []string{"dv", "p1", "u1", "u2", "x2"}, []string{"r1", "r3", "r4"}},
		{"a unit whose date is unknown sees no secret visit",
			Actor{UserID: 6, Role: models.RoleUnit, UnitID: w.d1.ID, UnitPath: w.d1.Path},
			[]string{"d1", "w1"}, []string{"dv", "p1"}, []string{"r1", "r4"}},
		{"a ward named in its district's conclusion may know that visit",
			Actor{UserID: 10, Role: models.RoleUnit, UnitID: w.w1.ID, UnitPath: w.w1.Path, Today: today},
			[]string{"w1"}, []string{"dv", "p1", "u2", "x2"}, []string{"r1", "r4"}},
		{"ward unit reads only itself", Actor{UserID: 7, Role: models.RoleUnit, UnitID: w.w2.ID, UnitPath: w.w2.Path, Today: today},
			[]string{"w2"}, []string{"p2"}, []string{"r2"}},
		{"unit user without a unit reads nothing", Actor{UserID: 8, Role: models.RoleUnit},
			[]string{}, []string{}, []string{}},
		{"viewer reads published visits and those outside a plan, secret ones once started",
			Actor{UserID: 9, Role: models.RoleViewer, Today: today},
			allUnits, []string{"dv", "p1", "p2", "u2", "x2"}, []string{}},
		{"viewer sees the unannounced visit from its first day", Actor{UserID: 9, Role: models.RoleViewer, Today: startOfU1},
			allUnits, []string{"dv", "p1", "p2", "u1", "u2", "x2"}, []string{}},
		{"nobody reads nothing", Actor{}, []string{}, []string{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.units, names(t, db, "units", UnitScope(tt.actor), units)); diff != "" {
				t.Errorf("units (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.visits, names(t, db, "visits", VisitScope(tt.actor), w.visits)); diff != "" {
				t.Errorf("visits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.recs, names(t, db, "recommendations", RecommendationScope(tt.actor), w.recs)); diff != "" {
				t.Errorf("recommendations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKnowingOfAVisitIsNotReadingItsWork(t *testing.T) {
	db := dbtest.Gorm(t)
	w := buildWorld(t, db)
	started := models.NewDate(2026, 12, 31) // every visit has started
	allVisits := []string{"d1", "dv", "p1", "p2", "u1", "u2", "x1", "x2"}
	tests := []struct {
		name   string
		actor  Actor
		visits []string
	}{
		{"planner", Actor{UserID: 1, Role: models.RolePlanner}, allVisits},
		{"approver", Actor{UserID: 2, Role: models.RoleApprover}, allVisits},
		{"inspector: only their team's", Actor{UserID: 3, Role: models.RoleInspector, InspectorID: w.inspector, Today: started},
			[]string{"p1", "u1"}},
		{"inspector without a profile", Actor{UserID: 4, Role: models.RoleInspector, Today: started}, []string{}},
		{"unit of the visited ward", Actor{UserID: 5, Role: models.RoleUnit, UnitID: w.w1.ID, UnitPath: w.w1.Path, Today: started}, []string{}},
		{"viewer", Actor{UserID: 6, Role: models.RoleViewer, Today: started}, []string{}},
		{"admin", Actor{UserID: 7, Role: models.RoleAdmin, Today: started}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.visits, names(t, db, "visits", VisitWorkScopeOn(tt.actor, "visits"), w.visits)); diff != "" {
				t.Errorf("work of visits (-want +got):\n%s", diff)
			}
		})
	}
}

// Only the roles whose visit rule keeps every visit may read totals made over
// all the visits of a plan version (the engine's metrics).
func TestOnlyPlannersAndApproversSeeEveryVisit(t *testing.T) {
	for _, tc := range []struct {
		a    Actor
		want bool
	}{
		{Actor{UserID: 1, Role: models.RolePlanner}, true},
		{Actor{UserID: 1, Role: models.RoleApprover}, true},
		{Actor{UserID: 1, Role: models.RoleInspector, InspectorID: 3}, false},
		{Actor{UserID: 1, Role: models.RoleViewer}, false},
		{Actor{UserID: 1, Role: models.RoleUnit, UnitPath: "/01/"}, false},
		{Actor{UserID: 1, Role: models.RoleAdmin}, false},
		{Actor{Role: models.RolePlanner}, false}, // not logged in
	} {
		if got := SeesEveryVisit(tc.a); got != tc.want {
			t.Errorf("%s (user %d): %v, want %v", tc.a.Role, tc.a.UserID, got, tc.want)
		}
	}
}

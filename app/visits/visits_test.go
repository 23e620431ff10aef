package visits_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/msg"
	"khung/app/paging"
	"khung/app/visits"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// render renders a message in lang with the app's catalogs ("" when lang's
// catalogs lack it).
func render(t testing.TB) func(lang string, m msg.Message) string {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return func(lang string, m msg.Message) string {
		if tr := loc.For(lang); tr.Has(m.ID) {
			return tr.Msg(m)
		}
		return ""
	}
}

// fieldTexts is a field problem in Vietnamese and English.
func fieldTexts(t testing.TB, f apperr.FieldError) (vi, en string) {
	if f.Msg.ID == "" {
		return f.VI, f.EN
	}
	r := render(t)
	return r("vi", f.Msg), r("en", f.Msg)
}

// The two days around the unannounced visit's start.
var (
	dayBefore = visitstest.UnannouncedStart.AddDays(-1)
	dayOf     = visitstest.UnannouncedStart
)

// actors returns one actor per case of the rule.
func actors(w *visitstest.World) map[string]authz.Actor {
	unit := func(u models.Unit) authz.Actor {
		return authz.Actor{UserID: 100 + u.ID, Role: models.RoleUnit, UnitID: u.ID, UnitPath: u.Path}
	}
	insp := func(i models.Inspector) authz.Actor {
		return authz.Actor{UserID: 200 + i.ID, Role: models.RoleInspector, InspectorID: i.ID}
	}
	return map[string]authz.Actor{
		"unit of the district":          unit(w.DistrictA),
		"unit of the commune":           unit(w.CommuneA),
		"unit of another district":      unit(w.DistrictB),
		"unit user without a unit":      {UserID: 1, Role: models.RoleUnit},
		"inspector leading the visit":   insp(w.Lead),
		"inspector leading unannounced": insp(w.Member),
		"inspector of another team":     insp(w.Outsider),
		"inspector without a profile":   {UserID: 2, Role: models.RoleInspector},
		"planner":                       {UserID: 3, Role: models.RolePlanner},
		"approver":                      {UserID: 4, Role: models.RoleApprover},
		"viewer":                        {UserID: 5, Role: models.RoleViewer},
		"admin":                         {UserID: 6, Role: models.RoleAdmin},
		"anonymous":                     {},
		"unknown role":                  {UserID: 7, Role: "guest"},
	}
}

func TestTheVisibilityRuleOnEveryReadOfTheService(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	ctx := context.Background()
	as := actors(w)
	staff := []string{"v-00001", "v-00002", "v-00003", "v-00005"}

	tests := []struct {
		actor  string
		today  models.Date
		visits []string // codes, sorted
	}{
		{"unit of the district", dayBefore, []string{"v-00001", "v-00003"}},
		{"unit of the district", dayOf, []string{"v-00001", "v-00002", "v-00003"}},
		{"unit of the commune", dayBefore, []string{"v-00001"}},
		{"unit of the commune", dayOf, []string{"v-00001", "v-00002"}},
		{"unit of another district", dayOf, []string{"v-00005"}},
		{"unit user without a unit", dayOf, nil},
		{"inspector leading the visit", dayBefore, []string{"v-00001", "v-00003", "v-00005"}},
		{"inspector leading the visit", dayOf, []string{"v-00001", "v-00002", "v-00003", "v-00005"}},
		{"inspector leading unannounced", dayBefore, staff},
		{"inspector of another team", dayBefore, []string{"v-00001", "v-00003", "v-00005"}},
		{"inspector without a profile", dayBefore, []string{"v-00001", "v-00003", "v-00005"}},
		{"planner", dayBefore, staff},
		{"approver", dayBefore, staff},
		// Viewers and admins are not told of a secret visit before it starts
		// (issue 9): a viewer sees it from its first day, an admin, who
		// administers the platform and not inspections, never.
		{"viewer", dayBefore, []string{"v-00001", "v-00003", "v-00005"}},
		{"viewer", dayOf, staff},
		{"admin", dayBefore, nil},
		{"admin", dayOf, nil},
		{"anonymous", dayOf, nil},
		{"unknown role", dayOf, nil},
	}
	for _, tt := range tests {
		t.Run(tt.actor+" on "+tt.today.String(), func(t *testing.T) {
			a := as[tt.actor]
			page, err := svc.List(ctx, a, tt.today, visits.Filter{}, paging.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.visits, codes(page.Items)); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
			n, err := svc.Count(ctx, a, tt.today, visits.Filter{Year: visitstest.Year})
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(len(tt.visits)) || page.Total != n {
				t.Errorf("count %d, list total %d, want %d", n, page.Total, len(tt.visits))
			}
			march, err := svc.InRange(ctx, a, tt.today, visits.Filter{}, visits.Range{
				From: models.NewDate(2027, 3, 1), To: models.NewDate(2027, 4, 30)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.visits, codes(march)); diff != "" {
				t.Errorf("calendar range (-want +got):\n%s", diff)
			}
			// Get answers every visit it lists and "not found" for the others.
			want := map[string]bool{}
			for _, c := range tt.visits {
				want[c] = true
			}
			for _, v := range []models.Visit{w.Planned, w.Unannounced, w.District, w.DraftVisit, w.Other} {
				_, err := svc.Get(ctx, a, tt.today, v.ID)
				switch {
				case want[v.Code] && err != nil:
					t.Errorf("get %s: %v", v.Code, err)
				case !want[v.Code] && !errors.Is(err, apperr.ErrNotFound):
					t.Errorf("get %s: %v, want not found", v.Code, err)
				}
			}
			// Search narrows inside the rule: the commune's name without
			// diacritics finds its visits and nothing else.
			found, err := svc.List(ctx, a, tt.today, visits.Filter{Q: "phuc xa"}, paging.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var wantFound []string
			for _, c := range tt.visits {
				if c == "v-00001" || c == "v-00002" {
					wantFound = append(wantFound, c)
				}
			}
			if diff := cmp.Diff(wantFound, codes(found.Items)); diff != "" {
				t.Errorf("search (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnitsNeverSeeCancelledOrUnscheduledVisitsAndUnplannedOnesOnlyFromTheirStart(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	ctx := context.Background()
	commune := authz.Actor{UserID: 1, Role: models.RoleUnit, UnitPath: w.CommuneA.Path}
	planner := authz.Actor{UserID: 2, Role: models.RolePlanner}

	start := models.NewDate(2027, 6, 7)
	unplanned := w.Unplanned(t, db, w.CommuneA.ID, w.Outsider.ID, start, start.AddDays(1))
	mustExec(t, db, "UPDATE visits SET status = 'cancelled' WHERE id = ?", w.Planned.ID)
	unscheduled := models.Visit{PlanVersionID: &w.Published.ID, Code: "v-00009", Year: 2027, UnitID: w.CommuneA.ID,
		Form: models.FormPlanned, LeadBodyID: w.CityTeam.ID, Days: 2, TeamSize: 2, UnscheduledReason: "Không đủ thành viên đoàn"}
	if err := db.Create(&unscheduled).Error; err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		actor authz.Actor
		today models.Date
		want  []string
	}{
		{"the commune before the unplanned visit starts", commune, start.AddDays(-1), []string{"v-00002"}},
		{"the commune on its first day", commune, start, []string{"v-00002", unplanned.Code}},
		{"the planner at any time", planner, dayBefore, []string{"v-00001", "v-00002", "v-00003", "v-00005", "v-00009", unplanned.Code}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := svc.List(ctx, tt.actor, tt.today, visits.Filter{}, paging.Page{})
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string(nil), tt.want...)
			sort.Strings(want)
			if diff := cmp.Diff(want, codes(page.Items)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPublishingANewVersionSwitchesWhatUnitsAndTeamsSee(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	ctx := context.Background()
	commune := authz.Actor{UserID: 1, Role: models.RoleUnit, UnitPath: w.CommuneA.Path}
	lead := authz.Actor{UserID: 2, Role: models.RoleInspector, InspectorID: w.Lead.ID}
	list := func(a authz.Actor) []string {
		t.Helper()
		page, err := svc.List(ctx, a, dayBefore, visits.Filter{}, paging.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return codes(page.Items)
	}

	// While version 1 is published, the submitted version 2 is not shown
	// (it would only duplicate the published visits).
	mustExec(t, db, "UPDATE plan_versions SET status = 'submitted', submitted_at = now() WHERE id = ?", w.Draft.ID)
	if got := list(lead); cmp.Diff([]string{"v-00001", "v-00003", "v-00005"}, got) != "" {
		t.Errorf("the lead during an amendment sees %v", got)
	}
	// With no published version, the team sees its submitted visits, the unit nothing.
	mustExec(t, db, "UPDATE plan_versions SET status = 'superseded' WHERE id = ?", w.Published.ID)
	if got := list(lead); cmp.Diff([]string{"v-00004"}, got) != "" {
		t.Errorf("the lead with only a submitted version sees %v", got)
	}
	if got := list(commune); len(got) != 0 {
		t.Errorf("the commune sees a version that is not published: %v", got)
	}
	// Version 2 published: the commune sees its visit, and no longer version 1's.
	mustExec(t, db, "UPDATE plan_versions SET status = 'published', approved_at = now(), published_at = now() WHERE id = ?", w.Draft.ID)
	if got := list(commune); cmp.Diff([]string{"v-00004"}, got) != "" {
		t.Errorf("the commune after the amendment sees %v", got)
	}
}

func TestAVisitShowsItsBodiesTopicsTeamTrailAndWhatToPrepare(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	commune := authz.Actor{UserID: 1, Role: models.RoleUnit, UnitPath: w.CommuneA.Path}

	v, err := svc.Get(context.Background(), commune, dayBefore, w.Planned.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Unit.Name != "Phường Phúc Xá" || v.LeadBody.Name != "Đoàn kiểm tra công vụ Thành phố" {
		t.Errorf("unit %q, lead body %q", v.Unit.Name, v.LeadBody.Name)
	}
	if diff := cmp.Diff([]string{"Thành phố Hà Nội", "Quận Ba Đình"}, unitNames(v.Trail)); diff != "" {
		t.Errorf("trail (-want +got):\n%s", diff)
	}
	if len(v.JointBodies) != 1 || v.JointBodies[0].Name != "Thanh tra Sở Nội vụ" {
		t.Errorf("joint bodies: %+v", v.JointBodies)
	}
	var topics []string
	for _, tp := range v.Topics {
		topics = append(topics, tp.Name("vi"))
	}
	if diff := cmp.Diff([]string{"Chấp hành kỷ luật, kỷ cương hành chính", "Tuyển dụng, sử dụng, quản lý công chức, viên chức"}, topics); diff != "" {
		t.Errorf("topics (-want +got):\n%s", diff)
	}
	if l := v.Leader(); l == nil || l.FullName != "Nguyễn Văn Thành" || len(v.Team) != 2 || v.Team[0].Role != models.MemberLead {
		t.Errorf("team: %+v", v.Team)
	}
	if v.Plan == nil || v.Plan.Status != models.VersionPublished || v.Plan.DocumentNumber != "01" {
		t.Errorf("plan: %+v", v.Plan)
	}
	want := visits.Preparation(models.FormPlanned, []string{"public_service", "specialised"})
	if diff := cmp.Diff(want, v.Prepare); diff != "" || len(want) < 6 {
		t.Errorf("prepare (-want +got):\n%s", diff)
	}
	if !v.Covers(models.NewDate(2027, 3, 16)) || v.Covers(models.NewDate(2027, 3, 18)) {
		t.Error("Covers must hold on the visit's days only")
	}
}

func TestPreparationListsCommonItemsThenEachKindOnce(t *testing.T) {
	tests := []struct {
		name  string
		form  models.Form
		kinds []string
		want  int
	}{
		{"an unknown kind gets the common items", models.FormPlanned, []string{"not-a-kind"}, 2},
		{"public service adds its three", models.FormPlanned, []string{"public_service"}, 5},
		{"a kind given twice counts once", models.FormPlanned, []string{"internal", "internal"}, 4},
		{"verification adds the matter to verify", models.FormVerification, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := visits.Preparation(tt.form, tt.kinds)
			(&visits.Visit{Prepare: got}).RenderTexts(render(t))
			if len(got) != tt.want {
				t.Fatalf("%d items, want %d: %+v", len(got), tt.want, got)
			}
			for _, it := range got {
				if it.VI == "" || it.EN == "" || it.In("en") != it.EN || it.In("vi") != it.VI {
					t.Errorf("item lacks a language: %+v", it)
				}
			}
		})
	}
}

func TestMyVisitsListUpcomingFirstWithMyRole(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	ctx := context.Background()
	me := authz.Actor{UserID: 1, Role: models.RoleInspector, InspectorID: w.Member.ID}
	past := w.Unplanned(t, db, w.CommuneB.ID, w.Member.ID, models.NewDate(2027, 1, 11), models.NewDate(2027, 1, 12))

	// On 16 March the planned visit (15–17 March) is under way: it comes first,
	// then the unannounced one; the January visit is past and comes last.
	page, err := svc.Mine(ctx, me, models.NewDate(2027, 3, 16), paging.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range page.Items {
		got = append(got, v.Code+" "+string(v.Role))
	}
	want := []string{"v-00001 member", "v-00002 lead", past.Code + " lead"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if page.Total != 3 {
		t.Errorf("total %d", page.Total)
	}
	if mates := page.Items[0].Teammates(w.Member.ID); len(mates) != 1 || mates[0].FullName != "Nguyễn Văn Thành" {
		t.Errorf("teammates: %+v", mates)
	}

	none, err := svc.Mine(ctx, authz.Actor{UserID: 9, Role: models.RoleInspector}, dayOf, paging.Page{})
	if err != nil || none.Total != 0 || none.Items == nil {
		t.Errorf("without a profile: %+v, %v", none, err)
	}
}

func TestFiltersNarrowAndBadFiltersAreRefusedByField(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	ctx := context.Background()
	planner := authz.Actor{UserID: 1, Role: models.RolePlanner}

	tests := []struct {
		name   string
		filter visits.Filter
		want   []string
		field  string // the field refused, "" when the filter is fine
	}{
		{"a month", visits.Filter{Year: 2027, Month: 4}, []string{"v-00002"}, ""},
		{"a district includes its communes", visits.Filter{UnitID: w.DistrictA.ID}, []string{"v-00001", "v-00002", "v-00003"}, ""},
		{"a year without visits", visits.Filter{Year: 2026}, nil, ""},
		{"search by lead body", visits.Filter{Q: "thanh tra so"}, []string{"v-00002"}, ""},
		{"search by visit code", visits.Filter{Q: "V-00005"}, []string{"v-00005"}, ""},
		{"LIKE wildcards are searched literally", visits.Filter{Q: "%"}, nil, ""},
		{"a month needs a year", visits.Filter{Month: 3}, nil, "year"},
		{"month 13", visits.Filter{Year: 2027, Month: 13}, nil, "month"},
		{"year out of range", visits.Filter{Year: 1999}, nil, "year"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := svc.List(ctx, planner, dayBefore, tt.filter, paging.Page{})
			if tt.field != "" {
				apperrtest.Render(t, err)
				ve, ok := apperr.AsValidation(err)
				if !ok || !ve.Has(tt.field) {
					t.Fatalf("want a validation error on %s, got %v", tt.field, err)
				}
				if vi, en := fieldTexts(t, ve.Fields[0]); vi == "" || en == "" {
					t.Fatalf("want a validation error on %s in vi and en, got %v", tt.field, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, codes(page.Items)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNextFindsTheMonthTheCalendarOpensOn(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	commune := authz.Actor{UserID: 1, Role: models.RoleUnit, UnitPath: w.CommuneA.Path}
	ctx := context.Background()

	tests := []struct {
		today models.Date
		want  models.Date
		ok    bool
	}{
		{models.NewDate(2026, 11, 23), visitstest.PlannedStart, true},
		{models.NewDate(2027, 3, 18), models.Date{}, false}, // the unannounced visit is still secret
		{dayOf, visitstest.UnannouncedStart, true},
	}
	for _, tt := range tests {
		got, ok, err := svc.Next(ctx, commune, tt.today)
		if err != nil || ok != tt.ok || got != tt.want {
			t.Errorf("on %s: %s %v %v, want %s %v", tt.today, got, ok, err, tt.want, tt.ok)
		}
	}
}

func TestAMonthIsWholeWeeksFromMondayWithEachVisitOnItsDays(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, nil)
	district := authz.Actor{UserID: 1, Role: models.RoleUnit, UnitPath: w.DistrictA.Path}

	// February 2027 starts on a Monday and ends on a Sunday: exactly four weeks.
	feb, err := svc.Month(context.Background(), district, dayBefore, visits.Filter{Year: 2027, Month: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(feb.Weeks) != 4 || feb.Weeks[0][0].Date != models.NewDate(2027, 2, 1) || feb.Count != 0 {
		t.Errorf("February: %d weeks from %s, %d visits", len(feb.Weeks), feb.Weeks[0][0].Date, feb.Count)
	}
	// March 2027 runs from Monday 1 to Wednesday 31: five weeks ending on Sunday 4 April.
	m, err := svc.Month(context.Background(), district, dayBefore, visits.Filter{Year: 2027, Month: 3})
	if err != nil {
		t.Fatal(err)
	}
	lastWeek := m.Weeks[len(m.Weeks)-1]
	if len(m.Weeks) != 5 || lastWeek[6].Date != models.NewDate(2027, 4, 4) || lastWeek[6].InMonth || !lastWeek[6].Weekend {
		t.Fatalf("March: %d weeks, last day %+v", len(m.Weeks), lastWeek[6])
	}
	onSite := map[string][]string{}
	for _, week := range m.Weeks {
		for _, d := range week {
			for _, v := range d.Visits {
				onSite[v.Code] = append(onSite[v.Code], d.Date.String())
			}
		}
	}
	want := map[string][]string{
		"v-00001": {"2027-03-15", "2027-03-16", "2027-03-17"},
		"v-00003": {"2027-03-22", "2027-03-23", "2027-03-24"},
	}
	if diff := cmp.Diff(want, onSite); diff != "" || m.Count != 2 {
		t.Errorf("visits by day (-want +got):\n%s (count %d)", diff, m.Count)
	}
	if _, err := svc.Month(context.Background(), district, dayBefore, visits.Filter{Year: 2027}); err == nil {
		t.Error("a month view without a month must be refused")
	}
}

func TestTodayIsTheDateInHanoi(t *testing.T) {
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	// 18:30 UTC on 11 April is 01:30 on 12 April in Hanoi.
	now := time.Date(2027, 4, 11, 18, 30, 0, 0, time.UTC)
	if got := visits.Today(now, hcm); got != dayOf {
		t.Errorf("Today = %s, want %s", got, dayOf)
	}
}

func codes(vs []visits.Visit) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Code)
	}
	sort.Strings(out)
	return out
}

func unitNames(us []visits.Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

func mustExec(t *testing.T, db *gorm.DB, sql string, args ...any) {
	t.Helper()
	if err := db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func TestEveryPageReportsTheTotalEvenPastTheEnd(t *testing.T) {
	db := dbtest.Gorm(t)
	visitstest.Build(t, db)
	svc := visits.New(db, nil)
	ctx := context.Background()
	planner := authz.Actor{UserID: 2, Role: models.RolePlanner}
	all, err := svc.Count(ctx, planner, dayBefore, visits.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if all < 3 {
		t.Fatalf("the fixture has %d visits for the planner; want at least 3", all)
	}
	tests := []struct {
		name  string
		page  paging.Page
		items int
	}{
		{"the first page", paging.Page{Number: 1, Size: 2}, 2},
		{"the last page", paging.Page{Number: int((all + 1) / 2), Size: 2}, int(all - 2*((all+1)/2-1))},
		{"a page past the end", paging.Page{Number: 99, Size: 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.List(ctx, planner, dayBefore, visits.Filter{}, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != all || len(got.Items) != tt.items {
				t.Errorf("total %d with %d items; want total %d with %d items", got.Total, len(got.Items), all, tt.items)
			}
		})
	}
}

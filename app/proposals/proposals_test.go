package proposals

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

func TestCreateRefusesEachBadFieldWithAReasonInBothLanguagesAndWritesNothing(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	tests := []struct {
		name   string
		change func(*Input)
		fields []string
	}{
		{"every required field is missing", func(in *Input) { *in = Input{Year: testYear} },
			[]string{"body", "unit", "kind", "form", "topics", "days", "team_size"}},
		{"an unknown body", func(in *Input) { in.Body = "no-such-body" }, []string{"body"}},
		{"an inactive body", func(in *Input) { in.Body = "old-body" }, []string{"body"}},
		{"an unknown unit code", func(in *Input) { in.Unit = "99999" }, []string{"unit"}},
		{"an unknown kind", func(in *Input) { in.Kind = "audit" }, []string{"kind"}},
		{"a kind no longer in force", func(in *Input) { in.Kind = "old_kind" }, []string{"kind"}},
		{"an unknown form", func(in *Input) { in.Form = "surprise" }, []string{"form"}},
		{"an unknown topic", func(in *Input) { in.Topics = []string{"ky_luat_hanh_chinh", "bogus"} }, []string{"topics"}},
		{"an unknown skill", func(in *Input) { in.Skills = []string{"juggling"} }, []string{"skills"}},
		{"a window outside the year", func(in *Input) { in.WindowFrom = models.NewDate(testYear-1, 12, 1) }, []string{"window_from"}},
		{"a window ending before it starts", func(in *Input) {
			in.WindowFrom, in.WindowTo = models.NewDate(testYear, 6, 1), models.NewDate(testYear, 5, 1)
		}, []string{"window_to"}},
		{"half a window", func(in *Input) { in.WindowTo = models.Date{} }, []string{"window_to"}},
		{"a period under review ending before it starts", func(in *Input) {
			in.PeriodFrom, in.PeriodTo = models.NewDate(2026, 1, 1), models.NewDate(2025, 1, 1)
		}, []string{"period_to"}},
		{"a period under review after the year", func(in *Input) { in.PeriodTo = models.NewDate(testYear+1, 3, 1) }, []string{"period_to"}},
		{"zero days", func(in *Input) { in.Days = -1 }, []string{"days"}},
		{"more days than the rule allows", func(in *Input) { in.Days = 11 }, []string{"days"}},
		{"a team of nine", func(in *Input) { in.TeamSize = 9 }, []string{"team_size"}},
		{"priority four", func(in *Input) { in.Priority = 4 }, []string{"priority"}},
		{"a year out of range", func(in *Input) { in.Year = 1999 }, []string{"year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.change(&in)
			_, err := c.svc.Create(bg(), c.planner, in)
			ve, ok := apperr.AsValidation(err)
			if !ok {
				t.Fatalf("want a validation error, got %v", err)
			}
			var got []string
			for _, f := range ve.Fields {
				if vi, en := fieldTexts(t, f); vi == "" || en == "" {
					t.Errorf("field %s lacks a message: %+v", f.Field, f)
				}
				if !slices.Contains(got, f.Field) {
					got = append(got, f.Field)
				}
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%v", diff, ve)
			}
			if n := c.count(t, "proposals"); n != 0 {
				t.Fatalf("%d proposals written", n)
			}
		})
	}
}

func TestCreateAddsASubmittedProposalWithSkillsFromItsTopicsAndAnAuditEntry(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	in := good()
	in.Form = "Đột xuất" // the Vietnamese name works too
	row, err := c.svc.Create(bg(), c.planner, in)
	if err != nil {
		t.Fatal(err)
	}
	if row.Status != models.ProposalSubmitted || row.Form != models.FormUnannounced || row.BodyCode != "city-team" ||
		row.UnitName != "Phường Phúc Xá" || row.CreatedBy == nil || *row.CreatedBy != c.planner.UserID {
		t.Fatalf("row %+v", row)
	}
	if diff := cmp.Diff(models.TextArray{"cong_vu"}, row.Skills); diff != "" {
		t.Errorf("skills from the topics (-want +got):\n%s", diff)
	}
	var e models.AuditEntry
	if err := c.db.Where("entity = 'proposals' AND action = 'create'").Take(&e).Error; err != nil {
		t.Fatalf("audit entry: %v", err)
	}
	if e.EntityID == nil || *e.EntityID != row.ID {
		t.Errorf("audit entry %+v", e)
	}

	t.Run("the same external ref twice in a year is refused", func(t *testing.T) {
		in := good()
		in.ExternalRef = "DX-1"
		if _, err := c.svc.Create(bg(), c.planner, in); err != nil {
			t.Fatal(err)
		}
		_, err := c.svc.Create(bg(), c.planner, in)
		if ve, ok := apperr.AsValidation(err); !ok || !ve.Has("external_ref") {
			t.Fatalf("want a validation error on external_ref, got %v", err)
		}
	})
}

func TestOnlyPlannersWriteAndOnlyPlannersApproversAndViewersRead(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	if _, err := c.svc.Create(bg(), c.planner, good()); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name        string
		actor       func() (any, error)
		wantForbids bool
	}{
		{"approver creates", func() (any, error) { return c.svc.Create(bg(), c.approver, good()) }, true},
		{"viewer creates", func() (any, error) { return c.svc.Create(bg(), c.viewer, good()) }, true},
		{"unit office lists", func() (any, error) {
			return c.svc.List(bg(), c.unitUser, Filter{Year: testYear}, paging.Page{})
		}, true},
		{"approver lists", func() (any, error) {
			return c.svc.List(bg(), c.approver, Filter{Year: testYear}, paging.Page{})
		}, false},
		{"viewer lists", func() (any, error) {
			return c.svc.List(bg(), c.viewer, Filter{Year: testYear}, paging.Page{})
		}, false},
		{"approver withdraws", func() (any, error) { return c.svc.Withdraw(bg(), c.approver, 1, "x") }, true},
	} {
		t.Run(a.name, func(t *testing.T) {
			_, err := a.actor()
			if got := errors.Is(err, apperr.ErrForbidden); got != a.wantForbids {
				t.Fatalf("forbidden = %v (err %v), want %v", got, err, a.wantForbids)
			}
		})
	}
	if n := c.count(t, "proposals"); n != 1 {
		t.Fatalf("%d proposals, want 1", n)
	}
}

func TestListFiltersByYearBodyKindFormUnitSubtreeStatusAndText(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	add := func(change func(*Input)) Row {
		in := good()
		change(&in)
		r, err := c.svc.Create(bg(), c.planner, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := add(func(in *Input) {})
	b := add(func(in *Input) { in.Unit = "00004"; in.Body = "dept-inspectorate"; in.Note = "Đơn thư phản ánh" })
	cc := add(func(in *Input) {
		in.Unit = "01-STP"
		in.Kind = "specialised"
		in.Topics = []string{"che_do_tien_luong"}
		in.Form = "verification"
	})
	d := add(func(in *Input) { in.Unit = "00037" })
	e := add(func(in *Input) { in.Year = testYear + 1; in.WindowFrom, in.WindowTo = models.Date{}, models.Date{} })
	if _, err := c.svc.Reject(bg(), c.planner, d.ID, "Trùng với kế hoạch của quận"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"the year", Filter{Year: testYear}, []int64{a.ID, b.ID, d.ID, cc.ID}},
		{"the next year", Filter{Year: testYear + 1}, []int64{e.ID}},
		{"a body", Filter{Year: testYear, Body: "dept-inspectorate"}, []int64{b.ID}},
		{"a kind", Filter{Year: testYear, Kind: "specialised"}, []int64{cc.ID}},
		{"a form", Filter{Year: testYear, Form: "verification"}, []int64{cc.ID}},
		{"a district and the communes below it", Filter{Year: testYear, Unit: "001"}, []int64{a.ID, b.ID}},
		{"a commune alone", Filter{Year: testYear, Unit: "00004"}, []int64{b.ID}},
		{"a status", Filter{Year: testYear, Status: "rejected"}, []int64{d.ID}},
		{"text without diacritics", Filter{Year: testYear, Q: "truc bach"}, []int64{b.ID}},
		{"text in the note", Filter{Year: testYear, Q: "đơn thư"}, []int64{b.ID}},
		{"every word, each anywhere", Filter{Year: testYear, Q: "thanh tra truc"}, []int64{b.ID}},
		{"no match", Filter{Year: testYear, Q: "hoàn kiếm xyz"}, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.svc.List(bg(), c.planner, tt.f, paging.Page{})
			if err != nil {
				t.Fatal(err)
			}
			got := []int64{}
			for _, r := range res.Items {
				got = append(got, r.ID)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" || res.Total != int64(len(want)) {
				t.Errorf("ids (-want +got):\n%s total %d", diff, res.Total)
			}
		})
	}

	counts, err := c.svc.Count(bg(), c.planner, Filter{Year: testYear, Status: "submitted"})
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Total: 3, Units: 3, ByStatus: map[string]int64{"submitted": 3, "rejected": 1},
		ByForm: map[string]int64{"planned": 2, "verification": 1}}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestWithdrawAndRejectNeedAReasonAndHappenOnce(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	r, err := c.svc.Create(bg(), c.planner, good())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.svc.Withdraw(bg(), c.planner, r.ID, "   "); !isValidation(err, "reason") {
		t.Fatalf("blank reason: %v", err)
	}
	got, err := c.svc.Withdraw(bg(), c.planner, r.ID, "Đơn vị đã được thanh tra trong năm")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != models.ProposalWithdrawn || got.StatusReason != "Đơn vị đã được thanh tra trong năm" {
		t.Fatalf("after withdraw: %+v", got)
	}
	if _, err := c.svc.Reject(bg(), c.planner, r.ID, "Không phù hợp"); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("rejecting a withdrawn proposal: %v", err)
	}
	if _, err := c.svc.Reject(bg(), c.planner, 999999, "Không phù hợp"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("rejecting a missing proposal: %v", err)
	}
	var n int64
	c.db.Model(&models.AuditEntry{}).Where("entity = 'proposals' AND action = 'withdraw'").Count(&n)
	if n != 1 {
		t.Fatalf("%d withdraw audit entries", n)
	}
}

func isValidation(err error, field string) bool {
	ve, ok := apperr.AsValidation(err)
	return ok && ve.Has(field)
}

func TestPlanningYearIsNextYearFromJuly(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		day  string
		want int
	}{{"2026-11-23", 2027}, {"2026-07-01", 2027}, {"2026-06-30", 2026}, {"2027-01-05", 2027}} {
		d, _ := time.Parse(time.DateOnly, tt.day)
		if got := PlanningYear(d); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.day, got, tt.want)
		}
	}
}

func TestParseDateReadsTheWaysPeopleAndSpreadsheetsWriteDates(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2027-03-01", "2027-03-01", true},
		{"01/03/2027", "2027-03-01", true},
		{"1/3/2027", "2027-03-01", true},
		{"01-03-2027", "2027-03-01", true},
		{"01.03.2027", "2027-03-01", true},
		{"46447", "2027-03-01", true}, // the spreadsheet serial of 1 March 2027
		{"31/02/2027", "", false},
		{"2027-13-01", "", false},
		{"next week", "", false},
		{"03/2027", "", false},
	} {
		d, ok := parseDate(tt.in)
		if ok != tt.ok || (ok && d.String() != tt.want) {
			t.Errorf("parseDate(%q) = %s, %v; want %s, %v", tt.in, d, ok, tt.want, tt.ok)
		}
	}
	if !strings.HasPrefix(fold("  Mã ĐƠN VỊ  được   kiểm tra "), "ma don vi duoc kiem tra") {
		t.Errorf("fold: %q", fold("  Mã ĐƠN VỊ  được   kiểm tra "))
	}
}

func TestAViewerReadsASecretProposalOnlyOnceItsVisitHasStarted(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	planned, err := c.svc.Create(bg(), c.planner, good())
	if err != nil {
		t.Fatal(err)
	}
	in := good()
	in.Unit, in.Form, in.Note = "00004", "unannounced", "Kiểm tra đột xuất Phường Trúc Bạch"
	secret, err := c.svc.Create(bg(), c.planner, in)
	if err != nil {
		t.Fatal(err)
	}
	// What a viewer reads of the year on day: the ids listed, the counts, the
	// proposal by id, and the rows of the export.
	read := func(t *testing.T, a authz.Actor) (ids []int64, total int64, byForm int64, found bool, exported int) {
		t.Helper()
		res, err := c.svc.List(bg(), a, Filter{Year: testYear}, paging.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Items {
			ids = append(ids, r.ID)
		}
		slices.Sort(ids)
		counts, err := c.svc.Count(bg(), a, Filter{Year: testYear})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.svc.Get(bg(), a, secret.ID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			t.Fatal(err)
		}
		found = err == nil
		list, err := c.svc.all(bg(), a, Filter{Year: testYear})
		if err != nil {
			t.Fatal(err)
		}
		return ids, counts.Total, counts.ByForm["unannounced"], found, len(list)
	}
	viewerOn := func(day models.Date) authz.Actor { a := c.viewer; a.Today = day; return a }
	both := []int64{planned.ID, secret.ID}
	slices.Sort(both)

	t.Run("the planner reads it (the control)", func(t *testing.T) {
		ids, total, byForm, found, exported := read(t, c.planner)
		if !slices.Equal(ids, both) || total != 2 || byForm != 1 || !found || exported != 2 {
			t.Errorf("planner: %v, total %d, unannounced %d, found %v, exported %d", ids, total, byForm, found, exported)
		}
	})
	t.Run("a viewer does not while it has no visit", func(t *testing.T) {
		ids, total, byForm, found, exported := read(t, viewerOn(models.NewDate(testYear, 12, 31)))
		if !slices.Equal(ids, []int64{planned.ID}) || total != 1 || byForm != 0 || found || exported != 1 {
			t.Errorf("viewer: %v, total %d, unannounced %d, found %v, exported %d", ids, total, byForm, found, exported)
		}
	})

	// The proposal becomes a visit of the published plan, starting on 12 April.
	body := c.db.Raw(`SELECT id FROM bodies WHERE code = 'city-team'`)
	var bodyID int64
	if err := body.Scan(&bodyID).Error; err != nil {
		t.Fatal(err)
	}
	var version, visit int64
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.db.Raw(`WITH p AS (INSERT INTO plans (year, title, issuing_body_id) VALUES (?, 'Kế hoạch khung', ?) RETURNING id)
		INSERT INTO plan_versions (plan_id, number, status, approved_at, published_at) SELECT id, 1, 'published', now(), now() FROM p RETURNING id`,
		testYear, bodyID).Scan(&version).Error)
	must(c.db.Raw(`INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, days, team_size, status, start_date, end_date)
		VALUES (?, 'v-1', ?, ?, 'unannounced', ?, 2, 2, 'planned', ?, ?) RETURNING id`, version, testYear, c.units["00004"].ID, bodyID,
		models.NewDate(testYear, 4, 12), models.NewDate(testYear, 4, 13)).Scan(&visit).Error)
	must(c.db.Exec(`INSERT INTO visit_proposals (visit_id, proposal_id) VALUES (?, ?)`, visit, secret.ID).Error)

	t.Run("a viewer does not the day before its visit starts", func(t *testing.T) {
		ids, total, byForm, found, exported := read(t, viewerOn(models.NewDate(testYear, 4, 11)))
		if !slices.Equal(ids, []int64{planned.ID}) || total != 1 || byForm != 0 || found || exported != 1 {
			t.Errorf("viewer: %v, total %d, unannounced %d, found %v, exported %d", ids, total, byForm, found, exported)
		}
	})
	t.Run("a viewer does from the day its visit starts", func(t *testing.T) {
		ids, total, byForm, found, exported := read(t, viewerOn(models.NewDate(testYear, 4, 12)))
		if !slices.Equal(ids, both) || total != 2 || byForm != 1 || !found || exported != 2 {
			t.Errorf("viewer: %v, total %d, unannounced %d, found %v, exported %d", ids, total, byForm, found, exported)
		}
	})
}

package routes

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// homeWork is the fixture of the home pages: visitstest's 2027 plan on
// 25/03/2027, its draft version 2 (203 visits) submitted for approval, the
// district's visit concluded with a remediation report waiting and two overdue
// recommendations, the commune's joint visit waiting for its conclusion, one
// failed mail. The unannounced visit of 12/04/2027 is still hidden from viewers.
type homeWork struct {
	srv        *webtest.Server
	w          *visitstest.World
	rec, late  models.Recommendation
	member     webtest.User // on the joint visit and the district's, leads the unannounced one
	outsider   webtest.User // on no team of district A
	planner    webtest.User
	approver   webtest.User
	viewer     webtest.User
	admin      webtest.User
	proposals  int64
	activeUser int64
}

func newHomeWork(t *testing.T) *homeWork {
	t.Helper()
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	h := &homeWork{srv: srv, w: w}
	db := srv.DB
	submitted := time.Date(2027, 3, 10, 3, 0, 0, 0, time.UTC)
	mustDB(t, db.Model(&models.PlanVersion{}).Where("id = ?", w.Draft.ID).
		Updates(map[string]any{"status": models.VersionSubmitted, "metrics": models.JSON(`{"visits": 203}`), "submitted_at": submitted}).Error)
	mustDB(t, db.Model(&models.PlanVersion{}).Where("id = ?", w.Published.ID).Update("metrics", models.JSON(`{"visits": 4}`)).Error)
	mustDB(t, db.Create(&models.VisitMember{VisitID: w.District.ID, InspectorID: w.Member.ID, Role: models.MemberMember}).Error)
	mustDB(t, db.Model(&models.Visit{}).Where("id = ?", w.Planned.ID).Update("status", models.VisitOnSiteEnded).Error)
	mustDB(t, db.Model(&models.Visit{}).Where("id = ?", w.District.ID).Update("status", models.VisitConclusionIssued).Error)
	conc := models.Conclusion{VisitID: w.District.ID, Number: 7, Symbol: "KL-SNV", IssuingBodyID: w.CityTeam.ID, Year: 2027,
		SignedOn: models.NewDate(2027, time.March, 5), SignerName: "Nguyễn Văn Hùng"}
	mustDB(t, db.Create(&conc).Error)
	h.rec = models.Recommendation{ConclusionID: conc.ID, OwnerUnitID: w.DistrictA.ID, Action: "Rà soát hồ sơ tuyển dụng năm 2026",
		Deadline: models.NewDate(2027, time.March, 20), Severity: models.SeverityHigh, Status: models.RecommendationReported}
	mustDB(t, db.Create(&h.rec).Error)
	h.late = models.Recommendation{ConclusionID: conc.ID, OwnerUnitID: w.DistrictA.ID, Action: "Niêm yết quy chế tiếp công dân",
		Deadline: models.NewDate(2027, time.March, 1), Severity: models.SeverityLow}
	mustDB(t, db.Create(&h.late).Error)
	mustDB(t, db.Create(&models.RemediationReport{RecommendationID: h.rec.ID, Body: "Đã rà soát 42 hồ sơ",
		SubmittedAt: time.Date(2027, 3, 18, 2, 0, 0, 0, time.UTC)}).Error)
	mustDB(t, db.Exec(`INSERT INTO mail_outbox (dedupe_key, to_email, to_name, subject, body_text, status, attempts, last_error)
		VALUES ('home:failed', 'vp@badinh.hanoi.gov.vn', 'Văn phòng quận', 'Nhắc hạn', 'Nội dung', 'failed', 8, '550 mailbox unavailable')`).Error)
	h.member = srv.CreateUser(t, models.RoleInspector, asInspector(w.Member.ID))
	h.outsider = srv.CreateUser(t, models.RoleInspector, asInspector(w.Outsider.ID))
	h.planner = srv.CreateUser(t, models.RolePlanner)
	h.approver = srv.CreateUser(t, models.RoleApprover)
	h.viewer = srv.CreateUser(t, models.RoleViewer)
	h.admin = srv.CreateUser(t, models.RoleAdmin)
	mustDB(t, db.Raw(`SELECT count(*) FROM proposals WHERE year = 2027`).Scan(&h.proposals).Error)
	mustDB(t, db.Raw(`SELECT count(*) FROM users WHERE active`).Scan(&h.activeUser).Error)
	setDay(t, srv, models.NewDate(2027, time.March, 25))
	return h
}

// homeOf is the home page of u, checked whole: 200, no message key, no Go artefact.
func (h *homeWork) homeOf(t *testing.T, u webtest.User) string {
	t.Helper()
	c := h.srv.NewClient(t)
	c.Login(u)
	r := plansPage(t, c, "/")
	for _, bad := range []string{"home.work.", "home.plan.", "<no value>", "%!", "map["} {
		if strings.Contains(r.Body, bad) {
			t.Errorf("home of %s shows %q", u.Role, bad)
		}
	}
	return r.Body
}

// section is the text of the element whose data-test is name (up to its list's or paragraph's end).
func section(body, name string) string {
	i := strings.Index(body, `data-test="`+name+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestHomeShowsEachRolesRealWork(t *testing.T) {
	t.Parallel()
	h := newHomeWork(t)
	w := h.w
	type want struct {
		name     string
		user     webtest.User
		contains map[string][]string // data-test → texts it must hold
		absent   []string            // texts the whole page must not hold
	}
	for _, tc := range []want{
		{"planner sees the plan years, proposals, reports to decide and overdue recommendations", h.planner, map[string][]string{
			"home-years": {"2027", "bản dự thảo số 2 gồm 203 cuộc kiểm tra đã trình, đang chờ phê duyệt",
				"đang thực hiện bản số 1 đã ban hành", fmt.Sprintf("/plans/versions/%d", w.Draft.ID)},
			"home-proposals":   {fmt.Sprintf("Kế hoạch năm 2027: %d đề xuất", h.proposals), "/proposals?year=2027"},
			"home-queue-count": {"1 báo cáo đang chờ quyết định"},
			"home-queue":       {h.rec.Action, "Quận Ba Đình", "gửi ngày 18/03/2027", fmt.Sprintf("/recommendations/%d", h.rec.ID)},
			"home-overdue":     {"2 kiến nghị đã quá hạn", "/recommendations?overdue=1"},
		}, nil},
		{"approver sees the version waiting for approval with a way to review it", h.approver, map[string][]string{
			"home-waiting": {"2027", "bản dự thảo số 2 gồm 203 cuộc kiểm tra đã trình", "gửi ngày 10/03/2027",
				fmt.Sprintf(`href="/plans/versions/%d" data-test="review"`, w.Draft.ID), "Xem xét và phê duyệt"},
			"headline": {"Tổng số cuộc kiểm tra"},
		}, nil},
		{"an inspector sees its next visits with its role, the visits to conclude and the reports to decide", h.member, map[string][]string{
			"home-visits":      {`data-visit="` + w.Unannounced.Code + `"`, "12/04/2027 – 13/04/2027", "Phường Phúc Xá", "Trưởng đoàn"},
			"home-to-conclude": {`data-visit="` + w.Planned.Code + `"`, "15/03/2027 – 17/03/2027", "Thành viên"},
			"home-queue":       {h.rec.Action, "gửi ngày 18/03/2027"},
		}, []string{`data-visit="` + w.District.Code + `"`}},
		{"an inspector on no team of the district sees none of its work", h.outsider, map[string][]string{
			"home-no-visits":        {"Bạn chưa có cuộc kiểm tra nào sắp tới."},
			"home-none-to-conclude": {"Không có cuộc kiểm tra nào đang chờ kết luận."},
			"home-no-queue":         {"Không có báo cáo khắc phục nào"},
		}, []string{h.rec.Action, `data-visit="` + w.Unannounced.Code + `"`}},
		{"the administrator sees failed mail, users and units, and no visit", h.admin, map[string][]string{
			"home-mail-failed": {"1 thư không gửi được", "/admin/outbox?status=failed"},
			"home-users":       {fmt.Sprintf("%d người dùng đang hoạt động", h.activeUser)},
			"home-units":       {"5 đơn vị đang có hiệu lực ngày 25/03/2027"},
		}, []string{w.Unannounced.Code, "cuộc kiểm tra"}},
		{"a viewer sees this year's headline figures", h.viewer, map[string][]string{
			"home-period": {"01/01/2027", "25/03/2027"},
			"headline":    {"Tổng số cuộc kiểm tra", "Kiến nghị quá hạn"},
		}, []string{w.Unannounced.Code}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := h.homeOf(t, tc.user)
			for name, texts := range tc.contains {
				got := section(body, name)
				if got == "" {
					t.Errorf("no [data-test=%s] on the home page", name)
					continue
				}
				for _, s := range texts {
					if !strings.Contains(got, s) {
						t.Errorf("[data-test=%s] lacks %q:\n%s", name, s, got)
					}
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(body, s) {
					t.Errorf("the home page shows %q", s)
				}
			}
		})
	}

	// The viewer's and approver's figures are the dashboard's own, and they
	// count what the visibility rule lets them see: the unannounced visit
	// counts once it has started, not before (positive control).
	counts := regexp.MustCompile(`headline-count">(?:<a href="[^"]*">)?([^<]*)<`)
	figuresOf := func(t *testing.T, u webtest.User, path string) []string {
		c := h.srv.NewClient(t)
		c.Login(u)
		var out []string
		for _, m := range counts.FindAllStringSubmatch(plansPage(t, c, path).Body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	for _, u := range []webtest.User{h.viewer, h.approver} {
		home, dash := figuresOf(t, u, "/"), figuresOf(t, u, "/dashboard")
		if len(home) == 0 || strings.Join(home, "|") != strings.Join(dash, "|") {
			t.Errorf("%s: home figures %v, dashboard %v", u.Role, home, dash)
		}
	}
	before := figuresOf(t, h.viewer, "/")
	setDay(t, h.srv, models.NewDate(2027, time.April, 14))
	after := figuresOf(t, h.viewer, "/")
	if len(before) < 2 || len(after) < 2 || before[1] == after[1] {
		t.Errorf("the viewer's visits figure should grow once the unannounced visit started: %v → %v", before, after)
	}
}

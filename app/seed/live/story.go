package live

import (
	"errors"
	"fmt"

	"khung/app/adminunits"
	"khung/app/apperr"
	"khung/app/inspections"
	"khung/app/plans"
	"khung/app/proposals"
	"khung/app/remediation"
	"khung/app/seed"
	"khung/models"
)

// check is what a body proposes: the kind and topic of its visits.
type check struct{ kind, topic string }

// checks by body code; a department's specialised checks (kcn-…) look at pay
// and posts, a district's office at working hours.
var checks = map[string]check{
	"city-team":         {"public_service", "ky_luat_hanh_chinh"},
	"dept-inspectorate": {"specialised", "tuyen_dung_su_dung"},
	"city-inspectorate": {"specialised", "bo_nhiem_luan_chuyen"},
	"snv-ccvc":          {"specialised", "vi_tri_viec_lam"},
	"snv-tcbm":          {"professional", "to_chuc_bo_may"},
	"snv-xdcq":          {"professional", "chinh_quyen_co_so"},
	"snv-cchc":          {"professional", "cai_cach_hanh_chinh"},
	"snv-vtlt":          {"specialised", "van_thu_luu_tru"},
	"snv-tdkt":          {"specialised", "thi_dua_khen_thuong"},
	"kcn":               {"specialised", "che_do_tien_luong"},
	"pnv":               {"public_service", "thoi_gio_lam_viec"},
}

func checkOf(body string) check {
	if c, ok := checks[body]; ok {
		return c
	}
	if len(body) > 3 {
		return checks[body[:3]]
	}
	return checks["city-team"]
}

// target is a unit of the year's plan with the bodies that propose a visit,
// the first leading, and its window.
type target struct {
	unit     string
	bodies   []string
	from, to models.Date
	form     models.Form
}

// reformDay is the first day of the two-level local government.
var reformDay = models.MustParseDate(adminunits.ReformDay)

// proposalsOf are the proposals of year: a plan on the units in force when
// its visits take place. Last year's visits of 2025 fall before 1 July 2025,
// on the old wards of Quận Ba Đình (Phường Phúc Xá is today's Phường Hồng
// Hà); later years visit today's communes and wards and the departments. A
// few units get joint visits of two bodies; in the demo's current year a few
// visits fall after today, and Phường Hồng Hà also gets an unannounced visit
// after today, which its office must not see before it starts.
func (s *story) proposalsOf(year int) ([]proposals.Input, error) {
	from, to := models.NewDate(year, 2, 1), models.NewDate(year, 11, 30)
	old := year < reformDay.Year || year == reformDay.Year
	if year == reformDay.Year {
		to = models.NewDate(year, 6, 20) // before the reform
	}
	current := year == s.today.Year
	var communes []string
	q := s.db.Model(&models.Unit{}).Where("kind = ?", models.UnitCommune).Order("code").Limit(14)
	if old {
		q = q.Where("valid_from IS NULL AND code LIKE '000%'") // Quận Ba Đình's wards
	} else {
		q = q.Where("valid_from = ?", reformDay)
	}
	if err := q.Pluck("code", &communes).Error; err != nil {
		return nil, fmt.Errorf("communes of %d: %w", year, err)
	}
	if len(communes) < 8 {
		return nil, errors.New("the demo city's units are missing: run seed --demo (units of both generations) first")
	}
	showcase := "00001" // Phường Phúc Xá
	if !old {
		showcase = seed.ReformedCode("00097") // Phường Hồng Hà
		communes = append([]string{showcase}, communes...)
	}
	inspectorate, departments := "city-inspectorate", []string{"01-STP", "01-SYT", "01-STC", "01-SXD", "01-SGDDT"}
	district := ""
	if old {
		inspectorate, district = "dept-inspectorate", "001"
	}

	var ts []target
	divisions := []string{"snv-xdcq", "snv-cchc", "snv-ccvc", "snv-vtlt", "snv-tdkt", "snv-tcbm"}
	for i, c := range communes {
		lead := divisions[i%len(divisions)]
		switch {
		case c == showcase:
			lead = "city-team"
		case old && i%3 == 0:
			lead = "pnv-001"
		case i%4 == 0:
			lead = inspectorate
		}
		t := target{unit: c, bodies: []string{lead}}
		if i%3 == 1 || c == showcase { // joint visits
			t.bodies = append(t.bodies, divisions[(i+2)%len(divisions)])
		}
		ts = append(ts, t)
	}
	for i, d := range departments {
		t := target{unit: d, bodies: []string{[]string{"city-team", inspectorate, "snv-tcbm", "snv-ccvc", "city-team"}[i]}}
		if !old {
			t.bodies = append(t.bodies, "kcn-"+d)
			if d == "01-STP" {
				t.bodies = []string{"city-team", "kcn-01-STP", "snv-cchc"}
			}
		}
		ts = append(ts, t)
	}
	if district != "" {
		ts = append(ts, target{unit: district, bodies: []string{"city-team", inspectorate}})
	}
	// Spread the windows over the year; in the current year the last few
	// visits fall after today (upcoming), and Phường Hồng Hà's unannounced
	// visit is in the weeks after today.
	span := to.DaysUntil(from) * -1
	for i := range ts {
		start := from.AddDays(span * i / len(ts))
		ts[i].from, ts[i].to, ts[i].form = start, start.AddDays(45), models.FormPlanned
		if ts[i].to.After(to) {
			ts[i].to = to
		}
	}
	if current {
		upcoming := []int{len(ts) - 1, len(ts) - 2, len(ts) - 4, 3}
		for _, i := range upcoming {
			if f, l := s.today.AddDays(4), s.today.AddDays(24); f.Year == year {
				if end := models.NewDate(year, 12, 31); l.After(end) {
					l = end
				}
				ts[i].from, ts[i].to = f, l
			}
		}
		if f := s.today.AddDays(6); f.AddDays(10).Year == year {
			ts = append(ts, target{unit: showcase, bodies: []string{"city-team"}, from: f, to: f.AddDays(14), form: models.FormUnannounced})
		}
	}

	var out []proposals.Input
	for _, t := range ts {
		for _, b := range t.bodies {
			c := checkOf(b)
			in := proposals.Input{Year: year, Body: b, Unit: t.unit, Kind: c.kind, Form: string(t.form), Topics: []string{c.topic},
				PeriodFrom: models.NewDate(year-2, 1, 1), PeriodTo: models.NewDate(year-1, 12, 31),
				WindowFrom: t.from, WindowTo: t.to, Days: 3, TeamSize: 3,
				LegalBasis: fmt.Sprintf("Kế hoạch kiểm tra năm %d của Sở Nội vụ Thành phố Hà Nội", year)}
			if t.form != models.FormPlanned {
				in.Days, in.TeamSize = 2, 2
				in.Note = "Có dấu hiệu vi phạm qua phản ánh, kiến nghị; không thông báo trước cho đơn vị."
			}
			out = append(out, in)
		}
	}
	return out, nil
}

// scheduled is a visit of a published version with its team.
type scheduled struct {
	models.Visit
	leadID    int64
	memberIDs []int64
	leadBody  string
}

// work carries out the visits of version v whose work could be over by the
// demo's today (decision, notice, on site, findings, conclusion, directive,
// follow-up and remediation), signs the decisions of those starting within a
// month, and leaves the others planned. It returns how many were carried out.
func (s *story) work(v plans.Version, year int, rep *Report) (int, error) {
	var visits []scheduled
	if err := s.db.Table("visits").Select("visits.*, b.code AS lead_body").Joins("JOIN bodies b ON b.id = visits.lead_body_id").
		Where("plan_version_id = ? AND start_date IS NOT NULL", v.ID).Order("start_date, code").Find(&visits).Error; err != nil {
		return 0, fmt.Errorf("visits of version %d: %w", v.ID, err)
	}
	done := 0
	for i := range visits {
		x := &visits[i]
		var members []models.VisitMember
		if err := s.db.Where("visit_id = ?", x.ID).Order("role, inspector_id").Find(&members).Error; err != nil {
			return done, err
		}
		for _, m := range members {
			if m.Role == models.MemberLead {
				x.leadID = m.InspectorID
			} else {
				x.memberIDs = append(x.memberIDs, m.InspectorID)
			}
		}
		if x.leadID == 0 {
			continue
		}
		start, end := *x.StartDate, *x.EndDate
		concluded := end.AddDays(10)
		switch {
		case !concluded.After(s.today.AddDays(-2)):
			if err := s.carryOut(x, i, rep); err != nil {
				return done, fmt.Errorf("visit %s: %w", x.Code, err)
			}
			done++
			rep.Visits++
		case x.Form == models.FormPlanned && start.After(s.today) && !start.After(s.today.AddDays(30)):
			// Upcoming: the decision is signed and the unit told.
			s.clk.on(s.today.AddDays(-1))
			if err := s.decide(x); err != nil {
				return done, fmt.Errorf("visit %s: %w", x.Code, err)
			}
		}
	}
	return done, nil
}

// decide signs x's decision on the clock's day (the demo inspector leads the
// city team's visits of the demo's year when free) and announces a planned visit.
func (s *story) decide(x *scheduled) error {
	p := s.as(s.planner)
	in := inspections.DecisionInput{SignedOn: s.clk.today(), SignerName: "Nguyễn Văn Hưng", SignerTitle: "Giám đốc Sở Nội vụ",
		Scope:  "Việc chấp hành kỷ luật, kỷ cương hành chính; thực hiện nhiệm vụ, công vụ theo kế hoạch được phê duyệt",
		LeadID: x.leadID, MemberIDs: x.memberIDs}
	from := models.NewDate(x.Year-1, 1, 1)
	to := models.NewDate(x.Year-1, 12, 31)
	in.PeriodFrom, in.PeriodTo = &from, &to
	signed := false
	if x.leadBody == "city-team" && x.Year == s.today.Year && x.leadID != s.lead {
		mine := in
		mine.LeadID = s.lead
		mine.MemberIDs = []int64{x.leadID}
		for _, m := range x.memberIDs {
			if m != s.lead {
				mine.MemberIDs = append(mine.MemberIDs, m)
			}
		}
		if _, err := s.a.Inspections.SignDecision(s.ctx, p, x.ID, mine, s.clk.Now()); err == nil {
			signed = true
		}
	}
	if !signed {
		if _, err := s.a.Inspections.SignDecision(s.ctx, p, x.ID, in, s.clk.Now()); err != nil {
			return fmt.Errorf("decision: %w", err)
		}
	}
	if x.Form == models.FormPlanned {
		return s.step(x, models.VisitAnnounced, s.clk.today())
	}
	return nil
}

func (s *story) step(x *scheduled, to models.VisitStatus, on models.Date) error {
	_, err := s.a.Inspections.ChangeStatus(s.ctx, s.as(s.planner), x.ID, inspections.StatusInput{To: to, OnDate: on}, s.clk.Now())
	if err != nil {
		return fmt.Errorf("%s: %w", to, err)
	}
	return nil
}

// findings are what teams found, by the visit's place in the year.
var findings = []inspections.FindingInput{
	{Kind: models.FindingShortcoming, Severity: models.SeverityMedium, TopicCode: "giai_quyet_tthc",
		Description: "Chưa niêm yết đầy đủ thủ tục hành chính tại bộ phận một cửa; 12 hồ sơ trả kết quả trễ hạn chưa có văn bản xin lỗi."},
	{Kind: models.FindingViolation, Severity: models.SeverityHigh, TopicCode: "thoi_gio_lam_viec",
		Description: "Một số công chức không chấp hành đúng thời giờ làm việc; chưa có sổ theo dõi việc ra ngoài trong giờ hành chính."},
	{Kind: models.FindingShortcoming, Severity: models.SeverityLow, TopicCode: "van_thu_luu_tru",
		Description: "Hồ sơ lưu trữ năm trước chưa được chỉnh lý, chưa lập danh mục hồ sơ theo quy định."},
	{Kind: models.FindingShortcoming, Severity: models.SeverityMedium, TopicCode: "vi_tri_viec_lam",
		Description: "Bản mô tả vị trí việc làm chưa được cập nhật sau khi sắp xếp tổ chức bộ máy."},
}

// actions are the recommendations a conclusion gives.
var actions = []string{
	"Niêm yết đầy đủ, công khai thủ tục hành chính tại bộ phận một cửa; báo cáo kết quả kèm ảnh chụp",
	"Tổ chức kiểm điểm trách nhiệm cá nhân, tập thể có liên quan; gửi biên bản kiểm điểm",
	"Chỉnh lý tài liệu lưu trữ, lập danh mục hồ sơ theo quy định",
	"Rà soát, cập nhật bản mô tả vị trí việc làm và khung năng lực",
}

// carryOut works visit x (the i-th of its year) from the decision to the
// follow-up of its recommendations.
func (s *story) carryOut(x *scheduled, i int, rep *Report) error {
	start, end := *x.StartDate, *x.EndDate
	s.clk.on(start.AddDays(-7))
	if err := s.decide(x); err != nil {
		return err
	}
	s.clk.on(start)
	if err := s.step(x, models.VisitOnSite, start); err != nil {
		return err
	}
	for k := range 1 + i%2 {
		f := findings[(i+k)%len(findings)]
		if _, err := s.a.Inspections.AddFinding(s.ctx, s.as(s.planner), x.ID, f, nil); err != nil {
			return fmt.Errorf("finding: %w", err)
		}
	}
	s.clk.on(end)
	if err := s.step(x, models.VisitOnSiteEnded, end); err != nil {
		return err
	}
	if err := s.answerSurvey(x, i); err != nil { // the inspected unit's view of the team (issue 12)
		return err
	}
	signed := end.AddDays(10)
	draft := end.AddDays(5)
	s.clk.on(signed)
	var recs []inspections.RecommendationInput
	for k := range 2 + i%2 {
		r := inspections.RecommendationInput{OwnerUnitID: x.UnitID, Action: actions[(i+k)%len(actions)],
			Severity: []models.Severity{models.SeverityMedium, models.SeverityHigh, models.SeverityLow}[k%3]}
		if k == 1 {
			r.WorkingDays = 20
		} else {
			d := signed.AddDays(30 + 30*k)
			r.Deadline = &d
		}
		recs = append(recs, r)
	}
	if ward, ok, err := s.wardOf(x.UnitID); err != nil {
		return err
	} else if ok { // a district's conclusion names one of its wards
		d := signed.AddDays(45)
		recs = append(recs, inspections.RecommendationInput{OwnerUnitID: ward, Action: actions[0], Deadline: &d, Severity: models.SeverityMedium})
	}
	for _, r := range recs { // every owner unit has its office's login, which the conclusion notifies
		if _, err := s.office(r.OwnerUnitID); err != nil {
			return err
		}
	}
	_, issued, err := s.a.Inspections.IssueConclusion(s.ctx, s.as(s.planner), x.ID, inspections.ConclusionInput{
		SignedOn: signed, DraftReceivedOn: &draft, SignerName: "Nguyễn Văn Hưng", SignerTitle: "Giám đốc Sở Nội vụ",
		Summary:         "Đơn vị cơ bản chấp hành tốt kỷ luật, kỷ cương hành chính; còn một số tồn tại, hạn chế nêu tại phần kết quả kiểm tra.",
		Recommendations: recs}, s.clk.Now())
	if err != nil {
		return fmt.Errorf("conclusion: %w", err)
	}
	rep.Conclusions++
	if i%5 != 4 { // one in five still lacks its directive: a reminder is due
		s.clk.on(signed.AddDays(5))
		if _, err := s.a.Inspections.RecordDirective(s.ctx, s.as(s.planner), x.ID, inspections.DirectiveInput{IssuedOn: s.clk.today()}, s.clk.Now()); err != nil {
			return fmt.Errorf("directive: %w", err)
		}
		if err := s.step(x, models.VisitFollowUp, s.clk.today()); err != nil {
			return err
		}
	}
	closed := true
	for n, r := range issued {
		k := (i + int(r.ID)) % 6
		if s.showcase[x.UnitID] { // a demo login's unit: one of each (done, returned, open)
			k = []int{0, 3, 5, 4}[n%4]
		}
		st, err := s.remedy(r, signed, k)
		if err != nil {
			return err
		}
		closed = closed && st == models.RecommendationDone
	}
	if closed && i%5 != 4 {
		s.clk.on(s.latest(issued))
		if err := s.step(x, models.VisitClosed, s.clk.today()); err != nil {
			return err
		}
	}
	return nil
}

// answerSurvey has x's unit answer the survey on its team two days after the
// work on site ended, mostly agreeing, one statement in three less so.
func (s *story) answerSurvey(x *scheduled, i int) error {
	office, err := s.office(x.UnitID)
	if err != nil {
		return err
	}
	qs, err := s.a.Surveys.Questions(s.ctx)
	if err != nil {
		return err
	}
	scores := map[int64]int{}
	for j, q := range qs {
		scores[q.ID] = 5 - (i+j)%3
	}
	s.clk.on(x.EndDate.AddDays(2))
	if err := s.a.Surveys.Answer(s.ctx, s.as(office), x.ID, scores); err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	return nil
}

// latest is the day after the last recommendation of recs was closed, or today.
func (s *story) latest(recs []models.Recommendation) models.Date {
	var closedOn models.Date
	for _, r := range recs {
		var rr models.Recommendation
		if s.db.Take(&rr, r.ID).Error == nil && rr.ClosedAt != nil {
			if d := models.DateOf(rr.ClosedAt.In(s.clk.loc)); d.After(closedOn) {
				closedOn = d
			}
		}
	}
	if closedOn.IsZero() || closedOn.After(s.today) {
		return s.today
	}
	return closedOn
}

// wardOf returns the first ward of a district, for the recommendation a
// district's conclusion gives one of its wards.
func (s *story) wardOf(unitID int64) (int64, bool, error) {
	var u models.Unit
	if err := s.db.Take(&u, unitID).Error; err != nil {
		return 0, false, err
	}
	if u.Kind != models.UnitDistrict {
		return 0, false, nil
	}
	var ward int64
	err := s.db.Model(&models.Unit{}).Where("parent_id = ? AND kind = ?", unitID, models.UnitCommune).Order("code").Limit(1).Pluck("id", &ward).Error
	return ward, ward != 0, err
}

// remedy takes recommendation r through its follow-up by pattern k (0–5):
// 0–2 done (reported, accepted), 3 returned, 4 awaits the inspector's
// decision (when reported in the last fortnight, else accepted), 5 left open
// (overdue once its deadline passed). A report is sent before the deadline
// and never after today.
func (s *story) remedy(r models.Recommendation, issued models.Date, k int) (models.RecommendationStatus, error) {
	if k == 5 {
		return models.RecommendationOpen, nil
	}
	on := r.Deadline.AddDays(-5)
	if on.After(s.today.AddDays(-3)) {
		on = s.today.AddDays(-3)
	}
	if k == 4 { // reported in the last fortnight, late or not: it awaits the inspector
		on = s.today.AddDays(-2 - int(r.ID%12))
	}
	if on.Before(issued.AddDays(2)) {
		on = issued.AddDays(2)
	}
	if on.After(s.today) {
		return models.RecommendationOpen, nil
	}
	office, err := s.office(r.OwnerUnitID)
	if err != nil {
		return "", err
	}
	s.clk.on(on)
	report, err := s.a.Remediation.Submit(s.ctx, s.as(office), r.ID, remediation.ReportInput{
		Body: "Đơn vị đã tổ chức thực hiện kiến nghị: " + r.Action + ". Kèm theo báo cáo là các tài liệu chứng minh."}, s.clk.Now())
	if err != nil {
		return "", fmt.Errorf("report on recommendation %d: %w", r.ID, err)
	}
	if k == 4 && !on.Before(s.today.AddDays(-15)) { // a recent report awaits the inspector (not one sent long ago)
		return models.RecommendationReported, nil
	}
	decideOn := on.AddDays(2)
	if decideOn.After(s.today) {
		decideOn = s.today
	}
	s.clk.on(decideOn)
	v := remediation.Verdict{Accept: k != 3}
	if k == 3 {
		v.Reason = "Báo cáo chưa kèm tài liệu chứng minh việc khắc phục; đề nghị bổ sung biên bản và ảnh chụp."
	}
	if _, err := s.a.Remediation.Decide(s.ctx, s.as(s.planner), report.ID, v, s.clk.Now()); err != nil {
		var ve *apperr.ValidationError
		if errors.As(err, &ve) {
			return "", fmt.Errorf("decide report %d: %v", report.ID, ve)
		}
		return "", fmt.Errorf("decide report %d: %w", report.ID, err)
	}
	if k == 3 {
		return models.RecommendationReturned, nil
	}
	return models.RecommendationDone, nil
}

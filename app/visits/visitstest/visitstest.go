// Package visitstest builds, straight into a test database, a small published
// framework plan for 2027 with the visits the visibility rule must tell apart:
// a planned joint visit of a commune, an unannounced one of the same commune, a
// visit of its district, a visit of a draft version and a visit of another
// district. It reuses rows that already exist by code (so it also works on top
// of the demo seed: units '001' Quận Ba Đình, '00001' Phường Phúc Xá…).
package visitstest

import (
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/models"
)

// Year is the year of the fixture's plan.
const Year = 2027

// Dates of the fixture's visits (all in 2027).
var (
	PlannedStart     = models.NewDate(Year, time.March, 15) // a Monday
	PlannedEnd       = models.NewDate(Year, time.March, 17)
	UnannouncedStart = models.NewDate(Year, time.April, 12) // a Monday
	UnannouncedEnd   = models.NewDate(Year, time.April, 13)
	DistrictStart    = models.NewDate(Year, time.March, 22)
	DistrictEnd      = models.NewDate(Year, time.March, 24)
	DraftStart       = models.NewDate(Year, time.May, 10)
	DraftEnd         = models.NewDate(Year, time.May, 12)
	OtherStart       = models.NewDate(Year, time.March, 15)
	OtherEnd         = models.NewDate(Year, time.March, 16)
)

// World is what Build made (or found).
type World struct {
	City, DistrictA, CommuneA, DistrictB, CommuneB models.Unit
	CityTeam, Inspectorate, DistrictBody           models.Body
	// Lead leads the planned visit and the draft one; Member is on the planned
	// visit and leads the unannounced one; Outsider is on no team of district A.
	Lead, Member, Outsider models.Inspector
	Plan                   models.Plan
	Published, Draft       models.PlanVersion
	// Planned: planned, published, commune A, joint (city team + inspectorate).
	Planned models.Visit
	// Unannounced: unannounced, published, commune A, starting UnannouncedStart.
	Unannounced models.Visit
	// District: planned, published, district A itself.
	District models.Visit
	// DraftVisit: planned, in the draft version, commune A.
	DraftVisit models.Visit
	// Other: planned, published, commune B of district B (led by Outsider).
	Other models.Visit
}

// Build creates the fixture in db.
func Build(t testing.TB, db *gorm.DB) *World {
	t.Helper()
	w := &World{}
	w.City = unit(t, db, nil, "01", "Thành phố Hà Nội", models.UnitCity, "Thành phố")
	w.DistrictA = unit(t, db, &w.City, "001", "Quận Ba Đình", models.UnitDistrict, "Quận")
	w.CommuneA = unit(t, db, &w.DistrictA, "00001", "Phường Phúc Xá", models.UnitCommune, "Phường")
	w.DistrictB = unit(t, db, &w.City, "002", "Quận Hoàn Kiếm", models.UnitDistrict, "Quận")
	w.CommuneB = unit(t, db, &w.DistrictB, "00037", "Phường Phúc Tân", models.UnitCommune, "Phường")

	ensure(t, db, &models.InspectionKind{Code: "public_service", NameVI: "Kiểm tra công vụ",
		NameEN: "Public-service inspection", ValidFrom: models.NewDate(2024, 1, 1)}, "code", "public_service")
	ensure(t, db, &models.InspectionKind{Code: "specialised", NameVI: "Thanh tra, kiểm tra chuyên ngành (từ 01/7/2025: kiểm tra chuyên ngành)",
		NameEN: "Specialised inspection or check (from 1 July 2025: specialised check)", ValidFrom: models.NewDate(2023, 7, 1)}, "code", "specialised")
	ensure(t, db, &models.Topic{Code: "ky_luat_hanh_chinh", NameVI: "Chấp hành kỷ luật, kỷ cương hành chính",
		NameEN: "Administrative discipline", ValidFrom: models.NewDate(2024, 1, 1)}, "code", "ky_luat_hanh_chinh")
	ensure(t, db, &models.Topic{Code: "tuyen_dung_su_dung", NameVI: "Tuyển dụng, sử dụng, quản lý công chức, viên chức",
		NameEN: "Recruitment and management of civil servants", ValidFrom: models.NewDate(2024, 1, 1)}, "code", "tuyen_dung_su_dung")

	w.CityTeam = models.Body{Code: "city-team", Name: "Đoàn kiểm tra công vụ Thành phố", ShortName: "Đoàn KTCV TP",
		Kind: models.BodyCityTeam, Precedence: 1, Active: true}
	ensure(t, db, &w.CityTeam, "code", w.CityTeam.Code)
	w.Inspectorate = models.Body{Code: "dept-inspectorate", Name: "Thanh tra Sở Nội vụ", ShortName: "Thanh tra SNV",
		Kind: models.BodyInspectorate, Precedence: 2, Active: true}
	ensure(t, db, &w.Inspectorate, "code", w.Inspectorate.Code)
	w.DistrictBody = models.Body{Code: "pnv-002", Name: "Phòng Nội vụ Quận Hoàn Kiếm", ShortName: "PNV Hoàn Kiếm",
		Kind: models.BodyDistrictInternal, Precedence: 10, UnitID: &w.DistrictB.ID, Active: true}
	ensure(t, db, &w.DistrictBody, "code", w.DistrictBody.Code)

	w.Lead = inspector(t, db, "i001", "Nguyễn Văn Thành", w.CityTeam.ID, true)
	w.Member = inspector(t, db, "i002", "Trần Thị Ngọc Ánh", w.Inspectorate.ID, true)
	w.Outsider = inspector(t, db, "i003", "Lê Đức Huỳnh", w.DistrictBody.ID, true)

	w.Plan = models.Plan{Year: Year, Title: "Kế hoạch khung kiểm tra năm 2027", IssuingBodyID: w.CityTeam.ID}
	create(t, db, &w.Plan)
	published := time.Date(2026, time.December, 18, 9, 0, 0, 0, time.UTC)
	w.Published = models.PlanVersion{PlanID: w.Plan.ID, Number: 1, Status: models.VersionPublished,
		SubmittedAt: &published, ApprovedAt: &published, PublishedAt: &published, DocumentNumber: "01"}
	create(t, db, &w.Published)
	w.Draft = models.PlanVersion{PlanID: w.Plan.ID, Number: 2, Status: models.VersionDraft,
		Reason: "Điều chỉnh lịch theo đề nghị của đơn vị", ParentVersionID: &w.Published.ID}
	create(t, db, &w.Draft)

	w.Planned = visit(t, db, &w.Published.ID, "v-00001", w.CommuneA.ID, models.FormPlanned, w.CityTeam.ID, PlannedStart, PlannedEnd)
	proposal(t, db, w.Planned.ID, w.CityTeam.ID, w.CommuneA.ID, "public_service", models.FormPlanned, "ky_luat_hanh_chinh")
	proposal(t, db, w.Planned.ID, w.Inspectorate.ID, w.CommuneA.ID, "specialised", models.FormPlanned, "tuyen_dung_su_dung")
	member(t, db, w.Planned.ID, w.Lead.ID, models.MemberLead)
	member(t, db, w.Planned.ID, w.Member.ID, models.MemberMember)

	w.Unannounced = visit(t, db, &w.Published.ID, "v-00002", w.CommuneA.ID, models.FormUnannounced, w.Inspectorate.ID, UnannouncedStart, UnannouncedEnd)
	proposal(t, db, w.Unannounced.ID, w.Inspectorate.ID, w.CommuneA.ID, "public_service", models.FormUnannounced, "ky_luat_hanh_chinh")
	member(t, db, w.Unannounced.ID, w.Member.ID, models.MemberLead)

	w.District = visit(t, db, &w.Published.ID, "v-00003", w.DistrictA.ID, models.FormPlanned, w.CityTeam.ID, DistrictStart, DistrictEnd)
	proposal(t, db, w.District.ID, w.CityTeam.ID, w.DistrictA.ID, "public_service", models.FormPlanned, "ky_luat_hanh_chinh")
	member(t, db, w.District.ID, w.Lead.ID, models.MemberLead)

	w.DraftVisit = visit(t, db, &w.Draft.ID, "v-00004", w.CommuneA.ID, models.FormPlanned, w.CityTeam.ID, DraftStart, DraftEnd)
	member(t, db, w.DraftVisit.ID, w.Lead.ID, models.MemberLead)

	w.Other = visit(t, db, &w.Published.ID, "v-00005", w.CommuneB.ID, models.FormPlanned, w.DistrictBody.ID, OtherStart, OtherEnd)
	proposal(t, db, w.Other.ID, w.DistrictBody.ID, w.CommuneB.ID, "public_service", models.FormPlanned, "ky_luat_hanh_chinh")
	member(t, db, w.Other.ID, w.Outsider.ID, models.MemberLead)
	return w
}

// ensure loads the row of model's table whose column equals value into row,
// or creates row when there is none.
func ensure[T any](t testing.TB, db *gorm.DB, row *T, column, value string) {
	t.Helper()
	var found T
	err := db.Where(column+" = ?", value).Take(&found).Error
	switch {
	case err == nil:
		*row = found
	case errors.Is(err, gorm.ErrRecordNotFound):
		create(t, db, row)
	default:
		t.Fatalf("find %T %s: %v", row, value, err)
	}
}

func create(t testing.TB, db *gorm.DB, row any) {
	t.Helper()
	if err := db.Create(row).Error; err != nil {
		t.Fatalf("create %T: %v", row, err)
	}
}

func unit(t testing.TB, db *gorm.DB, parent *models.Unit, code, name string, kind models.UnitKind, label string) models.Unit {
	t.Helper()
	u := models.Unit{Code: code, Name: name, Kind: kind, TypeLabel: label, AreaCode: code, Path: models.UnitPath("", code)}
	if parent != nil {
		u.ParentID, u.Path, u.AreaCode = &parent.ID, models.UnitPath(parent.Path, code), parent.Code
	}
	ensure(t, db, &u, "code", code)
	return u
}

func inspector(t testing.TB, db *gorm.DB, code, name string, bodyID int64, canLead bool) models.Inspector {
	t.Helper()
	i := models.Inspector{Code: code, FullName: name, Title: "Thanh tra viên", BodyID: bodyID, CanLead: canLead, Active: true}
	ensure(t, db, &i, "code", code)
	return i
}

func visit(t testing.TB, db *gorm.DB, version *int64, code string, unitID int64, form models.Form, lead int64, from, to models.Date) models.Visit {
	t.Helper()
	v := models.Visit{PlanVersionID: version, Code: code, Year: Year, UnitID: unitID, Form: form, LeadBodyID: lead,
		StartDate: &from, EndDate: &to, Days: from.DaysUntil(to) + 1, TeamSize: 2,
		Why: models.JSON(`["Gộp các đề xuất của cùng một đơn vị"]`), Status: models.VisitPlanned}
	create(t, db, &v)
	return v
}

func proposal(t testing.TB, db *gorm.DB, visitID, bodyID, unitID int64, kind string, form models.Form, topic string) {
	t.Helper()
	p := models.Proposal{Year: Year, BodyID: bodyID, UnitID: unitID, Kind: kind, Form: form,
		Topics: models.TextArray{topic}, Days: 2, TeamSize: 2, Status: models.ProposalAccepted}
	create(t, db, &p)
	create(t, db, &models.VisitProposal{VisitID: visitID, ProposalID: p.ID})
}

func member(t testing.TB, db *gorm.DB, visitID, inspectorID int64, role models.MemberRole) {
	t.Helper()
	create(t, db, &models.VisitMember{VisitID: visitID, InspectorID: inspectorID, Role: role})
}

// Unplanned adds a verification visit of unit made outside any plan, on site
// from start to end, led by inspector.
func (w *World) Unplanned(t testing.TB, db *gorm.DB, unitID, inspectorID int64, start, end models.Date) models.Visit {
	t.Helper()
	v := visit(t, db, nil, "v-x-"+start.String(), unitID, models.FormVerification, w.Inspectorate.ID, start, end)
	member(t, db, v.ID, inspectorID, models.MemberLead)
	return v
}

package proposals

import (
	"context"
	"fmt"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/msg"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

// texts renders m in Vietnamese and English with the app's catalogs; a
// language whose catalogs lack m gives "".
func texts(t testing.TB, m msg.Message) (vi, en string) {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	if loc.For("vi").Has(m.ID) {
		vi = loc.For("vi").Msg(m)
	}
	if loc.For("en").Has(m.ID) {
		en = loc.For("en").Msg(m)
	}
	return vi, en
}

// fieldTexts is a field problem in Vietnamese and English.
func fieldTexts(t testing.TB, f apperr.FieldError) (vi, en string) {
	t.Helper()
	if f.Msg.ID == "" {
		return f.VI, f.EN
	}
	return texts(t, f.Msg)
}

// city is a small city for the tests: two kinds, three topics, two skills,
// three bodies (one inactive), a district with two communes, a department, and
// one user per role that matters here.
type city struct {
	db       *gorm.DB
	svc      *Service
	planner  authz.Actor
	approver authz.Actor
	viewer   authz.Actor
	unitUser authz.Actor
	units    map[string]models.Unit
}

const testYear = 2027

func newCity(t *testing.T) *city {
	t.Helper()
	db := dbtest.Gorm(t)
	c := &city{db: db, svc: New(db), units: map[string]models.Unit{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	from := models.NewDate(2024, 1, 1)
	str := func(s string) *string { return &s }
	must(db.Create(&[]models.InspectionKind{
		{Code: "public_service", NameVI: "Kiểm tra công vụ", NameEN: "Public-service inspection", ValidFrom: from},
		{Code: "specialised", NameVI: "Kiểm tra chuyên ngành", NameEN: "Specialised check", ValidFrom: from},
		{Code: "old_kind", NameVI: "Thanh tra chuyên ngành (cũ)", NameEN: "Specialised inspection (old)",
			ValidFrom: models.NewDate(2020, 1, 1), ValidTo: models.DatePtr(models.NewDate(2025, 6, 30))},
	}).Error)
	must(db.Create(&[]models.Skill{
		{Code: "cong_vu", NameVI: "Công vụ", NameEN: "Public service", ValidFrom: from},
		{Code: "tai_chinh", NameVI: "Tài chính", NameEN: "Finance", ValidFrom: from},
	}).Error)
	must(db.Create(&[]models.Topic{
		{Code: "ky_luat_hanh_chinh", NameVI: "Kỷ luật hành chính", NameEN: "Discipline", KindCode: str("public_service"), SkillCode: str("cong_vu"), ValidFrom: from},
		{Code: "thoi_gio_lam_viec", NameVI: "Thời giờ làm việc", NameEN: "Working hours", KindCode: str("public_service"), SkillCode: str("cong_vu"), ValidFrom: from},
		{Code: "che_do_tien_luong", NameVI: "Chế độ tiền lương", NameEN: "Pay", KindCode: str("specialised"), SkillCode: str("tai_chinh"), ValidFrom: from},
	}).Error)
	unit := func(code, name string, kind models.UnitKind, parent string) {
		u := models.Unit{Code: code, Name: name, Kind: kind, TypeLabel: "x", Path: models.UnitPath("", code)}
		if parent != "" {
			p := c.units[parent]
			u.ParentID, u.Path = &p.ID, models.UnitPath(p.Path, code)
		}
		must(db.Omit("CreatedAt", "UpdatedAt").Create(&u).Error)
		c.units[code] = u
	}
	unit("01", "Thành phố Hà Nội", models.UnitCity, "")
	unit("001", "Quận Ba Đình", models.UnitDistrict, "01")
	unit("00001", "Phường Phúc Xá", models.UnitCommune, "001")
	unit("00004", "Phường Trúc Bạch", models.UnitCommune, "001")
	unit("002", "Quận Hoàn Kiếm", models.UnitDistrict, "01")
	unit("00037", "Phường Phúc Tân", models.UnitCommune, "002")
	unit("01-STP", "Sở Tư pháp", models.UnitDepartment, "01")
	snv := c.units["01"].ID
	must(db.Create(&[]models.Body{
		{Code: "city-team", Name: "Đoàn kiểm tra công vụ Thành phố", ShortName: "Đoàn KTCV TP", Kind: models.BodyCityTeam, Precedence: 1, UnitID: &snv, Active: true},
		{Code: "dept-inspectorate", Name: "Thanh tra Sở Nội vụ", ShortName: "Thanh tra SNV", Kind: models.BodyInspectorate, Precedence: 2, UnitID: &snv, Active: true},
		{Code: "old-body", Name: "Tổ công tác cũ", Kind: models.BodyDivision, Precedence: 50, Active: false},
	}).Error)
	user := func(role models.Role, unitCode string) authz.Actor {
		u := models.User{Email: fmt.Sprintf("%s@sonoivu.test", role), FullName: "Người dùng " + string(role), Role: role,
			UnitPosition: models.PositionOffice, Locale: "vi", Active: true}
		a := authz.Actor{Role: role}
		if unitCode != "" {
			id := c.units[unitCode].ID
			u.UnitID, a.UnitID, a.UnitPath = &id, id, c.units[unitCode].Path
		}
		must(db.Omit("CreatedAt", "UpdatedAt").Create(&u).Error)
		a.UserID = u.ID
		return a
	}
	c.planner = user(models.RolePlanner, "")
	c.approver = user(models.RoleApprover, "")
	c.viewer = user(models.RoleViewer, "")
	c.unitUser = user(models.RoleUnit, "001")
	return c
}

// count returns the number of rows of table.
func (c *city) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := c.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// good is a valid proposal of the test city for testYear.
func good() Input {
	return Input{Year: testYear, Body: "city-team", Unit: "00001", Kind: "public_service", Form: "planned",
		Topics: []string{"ky_luat_hanh_chinh", "thoi_gio_lam_viec"}, PeriodFrom: models.NewDate(2025, 1, 1),
		PeriodTo: models.NewDate(2026, 12, 31), WindowFrom: models.NewDate(testYear, 3, 1), WindowTo: models.NewDate(testYear, 5, 31),
		Days: 3, TeamSize: 4, Priority: 2, LegalBasis: "Quyết định 123/QĐ-UBND", Note: "Theo phản ánh của người dân"}
}

func bg() context.Context { return context.Background() }

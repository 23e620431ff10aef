package models_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorm.io/gorm"

	"khung/models"
	"khung/models/dbtest"
)

// instant is a fixed timestamp with the microsecond precision of timestamptz.
var instant = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

func at(minutes int) time.Time       { return instant.Add(time.Duration(minutes) * time.Minute) }
func ptrTime(t time.Time) *time.Time { return &t }
func ptrInt(v int64) *int64          { return &v }
func ptrStr(s string) *string        { return &s }
func day(s string) models.Date       { return models.MustParseDate(s) }
func dayPtr(s string) *models.Date   { d := models.MustParseDate(s); return &d }

// roundTrip inserts row, reads it back by the given condition and fails unless
// the copy equals the original and every field of it is set (so a column the
// model forgets, or maps to the wrong name, shows up).
func roundTrip[T any](t *testing.T, db *gorm.DB, row *T, where string, args ...any) *T {
	t.Helper()
	return roundTripAllowingZero(t, db, row, nil, where, args...)
}

// roundTripAllowingZero is roundTrip for rows where some fields must stay empty
// (exactly one owner of an attachment): those are named in mayBeZero.
func roundTripAllowingZero[T any](t *testing.T, db *gorm.DB, row *T, mayBeZero []string, where string, args ...any) *T {
	t.Helper()
	if err := db.Create(row).Error; err != nil {
		t.Fatalf("insert %T: %v", row, err)
	}
	got := new(T)
	if err := db.Where(where, args...).Take(got).Error; err != nil {
		t.Fatalf("read %T back: %v", row, err)
	}
	if diff := cmp.Diff(row, got, cmpopts.IgnoreFields(*row, generatedFields(row)...)); diff != "" {
		t.Errorf("%T read back differs (-inserted +read):\n%s", row, diff)
	}
	v := reflect.ValueOf(got).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() && !slices.Contains(mayBeZero, v.Type().Field(i).Name) {
			t.Errorf("%T.%s is zero after the round trip: the test row must set every field", row, v.Type().Field(i).Name)
		}
	}
	return got
}

// generatedFields names the fields the database computes (search_text), which
// the inserted struct cannot know.
func generatedFields[T any](row *T) []string {
	var out []string
	typ := reflect.TypeOf(row).Elem()
	for i := 0; i < typ.NumField(); i++ {
		if typ.Field(i).Name == "SearchText" {
			out = append(out, "SearchText")
		}
	}
	return out
}

// coreFixture holds the parent rows that other rows point to.
type coreFixture struct {
	city, district, ward *models.Unit
	body                 *models.Body
	inspector            *models.Inspector
	user                 *models.User
	kind                 *models.InspectionKind
	skill                *models.Skill
	topic                *models.Topic
}

func newCoreFixture(t *testing.T, db *gorm.DB) *coreFixture {
	t.Helper()
	f := &coreFixture{}
	f.city = &models.Unit{Code: "01", Name: "Thành phố Hà Nội", Kind: models.UnitCity, TypeLabel: "Thành phố Trung ương", Path: "/01/"}
	mustCreate(t, db, f.city)
	f.district = &models.Unit{Code: "001", Name: "Quận Ba Đình", Kind: models.UnitDistrict, TypeLabel: "Quận", ParentID: &f.city.ID, Path: "/01/001/", ValidTo: dayPtr("2025-06-30")}
	mustCreate(t, db, f.district)
	f.ward = &models.Unit{Code: "00001", Name: "Phường Phúc Xá", Kind: models.UnitCommune, TypeLabel: "Phường", ParentID: &f.district.ID, Path: "/01/001/00001/"}
	mustCreate(t, db, f.ward)
	f.body = &models.Body{Code: "DKT-TP", Name: "Đoàn kiểm tra công vụ Thành phố", Kind: models.BodyCityTeam, Precedence: 1, Active: true}
	mustCreate(t, db, f.body)
	f.inspector = &models.Inspector{Code: "I-001", FullName: "Nguyễn Văn An", BodyID: f.body.ID, CanLead: true, Active: true}
	mustCreate(t, db, f.inspector)
	f.user = &models.User{Email: "planner@khung.test", FullName: "Trần Thị Bình", Role: models.RolePlanner, UnitPosition: models.PositionOffice, Locale: "vi", Active: true}
	mustCreate(t, db, f.user)
	f.kind = &models.InspectionKind{Code: "cong_vu", NameVI: "Kiểm tra công vụ", ValidFrom: day("2020-01-01")}
	mustCreate(t, db, f.kind)
	f.skill = &models.Skill{Code: "tai_chinh", NameVI: "Tài chính", ValidFrom: day("2020-01-01")}
	mustCreate(t, db, f.skill)
	f.topic = &models.Topic{Code: "ky_luat", NameVI: "Kỷ luật, kỷ cương hành chính", ValidFrom: day("2020-01-01")}
	mustCreate(t, db, f.topic)
	return f
}

func mustCreate(t *testing.T, db *gorm.DB, row any) {
	t.Helper()
	if err := db.Create(row).Error; err != nil {
		t.Fatalf("create %T: %v", row, err)
	}
}

func TestEveryCoreModelRoundTripsWithEveryFieldSet(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newCoreFixture(t, db)

	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"unit", func(t *testing.T) {
			u := &models.Unit{Code: "01-SNV", Name: "Sở Nội vụ", ShortName: "SNV", Kind: models.UnitDepartment,
				TypeLabel: "Sở", ParentID: &f.city.ID, AreaCode: "center", Path: "/01/01-SNV/",
				ValidFrom: dayPtr("2008-08-01"), ValidTo: dayPtr("2099-12-31"), CreatedAt: at(1), UpdatedAt: at(2)}
			got := roundTrip(t, db, u, "id = ?", &u.ID)
			if got.SearchText != "so noi vu snv 01-snv" {
				t.Errorf("search_text = %q", got.SearchText)
			}
		}},
		{"unit blackout", func(t *testing.T) {
			roundTrip(t, db, &models.UnitBlackout{UnitID: f.ward.ID, FromDate: day("2025-05-01"), ToDate: day("2025-05-31"),
				Reason: "Đại hội Đảng bộ", CreatedAt: at(3)}, "unit_id = ?", f.ward.ID)
		}},
		{"body", func(t *testing.T) {
			b := &models.Body{Code: "TTTP", Name: "Thanh tra Thành phố", ShortName: "TTTP", Kind: models.BodyInspectorate,
				Precedence: 2, UnitID: &f.city.ID, Active: true, CreatedAt: at(4), UpdatedAt: at(5),
				ValidFrom: models.DatePtr(models.NewDate(2025, 7, 1)), ValidTo: models.DatePtr(models.NewDate(2030, 12, 31)), LegalBasis: "Luật Thanh tra số 84/2025/QH15"}
			roundTrip(t, db, b, "code = ?", "TTTP")
		}},
		{"inspector", func(t *testing.T) {
			i := &models.Inspector{Code: "I-002", FullName: "Lê Đức Cường", Email: ptrStr("cuong@khung.test"),
				Title: "Thanh tra viên chính", BodyID: f.body.ID, HomeUnitID: &f.district.ID, CanLead: true,
				MaxDaysPerYear: 60, Active: true, CreatedAt: at(6), UpdatedAt: at(7)}
			got := roundTrip(t, db, i, "code = ?", "I-002")
			if got.SearchText != "le duc cuong i-002 cuong@khung.test" {
				t.Errorf("search_text = %q", got.SearchText)
			}
		}},
		{"inspector former unit", func(t *testing.T) {
			roundTrip(t, db, &models.InspectorFormerUnit{InspectorID: f.inspector.ID, UnitID: f.ward.ID,
				FromDate: dayPtr("2015-01-01"), ToDate: dayPtr("2019-12-31")}, "inspector_id = ?", f.inspector.ID)
		}},
		{"inspector relative", func(t *testing.T) {
			roundTrip(t, db, &models.InspectorRelative{InspectorID: f.inspector.ID, UnitID: f.district.ID,
				Relation: models.RelationSpouse, Post: models.PostAccounting, Note: "Kế toán trưởng"}, "inspector_id = ?", f.inspector.ID)
		}},
		{"inspector skill", func(t *testing.T) {
			roundTrip(t, db, &models.InspectorSkill{InspectorID: f.inspector.ID, SkillCode: f.skill.Code},
				"inspector_id = ? AND skill_code = ?", f.inspector.ID, f.skill.Code)
		}},
		{"inspector leave", func(t *testing.T) {
			roundTrip(t, db, &models.InspectorLeave{InspectorID: f.inspector.ID, FromDate: day("2025-08-04"),
				ToDate: day("2025-08-08"), Reason: "Nghỉ phép"}, "inspector_id = ?", f.inspector.ID)
		}},
		{"user", func(t *testing.T) {
			u := &models.User{Email: "Unit.Office@Khung.Test", FullName: "Phạm Thu Hà", PasswordHash: "$argon2id$v=19$x",
				Role: models.RoleUnit, UnitID: &f.district.ID, InspectorID: &f.inspector.ID, UnitPosition: models.PositionHead,
				JobTitle: "Chủ tịch", SigningAuthority: "TM. ỦY BAN NHÂN DÂN", Locale: "en", Active: true, PasswordChangedAt: ptrTime(at(8)), LastLoginAt: ptrTime(at(9)),
				CreatedAt: at(10), UpdatedAt: at(11)}
			got := roundTrip(t, db, u, "email = ?", "unit.office@khung.test") // citext: any case finds it
			if got.SearchText != "pham thu ha unit.office@khung.test" {
				t.Errorf("search_text = %q", got.SearchText)
			}
		}},
		{"session", func(t *testing.T) {
			roundTrip(t, db, &models.Session{ID: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				UserID: f.user.ID, CSRFToken: "csrf-token", CreatedAt: at(12), LastSeenAt: at(13), ExpiresAt: at(60 * 24),
				IP: "203.0.113.7", UserAgent: "Mozilla/5.0"}, "id = ?", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
		}},
		{"api token", func(t *testing.T) {
			roundTrip(t, db, &models.APIToken{UserID: f.user.ID, Name: "import script", TokenHash: "hash-1",
				CreatedAt: at(14), LastUsedAt: ptrTime(at(15)), ExpiresAt: ptrTime(at(60 * 24 * 90)), RevokedAt: ptrTime(at(16))},
				"token_hash = ?", "hash-1")
		}},
		{"login attempt", func(t *testing.T) {
			roundTrip(t, db, &models.LoginAttempt{Email: "planner@khung.test", IP: "203.0.113.7", At: at(17), Succeeded: true},
				"email = ?", "planner@khung.test")
		}},
		{"calendar feed token", func(t *testing.T) {
			roundTrip(t, db, &models.CalendarFeedToken{UserID: f.user.ID, TokenHash: "feed-hash", CreatedAt: at(18),
				RevokedAt: ptrTime(at(19))}, "token_hash = ?", "feed-hash")
		}},
		{"holiday", func(t *testing.T) {
			roundTrip(t, db, &models.Holiday{Date: day("2025-09-02"), Kind: models.HolidayOff, NameVI: "Quốc khánh",
				NameEN: "National Day", LegalBasis: "Bộ luật Lao động 2019, Điều 112", CreatedAt: at(20)}, "date = ?", day("2025-09-02"))
		}},
		{"inspection kind", func(t *testing.T) {
			roundTrip(t, db, &models.InspectionKind{Code: "chuyen_nganh", NameVI: "Kiểm tra chuyên ngành", NameEN: "Specialised check",
				LegalBasis: "Luật Thanh tra 84/2025/QH15", ValidFrom: day("2025-07-01"), ValidTo: dayPtr("2030-12-31"),
				CreatedAt: at(21), UpdatedAt: at(22)}, "code = ?", "chuyen_nganh")
		}},
		{"skill", func(t *testing.T) {
			roundTrip(t, db, &models.Skill{Code: "to_chuc_can_bo", NameVI: "Tổ chức cán bộ", NameEN: "Personnel",
				LegalBasis: "Quyết định 01/2024", ValidFrom: day("2024-01-01"), ValidTo: dayPtr("2030-12-31"),
				CreatedAt: at(23), UpdatedAt: at(24)}, "code = ?", "to_chuc_can_bo")
		}},
		{"topic", func(t *testing.T) {
			roundTrip(t, db, &models.Topic{Code: "thu_tuc_hanh_chinh", NameVI: "Giải quyết thủ tục hành chính",
				NameEN: "Handling of administrative procedures", LegalBasis: "Nghị định 61/2018/NĐ-CP",
				KindCode: &f.kind.Code, SkillCode: &f.skill.Code, ValidFrom: day("2018-04-23"), ValidTo: dayPtr("2030-12-31"),
				CreatedAt: at(25), UpdatedAt: at(26)}, "code = ?", "thu_tuc_hanh_chinh")
		}},
		{"rule", func(t *testing.T) {
			roundTrip(t, db, &models.Rule{Key: "conclusion.sign_within_days", Value: models.JSON(`{"days": 15, "working": false}`),
				DescriptionVI: "Ký kết luận trong 15 ngày", DescriptionEN: "Sign the conclusion within 15 days",
				LegalBasis: "Luật Thanh tra 2025, Điều 36", ValidFrom: day("2025-07-01"), ValidTo: dayPtr("2035-12-31"),
				CreatedAt: at(27), UpdatedAt: at(28)}, "key = ?", "conclusion.sign_within_days")
		}},
		{"audit entry", func(t *testing.T) {
			roundTrip(t, db, &models.AuditEntry{At: at(29), UserID: &f.user.ID, Action: "update", Entity: "units",
				EntityID: &f.ward.ID, Before: models.JSON(`{"name":"Phường Phúc Xá"}`), After: models.JSON(`{"name":"Phường Phúc Xá mới"}`),
				RequestID: "req-1", IP: "203.0.113.7"}, "request_id = ?", "req-1")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

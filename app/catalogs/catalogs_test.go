package catalogs_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/catalogs"
	"khung/models"
	"khung/models/dbtest"
	"khung/views"
)

var d = models.MustParseDate

func datePtr(s string) *models.Date { v := d(s); return &v }

func setup(t *testing.T) (*gorm.DB, *catalogs.Service, authz.Actor) {
	t.Helper()
	db := dbtest.Gorm(t)
	u := models.User{Email: "root@khung.vn", FullName: "Quản trị", Role: models.RoleAdmin, Active: true,
		UnitPosition: models.PositionOffice, Locale: "vi"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return db, catalogs.New(db), authz.Actor{UserID: u.ID, Role: models.RoleAdmin}
}

// asValidation returns the ValidationError in err with its messages rendered
// in Vietnamese and English, as the HTTP layer does.
func asValidation(t *testing.T, err error) (*apperr.ValidationError, bool) {
	t.Helper()
	ve, ok := apperr.AsValidation(err)
	if !ok {
		return nil, false
	}
	locales, lerr := views.LoadLocales(views.LocaleFiles())
	if lerr != nil {
		t.Fatal(lerr)
	}
	for i, f := range ve.Fields {
		if f.Msg.ID != "" {
			ve.Fields[i].VI, ve.Fields[i].EN = locales.For("vi").Msg(f.Msg), locales.For("en").Msg(f.Msg)
		}
	}
	return ve, true
}

func rowCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	out := map[string]int64{}
	for _, table := range []string{"inspection_kinds", "topics", "skills", "rules", "audit_log"} {
		var n int64
		db.Table(table).Count(&n)
		out[table] = n
	}
	return out
}

func publicService() catalogs.EntryInput {
	return catalogs.EntryInput{Code: "public_service", NameVI: "Kiểm tra công vụ", NameEN: "Public-service inspection",
		LegalBasis: "Quyết định của UBND Thành phố về kiểm tra công vụ", ValidFrom: d("2025-01-01")}
}

func TestCatalogEntriesAreCreatedEditedAndAudited(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	kind, err := svc.Create(ctx, admin, catalogs.Kinds, publicService())
	if err != nil {
		t.Fatal(err)
	}
	skill, err := svc.Create(ctx, admin, catalogs.Skills, catalogs.EntryInput{Code: "cong_vu", NameVI: "Công vụ", ValidFrom: d("2025-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	topic, err := svc.Create(ctx, admin, catalogs.Topics, catalogs.EntryInput{Code: "ky_luat", NameVI: "Kỷ luật, kỷ cương hành chính",
		KindCode: "public_service", SkillCode: "cong_vu", ValidFrom: d("2025-07-01"), ValidTo: datePtr("2025-07-01")})
	if err != nil {
		t.Fatal(err)
	}
	if topic.KindCode == nil || *topic.KindCode != "public_service" || *topic.SkillCode != "cong_vu" {
		t.Errorf("topic %+v", topic)
	}
	if !topic.InEffect(d("2025-07-01")) || topic.InEffect(d("2025-07-02")) {
		t.Error("a one-day validity is wrong")
	}
	in := publicService()
	in.Code, in.ValidTo = "kiem_tra_cong_vu", datePtr("2025-06-30")
	kind, err = svc.Update(ctx, admin, catalogs.Kinds, kind.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	// The new code follows into the topic (ON UPDATE CASCADE).
	topic, _ = svc.Get(ctx, admin, catalogs.Topics, topic.ID)
	if *topic.KindCode != "kiem_tra_cong_vu" {
		t.Errorf("topic kind after rename: %v", *topic.KindCode)
	}
	// A skill in use is kept.
	if err := svc.Delete(ctx, admin, catalogs.Skills, skill.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("deleting a skill a topic needs: %v", err)
	}
	if err := svc.Delete(ctx, admin, catalogs.Topics, topic.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, admin, catalogs.Skills, skill.ID); err != nil {
		t.Fatal(err)
	}
	var actions []string
	db.Model(&models.AuditEntry{}).Order("id").Pluck("entity || ':' || action", &actions)
	want := "inspection_kinds:create skills:create topics:create inspection_kinds:update topics:delete skills:delete"
	if got := join(actions); got != want {
		t.Errorf("audit\n got %s\nwant %s", got, want)
	}
	list, err := svc.List(ctx, authz.Actor{UserID: admin.UserID, Role: models.RoleInspector}, catalogs.Kinds)
	// Migrations bring their own kinds (the check on implementation); the one
	// made here must be among them, and a kind never points to a kind.
	found := false
	for _, k := range list {
		found = found || k.Code == "kiem_tra_cong_vu"
		if k.KindCode != nil {
			t.Errorf("kind %s points to a kind: %v", k.Code, *k.KindCode)
		}
	}
	if err != nil || !found {
		t.Errorf("kinds as an inspector: %+v, %v", list, err)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestBadCatalogEntriesAreRefusedAndWriteNothing(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	if _, err := svc.Create(ctx, admin, catalogs.Kinds, publicService()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		catalog catalogs.Catalog
		field   string
		rule    string
		change  func(*catalogs.EntryInput)
	}{
		{"duplicate code", catalogs.Kinds, "code", "unique", func(in *catalogs.EntryInput) {}},
		{"valid_to before valid_from", catalogs.Kinds, "valid_to", "gtefield", func(in *catalogs.EntryInput) {
			in.Code, in.ValidTo = "x", datePtr("2024-12-31")
		}},
		{"missing name", catalogs.Skills, "name_vi", "notblank", func(in *catalogs.EntryInput) { in.NameVI = "" }},
		{"missing start date", catalogs.Skills, "valid_from", "required", func(in *catalogs.EntryInput) { in.ValidFrom = models.Date{} }},
		{"code with spaces and diacritics", catalogs.Skills, "code", "format", func(in *catalogs.EntryInput) { in.Code = "công vụ" }},
		{"topic of an unknown kind", catalogs.Topics, "kind_code", "exists", func(in *catalogs.EntryInput) { in.KindCode = "nope" }},
		{"topic needing an unknown skill", catalogs.Topics, "skill_code", "exists", func(in *catalogs.EntryInput) { in.SkillCode = "nope" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rowCounts(t, db)
			in := publicService()
			tt.change(&in)
			_, err := svc.Create(ctx, admin, tt.catalog, in)
			ve, ok := asValidation(t, err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				found = found || (f.Field == tt.field && f.Rule == tt.rule && f.VI != "" && f.EN != "" && f.VI != f.EN)
			}
			if !found {
				t.Errorf("want %s/%s, got %+v", tt.field, tt.rule, ve.Fields)
			}
			after := rowCounts(t, db)
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s: %d → %d", table, n, after[table])
				}
			}
		})
	}
}

func TestRuleVersionsDoNotOverlap(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	old := catalogs.RuleInput{Key: "followup.implementation_check_max_working_days", Value: models.JSON(`30`), DescriptionVI: "Thời hạn ký kết luận (ngày)",
		LegalBasis: "Luật Thanh tra 2022", ValidFrom: d("2023-07-01"), ValidTo: datePtr("2025-06-30")}
	if _, err := svc.CreateRule(ctx, admin, old); err != nil {
		t.Fatal(err)
	}
	current := catalogs.RuleInput{Key: "followup.implementation_check_max_working_days", Value: models.JSON(`15`), DescriptionVI: "Thời hạn ký kết luận (ngày)",
		LegalBasis: "Luật Thanh tra 84/2025/QH15, Điều 36", ValidFrom: d("2025-07-01")}
	r, err := svc.CreateRule(ctx, admin, current)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := svc.Rules(ctx, admin, d("2026-01-15"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].InEffect || !rules[1].InEffect || string(rules[1].Value) != "15" {
		t.Errorf("rules on 2026-01-15: %+v", rules)
	}

	tests := []struct {
		name, field, rule string
		change            func(*catalogs.RuleInput)
	}{
		{"overlapping period", "valid_from", "overlap", func(in *catalogs.RuleInput) { in.ValidFrom = d("2025-06-01") }},
		{"same start as another version", "valid_from", "overlap", func(in *catalogs.RuleInput) {}},
		{"valid_to before valid_from", "valid_to", "gtefield", func(in *catalogs.RuleInput) {
			in.ValidFrom, in.ValidTo = d("2030-01-01"), datePtr("2029-01-01")
		}},
		{"key with capitals", "key", "format", func(in *catalogs.RuleInput) { in.Key = "Conclusion Days" }},
		{"value that is not JSON", "value", "json", func(in *catalogs.RuleInput) { in.Key, in.Value = "x", models.JSON(`15 ngày`) }},
		{"missing value", "value", "required", func(in *catalogs.RuleInput) { in.Key, in.Value = "x", nil }},
		{"missing description", "description_vi", "notblank", func(in *catalogs.RuleInput) { in.Key, in.DescriptionVI = "x", "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rowCounts(t, db)
			in := current
			tt.change(&in)
			_, err := svc.CreateRule(ctx, admin, in)
			ve, ok := asValidation(t, err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				found = found || (f.Field == tt.field && f.Rule == tt.rule && f.VI != "" && f.EN != "")
			}
			if !found {
				t.Errorf("want %s/%s, got %+v", tt.field, tt.rule, ve.Fields)
			}
			after := rowCounts(t, db)
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s: %d → %d", table, n, after[table])
				}
			}
		})
	}

	// Closing the current version lets a new one start after it.
	current.ValidTo = datePtr("2026-12-31")
	if _, err := svc.UpdateRule(ctx, admin, r.ID, current); err != nil {
		t.Fatal(err)
	}
	next := current
	next.Value, next.ValidFrom, next.ValidTo = models.JSON(`10`), d("2027-01-01"), nil
	if _, err := svc.CreateRule(ctx, admin, next); err != nil {
		t.Fatalf("a version after the closed one: %v", err)
	}
	if err := svc.DeleteRule(ctx, admin, r.ID); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Table("audit_log").Where("entity = 'rules'").Count(&n)
	if n != 5 {
		t.Errorf("%d audit entries for rules, want 5", n)
	}
}

func TestARuleValueItsRuleDoesNotAcceptIsRefusedAndNothingIsSaved(t *testing.T) {
	db, svc, admin := setup(t)
	ctx := context.Background()
	offsets := catalogs.RuleInput{Key: "notify.reminder_offsets_days", Value: models.JSON(`[14, 7, 1]`),
		DescriptionVI: "Nhắc hạn trước 14, 7 và 1 ngày", ValidFrom: d("2025-01-01")}
	saved, err := svc.CreateRule(ctx, admin, offsets)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key, value, field, rule string
		update                        bool
	}{
		{"a reminder after the deadline", "notify.reminder_offsets_days", `[14, -7]`, "value", "invalid", true},
		{"reminders that are a word", "notify.reminder_offsets_days", `"abc"`, "value", "format", true},
		{"reminders that are not JSON", "notify.reminder_offsets_days", `abc`, "value", "json", true},
		{"an escalation to an unknown position", "notify.escalation", `[{"position": "mayor", "overdue_working_days": 0}]`, "value", "invalid", false},
		{"a digest on funday", "notify.digest_weekday", `"funday"`, "value", "format", false},
		{"negative weights", "planning.weights", `{"unscheduled": -1}`, "value", "invalid", false},
		{"a directive deadline without days", "followup.directive_days", `{"working_days": true}`, "value", "invalid", false},
		{"a key no rule has", "notify.reminder_days", `[14]`, "key", "exists", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := rowCounts(t, db)
			in := offsets
			in.Key, in.Value, in.ValidFrom = tt.key, models.JSON(tt.value), d("2026-01-01")
			var err error
			if tt.update {
				_, err = svc.UpdateRule(ctx, admin, saved.ID, in)
			} else {
				_, err = svc.CreateRule(ctx, admin, in)
			}
			ve, ok := asValidation(t, err)
			if !ok {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			found := false
			for _, f := range ve.Fields {
				if f.Field == tt.field && f.Rule == tt.rule {
					found = true
					if f.VI == f.Msg.ID || f.EN == f.Msg.ID || f.VI == f.EN {
						t.Errorf("%s reads %q / %q", f.Msg.ID, f.VI, f.EN)
					}
				}
			}
			if !found {
				t.Errorf("want %s/%s, got %+v", tt.field, tt.rule, ve.Fields)
			}
			after := rowCounts(t, db)
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s: %d → %d", table, n, after[table])
				}
			}
			if got, err := svc.Rule(ctx, admin, saved.ID); err != nil || string(got.Value) != "[14, 7, 1]" || got.ValidFrom != d("2025-01-01") {
				t.Errorf("the saved version became %s from %s (%v)", got.Value, got.ValidFrom, err)
			}
		})
	}
}

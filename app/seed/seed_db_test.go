package seed_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/app/auth"
	"khung/app/lunar"
	"khung/app/seed"
	"khung/models"
	"khung/models/dbtest"
)

// count runs a count(*) query.
func count(t *testing.T, db *gorm.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// tableCounts counts the rows of every table of the schema (except goose's).
func tableCounts(t *testing.T, db *gorm.DB) map[string]int {
	t.Helper()
	var tables []string
	if err := db.Raw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
		  AND table_name <> 'goose_db_version'
		ORDER BY table_name`).Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, tb := range tables {
		out[tb] = count(t, db, `SELECT count(*) FROM "`+tb+`"`)
	}
	return out
}

// unitsSnapshot is every unit's code, name, path and life span, and every
// successor link, to compare before/after.
func unitsSnapshot(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var rows []string
	if err := db.Raw(`SELECT code || ' ' || name || ' ' || path || ' ' || coalesce(valid_from::text, '-') || ' ' || coalesce(valid_to::text, '-')
		FROM units ORDER BY code`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var links []string
	if err := db.Raw(`SELECT p.code || ' → ' || s.code || ' ' || l.how || ' ' || l.effective_on
		FROM unit_successions l JOIN units p ON p.id = l.predecessor_id JOIN units s ON s.id = l.successor_id
		ORDER BY 1`).Scan(&links).Error; err != nil {
		t.Fatal(err)
	}
	return append(rows, links...)
}

func TestImportHanoiLoadsBothGenerationsAndTheirLinks(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	rep, err := seed.ImportProvince(ctx, db, "01")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"704 added, 0 updated, 0 unchanged", "thêm mới 704",
		"556 districts, communes and wards in force until 30/06/2025, 126 communes and wards since 01/07/2025",
		"successor links: 795 added", "liên kết kế thừa: thêm mới 795", "daohoangson/dvhcvn", "sunshine-tech/VietnamProvinces"} {
		if !strings.Contains(rep, want) {
			t.Fatalf("report lacks %q:\n%s", want, rep)
		}
	}
	byKind := map[string]int{}
	var rows []struct {
		Kind string
		N    int
	}
	if err := db.Raw(`SELECT kind, count(*) AS n FROM units GROUP BY kind`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		byKind[r.Kind] = r.N
	}
	want := map[string]int{"city": 1, "district": 30, "commune": 526 + 126, "department": 21}
	if diff := cmp.Diff(want, byKind); diff != "" {
		t.Fatalf("units by kind (-want +got):\n%s", diff)
	}

	var ward models.Unit
	if err := db.Where("code = ?", "00001").First(&ward).Error; err != nil {
		t.Fatal(err)
	}
	var district models.Unit
	if err := db.Where("code = ?", "001").First(&district).Error; err != nil {
		t.Fatal(err)
	}
	lastDay, firstDay := models.MustParseDate("2025-06-30"), models.MustParseDate("2025-07-01")
	if ward.Name != "Phường Phúc Xá" || ward.TypeLabel != "Phường" || ward.Path != "/01/001/00001/" ||
		ward.AreaCode != "001" || ward.ParentID == nil || *ward.ParentID != district.ID ||
		ward.ValidFrom != nil || ward.ValidTo == nil || *ward.ValidTo != lastDay {
		t.Fatalf("Phúc Xá imported as %+v (Ba Đình id %d)", ward, district.ID)
	}
	if district.TypeLabel != "Quận" || district.Kind != models.UnitDistrict || district.Path != "/01/001/" ||
		district.ValidTo == nil || *district.ValidTo != lastDay {
		t.Fatalf("Ba Đình imported as %+v", district)
	}

	// Since 1 July 2025 the communes and wards hang directly under the city.
	var city, hongHa models.Unit
	if err := db.Where("code = ?", "01").First(&city).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("code = ?", "00097-2025").First(&hongHa).Error; err != nil {
		t.Fatal(err)
	}
	if city.ValidFrom != nil || city.ValidTo != nil {
		t.Fatalf("the city has no end: %+v", city)
	}
	if hongHa.Name != "Phường Hồng Hà" || hongHa.Path != "/01/00097-2025/" || hongHa.ParentID == nil || *hongHa.ParentID != city.ID ||
		hongHa.ValidFrom == nil || *hongHa.ValidFrom != firstDay || hongHa.ValidTo != nil || hongHa.AreaCode != "003" {
		t.Fatalf("Hồng Hà imported as %+v", hongHa)
	}
	if n := count(t, db, `SELECT count(*) FROM units WHERE valid_from = '2025-07-01' AND kind = 'commune' AND parent_id = ?`, city.ID); n != 126 {
		t.Fatalf("want 126 communes and wards under the city since 01/07/2025, got %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM unit_successions l JOIN units p ON p.id = l.predecessor_id
		JOIN units s ON s.id = l.successor_id WHERE p.code = '00001' AND s.code = '00097-2025' AND l.how = 'whole' AND l.effective_on = '2025-07-01'`); n != 1 {
		t.Fatal("Phúc Xá → Hồng Hà (whole) missing")
	}
	if n := count(t, db, `SELECT count(*) FROM unit_successions`); n != 795 {
		t.Fatalf("want the 795 links of the conversion table, got %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM units u WHERE u.path LIKE '/01/%/%/' AND u.kind = 'commune'
		AND NOT EXISTS (SELECT 1 FROM unit_successions l WHERE l.predecessor_id = u.id)`); n != 0 {
		t.Fatalf("%d of the 526 earlier communes and wards have no successor", n)
	}
	if n := count(t, db, `SELECT count(*) FROM units u WHERE u.valid_from = '2025-07-01'
		AND NOT EXISTS (SELECT 1 FROM unit_successions l WHERE l.successor_id = u.id)`); n != 0 {
		t.Fatalf("%d of the 126 communes and wards have no predecessor", n)
	}
	if n := count(t, db, `SELECT count(*) FROM units WHERE kind IN ('district', 'commune') AND valid_to IS NULL AND valid_from IS NULL`); n != 0 {
		t.Fatalf("%d earlier districts, communes or wards have no end", n)
	}
	if n := count(t, db, `SELECT count(*) FROM units WHERE code = '01-SNV' AND kind = 'department' AND type_label = 'Sở'
		AND path = '/01/01-SNV/' AND valid_from IS NULL AND valid_to IS NULL`); n != 1 {
		t.Fatal("Sở Nội vụ missing under the city, or given a life span")
	}
}

func TestImportingTwiceChangesNothingAndRestoresTheOfficialUnits(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	if _, err := seed.ImportProvince(ctx, db, "01"); err != nil {
		t.Fatal(err)
	}
	before := unitsSnapshot(t, db)
	rep, err := seed.ImportProvince(ctx, db, "1") // as people type it: 01
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep, "0 added, 0 updated, 704 unchanged") || !strings.Contains(rep, "successor links: 0 added, 0 updated, 795 unchanged") {
		t.Fatalf("second run report:\n%s", rep)
	}
	if diff := cmp.Diff(before, unitsSnapshot(t, db)); diff != "" {
		t.Fatalf("second run changed units:\n%s", diff)
	}

	dbtest.MustExec(t, db, `UPDATE units SET name = 'Phường Phúc Xá Cũ' WHERE code = '00001'`)
	dbtest.MustExec(t, db, `UPDATE units SET valid_to = NULL WHERE code = '002'`)
	dbtest.MustExec(t, db, `UPDATE unit_successions SET how = 'part' WHERE predecessor_id = (SELECT id FROM units WHERE code = '00001')`)
	rep, err = seed.ImportProvince(ctx, db, "01")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep, "0 added, 2 updated, 702 unchanged") || !strings.Contains(rep, "00001: Phường Phúc Xá Cũ → Phường Phúc Xá") ||
		!strings.Contains(rep, "successor links: 0 added, 1 updated, 794 unchanged") {
		t.Fatalf("repair report:\n%s", rep)
	}
	if diff := cmp.Diff(before, unitsSnapshot(t, db)); diff != "" {
		t.Fatalf("the official units were not restored:\n%s", diff)
	}
}

func TestImportOfAnUnknownProvinceWritesNothing(t *testing.T) {
	db := dbtest.Gorm(t)
	for _, code := range []string{"99", "", "Hà Nội", "001"} {
		_, err := seed.ImportProvince(context.Background(), db, code)
		if !errors.Is(err, seed.ErrUnknownProvince) {
			t.Fatalf("%q: want ErrUnknownProvince, got %v", code, err)
		}
		if msg := err.Error(); !strings.Contains(msg, `"`+code+`"`) || !strings.Contains(msg, "Mã tỉnh") || !strings.Contains(msg, "province code") {
			t.Fatalf("the error should name the code in Vietnamese and English: %s", msg)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM units`); n != 0 {
		t.Fatalf("%d units written", n)
	}
}

func TestImportOfBothGenerationsRefusesBadFilesAndWritesNothing(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	if _, err := seed.ImportFile(ctx, db, strings.NewReader(hanoiBefore(t)), "01"); err != nil {
		t.Fatal(err)
	}
	before := tableCounts(t, db)
	snapshot := unitsSnapshot(t, db)

	head := "new_province_code,new_code,new_name,old_code,old_name,old_district_code,old_district_name,old_province_code,old_province_name,how,how_vi\n"
	link := func(newCode, oldCode, how string) string {
		return "01," + newCode + ",Phường Mới," + oldCode + ",Phường Cũ,001,Quận Ba Đình,01,Thành phố Hà Nội," + how + ",x\n"
	}
	after := `{"provinces": [{"code": "01", "name": "Thành phố Hà Nội", "type": "Thành phố", "communes": [
		{"code": "00097", "name": "Phường Hồng Hà", "type": "Phường"}]}]}`
	tests := []struct {
		name, after, links, province string
		want                         []string
	}{
		{"a conversion table that is not CSV", after, head + "01,\"00097\n", "01", []string{"Tệp danh mục đơn vị không hợp lệ", "cannot be imported"}},
		{"a conversion table with another header", after, "a,b,c,d,e,f,g,h,i,j,k\n" + link("00097", "00001", "whole"), "01", []string{"header must be"}},
		{"an unknown how", after, head + link("00097", "00001", "swallowed"), "01", []string{`how "swallowed"`}},
		{"a link to a commune missing from the 2025 list", after, head + link("00097", "00001", "whole") + link("00098", "00004", "part"), "01",
			[]string{"Bảng chuyển đổi nêu 1 mã không có", "names 1 code missing", "new_code 00098"}},
		{"a link from a ward missing from the earlier list", after, head + link("00097", "99999", "whole"), "01",
			[]string{"old_code 99999"}},
		{"a 2025 list that is not JSON", `{"provinces": [`, head + link("00097", "00001", "whole"), "01", []string{"read 2025 unit list"}},
		{"a province in neither list", after, head + link("00097", "00001", "whole"), "79", []string{"Mã tỉnh", "province code \"79\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seed.ImportGenerationFiles(ctx, db, tt.province, strings.NewReader(hanoiBefore(t)),
				strings.NewReader(tt.after), strings.NewReader(tt.links))
			if err == nil {
				t.Fatal("imported")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("want an error containing %q, got %v", w, err)
				}
			}
			if !errors.Is(err, seed.ErrBadFile) && !errors.Is(err, seed.ErrUnknownProvince) {
				t.Fatalf("want ErrBadFile or ErrUnknownProvince, got %v", err)
			}
			if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
				t.Fatalf("rows written (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(snapshot, unitsSnapshot(t, db)); diff != "" {
				t.Fatalf("units changed:\n%s", diff)
			}
		})
	}

	// The positive control: the same files with a good table are imported.
	rep, err := seed.ImportGenerationFiles(ctx, db, "01", strings.NewReader(hanoiBefore(t)), strings.NewReader(after),
		strings.NewReader(head+link("00097", "00001", "whole")+link("00097", "00004", "part")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep, "1 added, 556 updated") || !strings.Contains(rep, "successor links: 2 added") {
		t.Fatalf("report:\n%s", rep)
	}
}

// hanoiBefore is Hanoi's part of the embedded list before 1 July 2025, as a file.
func hanoiBefore(t *testing.T) string {
	t.Helper()
	ps, err := adminunits.Official()
	if err != nil {
		t.Fatal(err)
	}
	hn, _ := adminunits.Find(ps, "01")
	b, err := json.Marshal(map[string]any{"data": []adminunits.Province{hn}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestImportFileRefusesBadFilesAndWritesNothing(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	if _, err := seed.ImportProvince(ctx, db, "01"); err != nil {
		t.Fatal(err)
	}
	before := tableCounts(t, db)
	names := unitsSnapshot(t, db)

	// Each file would also rename Phúc Xá: nothing of it may be written.
	wards := func(level3s string) string {
		return `{"data": [{"level1_id": "01", "name": "Thành phố Hà Nội", "type": "Thành phố Trung ương", "level2s": [
			{"level2_id": "001", "name": "Quận Ba Đình", "type": "Quận", "level3s": [` + level3s + `]}]}]}`
	}
	tests := []struct {
		name, file, province, want string
	}{
		{"not JSON", `{"data": [`, "01", "read unit list"},
		{"a ward without a code", wards(`{"level3_id": "", "name": "Phường Mới", "type": "Phường"}`), "01", "has no code"},
		{"a ward without a name", wards(`{"level3_id": "00001", "name": " ", "type": "Phường"}`), "01", "has no name"},
		{"a ward code used twice", wards(`{"level3_id": "00001", "name": "Phường Phúc Xá Mới", "type": "Phường"},
			{"level3_id": "00001", "name": "Phường Khác", "type": "Phường"}`), "01", "appears twice"},
		{"a ward code equal to its district's", wards(`{"level3_id": "00001", "name": "Phường Phúc Xá Mới", "type": "Phường"},
			{"level3_id": "001", "name": "Phường Trùng Mã", "type": "Phường"}`), "01", "code 001 is used twice"},
		{"a code that is not digits", wards(`{"level3_id": "00001", "name": "Phường Phúc Xá Mới", "type": "Phường"},
			{"level3_id": "0000 2", "name": "Phường Cách", "type": "Phường"}`), "01", "is not 2–5 digits"},
		{"a province missing from the file", wards(`{"level3_id": "00001", "name": "Phường Phúc Xá Mới", "type": "Phường"}`), "79", "not in the official list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := seed.ImportFile(ctx, db, strings.NewReader(tt.file), tt.province)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want an error containing %q, got %v", tt.want, err)
			}
			if !errors.Is(err, seed.ErrBadFile) && !errors.Is(err, seed.ErrUnknownProvince) {
				t.Fatalf("want ErrBadFile or ErrUnknownProvince, got %v", err)
			}
			if diff := cmp.Diff(before, tableCounts(t, db)); diff != "" {
				t.Fatalf("rows written (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(names, unitsSnapshot(t, db)); diff != "" {
				t.Fatalf("units changed:\n%s", diff)
			}
		})
	}
}

func TestImportFileLoadsAGoodFile(t *testing.T) {
	db := dbtest.Gorm(t)
	file := `{"data": [{"level1_id": "02", "name": "Tỉnh Hà Giang", "type": "Tỉnh", "level2s": [
		{"level2_id": "024", "name": "Thành phố Hà Giang", "type": "Thành phố", "level3s": [
			{"level3_id": "00688", "name": "Phường Quang Trung", "type": "Phường"},
			{"level3_id": "00691", "name": "Phường Trần Phú", "type": "Phường"}]}]}]}`
	rep, err := seed.ImportFile(context.Background(), db, strings.NewReader(file), "02")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rep, "4 added") {
		t.Fatalf("report:\n%s", rep)
	}
	if n := count(t, db, `SELECT count(*) FROM units WHERE path LIKE '/02/024/%' AND kind = 'commune' AND area_code = '024'`); n != 2 {
		t.Fatalf("want 2 wards under /02/024/, got %d", n)
	}
}

func TestDemo(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

	start := time.Now()
	rep, err := seed.Demo(ctx, db, seed.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run: %v", time.Since(start))
	after1 := tableCounts(t, db)

	t.Run("a second run adds nothing", func(t *testing.T) {
		start := time.Now()
		rep2, err := seed.Demo(ctx, db, seed.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("second run: %v", time.Since(start))
		if diff := cmp.Diff(after1, tableCounts(t, db)); diff != "" {
			t.Fatalf("row counts changed (-first +second):\n%s", diff)
		}
		if !strings.Contains(rep2, "(0 dòng / rows") || !strings.Contains(rep2, "0 added, 0 updated, 608 unchanged") {
			t.Fatalf("second report:\n%s", rep2)
		}
	})

	t.Run("the report lists what was added and the logins", func(t *testing.T) {
		for _, want := range []string{"608 added", "inspectors", "285", "admin@khung.vn", "unit@khung.vn", seed.DemoPassword} {
			if !strings.Contains(rep, want) {
				t.Fatalf("report lacks %q:\n%s", want, rep)
			}
		}
	})

	t.Run("Hanoi's units are loaded", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM units WHERE kind = 'commune' AND path LIKE '/01/%'`); n != 526 {
			t.Fatalf("want 526 communes and wards, got %d", n)
		}
	})

	t.Run("catalogs carry their legal basis and effective date", func(t *testing.T) {
		// Four kinds from catalogs.toml and the check on implementation from migration 00024.
		want := map[string]int{"inspection_kinds": 5, "skills": 8}
		for table, n := range want {
			if after1[table] != n {
				t.Errorf("%s: want %d rows, got %d", table, n, after1[table])
			}
		}
		if after1["topics"] < 15 {
			t.Errorf("want at least 15 topics, got %d", after1["topics"])
		}
		if n := count(t, db, `SELECT count(*) FROM topics WHERE kind_code IS NULL OR skill_code IS NULL`); n != 0 {
			t.Errorf("%d topics without kind or skill", n)
		}
		for _, table := range []string{"inspection_kinds", "topics", "rules"} {
			if n := count(t, db, `SELECT count(*) FROM `+table+` WHERE legal_basis = '' OR valid_from IS NULL`); n != 0 {
				t.Errorf("%s: %d rows without legal basis or effective date", table, n)
			}
		}
		rules := []struct{ key, value, from, basis string }{
			{"planning.max_planned_visits_per_unit_per_year", "1", "2017-05-17", "20/CT-TTg"},
			{"followup.conclusion_days", `{"days": 15, "working_days": false}`, "2025-07-01", "Điều 36"},
			{"followup.directive_days", `{"days": 15, "working_days": false}`, "2025-07-01", "Điều 53"},
			{"followup.implementation_check_max_working_days", "10", "2025-07-01", "84/2025/QH15"},
			{"notify.reminder_offsets_days", "[14, 7, 1]", "2025-01-01", "Sở Nội vụ"},
		}
		for _, r := range rules {
			if n := count(t, db, `SELECT count(*) FROM rules WHERE key = ? AND value = ?::jsonb AND valid_from = ? AND legal_basis LIKE ?`,
				r.key, r.value, r.from, "%"+r.basis+"%"); n != 1 {
				t.Errorf("rule %s = %s from %s (%s) missing", r.key, r.value, r.from, r.basis)
			}
		}
	})

	t.Run("bodies lead in the right order", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM bodies WHERE (code = 'city-team' AND precedence = 1 AND kind = 'city_team')
			OR (code = 'dept-inspectorate' AND precedence = 2 AND kind = 'inspectorate')`); n != 2 {
			t.Fatal("city team (1) and inspectorate (2) missing")
		}
		// Each district's Phòng Nội vụ is a unit under its district, so that its
		// inspectors may inspect the district's communes (H4 closes over ancestors).
		if n := count(t, db, `SELECT count(*) FROM bodies b JOIN units o ON o.id = b.unit_id JOIN units d ON d.id = o.parent_id
			WHERE b.kind = 'district_internal' AND d.kind = 'district' AND b.name = 'Phòng Nội vụ ' || d.name AND o.name = b.name`); n != 30 {
			t.Fatalf("want a Phòng Nội vụ for each of the 30 districts, got %d", n)
		}
		if n := count(t, db, `SELECT count(*) FROM bodies WHERE kind = 'division'`); n < 7 {
			t.Fatalf("want the 7 divisions of Sở Nội vụ, got %d", n)
		}
	})

	t.Run("every inspector has a skill and a home unit", func(t *testing.T) {
		// About 200 of Sở Nội vụ and the districts, 20 of Thanh tra Thành phố and 5 for each of 13 departments.
		if after1["inspectors"] < 275 || after1["inspectors"] > 295 {
			t.Fatalf("want about 285 inspectors, got %d", after1["inspectors"])
		}
		if n := count(t, db, `SELECT count(*) FROM inspectors i WHERE home_unit_id IS NULL
			OR NOT EXISTS (SELECT 1 FROM inspector_skills s WHERE s.inspector_id = i.id)`); n != 0 {
			t.Fatalf("%d inspectors without a skill or a home unit", n)
		}
		if n := count(t, db, `SELECT count(*) FROM bodies b WHERE NOT EXISTS
			(SELECT 1 FROM inspectors i WHERE i.body_id = b.id AND i.can_lead)`); n != 0 {
			t.Fatalf("%d bodies without anyone who can lead", n)
		}
		leads := count(t, db, `SELECT count(*) FROM inspectors WHERE can_lead`)
		if leads*100 < 25*after1["inspectors"] || leads*100 > 35*after1["inspectors"] {
			t.Fatalf("want about 30%% who can lead, got %d of %d", leads, after1["inspectors"])
		}
		if after1["inspector_leaves"] == 0 || after1["inspector_former_units"] == 0 {
			t.Fatal("want some leave periods and former units")
		}
	})

	t.Run("at least 30 real conflicts of interest", func(t *testing.T) {
		// A spouse, parent, child or sibling with a key post in another real unit.
		n := count(t, db, `SELECT count(DISTINCT (r.inspector_id, r.unit_id)) FROM inspector_relatives r
			JOIN inspectors i ON i.id = r.inspector_id JOIN units u ON u.id = r.unit_id
			WHERE r.relation <> 'parent_in_law' AND r.unit_id <> i.home_unit_id`)
		if n < 30 {
			t.Fatalf("want at least 30 conflicts of interest, got %d", n)
		}
	})

	t.Run("holidays include Tết and the Hùng Kings' day of 2025 to 2027", func(t *testing.T) {
		for y := 2025; y <= 2027; y++ {
			for _, d := range []time.Time{lunar.NewYear(y), lunar.HungKings(y)} {
				if n := count(t, db, `SELECT count(*) FROM holidays WHERE date = ? AND kind = 'holiday'`, models.DateOf(d)); n != 1 {
					t.Errorf("%s is not a holiday", d.Format(time.DateOnly))
				}
			}
		}
		for _, d := range []string{"2025-01-29", "2026-02-17", "2027-02-06", "2025-04-07", "2026-04-26", "2027-04-16"} {
			if n := count(t, db, `SELECT count(*) FROM holidays WHERE date = ?`, d); n != 1 {
				t.Errorf("%s missing", d)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM holidays WHERE kind = 'working_saturday' AND date IN ('2025-04-26', '2026-01-10', '2026-08-22')`); n != 3 {
			t.Errorf("want the 3 compensatory working Saturdays of 2025–2026, got %d", n)
		}
	})

	t.Run("demo users are found by e-mail with their role", func(t *testing.T) {
		tests := []struct {
			email    string
			role     models.Role
			unit     string
			position models.UnitPosition
		}{
			{"admin@khung.vn", models.RoleAdmin, "", models.PositionOffice},
			{"planner@khung.vn", models.RolePlanner, "", models.PositionOffice},
			{"approver@khung.vn", models.RoleApprover, "", models.PositionLeadership},
			{"inspector@khung.vn", models.RoleInspector, "", models.PositionOffice},
			{"unit@khung.vn", models.RoleUnit, "001", models.PositionOffice},
			{"unit.head@khung.vn", models.RoleUnit, "001", models.PositionHead},
			{"phucxa@khung.vn", models.RoleUnit, "00001", models.PositionOffice},
			{"viewer@khung.vn", models.RoleViewer, "", models.PositionOffice},
		}
		for _, tt := range tests {
			var u models.User
			if err := db.Where("email = ?", strings.ToUpper(tt.email)).First(&u).Error; err != nil {
				t.Fatalf("%s: %v", tt.email, err)
			}
			var unitCode string
			if u.UnitID != nil {
				db.Raw(`SELECT code FROM units WHERE id = ?`, *u.UnitID).Scan(&unitCode)
			}
			if u.Role != tt.role || unitCode != tt.unit || u.UnitPosition != tt.position || !u.Active {
				t.Errorf("%s: role %s unit %q position %s active %v", tt.email, u.Role, unitCode, u.UnitPosition, u.Active)
			}
			// bcrypt is slow on purpose: check two logins, not all.
			if (tt.role == models.RoleAdmin || tt.role == models.RoleUnit && tt.position == models.PositionOffice && tt.unit == "001") &&
				!auth.CheckPassword(u.PasswordHash, seed.DemoPassword) {
				t.Errorf("%s: the demo password does not match", tt.email)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM users u JOIN inspectors i ON i.id = u.inspector_id
			WHERE u.email = 'inspector@khung.vn' AND i.code = ? AND i.full_name = u.full_name AND i.can_lead`, seed.DemoInspectorCode); n != 1 {
			t.Fatal("inspector@khung.vn is not linked to its inspector profile")
		}
	})
}

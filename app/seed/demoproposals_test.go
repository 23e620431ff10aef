package seed_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/proposals"
	"khung/app/seed"
	"khung/models"
	"khung/models/dbtest"
)

// demoCity loads the demo city (seed --demo) as on 23 November 2026 and
// returns the database and the demo planner.
func demoCity(t testing.TB) (*gorm.DB, authz.Actor) {
	t.Helper()
	db := dbtest.Gorm(t)
	if _, err := seed.Demo(context.Background(), db, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	var u models.User
	if err := db.Where("email = ?", "planner@khung.vn").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return db, authz.Actor{UserID: u.ID, Role: models.RolePlanner}
}

func sheetRows(t *testing.T, file []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Đề xuất")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTheDemoFileHoldsAboutSixteenHundredProposalsForAboutSixHundredVisits(t *testing.T) {
	t.Parallel()
	db, planner := demoCity(t)
	ctx := context.Background()
	const year = 2027
	file, err := seed.DemoProposalsFile(ctx, db, year)
	if err != nil {
		t.Fatal(err)
	}
	again, err := seed.DemoProposalsFile(ctx, db, year)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sheetRows(t, file), sheetRows(t, again)); diff != "" {
		t.Fatalf("the demo file is not deterministic:\n%.2000s", diff)
	}

	start := time.Now()
	res, err := proposals.New(db).Import(ctx, planner, year, proposals.Upload{Name: seed.DemoProposalsFileName(year), Size: int64(len(file)), Body: bytes.NewReader(file)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d demo proposals in %v", res.Added, time.Since(start))

	one := func(sql string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(sql, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	total := one(`SELECT count(*) FROM proposals WHERE year = ? AND status = 'submitted'`, year)
	unplanned := one(`SELECT count(*) FROM proposals WHERE year = ? AND form <> 'planned'`, year)
	plannedUnits := one(`SELECT count(DISTINCT unit_id) FROM proposals WHERE year = ? AND form = 'planned'`, year)
	visits := plannedUnits + unplanned // planner-spec §2
	city := one(`SELECT count(*) FROM proposals p JOIN bodies b ON b.id = p.body_id WHERE b.code = 'city-team'`)
	cityForm := func(form string) int64 {
		return one(`SELECT count(*) FROM proposals p JOIN bodies b ON b.id = p.body_id
			WHERE b.code = 'city-team' AND p.form = ?`, form)
	}
	// The inspectorate of the year: Thanh tra Thành phố since the departmental inspectorates ended (30/06/2025).
	inspectorate := one(`SELECT count(*) FROM proposals p JOIN bodies b ON b.id = p.body_id WHERE b.kind = 'inspectorate'`)
	strayDistricts := one(`SELECT count(*) FROM proposals p JOIN bodies b ON b.id = p.body_id JOIN units u ON u.id = p.unit_id
		JOIN units office ON office.id = b.unit_id
		WHERE b.kind = 'district_internal' AND (u.kind <> 'commune' OR u.parent_id <> office.parent_id)`)
	showcase := func(form string) int64 {
		return one(`SELECT count(*) FROM proposals p JOIN units u ON u.id = p.unit_id WHERE u.code = '00001' AND p.form = ?`, form)
	}
	multi := one(`SELECT count(*) FROM (SELECT unit_id FROM proposals WHERE form = 'planned'
		GROUP BY unit_id HAVING count(DISTINCT body_id) > 1) j`)
	t.Logf("%d proposals, %d unplanned, %d visits (%d units with several bodies), city team %d, inspectorate %d",
		total, unplanned, visits, multi, city, inspectorate)

	for _, c := range []struct {
		what     string
		got      int64
		from, to int64
	}{
		{"proposals", total, 1550, 1650},
		{"proposals imported", int64(res.Added), total, total},
		{"unannounced and verification (about 3 %)", unplanned, 32, 64},
		{"visits after merging", visits, 550, 650},
		{"joint visits of several bodies", multi, 100, 400},
		{"city team proposals", city, 35, 45},
		{"city team unannounced visits (3 in 2023)", cityForm("unannounced"), 3, 3},
		{"city team verifications (6 in 2023)", cityForm("verification"), 6, 6},
		{"inspectorate proposals, more than the city team's", inspectorate, city + 1, 1000},
		{"district proposals outside their own communes", strayDistricts, 0, 0},
		{"planned proposals for Phường Phúc Xá (the demo commune login)", showcase("planned"), 1, 10},
		{"unannounced proposals for Phường Phúc Xá", showcase("unannounced"), 1, 1},
	} {
		if c.got < c.from || c.got > c.to {
			t.Errorf("%s: %d, want %d–%d", c.what, c.got, c.from, c.to)
		}
	}

	t.Run("importing it twice is refused as a duplicate, adding nothing", func(t *testing.T) {
		_, err := seed.ImportDemoProposals(ctx, db, year, planner)
		var ie *proposals.ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != int(total) {
			t.Fatalf("want every row refused as a duplicate, got %v", err)
		}
		if n := one(`SELECT count(*) FROM proposals`); n != total {
			t.Fatalf("%d proposals after the second import, want %d", n, total)
		}
	})
}

// BenchmarkImportDemo measures importing the demo city's ≈1,600 proposals
// (parse, check, batch insert, one transaction); the database is emptied
// between iterations outside the timer.
func BenchmarkImportDemo(b *testing.B) {
	db, planner := demoCity(b)
	ctx := context.Background()
	file, err := seed.DemoProposalsFile(ctx, db, 2027)
	if err != nil {
		b.Fatal(err)
	}
	svc := proposals.New(db)
	for b.Loop() {
		b.StopTimer()
		if err := db.Exec(`DELETE FROM proposals`).Error; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := svc.Import(ctx, planner, 2027, proposals.Upload{Name: "demo.xlsx", Size: int64(len(file)), Body: bytes.NewReader(file)})
		if err != nil || res.Added < 1500 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

package units_test

import (
	"context"
	"testing"

	"khung/app/authz"
	"khung/app/paging"
	"khung/app/seed"
	"khung/app/units"
	"khung/models"
	"khung/models/dbtest"
)

func dayPtr(s string) *models.Date { d := models.MustParseDate(s); return &d }

func TestSearchFindsAUnitByItsFormerName(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	if _, err := seed.ImportProvince(ctx, db, "01"); err != nil {
		t.Fatal(err)
	}
	svc := units.New(db)
	// formerly maps each unit found to the earlier units it was found through.
	search := func(t *testing.T, q units.Query) (first string, formerly map[string]string) {
		t.Helper()
		q.Page = paging.Page{Size: 100}
		res, err := svc.Search(ctx, admin, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) == 0 {
			t.Fatalf("%+v found nothing", q)
		}
		formerly = map[string]string{}
		for _, n := range res.Items {
			formerly[n.Name] = n.Formerly
		}
		return res.Items[0].Name, formerly
	}
	for _, q := range []string{"Phúc Xá", "phuc xa", "PHÚC XÁ"} {
		t.Run(q, func(t *testing.T) {
			first, formerly := search(t, units.Query{Q: q})
			if first != "Phường Phúc Xá" || formerly["Phường Phúc Xá"] != "" {
				t.Errorf("first hit %q, marked %q; want the ward itself, unmarked", first, formerly["Phường Phúc Xá"])
			}
			if got, ok := formerly["Phường Hồng Hà"]; !ok || got != "Phường Phúc Xá" {
				t.Errorf("Phường Hồng Hà: found %v, marked %q; want it marked as Phúc Xá's successor", ok, got)
			}
		})
	}
	t.Run("in force today, only the successor", func(t *testing.T) {
		first, formerly := search(t, units.Query{Q: "Phúc Xá", On: dayPtr("2026-03-02")})
		if _, ok := formerly["Phường Phúc Xá"]; ok {
			t.Error("Phường Phúc Xá ended on 30/06/2025 but was offered")
		}
		if first != "Phường Hồng Hà" || formerly["Phường Hồng Hà"] != "Phường Phúc Xá" {
			t.Errorf("first hit %q (%v); want Phường Hồng Hà marked as Phúc Xá's successor", first, formerly)
		}
	})
	t.Run("a unit found by its own name is not marked", func(t *testing.T) {
		first, formerly := search(t, units.Query{Q: "Hồng Hà", On: dayPtr("2026-03-02")})
		if first != "Phường Hồng Hà" || formerly[first] != "" {
			t.Errorf("first hit %q marked %q", first, formerly[first])
		}
	})
	t.Run("an unrelated unit is not found through history", func(t *testing.T) {
		_, formerly := search(t, units.Query{Q: "Phúc Xá", On: dayPtr("2026-03-02")})
		if _, ok := formerly["Phường Ba Đình"]; ok {
			t.Error("Phường Ba Đình found by Phúc Xá's name")
		}
	})
}

func TestThePickerOffersOnlyUnitsInForceOnTheDay(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	if _, err := seed.ImportProvince(ctx, db, "01"); err != nil {
		t.Fatal(err)
	}
	svc := units.New(db)
	tests := []struct {
		on                  *models.Date
		communes, districts int64
	}{
		{dayPtr("2025-06-30"), 526, 30},
		{dayPtr("2025-07-01"), 126, 0},
		{dayPtr("2027-01-01"), 126, 0},
		{nil, 526 + 126, 30}, // no day: every unit, for history
	}
	for _, tt := range tests {
		for kind, want := range map[models.UnitKind]int64{models.UnitCommune: tt.communes, models.UnitDistrict: tt.districts} {
			res, err := svc.Search(ctx, admin, units.Query{Kind: kind, On: tt.on, Page: paging.Page{Size: 1000}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != want {
				t.Errorf("%v, %s: %d in force, want %d", tt.on, kind, res.Total, want)
			}
			for _, n := range res.Items {
				if tt.on != nil && !n.InForce(*tt.on) {
					t.Errorf("%v: offered %s (%v–%v)", tt.on, n.Name, n.ValidFrom, n.ValidTo)
				}
			}
		}
	}
}

func TestHistoryNamesFormerAndLaterUnits(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	if _, err := seed.ImportProvince(ctx, db, "01"); err != nil {
		t.Fatal(err)
	}
	svc := units.New(db)
	phucXa, err := svc.GetByCode(ctx, admin, "00001")
	if err != nil {
		t.Fatal(err)
	}
	h, err := svc.History(ctx, admin, phucXa.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Formerly) != 0 || len(h.Became) != 1 || h.Became[0].Name != "Phường Hồng Hà" || h.Became[0].How != "whole" ||
		h.Became[0].EffectiveOn != models.MustParseDate("2025-07-01") {
		t.Fatalf("Phúc Xá: %+v", h)
	}
	hongHa, err := svc.GetByCode(ctx, admin, "00097-2025")
	if err != nil {
		t.Fatal(err)
	}
	h, err = svc.History(ctx, admin, hongHa.ID)
	if err != nil {
		t.Fatal(err)
	}
	hows := map[string]string{}
	for _, l := range h.Formerly {
		hows[l.Name] = l.How
	}
	if len(h.Became) != 0 || len(h.Formerly) != 12 || hows["Phường Phúc Xá"] != "whole" || hows["Phường Tứ Liên"] != "part" {
		t.Fatalf("Hồng Hà: %d former units %v, became %v", len(h.Formerly), hows, h.Became)
	}
	// A unit user of Ba Đình reads Phúc Xá's history, not Hồng Hà's (outside its tree).
	baDinh, err := svc.GetByCode(ctx, admin, "001")
	if err != nil {
		t.Fatal(err)
	}
	user := unitUserOf(baDinh.Unit)
	if _, err := svc.History(ctx, user, phucXa.ID); err != nil {
		t.Fatalf("Ba Đình's user: %v", err)
	}
	if _, err := svc.History(ctx, user, hongHa.ID); err == nil {
		t.Fatal("Ba Đình's user read the history of a unit outside its tree")
	}
}

func unitUserOf(u models.Unit) authz.Actor {
	return authz.Actor{UserID: 2, Role: models.RoleUnit, UnitID: u.ID, UnitPath: u.Path}
}

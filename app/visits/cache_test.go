package visits_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"khung/app/authz"
	"khung/app/changes/changestest"
	"khung/app/paging"
	"khung/app/viewcache"
	"khung/app/visits"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
)

// cachedList is the JSON channel's use of the cache: one page of the list,
// remembered per class, day and query.
func cachedList(t *testing.T, svc *visits.Service, a authz.Actor, today models.Date) []string {
	t.Helper()
	ctx := context.Background()
	view, err := svc.View(ctx, a, today)
	if err != nil {
		t.Fatal(err)
	}
	got, err := viewcache.Remember(ctx, view, "list|"+visits.QueryKey(visits.Filter{Year: visitstest.Year}, paging.Page{}),
		func(ctx context.Context, a authz.Actor, today models.Date) ([]string, int, error) {
			page, err := svc.List(ctx, a, today, visits.Filter{Year: visitstest.Year}, paging.Page{})
			if err != nil {
				return nil, 0, err
			}
			var out []string
			for _, v := range page.Items {
				out = append(out, v.Code+" "+v.Unit.Name)
			}
			return out, 100 * len(out), nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTheCachedCalendarNeverCrossesAVisibilityBoundaryAndFollowsChanges(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	l := changestest.Start(t, db)
	svc := visits.New(db, l)
	unit := func(userID int64, u models.Unit) authz.Actor {
		return authz.Actor{UserID: userID, Role: models.RoleUnit, UnitID: u.ID, UnitPath: u.Path}
	}
	communeA, communeA2, districtB := unit(1, w.CommuneA), unit(2, w.CommuneA), unit(3, w.DistrictB)

	// Two units never share an answer, whoever asks first.
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá"}, cachedList(t, svc, communeA, dayBefore)); diff != "" {
		t.Errorf("commune A (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"v-00005 Phường Phúc Tân"}, cachedList(t, svc, districtB, dayBefore)); diff != "" {
		t.Errorf("district B after commune A (-want +got):\n%s", diff)
	}
	// Positive control: two users of one unit do share it (the second is a hit).
	hits := svc.CacheStats().Hits
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá"}, cachedList(t, svc, communeA2, dayBefore)); diff != "" {
		t.Errorf("another user of commune A (-want +got):\n%s", diff)
	}
	if svc.CacheStats().Hits != hits+1 {
		t.Errorf("the second user of commune A was not served from the cache: %+v", svc.CacheStats())
	}

	// The unannounced visit appears exactly on its start date, the cache notwithstanding.
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá", "v-00002 Phường Phúc Xá"}, cachedList(t, svc, communeA, dayOf)); diff != "" {
		t.Errorf("commune A on the unannounced visit's first day (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá"}, cachedList(t, svc, communeA2, dayBefore)); diff != "" {
		t.Errorf("commune A the day before, asked again (-want +got):\n%s", diff)
	}

	// A change is seen at once: the unit renamed, the visit cancelled.
	dbtest.MustExec(t, db, "UPDATE units SET name = 'Phường Phúc Xá mới' WHERE id = ?", w.CommuneA.ID)
	changestest.Settle(t, l) // as the request that wrote does
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá mới", "v-00002 Phường Phúc Xá mới"}, cachedList(t, svc, communeA2, dayOf)); diff != "" {
		t.Errorf("after the rename (-want +got):\n%s", diff)
	}
	dbtest.MustExec(t, db, "UPDATE visits SET status = 'cancelled' WHERE id = ?", w.Planned.ID)
	changestest.Settle(t, l)
	if diff := cmp.Diff([]string{"v-00002 Phường Phúc Xá mới"}, cachedList(t, svc, communeA, dayOf)); diff != "" {
		t.Errorf("after the cancellation (-want +got):\n%s", diff)
	}
}

// cachedFiltered is cachedList narrowed to one unit, as the list page's unit
// filter asks it.
func cachedFiltered(t *testing.T, svc *visits.Service, a authz.Actor, today models.Date, unitID int64) []string {
	t.Helper()
	ctx := context.Background()
	f := visits.Filter{Year: visitstest.Year, UnitID: unitID}
	view, err := svc.View(ctx, a, today)
	if err != nil {
		t.Fatal(err)
	}
	got, err := viewcache.Remember(ctx, view, "list|"+visits.QueryKey(f, paging.Page{}),
		func(ctx context.Context, a authz.Actor, today models.Date) ([]string, int, error) {
			page, err := svc.List(ctx, a, today, f, paging.Page{})
			if err != nil {
				return nil, 0, err
			}
			var out []string
			for _, v := range page.Items {
				out = append(out, v.Code)
			}
			return out, 100 * len(out), nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAListNarrowedToAUnitHoldsTheVisitsToTheUnitsItWasFormedFrom(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	svc := visits.New(db, changestest.Start(t, db))
	// Phường Hồng Hà, formed on 01/07/2025 from Phúc Xá (commune A): the
	// link is written after a first answer was cached.
	hongHa := models.Unit{Code: "00004", Name: "Phường Hồng Hà", Kind: models.UnitCommune, TypeLabel: "Phường",
		AreaCode: w.City.Code, ParentID: &w.City.ID, Path: models.UnitPath(w.City.Path, "00004")}
	if err := db.Create(&hongHa).Error; err != nil {
		t.Fatal(err)
	}
	office := authz.Actor{UserID: 9, Role: models.RoleUnit, UnitID: hongHa.ID, UnitPath: hongHa.Path}
	planner := authz.Actor{UserID: 1, Role: models.RolePlanner}

	if got := cachedFiltered(t, svc, office, dayBefore, hongHa.ID); len(got) != 0 {
		t.Fatalf("before the link Hồng Hà's list holds %v", got)
	}
	if got := cachedFiltered(t, svc, planner, dayBefore, hongHa.ID); len(got) != 0 {
		t.Fatalf("before the link the planner's list of Hồng Hà holds %v", got)
	}
	if err := db.Create(&models.UnitSuccession{PredecessorID: w.CommuneA.ID, SuccessorID: hongHa.ID, How: "whole",
		EffectiveOn: models.NewDate(2025, 7, 1)}).Error; err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		actor  authz.Actor
		unitID int64
		want   []string
	}{
		{"the office, narrowed to its own unit, as unfiltered", office, hongHa.ID, []string{"v-00001"}},
		{"the planner, narrowed to the successor", planner, hongHa.ID, []string{"v-00001", "v-00002"}},
		{"the planner, narrowed to the old ward: its own visits only", planner, w.CommuneA.ID, []string{"v-00001", "v-00002"}},
		{"the planner, narrowed to another district: nothing of Phúc Xá", planner, w.DistrictB.ID, []string{"v-00005"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cachedFiltered(t, svc, tt.actor, dayBefore, tt.unitID)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// The office's unfiltered list agrees with its filtered one.
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá"}, cachedList(t, svc, office, dayBefore)); diff != "" {
		t.Errorf("unfiltered (-want +got):\n%s", diff)
	}
}

package visits_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"khung/app/authz"
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
	svc := visits.New(db)
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
	if diff := cmp.Diff([]string{"v-00001 Phường Phúc Xá mới", "v-00002 Phường Phúc Xá mới"}, cachedList(t, svc, communeA2, dayOf)); diff != "" {
		t.Errorf("after the rename (-want +got):\n%s", diff)
	}
	dbtest.MustExec(t, db, "UPDATE visits SET status = 'cancelled' WHERE id = ?", w.Planned.ID)
	if diff := cmp.Diff([]string{"v-00002 Phường Phúc Xá mới"}, cachedList(t, svc, communeA, dayOf)); diff != "" {
		t.Errorf("after the cancellation (-want +got):\n%s", diff)
	}
}

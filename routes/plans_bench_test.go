package routes

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"

	"khung/app/authz"
	"khung/app/seed"
	"khung/models"
	"khung/routes/webtest"
)

// BenchmarkBuildPlanFromPage is the planner's "Lập kế hoạch" on the demo city
// end to end over HTTP: post the build form (load ≈1,600 proposals, solve,
// save the draft with its visits and teams), follow the redirect and render
// the version page. Each iteration rebuilds the draft in place.
//
//	scripts/with-db.sh test -- go test ./routes/ -run '^$' -bench BuildPlanFromPage -benchtime 5x
func BenchmarkBuildPlanFromPage(b *testing.B) {
	srv := webtest.Start(b, func(d webtest.AppDeps) *fiber.App {
		return newApp(d)
	})
	ctx := context.Background()
	if _, err := seed.Demo(ctx, srv.DB, seed.Options{Now: srv.Clock.Now()}); err != nil {
		b.Fatal(err)
	}
	var planner models.User
	if err := srv.DB.Where("email = ?", "planner@khung.vn").Take(&planner).Error; err != nil {
		b.Fatal(err)
	}
	n, err := seed.ImportDemoProposals(ctx, srv.DB, 2027, authz.Actor{UserID: planner.ID, Role: planner.Role})
	if err != nil {
		b.Fatal(err)
	}
	c := srv.NewClient(b)
	c.Login(webtest.User{Email: planner.Email, Password: seed.DemoPassword})
	for b.Loop() {
		r := c.PostForm("/plans/2027/build", url.Values{})
		if r.Status != http.StatusSeeOther {
			b.Fatalf("build: %d %.300s", r.Status, r.Body)
		}
		if page := c.Get(r.Header.Get("Location")); page.Status != http.StatusOK {
			b.Fatalf("version page: %d", page.Status)
		}
	}
	b.ReportMetric(float64(n), "proposals")
}

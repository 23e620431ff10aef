package routes

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"khung/app"
	"khung/app/seed"
	"khung/app/seed/live"
	"khung/routes/webtest"
)

// TestBrowserEveryDemoLoginOpensOnRealWork loads the demo city as `seed
// --demo` does (the city, today's units, the history up to the server's
// today) and logs in as every demo login: the first page, in Vietnamese, shows
// that login's real work, never an empty page (KHUNG_SHOTS saves each at
// 1440×900).
func TestBrowserEveryDemoLoginOpensOnRealWork(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	now := srv.Clock.Now().In(srv.Config.TimeZone)
	if _, err := seed.Demo(ctx, srv.DB, seed.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Today(ctx, srv.DB, seed.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Load(ctx, app.Deps{Config: srv.Config, DB: srv.DB}, now); err != nil {
		t.Fatal(err)
	}
	year := now.Year()
	for _, c := range []struct {
		email string
		work  string   // the page of its work, one click from the first
		want  []string // words of that page
	}{
		{"planner@khung.vn", fmt.Sprintf("/plans/%d", year+1), []string{fmt.Sprint(year + 1), "Đã trình duyệt"}},
		{"approver@khung.vn", fmt.Sprintf("/plans/%d", year+1), []string{fmt.Sprint(year + 1), "Đã trình duyệt"}},
		{"inspector@khung.vn", "/my-visits", []string{"Cơ quan chủ trì: Đoàn kiểm tra công vụ Thành phố", "Trưởng đoàn", "Sắp tới", "Đang theo dõi thực hiện kết luận"}},
		{"hongha@khung.vn", "/recommendations", []string{"Phường Hồng Hà", "Bị trả lại", "Đã hoàn thành", "Quá hạn"}},
		{"sotuphap@khung.vn", "/recommendations", []string{"Sở Tư pháp", "Bị trả lại", "Đã hoàn thành", "Quá hạn"}},
		{"unit@khung.vn", "/recommendations", []string{"Quận Ba Đình", "Phường Phúc Xá"}},
		{"phucxa@khung.vn", "/recommendations", []string{"Phường Phúc Xá"}},
		{"viewer@khung.vn", "/plans", []string{fmt.Sprint(year)}},
		{"admin@khung.vn", "/admin/bodies", []string{"Thanh tra Thành phố Hà Nội", "đến 30/06/2025", "Đã kết thúc"}},
	} {
		t.Run(c.email, func(t *testing.T) {
			p := browser.Page(t, srv)
			p.Rod().MustSetViewport(1440, 900, 1, false)
			p.LoginAs(webtest.User{Email: c.email, Password: seed.DemoPassword})
			name := strings.Split(c.email, "@")[0]
			p.Shot("demo-" + name)
			p.Open(c.work)
			p.Shot("demo-" + name + "-work")
			text := p.BodyText()
			if p.Has("[data-test=filters]") { // the words of the list, not of its filter's options
				text = strings.Replace(text, p.Text("[data-test=filters]"), "", 1)
			}
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q: %.1500s", c.work, w, text)
				}
			}
			t.Logf("%s %s:\n%.3000s", c.email, c.work, text)
		})
	}
}

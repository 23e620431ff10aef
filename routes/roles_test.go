package routes

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"khung/models"
	"khung/routes/webtest"
)

// TestEachRoleReachesWhatItShould is the access table of the web core's URLs
// (the admin area has its own table in the admin tests): the status each role
// gets, and the home page that fits it.
func TestEachRoleReachesWhatItShould(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	district := srv.CreateUnit(t, 0, "Quận Hoàn Kiếm")

	type want struct {
		path   string
		json   bool
		status int
	}
	loggedIn := []want{
		{"/", false, 200},
		{"/account/password", false, 200},
		{"/account/tokens", false, 200},
		{"/login", false, 303},
		{"/api/v1/me", true, 200},
		{"/api/v1/me/tokens", true, 200},
		{"/healthz", false, 200},
	}
	anonymous := []want{
		{"/", false, 303},
		{"/account/password", false, 303},
		{"/account/tokens", false, 303},
		{"/login", false, 200},
		{"/api/v1/me", true, 401},
		{"/api/v1/me/tokens", true, 401},
		{"/healthz", false, 200},
	}
	homeHeading := map[models.Role]string{
		models.RoleAdmin:     "Quản trị hệ thống",
		models.RolePlanner:   "Kế hoạch khung",
		models.RoleApprover:  "Phê duyệt kế hoạch khung",
		models.RoleInspector: "Chuyến kiểm tra của tôi",
		models.RoleUnit:      "Đơn vị của tôi",
		models.RoleViewer:    "Thống kê",
	}

	check := func(t *testing.T, c *webtest.Client, table []want) {
		for _, w := range table {
			var r webtest.Response
			if w.json {
				r = c.GetJSON(w.path)
			} else {
				r = c.Get(w.path)
			}
			if r.Status != w.status {
				t.Errorf("GET %s: %d, want %d", w.path, r.Status, w.status)
			}
		}
	}
	t.Run("anonymous", func(t *testing.T) { check(t, srv.NewClient(t), anonymous) })
	for _, role := range models.Roles() {
		t.Run(string(role), func(t *testing.T) {
			var opts []webtest.UserOption
			if role == models.RoleUnit {
				opts = append(opts, webtest.InUnit(district.ID))
			}
			u := srv.CreateUser(t, role, opts...)
			c := srv.NewClient(t)
			c.Login(u)
			check(t, c, loggedIn)

			home := c.Get("/").Body
			h1 := fmt.Sprintf("<h1>%s</h1>", homeHeading[role])
			if !strings.Contains(home, h1) {
				t.Errorf("home of %s lacks %s", role, h1)
			}
			for other, heading := range homeHeading {
				if other != role && heading != homeHeading[role] && strings.Contains(home, fmt.Sprintf("<h1>%s</h1>", heading)) {
					t.Errorf("home of %s shows the heading of %s", role, other)
				}
			}
			if role == models.RoleUnit && !strings.Contains(home, "Đơn vị: Quận Hoàn Kiếm") {
				t.Error("the unit's home must name its unit")
			}
			if !strings.Contains(home, `data-test="user-name">`+u.FullName) {
				t.Error("the header must show the user's name")
			}
			if r := c.Do(http.MethodGet, "/api/v1/me", nil, nil); !strings.Contains(r.Body, `"role":"`+string(role)+`"`) {
				t.Errorf("/api/v1/me: %s", r.Body)
			}
		})
	}
}

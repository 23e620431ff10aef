package routes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"khung/app"
	"khung/app/changes"
	"khung/app/changes/changestest"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// The caches of identities and calendars (app/changes, app/auth cache.go,
// app/viewcache) against two replicas of the app on one database.

// startReplicas runs two apps on one fresh database, both listening.
func startReplicas(t *testing.T) (a, b *webtest.Server, appA, appB *app.App) {
	t.Helper()
	build := func(dst **app.App) func(webtest.AppDeps) *fiber.App {
		return func(d webtest.AppDeps) *fiber.App {
			*dst = newCore(d)
			return New(*dst)
		}
	}
	a = webtest.Start(t, build(&appA))
	b = a.Replica(t, build(&appB))
	changestest.WaitLive(t, appA.Changes)
	changestest.WaitLive(t, appB.Changes)
	return a, b, appA, appB
}

// statusWith is the status of GET path on srv with only the session cookie
// session (as a proxy sends a browser's request to either replica), or the
// bearer token when session starts with "khung_".
func statusWith(t *testing.T, srv *webtest.Server, path, session string) int {
	t.Helper()
	h := map[string]string{"Accept": "application/json", "Cookie": sessionCookie + "=" + session}
	if strings.HasPrefix(session, "khung_") {
		h = map[string]string{"Accept": "application/json", "Authorization": "Bearer " + session}
	}
	return srv.NewClient(t).Do(http.MethodGet, path, nil, h).Status
}

// quietly runs statement on table with its triggers off, in one transaction
// (nobody else sees them off): a change nobody is told of, the positive
// control of the tests below.
func quietly(t *testing.T, db *gorm.DB, table, statement string, args ...any) {
	t.Helper()
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("ALTER TABLE " + table + " DISABLE TRIGGER USER").Error; err != nil {
			return err
		}
		if err := tx.Exec(statement, args...).Error; err != nil {
			return err
		}
		return tx.Exec("ALTER TABLE " + table + " ENABLE TRIGGER USER").Error
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAKeptSessionIsRefusedOnTheNextRequestOnceEndedOnEitherReplica(t *testing.T) {
	a, b, _, _ := startReplicas(t)
	const me = "/api/v1/me"
	// loginOn opens a session on srv and has both replicas keep it.
	loginOn := func(t *testing.T, srv *webtest.Server, u webtest.User) (*webtest.Client, string) {
		t.Helper()
		c := srv.NewClient(t)
		c.Login(u)
		k := c.Cookie(sessionCookie)
		for range 2 {
			if sa, sb := statusWith(t, a, me, k), statusWith(t, b, me, k); sa != 200 || sb != 200 {
				t.Fatalf("a fresh session: %d on A, %d on B", sa, sb)
			}
		}
		return c, k
	}
	admin := a.CreateUser(t, models.RoleAdmin)
	adminToken := a.CreateToken(t, admin)

	tests := []struct {
		name string
		end  func(t *testing.T, u webtest.User, c *webtest.Client) // c: the session's own client, on A
		// also: a session of u opened on B before end
	}{
		{"logged out on A", func(t *testing.T, _ webtest.User, c *webtest.Client) {
			if r := c.PostForm("/logout", url.Values{}); r.Status != http.StatusSeeOther {
				t.Fatalf("logout: %d", r.Status)
			}
		}},
		{"password changed on B", func(t *testing.T, u webtest.User, _ *webtest.Client) {
			cb := b.NewClient(t)
			cb.Login(u)
			r := cb.PostForm("/account/password", url.Values{"current_password": {u.Password},
				"new_password": {"Mật-khẩu-mới-2026"}, "confirm_password": {"Mật-khẩu-mới-2026"}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("change password on B: %d %.300s", r.Status, r.Body)
			}
		}},
		{"deactivated by the administrator on B", func(t *testing.T, u webtest.User, _ *webtest.Client) {
			cb := b.NewClient(t)
			cb.Token = adminToken
			if r := cb.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/users/%d/deactivate", u.ID), "{}"); r.Status != http.StatusOK {
				t.Fatalf("deactivate on B: %d %.300s", r.Status, r.Body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := a.CreateUser(t, models.RolePlanner)
			c, k := loginOn(t, a, u)
			tt.end(t, u, c)
			if sa, sb := statusWith(t, a, me, k), statusWith(t, b, me, k); sa != 401 || sb != 401 {
				t.Errorf("the ended session's next request: %d on A, %d on B; want 401 on both", sa, sb)
			}
		})
	}

	t.Run("a token revoked on B", func(t *testing.T) {
		u := a.CreateUser(t, models.RolePlanner)
		token := a.CreateToken(t, u)
		for range 2 {
			if s := statusWith(t, a, me, token); s != 200 {
				t.Fatalf("the token on A: %d", s)
			}
		}
		cb := b.NewClient(t)
		cb.Login(u)
		var id int64
		if err := a.DB.Raw("SELECT id FROM api_tokens WHERE user_id = ?", u.ID).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		if r := cb.PostForm(fmt.Sprintf("/account/tokens/%d/revoke", id), url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke on B: %d %.300s", r.Status, r.Body)
		}
		if s := statusWith(t, a, me, token); s != 401 {
			t.Errorf("the revoked token's next request on A: %d, want 401", s)
		}
	})

	// Positive control: a session ended behind the triggers' back is still
	// served from memory, so what refuses the sessions above is the
	// notification, not a query; the next told change drops it.
	t.Run("positive control", func(t *testing.T) {
		u := a.CreateUser(t, models.RolePlanner)
		_, k := loginOn(t, a, u)
		quietly(t, a.DB, "sessions", "DELETE FROM sessions WHERE user_id = ?", u.ID)
		if sa, sb := statusWith(t, a, me, k), statusWith(t, b, me, k); sa != 200 || sb != 200 {
			t.Fatalf("a session deleted quietly: %d on A, %d on B; want 200 (kept)", sa, sb)
		}
		toldExec(t, a.DB, "DELETE FROM sessions WHERE false") // told, though nothing changed
		if sa, sb := statusWith(t, a, me, k), statusWith(t, b, me, k); sa != 401 || sb != 401 {
			t.Errorf("after a notification: %d on A, %d on B; want 401", sa, sb)
		}
	})
}

// toldExec runs statement and waits a moment for the notification it sends to
// reach both replicas (a write that no request of theirs made: nothing
// fences it).
func toldExec(t *testing.T, db *gorm.DB, statement string) {
	t.Helper()
	if err := db.Exec(statement).Error; err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
}

func TestAKeptSessionEndsAtItsMaximumAgeWithoutBeingTold(t *testing.T) {
	srv := startServer(t)
	u := srv.CreateUser(t, models.RolePlanner)
	c := srv.NewClient(t)
	c.Login(u)
	k := c.Cookie(sessionCookie)
	maxAge, idle := srv.Config.SessionMaxAge, srv.Config.SessionTTL
	// Keep it in use (within the idle lifetime) up to half a minute before
	// its maximum age; that request reads and keeps it.
	for left := maxAge - 30*time.Second; left > 0; left -= min(left, idle/2) {
		srv.Clock.Advance(min(left, idle/2))
		if s := statusWith(t, srv, "/api/v1/me", k); s != 200 {
			t.Fatalf("%s before the maximum age: %d", left, s)
		}
	}
	srv.Clock.Advance(20 * time.Second)
	if s := statusWith(t, srv, "/api/v1/me", k); s != 200 {
		t.Fatalf("10 s before the maximum age: %d, want 200 (positive control)", s)
	}
	srv.Clock.Advance(20 * time.Second) // past the maximum age, 20 s after the kept row was read
	if s := statusWith(t, srv, "/api/v1/me", k); s != 401 {
		t.Errorf("10 s after the maximum age: %d, want 401", s)
	}
}

// unitNames are the units' names in the calendar JSON of a unit user.
func unitNames(t *testing.T, srv *webtest.Server, session string) []string {
	t.Helper()
	r := srv.NewClient(t).Do(http.MethodGet, fmt.Sprintf("/api/v1/visits?year=%d", visitstest.Year), nil,
		map[string]string{"Accept": "application/json", "Cookie": sessionCookie + "=" + session})
	if r.Status != 200 {
		t.Fatalf("calendar JSON: %d %.300s", r.Status, r.Body)
	}
	var res struct {
		Items []struct {
			Unit struct{ Name string } `json:"unit"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.Body), &res); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range res.Items {
		out = append(out, v.Unit.Name)
	}
	return out
}

func TestACalendarChangeIsOnTheNextRequestOfEitherReplica(t *testing.T) {
	a, b, appA, appB := startReplicas(t)
	w := visitstest.Build(t, a.DB)
	setDay(t, a, visitstest.PlannedStart.AddDays(-30))
	setDay(t, b, visitstest.PlannedStart.AddDays(-30))
	u := a.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c := a.NewClient(t)
	c.Login(u)
	k := c.Cookie(sessionCookie)
	admin := a.CreateUser(t, models.RoleAdmin)
	adminToken := a.CreateToken(t, admin)
	var parent string
	if err := a.DB.Raw("SELECT p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.id = ?", w.CommuneA.ID).Scan(&parent).Error; err != nil {
		t.Fatal(err)
	}
	rename := func(on *webtest.Server, name string) {
		t.Helper()
		cl := on.NewClient(t)
		cl.Token = adminToken
		body := fmt.Sprintf(`{"parent_code":%q,"code":%q,"name":%q,"kind":%q}`, parent, w.CommuneA.Code, name, w.CommuneA.Kind)
		if r := cl.SendJSON(http.MethodPut, fmt.Sprintf("/api/v1/units/%d", w.CommuneA.ID), body); r.Status != 200 {
			t.Fatalf("rename: %d %.300s", r.Status, r.Body)
		}
	}
	want := func(name string) {
		t.Helper()
		for _, srv := range []*webtest.Server{a, b} {
			got := unitNames(t, srv, k)
			if len(got) == 0 || got[0] != name {
				t.Errorf("calendar on %s: %v, want %q", srv.URL, got, name)
			}
		}
	}
	changestest.Settle(t, appA.Changes) // the fixture's changes heard, so the next two
	changestest.Settle(t, appB.Changes) // answers are one miss and one hit on each replica
	want(w.CommuneA.Name)
	hits := appA.Visits.CacheStats().Hits + appB.Visits.CacheStats().Hits
	want(w.CommuneA.Name)
	if got := appA.Visits.CacheStats().Hits + appB.Visits.CacheStats().Hits; got != hits+2 {
		t.Fatalf("the calendar asked again was not kept on both replicas: %d hits, want %d", got, hits+2)
	}
	// Positive control: a rename nobody is told of stays unseen (kept).
	quietly(t, a.DB, "units", "UPDATE units SET name = 'Tên thầm lặng' WHERE id = ?", w.CommuneA.ID)
	want(w.CommuneA.Name)

	rename(a, "Phường Phúc Xá (đổi ở A)")
	want("Phường Phúc Xá (đổi ở A)")
	rename(b, "Phường Phúc Xá (đổi ở B)")
	want("Phường Phúc Xá (đổi ở B)")
}

func TestWhileTheListenerIsDownNothingKeptIsServed(t *testing.T) {
	var core *app.App
	srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App { core = newCore(d); return New(core) })
	changestest.WaitLive(t, core.Changes)
	w := visitstest.Build(t, srv.DB)
	setDay(t, srv, visitstest.PlannedStart.AddDays(-30))
	u := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c := srv.NewClient(t)
	c.Login(u)
	k := c.Cookie(sessionCookie)
	first := func() string {
		t.Helper()
		got := unitNames(t, srv, k)
		if len(got) == 0 {
			t.Fatal("the unit sees no visit")
		}
		return got[0]
	}
	changestest.Settle(t, core.Changes) // the fixture's changes heard
	first()
	first() // kept
	quietly(t, srv.DB, "units", "UPDATE units SET name = 'Tên khi còn nghe' WHERE id = ?", w.CommuneA.ID)
	if got := first(); got != w.CommuneA.Name {
		t.Fatalf("positive control: a quiet rename while listening shows %q, want the kept %q", got, w.CommuneA.Name)
	}

	// The listening connection dies (as when PostgreSQL restarts).
	toldExec(t, srv.DB, fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '%s'", changes.ApplicationName))
	for deadline := time.Now().Add(5 * time.Second); core.Changes.Live(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the listener did not notice its connection was gone")
		}
	}
	quietly(t, srv.DB, "units", "UPDATE units SET name = 'Tên khi không nghe' WHERE id = ?", w.CommuneA.ID)
	if got := first(); got != "Tên khi không nghe" {
		t.Errorf("while not listening the calendar shows %q: a kept answer", got)
	}
	quietly(t, srv.DB, "sessions", "DELETE FROM sessions WHERE user_id = ?", u.ID)
	if s := statusWith(t, srv, "/api/v1/me", k); s != 401 {
		t.Errorf("while not listening a deleted session answers %d, want 401", s)
	}
	if core.Changes.Live() {
		t.Fatal("the listener came back before the checks ended: they proved nothing")
	}

	// Back: what was kept before is dropped, and keeping starts again.
	changestest.WaitLive(t, core.Changes)
	c.Login(u)
	k = c.Cookie(sessionCookie)
	quietly(t, srv.DB, "units", "UPDATE units SET name = 'Tên khi nghe lại' WHERE id = ?", w.CommuneA.ID)
	hits := core.Visits.CacheStats().Hits
	if got := first(); got != "Tên khi nghe lại" {
		t.Errorf("after listening again the calendar shows %q", got)
	}
	first()
	if core.Visits.CacheStats().Hits != hits+1 {
		t.Errorf("after listening again nothing is kept: %+v", core.Visits.CacheStats())
	}
}

// Package webtest runs the real Khung app in-process on 127.0.0.1 with its own
// freshly migrated database, and drives it over HTTP (Client) or with Debian's
// Chromium (Browser, Page). Tests of package routes use it through a build
// function, so that it never imports routes itself:
//
//	srv := webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
//		a, err := app.New(app.Deps{Config: d.Config, DB: d.DB, Log: d.Log, Now: d.Now})
//		…
//		return routes.New(a)
//	})
//	admin := srv.CreateUser(t, models.RoleAdmin)
//	c := srv.NewClient(t); c.Login(admin)               // HTTP, with cookies and CSRF
//	p := browser.Page(t, srv); p.LoginAs(admin)           // Chromium; browser from TestMain
package webtest

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"khung/app/auth"
	"khung/config"
	"khung/models"
	"khung/models/dbtest"
)

// AppDeps are what the build function receives to construct the app.
type AppDeps struct {
	Config config.Config
	DB     *gorm.DB
	Log    *slog.Logger
	Now    func() time.Time
	// OnStop registers what to run when the server stops, before its
	// database goes (the app's listener: app.Listen's stop).
	OnStop func(stop func())
}

// Server is the app listening on 127.0.0.1 with its own database.
type Server struct {
	URL    string // http://127.0.0.1:PORT, no trailing slash
	DB     *gorm.DB
	Config config.Config
	Clock  *Clock
	seq    atomic.Int64
}

// Clock is the app's clock: real time shifted by an offset tests may advance.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the shifted current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Start builds the app with build and serves it on a free port until the test
// ends. Application logs go to t.Log only when the test fails (they are kept
// in memory).
func Start(t testing.TB, build func(AppDeps) *fiber.App) *Server {
	t.Helper()
	return StartOn(t, dbtest.Gorm(t), build)
}

// Replica starts another app built by build on s's database, as a second
// replica behind a proxy would run (its own port, clock and caches).
func (s *Server) Replica(t testing.TB, build func(AppDeps) *fiber.App) *Server {
	t.Helper()
	return StartOn(t, s.DB, build)
}

// StartOn is Start on a database the test already has (a clone of a template
// holding a demo, say).
func StartOn(t testing.TB, db *gorm.DB, build func(AppDeps) *fiber.App) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	env := map[string]string{
		"DATABASE_URL": "postgres://unused@127.0.0.1/unused", // the app gets db directly
		"ADDR":         addr,
		"BASE_URL":     "http://" + addr,
		"SESSION_TTL":  "12h",
		"JOBS_ENABLED": "false",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &logBuffer{}
	clock := &Clock{}
	var stops []func()
	app := build(AppDeps{
		Config: cfg, DB: db, Now: clock.Now,
		Log:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		OnStop: func(stop func()) { stops = append(stops, stop) },
	})
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = app.ShutdownWithContext(ctx)
		for _, stop := range stops {
			stop()
		}
		if t.Failed() {
			t.Logf("application log:\n%s", logs.String())
		}
	})
	return &Server{URL: "http://" + addr, DB: db, Config: cfg, Clock: clock}
}

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// User is a user created for a test, with the password in clear.
type User struct {
	ID       int64
	Email    string
	Password string
	FullName string
	Role     models.Role
	UnitID   int64
}

// UserOption changes a user before it is created.
type UserOption func(*models.User)

// InUnit puts the user in the unit with this id.
func InUnit(unitID int64) UserOption {
	return func(u *models.User) { u.UnitID = &unitID }
}

// WithLocale sets the user's preferred language.
func WithLocale(lang string) UserOption { return func(u *models.User) { u.Locale = lang } }

// DefaultPassword is the password of every user CreateUser makes.
const DefaultPassword = "Mật-khẩu-thử-2025"

// CreateUser inserts an active user of role (a unit user gets a fresh unit
// unless InUnit says which), with DefaultPassword.
func (s *Server) CreateUser(t testing.TB, role models.Role, opts ...UserOption) User {
	t.Helper()
	n := s.seq.Add(1)
	hash, err := auth.HashPassword(DefaultPassword)
	if err != nil {
		t.Fatalf("hash password: %v", err)
	}
	u := models.User{
		Email:        fmt.Sprintf("%s%d@sonoivu.test", role, n),
		FullName:     fmt.Sprintf("Nguyễn Thị %s %d", strings.ToUpper(string(role[:1]))+string(role[1:]), n),
		PasswordHash: hash,
		Role:         role,
		UnitPosition: models.PositionOffice,
		Locale:       "vi",
		Active:       true,
	}
	for _, o := range opts {
		o(&u)
	}
	if role == models.RoleUnit && u.UnitID == nil {
		unit := s.CreateUnit(t, 0, fmt.Sprintf("Phường Thử %d", n))
		u.UnitID = &unit.ID
	}
	if err := s.DB.Omit("CreatedAt", "UpdatedAt").Create(&u).Error; err != nil {
		t.Fatalf("create user: %v", err)
	}
	out := User{ID: u.ID, Email: u.Email, Password: DefaultPassword, FullName: u.FullName, Role: role}
	if u.UnitID != nil {
		out.UnitID = *u.UnitID
	}
	return out
}

// CreateUnit inserts a unit named name under parentID (0: a root) and returns it.
func (s *Server) CreateUnit(t testing.TB, parentID int64, name string) models.Unit {
	t.Helper()
	return CreateUnit(t, s.DB, parentID, name, fmt.Sprintf("T%d", s.seq.Add(1)))
}

// CreateUnit inserts a unit with code under parentID (0: a root) into db.
func CreateUnit(t testing.TB, db *gorm.DB, parentID int64, name, code string) models.Unit {
	t.Helper()
	parentPath := ""
	u := models.Unit{Code: code, Name: name, Kind: models.UnitCommune, TypeLabel: "Phường"}
	if parentID != 0 {
		var parent models.Unit
		if err := db.Take(&parent, parentID).Error; err != nil {
			t.Fatalf("load parent unit %d: %v", parentID, err)
		}
		parentPath = parent.Path
		u.ParentID = &parentID
	} else {
		u.Kind, u.TypeLabel = models.UnitCity, "Thành phố"
	}
	u.Path = models.UnitPath(parentPath, code)
	if err := db.Omit("CreatedAt", "UpdatedAt").Create(&u).Error; err != nil {
		t.Fatalf("create unit %s: %v", code, err)
	}
	return u
}

// CreateToken makes a personal API token for u and returns it in clear text.
func (s *Server) CreateToken(t testing.TB, u User) string {
	t.Helper()
	var user models.User
	if err := s.DB.Take(&user, u.ID).Error; err != nil {
		t.Fatalf("load user: %v", err)
	}
	svc := auth.NewService(s.DB, s.Config.SessionTTL, s.Config.SessionMaxAge)
	id := auth.Identity{User: user}
	plain, _, err := svc.CreateToken(context.Background(), id.Actor(), nil, auth.TokenInput{Name: "test"}, s.Clock.Now())
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return plain
}

// Count returns the number of rows of table (for "nothing was written" checks).
func (s *Server) Count(t testing.TB, table string) int64 {
	t.Helper()
	var n int64
	if err := s.DB.Table(table).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

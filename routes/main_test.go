package routes

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/gofiber/fiber/v2"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"khung/app"
	"khung/config"
	"khung/routes/webtest"
)

// browser is the one Chromium of this test binary; it starts on first use.
var browser = webtest.NewBrowser()

func TestMain(m *testing.M) {
	code := m.Run()
	browser.Close()
	os.Exit(code)
}

// newApp builds the real app, as main does, from webtest's dependencies.
func newApp(d webtest.AppDeps) *fiber.App { return New(newCore(d)) }

// newCore builds the real *app.App, listening to the database's
// notifications until the server stops, as main does.
func newCore(d webtest.AppDeps) *app.App {
	a, err := app.New(app.Deps{Config: d.Config, DB: d.DB, Log: d.Log, Now: d.Now})
	if err != nil {
		panic(err) // broken embedded catalogs: every test would fail the same way
	}
	if d.OnStop != nil {
		d.OnStop(a.Listen(context.Background()))
	}
	return a
}

// bareApp builds the app on a database handle that is never opened, for tests
// whose routes never reach the database (middleware, the route table).
func bareApp(t testing.TB, log *slog.Logger) *app.App {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://unused@127.0.0.1:1/unused"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(postgres.Open(cfg.DatabaseURL), &gorm.Config{DisableAutomaticPing: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Deps{Config: cfg, DB: db, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startServer runs the real app on 127.0.0.1 with a fresh database.
func startServer(t *testing.T) *webtest.Server {
	t.Helper()
	return webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
		return newApp(d)
	})
}

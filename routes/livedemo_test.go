package routes

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/peterldowns/pgtestdb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/app"
	"khung/app/seed"
	"khung/app/seed/live"
	"khung/config"
	"khung/models"
	"khung/models/dbtest"
	"khung/routes/webtest"
)

// liveDemoNow is the demo's day in the tests that walk it: Monday 23 November
// 2026, the autumn the 2027 plan is made (as app/seed/live's own test).
var liveDemoNow = time.Date(2026, 11, 23, 9, 0, 0, 0, mustZone("Asia/Ho_Chi_Minh"))

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// liveDemoTemplate is a pgtestdb migrator whose template database holds the
// demo exactly as `khung seed --demo` loads it on liveDemoNow: today's Hanoi
// (seed.Demo + seed.Today) with its history (app/seed/live: the 2025 and 2026
// plans published and worked, the 2027 draft submitted). It is loaded once
// (≈5 s); each test clones it in a blink. Its hash covers what the load runs:
// the migrations, the code of app, models, views (catalogs, templates) and config.
type liveDemoTemplate struct{}

func (liveDemoTemplate) Hash() (string, error) {
	h := sha256.New()
	h.Write([]byte("routes live demo; now " + liveDemoNow.Format(time.RFC3339)))
	// go test runs in the package folder: the sources are next door.
	for _, root := range []string{"../app", "../models", "../views", "../config"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			h.Write([]byte(path))
			h.Write(b)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (liveDemoTemplate) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	if _, err := models.Migrate(ctx, db); err != nil {
		return err
	}
	gdb, err := openGorm(db)
	if err != nil {
		return err
	}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://unused@127.0.0.1/unused"}[k]
	})
	if err != nil {
		return err
	}
	if _, err := seed.Demo(ctx, gdb, seed.Options{Now: liveDemoNow}); err != nil {
		return err
	}
	if _, err := seed.Today(ctx, gdb, seed.Options{Now: liveDemoNow}); err != nil {
		return err
	}
	_, err = live.Load(ctx, app.Deps{Config: cfg, DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, liveDemoNow)
	return err
}

func openGorm(db *sql.DB) (*gorm.DB, error) {
	return gorm.Open(postgres.New(postgres.Config{Conn: db}), &gorm.Config{
		Logger: logger.Default.LogMode(logger.Silent), TranslateError: true})
}

// newLiveDemo runs the app on a fresh copy of the demo a person meets at first
// login (liveDemoTemplate), its clock on liveDemoNow.
func newLiveDemo(t *testing.T) *webtest.Server {
	t.Helper()
	db, err := openGorm(pgtestdb.New(t, dbtest.Config(t), liveDemoTemplate{}))
	if err != nil {
		t.Fatal(err)
	}
	srv := webtest.StartOn(t, db, func(d webtest.AppDeps) *fiber.App { return newApp(d) })
	srv.Clock.Advance(time.Until(liveDemoNow))
	return srv
}

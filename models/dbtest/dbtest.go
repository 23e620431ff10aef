// Package dbtest gives each test its own migrated PostgreSQL database, cloned
// from a template (pgtestdb), on the server named by DATABASE_URL. It fails the
// test, never skips it, when no server is reachable: `make test` provides one.
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/peterldowns/pgtestdb"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/models"
)

// migrator runs Khung's goose migrations; its hash names the template database,
// so a changed migration gives a fresh template.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := sha256.New()
	fsys := models.Migrations()
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	_, err := models.Migrate(ctx, db)
	return err
}

// Config returns the pgtestdb configuration for DATABASE_URL.
func Config(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	pw, _ := u.User.Password()
	opts := "sslmode=disable"
	if q := u.Query().Get("sslmode"); q != "" {
		opts = "sslmode=" + q
	}
	return pgtestdb.Config{
		DriverName: "pgx",
		User:       u.User.Username(),
		Password:   pw,
		Host:       u.Hostname(),
		Port:       u.Port(),
		Database:   "postgres",
		Options:    opts,
	}
}

// SQL returns a fresh migrated database for this test, dropped when it passes.
func SQL(t testing.TB) *sql.DB {
	t.Helper()
	return pgtestdb.New(t, Config(t), migrator{})
}

// URL returns the connection URL of a fresh migrated database for this test
// (for code that opens its own connections, like a second app process).
func URL(t testing.TB) string {
	t.Helper()
	conf := pgtestdb.Custom(t, Config(t), migrator{})
	return conf.URL()
}

// Gorm returns a GORM handle on a fresh migrated database for this test.
func Gorm(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: SQL(t)}), &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		TranslateError: true,
	})
	if err != nil {
		t.Fatalf("open gorm: %v", err)
	}
	return db
}

// MustExec runs SQL in a test and fails it on error.
func MustExec(t testing.TB, db *gorm.DB, query string, args ...any) {
	t.Helper()
	if err := db.Exec(query, args...).Error; err != nil {
		t.Fatalf("%s: %v", query, fmt.Errorf("exec: %w", err))
	}
}

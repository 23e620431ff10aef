package models_test

import (
	"testing"

	"khung/models/dbtest"
)

func TestMigrationsApplyOnAFreshDatabase(t *testing.T) {
	db := dbtest.Gorm(t)
	var n int
	if err := db.Raw(`SELECT count(*) FROM pg_extension WHERE extname IN ('btree_gist','pg_trgm','unaccent','citext')`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("want 4 extensions, got %d", n)
	}
}

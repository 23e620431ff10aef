package models_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/peterldowns/pgtestdb"

	"khung/models"
	"khung/models/dbtest"
)

// Two replicas starting together on a fresh database: both migrations succeed
// and each migration is applied once (goose's session lock puts one after the
// other).
func TestTwoProcessesMigratingAFreshDatabaseAtOnceBothSucceedAndApplyItOnce(t *testing.T) {
	t.Parallel()
	url := pgtestdb.Custom(t, dbtest.Config(t), pgtestdb.NoopMigrator{}).URL()
	open := func() *sql.DB {
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	for _, db := range []*sql.DB{a, b} { // both connected before the start
		if err := db.Ping(); err != nil {
			t.Fatal(err)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	versions := make([]int64, 2)
	errs := make([]error, 2)
	for i, db := range []*sql.DB{a, b} {
		wg.Go(func() {
			<-start
			versions[i], errs[i] = models.Migrate(context.Background(), db)
		})
	}
	close(start)
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("migrations: %v; %v", errs[0], errs[1])
	}
	if versions[0] != versions[1] || versions[0] < 12 {
		t.Fatalf("versions %v, want the same, at least 12", versions)
	}
	var rows, distinct int
	if err := a.QueryRow(`SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != distinct {
		t.Fatalf("goose_db_version has %d rows for %d versions: a migration was applied twice", rows, distinct)
	}
}

package models_test

import (
	"context"
	"testing"

	"github.com/pressly/goose/v3"

	"khung/models"
	"khung/models/dbtest"
)

func TestEveryMigrationGoesDownAndUpAgain(t *testing.T) {
	db := dbtest.SQL(t)
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectPostgres, db, models.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	top, err := p.GetDBVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if top < 4 {
		t.Fatalf("fresh database at version %d, want at least 4", top)
	}
	// One step at a time, so a Down that leaves something behind fails on the
	// next Up. Versions may have gaps (numbers handed out to parallel work).
	for range p.ListSources() {
		v, _ := p.GetDBVersion(ctx)
		if _, err := p.Down(ctx); err != nil {
			t.Fatalf("down from %d: %v", v, err)
		}
	}
	var tables int
	if err := db.QueryRow(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d tables left after migrating down to 0", tables)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if got, _ := p.GetDBVersion(ctx); got != top {
		t.Fatalf("version after up = %d, want %d", got, top)
	}
}

// Package models holds the GORM models, one file per aggregate, and the
// versioned SQL migrations that define the schema (pressly/goose, embedded).
// The schema is the source of truth: models never AutoMigrate.
package models

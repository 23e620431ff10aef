package proposals

import (
	"context"

	"gorm.io/gorm"
)

// FileRow is one proposal of an import file: the input and the name of its
// unit, written beside the unit's code for the reader.
type FileRow struct {
	Input
	UnitName string
}

// WriteFile writes rows in the import template's format, with g's guide and
// list of units, for files made outside this package (the seed's demo file).
func WriteFile(rows []FileRow, g Reference) ([]byte, error) {
	out := make([]sheetRow, len(rows))
	for i, r := range rows {
		out[i] = sheetRow{Input: r.Input, UnitName: r.UnitName}
	}
	return writeWorkbook(out, g)
}

// LoadReference reads what proposals of year may name (the active bodies, the
// catalogs in force, the units), without an actor: for the seed.
func LoadReference(ctx context.Context, db *gorm.DB, year int) (Reference, error) {
	return loadGuide(db.WithContext(ctx), year)
}

// Limits are the longest visit in working days and the largest team that
// proposals of year may ask for: the rules in force, else the engine's defaults.
func Limits(ctx context.Context, db *gorm.DB, year int) (maxVisitDays, maxTeamSize int, err error) {
	db = db.WithContext(ctx)
	if maxVisitDays, err = ruleInt(db, "planning.max_visit_days", year, defaultMaxVisitDays); err != nil {
		return 0, 0, err
	}
	if maxTeamSize, err = ruleInt(db, "planning.max_team_size", year, defaultMaxTeamSize); err != nil {
		return 0, 0, err
	}
	return maxVisitDays, maxTeamSize, nil
}

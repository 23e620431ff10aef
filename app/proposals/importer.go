package proposals

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// Upload is an uploaded file: its name (which says the format), its size as
// the client declared it (-1 when unknown) and its content.
type Upload struct {
	Name string
	Size int64
	Body io.Reader
}

// ImportResult says what a good file added.
type ImportResult struct {
	Year  int    `json:"year"`
	Added int    `json:"added"`
	File  string `json:"file"`
}

// Import reads an .xlsx or .csv file of proposals for year and adds them all
// as submitted, in one transaction, or none: any problem in any row refuses
// the whole file with an *ImportError listing every bad row, column and reason.
func (s *Service) Import(ctx context.Context, a authz.Actor, year int, f Upload) (ImportResult, error) {
	if err := authz.Require(a, authz.ManageProposals); err != nil {
		return ImportResult{}, err
	}
	if year < 2000 || year > 2100 {
		return ImportResult{}, apperr.Field(colYear, "range", "proposals.check.year_range")
	}
	// The declared size first, so a huge upload is refused before it is read.
	if err := CheckSize(f.Size); err != nil {
		return ImportResult{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f.Body, MaxImportBytes+1))
	if err != nil {
		return ImportResult{}, fmt.Errorf("read import file: %w", err)
	}
	if len(data) > MaxImportBytes {
		return ImportResult{}, tooLarge(-1)
	}
	grid, ie := readGrid(f.Name, data)
	if ie != nil {
		return ImportResult{}, ie
	}
	recs, lay, problems := records(grid)
	if len(problems) > 0 {
		return ImportResult{}, &ImportError{Problems: problems}
	}

	inputs := make([]Input, len(recs))
	var bad []RowError
	type cellKey struct {
		row int
		col string
	}
	reported := map[cellKey]bool{}
	report := func(row int, p problem) {
		c, _ := columnByKey(p.Col)
		bad = append(bad, RowError{Row: row, Column: p.Col, Cell: lay.cell(p.Col, row), ColumnVI: c.VI, ColumnEN: c.EN,
			Msg: p.Msg})
		reported[cellKey{row, p.Col}] = true
	}
	for i, r := range recs {
		in, ps := parseRecord(r.get)
		for _, p := range ps {
			report(r.Row, p)
		}
		in.Year = year
		in.normalise()
		inputs[i] = in
	}

	var added int
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		refs, err := loadRefs(tx, year, inputs)
		if err != nil {
			return err
		}
		firstRow := map[string]int{}
		var refList []string
		for i, in := range inputs {
			row := recs[i].Row
			for _, p := range refs.check(in) {
				if !reported[cellKey{row, p.Col}] { // an unreadable cell is reported once
					report(row, p)
				}
			}
			if in.ExternalRef == "" {
				continue
			}
			if first, dup := firstRow[in.ExternalRef]; dup {
				report(row, newProblem(colRef, "unique", "proposals.check.ref_repeats", "Ref", in.ExternalRef, "Row", first))
				continue
			}
			firstRow[in.ExternalRef] = row
			refList = append(refList, in.ExternalRef)
		}
		taken, err := takenRefs(tx, year, refList)
		if err != nil {
			return err
		}
		for i, in := range inputs {
			if in.ExternalRef != "" && taken[in.ExternalRef] && firstRow[in.ExternalRef] == recs[i].Row {
				report(recs[i].Row, newProblem(colRef, "unique", "proposals.check.ref_imported_before", "Ref", in.ExternalRef, "Year", year))
			}
		}
		if len(bad) > 0 {
			sortProblems(bad)
			return &ImportError{Problems: bad}
		}

		rows := make([]models.Proposal, len(inputs))
		for i, in := range inputs {
			rows[i] = refs.model(in, a)
		}
		// Batches keep each INSERT well under PostgreSQL's 65,535 parameters.
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").CreateInBatches(&rows, 1000).Error; err != nil {
			return fmt.Errorf("import proposals: %w", apperr.FromConstraint(err, constraints()))
		}
		added = len(rows)
		return audit.Record(tx, a, "import", "proposals", 0, nil, map[string]any{
			"year": year, "file": f.Name, "added": added, "first_id": rows[0].ID, "last_id": rows[len(rows)-1].ID})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Year: year, Added: added, File: f.Name}, nil
}

// CheckSize refuses, with an *ImportError, a file whose declared size is over
// MaxImportBytes; the HTTP layer calls it with the request's Content-Length
// before it reads the upload.
func CheckSize(size int64) error {
	if size > MaxImportBytes {
		return tooLarge(size)
	}
	return nil
}

// sortProblems orders problems by row, then by the column's place in the template.
func sortProblems(ps []RowError) {
	order := map[string]int{}
	for i, c := range Columns() {
		order[c.Key] = i + 1
	}
	slices.SortStableFunc(ps, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(order[a.Column], order[b.Column]))
	})
}

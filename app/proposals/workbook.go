package proposals

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
)

// sheetRow is one proposal as a file holds it.
type sheetRow struct {
	Input
	UnitName string
}

// Reference is what proposals of a year may name: the active bodies, the
// kinds, topics and skills in force, and the units that exist in the year. The
// template's guide lists it; the form offers it.
type Reference struct {
	Year   int
	Bodies []models.Body
	Kinds  []models.InspectionKind
	Topics []models.Topic
	Skills []models.Skill
	Units  []models.Unit
}

// Reference returns what proposals of year may name, for the form and filters.
func (s *Service) Reference(ctx context.Context, a authz.Actor, year int) (Reference, error) {
	if err := requireRead(a); err != nil {
		return Reference{}, err
	}
	return loadGuide(s.db.WithContext(ctx), year)
}

// loadGuide reads the catalogs in force in year, the active bodies and the units.
func loadGuide(db *gorm.DB, year int) (Reference, error) {
	g := Reference{Year: year}
	start, end := models.NewDate(year, 1, 1), models.NewDate(year, 12, 31)
	inYear := func(db *gorm.DB) *gorm.DB {
		return db.Where("valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)", end, start)
	}
	// The bodies at work during the year (a departmental inspectorate ended on 30 June 2025).
	if err := db.Where("active AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?)", end, start).
		Order("precedence, code").Find(&g.Bodies).Error; err != nil {
		return g, fmt.Errorf("read bodies: %w", err)
	}
	if err := db.Scopes(inYear).Order("code").Find(&g.Kinds).Error; err != nil {
		return g, fmt.Errorf("read kinds: %w", err)
	}
	if err := db.Scopes(inYear).Order("kind_code, code").Find(&g.Topics).Error; err != nil {
		return g, fmt.Errorf("read topics: %w", err)
	}
	if err := db.Scopes(inYear).Order("code").Find(&g.Skills).Error; err != nil {
		return g, fmt.Errorf("read skills: %w", err)
	}
	if err := db.Select("id", "code", "name", "kind", "path").
		Where("(valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?)", end, start).
		Order("path").Find(&g.Units).Error; err != nil {
		return g, fmt.Errorf("read units: %w", err)
	}
	return g, nil
}

// Template returns the empty import file for year: the proposals sheet with
// Vietnamese headers and an English sub-header, a guide to every column with
// the codes allowed, and the list of units.
func (s *Service) Template(ctx context.Context, a authz.Actor, year int) ([]byte, error) {
	if err := requireRead(a); err != nil {
		return nil, err
	}
	g, err := loadGuide(s.db.WithContext(ctx), year)
	if err != nil {
		return nil, err
	}
	return writeWorkbook(nil, g)
}

// Export returns the proposals matching f as an .xlsx in the template's
// format, so that the file imports again.
func (s *Service) Export(ctx context.Context, a authz.Actor, f Filter) ([]byte, error) {
	if err := requireRead(a); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	list, err := s.all(ctx, a, f)
	if err != nil {
		return nil, err
	}
	year := f.Year
	if year == 0 && len(list) > 0 {
		year = list[0].Year
	}
	g, err := loadGuide(db, year)
	if err != nil {
		return nil, err
	}
	rows := make([]sheetRow, len(list))
	for i, p := range list {
		rows[i] = sheetRow{Input: inputOf(p), UnitName: p.UnitName}
	}
	return writeWorkbook(rows, g)
}

// inputOf is the proposal as it was entered.
func inputOf(p Row) Input {
	in := Input{Year: p.Year, Body: p.BodyCode, Unit: p.UnitCode, Kind: p.Kind, Form: string(p.Form),
		Topics: p.Topics, Skills: p.Skills, Days: p.Days, TeamSize: p.TeamSize, Priority: p.Priority,
		LegalBasis: p.LegalBasis, Note: p.Note}
	for _, d := range []struct {
		src *models.Date
		dst *models.Date
	}{{p.PeriodFrom, &in.PeriodFrom}, {p.PeriodTo, &in.PeriodTo}, {p.WindowFrom, &in.WindowFrom}, {p.WindowTo, &in.WindowTo}} {
		if d.src != nil {
			*d.dst = *d.src
		}
	}
	if p.ExternalRef != nil {
		in.ExternalRef = *p.ExternalRef
	}
	return in
}

// writeWorkbook writes rows (none for the template) in the template's format.
func writeWorkbook(rows []sheetRow, g Reference) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	dataSheet := dataSheet()
	if err := f.SetSheetName("Sheet1", dataSheet); err != nil {
		return nil, err
	}
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	cols := Columns()
	vi, en := make([]any, len(cols)), make([]any, len(cols))
	for i, c := range cols {
		vi[i], en[i] = c.VI, c.EN
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(dataSheet, name, name, c.Width); err != nil {
			return nil, err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetSheetRow(dataSheet, "A1", &vi); err != nil {
		return nil, err
	}
	if err := f.SetSheetRow(dataSheet, "A2", &en); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(dataSheet, "A1", last+"1", st.header); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(dataSheet, "A2", last+"2", st.subHeader); err != nil {
		return nil, err
	}
	if err := f.SetRowHeight(dataSheet, 1, 45); err != nil {
		return nil, err
	}
	if err := f.SetPanes(dataSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i, r := range rows {
		if err := f.SetSheetRow(dataSheet, fmt.Sprintf("A%d", i+3), ptr(r.cells())); err != nil {
			return nil, err
		}
	}
	// A filter on every column, its buttons on the second (English) header row.
	if len(rows) > 0 {
		if err := f.AutoFilter(dataSheet, fmt.Sprintf("A2:%s%d", last, len(rows)+2), nil); err != nil {
			return nil, err
		}
	}
	// Dates as dates, read the Vietnamese way, in the rows people will fill too.
	lastRow := max(len(rows)+2, 1000)
	for i, c := range cols {
		if c.Key == colPeriodFrom || c.Key == colPeriodTo || c.Key == colWindowFrom || c.Key == colWindowTo {
			name, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetCellStyle(dataSheet, name+"3", fmt.Sprintf("%s%d", name, lastRow), st.date); err != nil {
				return nil, err
			}
		}
		if c.Key == colForm {
			name, _ := excelize.ColumnNumberToName(i + 1)
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s3:%s%d", name, name, lastRow))
			var words []string
			for _, form := range wording().Forms {
				words = append(words, form.VI)
			}
			if err := dv.SetDropList(words); err != nil {
				return nil, err
			}
			if err := f.AddDataValidation(dataSheet, dv); err != nil {
				return nil, err
			}
		}
	}
	if err := writeGuide(f, g, st); err != nil {
		return nil, err
	}
	if err := writeUnits(f, g, st); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }

type styles struct {
	header, subHeader, date, title int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8E4D8"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
	}); err != nil {
		return s, err
	}
	if s.subHeader, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Italic: true, Color: "555555"},
		Alignment: &excelize.Alignment{WrapText: true},
	}); err != nil {
		return s, err
	}
	format := "dd/mm/yyyy"
	if s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
		return s, err
	}
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}); err != nil {
		return s, err
	}
	return s, nil
}

// cells is the row's values in column order: dates as dates, numbers as numbers.
func (r sheetRow) cells() []any {
	out := make([]any, 0, len(Columns()))
	date := func(d models.Date) any {
		if d.IsZero() {
			return nil
		}
		return d.Time()
	}
	for _, c := range Columns() {
		var v any
		switch c.Key {
		case colRef:
			v = r.ExternalRef
		case colBody:
			v = r.Body
		case colUnit:
			v = r.Unit
		case colUnitName:
			v = r.UnitName
		case colKind:
			v = r.Kind
		case colForm:
			v, _ = FormLabel(r.Form)
		case colTopics:
			v = strings.Join(r.Topics, ", ")
		case colSkills:
			v = strings.Join(r.Skills, ", ")
		case colPeriodFrom:
			v = date(r.PeriodFrom)
		case colPeriodTo:
			v = date(r.PeriodTo)
		case colWindowFrom:
			v = date(r.WindowFrom)
		case colWindowTo:
			v = date(r.WindowTo)
		case colDays:
			v = r.Days
		case colTeamSize:
			v = r.TeamSize
		case colPriority:
			v = r.Priority
		case colLegalBasis:
			v = r.LegalBasis
		case colNote:
			v = r.Note
		}
		out = append(out, v)
	}
	return out
}

// writeGuide adds the sheet that explains each column and lists the codes,
// worded by template.toml.
func writeGuide(f *excelize.File, g Reference, st styles) error {
	w := wording()
	sheet := w.Sheets.Guide
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	row := 1
	put := func(style int, values ...any) error {
		cell := fmt.Sprintf("A%d", row)
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			return err
		}
		if style != 0 {
			if err := f.SetCellStyle(sheet, cell, fmt.Sprintf("A%d", row), style); err != nil {
				return err
			}
		}
		row++
		return nil
	}
	header := func(cells []string) error {
		values := make([]any, len(cells))
		for i, c := range cells {
			values[i] = c
		}
		return put(st.header, values...)
	}
	section := func(title string) error {
		row++
		return put(st.title, title)
	}
	for _, cw := range []struct {
		col   string
		width float64
	}{{"A", 28}, {"B", 34}, {"C", 14}, {"D", 60}, {"E", 60}} {
		if err := f.SetColWidth(sheet, cw.col, cw.col, cw.width); err != nil {
			return err
		}
	}
	text := w.Guide
	steps := []func() error{
		func() error { return put(st.title, fmt.Sprintf(text.Title, g.Year, g.Year)) },
		func() error { return put(0, text.IntroVI) },
		func() error { return put(0, text.IntroEN) },
		func() error { return section(text.Columns) },
		func() error { return header(text.ColumnsHeader) },
	}
	for _, c := range w.Columns {
		req := text.RequiredNo
		if c.Required {
			req = text.RequiredYes
		}
		steps = append(steps, func() error { return put(0, c.VI, c.EN, req, c.HelpVI, c.HelpEN) })
	}
	steps = append(steps,
		func() error { return section(text.Forms) },
		func() error { return header(text.FormsHeader) },
	)
	for _, form := range w.Forms {
		steps = append(steps, func() error { return put(0, form.VI, form.EN, "", form.MeaningVI, form.MeaningEN) })
	}
	steps = append(steps,
		func() error { return section(text.Bodies) },
		func() error { return header(text.BodiesHeader) },
	)
	for _, b := range g.Bodies {
		steps = append(steps, func() error { return put(0, b.Code, b.Name) })
	}
	steps = append(steps,
		func() error { return section(text.Kinds) },
		func() error { return header(text.KindsHeader) },
	)
	for _, k := range g.Kinds {
		steps = append(steps, func() error { return put(0, k.Code, k.NameVI, "", k.NameEN, k.LegalBasis) })
	}
	steps = append(steps,
		func() error { return section(text.Topics) },
		func() error { return header(text.TopicsHeader) },
	)
	for _, t := range g.Topics {
		kind, skill := "", ""
		if t.KindCode != nil {
			kind = *t.KindCode
		}
		if t.SkillCode != nil {
			skill = *t.SkillCode
		}
		steps = append(steps, func() error { return put(0, t.Code, t.NameVI, kind, t.NameEN, skill) })
	}
	steps = append(steps,
		func() error { return section(text.Skills) },
		func() error { return header(text.SkillsHeader) },
	)
	for _, s := range g.Skills {
		steps = append(steps, func() error { return put(0, s.Code, s.NameVI, "", s.NameEN) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("write guide: %w", err)
		}
	}
	return nil
}

// writeUnits adds the sheet listing every unit's code and name.
func writeUnits(f *excelize.File, g Reference, st styles) error {
	sheet := wording().Sheets.Units
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 14); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 50); err != nil {
		return err
	}
	var head []any
	for _, h := range wording().Guide.UnitsHeader {
		head = append(head, excelize.Cell{StyleID: st.header, Value: h})
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, u := range g.Units {
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), []any{u.Code, u.Name, string(u.Kind)}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

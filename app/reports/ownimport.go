package reports

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/msg"
	"khung/app/proposals"
	"khung/models"
)

// ownColumn is a column of the periodic report's template.
type ownColumn struct {
	Key, VI, EN string
	Width       float64
}

// ownColumns are the template's columns, in order. The headers are the
// template's own words (the workbook is a form, in both languages).
func ownColumns() []ownColumn {
	return []ownColumn{
		{"ref", "Số thứ tự / mã dòng", "Row ref", 14},
		{"unit", "Mã đơn vị được kiểm tra", "Inspected unit code", 18},
		{"kind", "Mã loại kiểm tra", "Kind code", 18},
		{"form", "Hình thức (theo kế hoạch / đột xuất / xác minh)", "Form (planned / unannounced / verification)", 24},
		{"start", "Từ ngày (dd/mm/yyyy)", "From (dd/mm/yyyy)", 14},
		{"end", "Đến ngày (dd/mm/yyyy)", "To (dd/mm/yyyy)", 14},
		{"number", "Số kết luận", "Conclusion number", 16},
		{"signed", "Ngày ký kết luận", "Conclusion signed on", 14},
		{"shortcomings", "Số tồn tại, hạn chế", "Shortcomings", 12},
		{"violations", "Số vi phạm", "Violations", 12},
		{"recs", "Số kiến nghị", "Recommendations", 12},
		{"recs_done", "Kiến nghị đã thực hiện xong", "Recommendations done", 14},
		{"note", "Ghi chú", "Note", 30},
	}
}

// ownSheet is the name of the template's data sheet.
const ownSheet = "BaoCao"

// OwnTemplate is the periodic report's Excel template: one header row (in
// Vietnamese, the English under it as a comment row), the lists of kinds and
// forms as a second sheet, one example row the importer skips.
func (s *Service) OwnTemplate(ctx context.Context, a authz.Actor) ([]byte, error) {
	if err := mayRecord(a); err != nil {
		return nil, err
	}
	_, kinds, err := s.OwnChoices(ctx, a)
	if err != nil {
		return nil, err
	}
	x := excelize.NewFile()
	defer func() { _ = x.Close() }()
	if err := x.SetSheetName("Sheet1", ownSheet); err != nil {
		return nil, fmt.Errorf("template sheet: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, fmt.Errorf("template style: %w", err)
	}
	for i, c := range ownColumns() {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = x.SetCellStr(ownSheet, col+"1", c.VI)
		_ = x.SetCellStr(ownSheet, col+"2", c.EN)
		_ = x.SetColWidth(ownSheet, col, col, c.Width)
	}
	_ = x.SetRowStyle(ownSheet, 1, 2, bold)
	_ = x.SetPanes(ownSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	const lists = "DanhMuc"
	if _, err := x.NewSheet(lists); err != nil {
		return nil, fmt.Errorf("template lists: %w", err)
	}
	_ = x.SetCellStr(lists, "A1", "Mã loại kiểm tra / Kind code")
	_ = x.SetCellStr(lists, "B1", "Tên / Name")
	for i, k := range kinds {
		_ = x.SetCellStr(lists, fmt.Sprintf("A%d", i+2), k.Code)
		_ = x.SetCellStr(lists, fmt.Sprintf("B%d", i+2), k.Label)
	}
	_ = x.SetCellStr(lists, "D1", "Hình thức / Form")
	for i, f := range []string{"theo kế hoạch", "đột xuất", "xác minh"} {
		_ = x.SetCellStr(lists, fmt.Sprintf("D%d", i+2), f)
	}
	_ = x.SetColWidth(lists, "A", "B", 40)
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("write template: %w", err)
	}
	return buf.Bytes(), nil
}

// formWords are the words of the form column, in Vietnamese, English or code.
var formWords = map[string]models.Form{
	"theo kế hoạch": models.FormPlanned, "kế hoạch": models.FormPlanned, "planned": models.FormPlanned,
	"đột xuất": models.FormUnannounced, "unannounced": models.FormUnannounced,
	"xác minh": models.FormVerification, "verification": models.FormVerification,
}

// parseDay reads dd/mm/yyyy, yyyy-mm-dd or an Excel serial day.
func parseDay(s string) (models.Date, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("02/01/2006", s); err == nil {
		return models.DateOf(t), true
	}
	if t, err := time.Parse("2/1/2006", s); err == nil {
		return models.DateOf(t), true
	}
	if d, err := models.ParseDate(s); err == nil {
		return d, true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 20000 && n < 80000 {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return models.DateOf(t), true
		}
	}
	return models.Date{}, false
}

// ImportOwn reads the periodic report (the template filled in) and records
// every row as an own inspection of a's unit, in one transaction, or none:
// any problem refuses the whole file with a *proposals.ImportError listing
// every bad row, column and reason (in Vietnamese and English on the page and
// in the JSON). A row already imported (the same ref) is a problem too.
func (s *Service) ImportOwn(ctx context.Context, a authz.Actor, f proposals.Upload) (int, error) {
	if err := mayRecord(a); err != nil {
		return 0, err
	}
	if err := proposals.CheckSize(f.Size); err != nil {
		return 0, err
	}
	data, err := io.ReadAll(io.LimitReader(f.Body, proposals.MaxImportBytes+1))
	if err != nil {
		return 0, fmt.Errorf("read report file: %w", err)
	}
	if len(data) > proposals.MaxImportBytes {
		return 0, proposals.CheckSize(int64(len(data)))
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return 0, &proposals.ImportError{Problems: []proposals.RowError{{Msg: msg.New("reports.import.not_xlsx")}}}
	}
	defer func() { _ = x.Close() }()
	grid, err := x.GetRows(ownSheet)
	if err != nil {
		return 0, &proposals.ImportError{Problems: []proposals.RowError{{Msg: msg.New("reports.import.no_sheet", "Sheet", ownSheet)}}}
	}
	cols := ownColumns()
	var bad []proposals.RowError
	report := func(row, col int, m msg.Message) {
		c := cols[col]
		name, _ := excelize.ColumnNumberToName(col + 1)
		bad = append(bad, proposals.RowError{Row: row, Column: c.Key, Cell: fmt.Sprintf("%s%d", name, row),
			ColumnVI: c.VI, ColumnEN: c.EN, Msg: m})
	}
	type parsed struct {
		row int
		ref string
		in  OwnInput
	}
	var rows []parsed
	for i := 2; i < len(grid); i++ { // rows 1 and 2 are the headers
		cells := grid[i]
		get := func(k int) string {
			if k < len(cells) {
				return strings.TrimSpace(cells[k])
			}
			return ""
		}
		empty := true
		for k := range cols {
			if get(k) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		rowNo := i + 1
		p := parsed{row: rowNo, ref: get(0)}
		if p.ref == "" {
			report(rowNo, 0, msg.New("reports.import.required"))
		}
		p.in.Kind = get(2)
		if p.in.Kind == "" {
			report(rowNo, 2, msg.New("reports.import.required"))
		}
		if fm, ok := formWords[strings.ToLower(get(3))]; ok {
			p.in.Form = fm
		} else {
			report(rowNo, 3, msg.New("reports.import.form", "Value", get(3)))
		}
		for _, d := range []struct {
			col int
			dst *models.Date
		}{{4, &p.in.StartDate}, {5, &p.in.EndDate}} {
			if v, ok := parseDay(get(d.col)); ok {
				*d.dst = v
			} else {
				report(rowNo, d.col, msg.New("reports.import.date", "Value", get(d.col)))
			}
		}
		if !p.in.StartDate.IsZero() && !p.in.EndDate.IsZero() && p.in.EndDate.Before(p.in.StartDate) {
			report(rowNo, 5, msg.New("reports.import.end_before_start"))
		}
		p.in.ConclusionNumber = get(6)
		if s := get(7); s != "" {
			if v, ok := parseDay(s); ok {
				p.in.ConclusionSignedOn, p.in.Concluded = &v, true
			} else {
				report(rowNo, 7, msg.New("reports.import.date", "Value", s))
			}
		}
		for k, dst := range map[int]*int{8: &p.in.Shortcomings, 9: &p.in.Violations, 10: &p.in.Recommendations, 11: &p.in.RecommendationsDone} {
			s := get(k)
			if s == "" {
				continue
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 100000 {
				report(rowNo, k, msg.New("reports.import.count", "Value", s))
				continue
			}
			*dst = n
		}
		p.in.Note = get(12)
		rows = append(rows, p) // the unit's code is looked up in the transaction
	}
	if len(rows) == 0 && len(bad) == 0 {
		return 0, &proposals.ImportError{Problems: []proposals.RowError{{Msg: msg.New("reports.import.empty")}}}
	}
	added := 0
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		seen := map[string]int{}
		for k := range rows {
			p := &rows[k]
			code := ""
			if i := p.row - 1; i < len(grid) && len(grid[i]) > 1 {
				code = strings.TrimSpace(grid[i][1])
			}
			var unit models.Unit
			if code == "" {
				report(p.row, 1, msg.New("reports.import.required"))
			} else if err := tx.Scopes(authz.UnitScope(a)).Where("units.code = ?", code).Take(&unit).Error; err != nil {
				report(p.row, 1, msg.New("reports.import.unit", "Code", code))
			} else {
				p.in.UnitID = unit.ID
			}
			ve := &apperr.ValidationError{}
			checkOwn(p.in, a.Today, ve)
			if err := checkRefs(tx, a, OwnInput{Kind: p.in.Kind}, ve); err != nil {
				return err
			}
			for _, fe := range ve.Fields {
				report(p.row, ownColumnOf(fe.Field), fe.Msg)
			}
			if p.ref == "" {
				continue
			}
			if first, dup := seen[p.ref]; dup {
				report(p.row, 0, msg.New("reports.import.ref_repeats", "Ref", p.ref, "Row", first))
				continue
			}
			seen[p.ref] = p.row
			var n int64
			if err := tx.Model(&models.OwnInspection{}).Where("by_unit_id = ? AND external_ref = ?", a.UnitID, p.ref).
				Count(&n).Error; err != nil {
				return fmt.Errorf("imported before: %w", err)
			}
			if n > 0 {
				report(p.row, 0, msg.New("reports.import.ref_imported_before", "Ref", p.ref))
			}
		}
		if len(bad) > 0 {
			order := map[string]int{}
			for i, c := range cols {
				order[c.Key] = i
			}
			slices.SortStableFunc(bad, func(x, y proposals.RowError) int {
				return cmp.Or(cmp.Compare(x.Row, y.Row), cmp.Compare(order[x.Column], order[y.Column]))
			})
			return &proposals.ImportError{Problems: bad}
		}
		out := make([]models.OwnInspection, len(rows))
		for k, p := range rows {
			ref := p.ref
			out[k] = ownRow(a, p.in, "import", &ref)
		}
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").CreateInBatches(&out, 1000).Error; err != nil {
			return fmt.Errorf("import own inspections: %w", err)
		}
		added = len(out)
		return audit.Record(tx, a, "import", "own_inspections", 0, nil, map[string]any{"file": f.Name, "added": added})
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// ownColumnOf is the template column of a field of OwnInput.
func ownColumnOf(field string) int {
	switch field {
	case "kind":
		return 2
	case "start_date":
		return 4
	case "conclusion_number":
		return 6
	case "conclusion_signed_on":
		return 7
	case "recommendations_done":
		return 11
	}
	return 0
}

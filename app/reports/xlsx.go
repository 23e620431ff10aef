package reports

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// sheet is one table of the workbook: its name, headers (with widths) and
// rows of numbers and texts; total adds a row of SUM formulas under the
// numeric columns, rate a column "done / issued" as a formula.
type sheet struct {
	name    string
	headers []string
	widths  []float64
	rows    [][]any
	total   bool
	rate    *[2]int // the columns (0-based) of done and of the base of a rate column added last
}

// XLSX writes the report as a workbook, one sheet per table, in Vietnamese
// (the official language of the report): real numbers, SUM formulas for the
// totals, formulas for the rates, a frozen header row, filters and widths.
func (r Report) XLSX() ([]byte, error) {
	pick := func(c Count) string { return c.NameVI }
	counts := func(name, head string, cs []Count) sheet {
		s := sheet{name: name, headers: []string{head, "Số cuộc kiểm tra"}, widths: []float64{48, 18}, total: true}
		for _, c := range cs {
			s.rows = append(s.rows, []any{pick(c), c.Count})
		}
		return s
	}
	period := fmt.Sprintf("%02d/%02d/%d – %02d/%02d/%d", r.Filter.From.Day, r.Filter.From.Month, r.Filter.From.Year,
		r.Filter.To.Day, r.Filter.To.Month, r.Filter.To.Year)
	summary := sheet{name: "Tổng hợp", headers: []string{"Chỉ tiêu", "Số liệu"}, widths: []float64{56, 18}, rows: [][]any{
		{"Kỳ báo cáo", period},
		{"Tổng số cuộc kiểm tra", r.Totals.Inspections},
		{"Số cuộc làm việc của Sở (cuộc liên ngành tính một lần)", r.Totals.Visits},
		{"Số cuộc do sở, ngành, cấp xã tự thực hiện", r.Totals.OwnInspections},
		{"Kết luận đã ban hành", r.Conclusions.Issued + r.Conclusions.Own},
		{"Kiến nghị đã ban hành", r.Recommendations.Issued},
		{"Kiến nghị đã thực hiện xong", r.Recommendations.Done},
		{"Kiến nghị quá hạn", r.Recommendations.Overdue},
		{"Số cuộc làm việc tránh được nhờ gộp", r.MergeSavings.VisitsAvoided},
	}}
	findings := sheet{name: "Phát hiện", headers: []string{"Loại", "Mức độ", "Số lượng"}, widths: []float64{28, 20, 14}, total: true}
	kindVI := map[string]string{"violation": "Vi phạm", "shortcoming": "Tồn tại, hạn chế"}
	sevVI := map[string]string{"high": "Nghiêm trọng", "medium": "Trung bình", "low": "Nhẹ", "": "Không ghi nhận"}
	for _, fc := range r.Findings {
		findings.rows = append(findings.rows, []any{kindVI[fc.Kind], sevVI[fc.Severity], fc.Count})
	}
	c := r.Conclusions
	conclusions := sheet{name: "Kết luận", headers: []string{"Chỉ tiêu", "Số lượng"}, widths: []float64{56, 14}, rows: [][]any{
		{"Kết luận của Sở đã ký trong kỳ", c.Issued},
		{fmt.Sprintf("Ký đúng hạn (trong %d ngày kể từ khi nhận dự thảo)", c.DeadlineDays), c.OnTime},
		{"Ký quá hạn", c.Late},
		{"Không ghi ngày nhận dự thảo", c.NoDraftDate},
		{"Kết luận của cuộc kiểm tra do đơn vị tự thực hiện", c.Own},
	}}
	rec := sheet{name: "Kiến nghị", headers: []string{"Đơn vị thực hiện", "Đã ban hành", "Đã thực hiện xong", "Đang thực hiện",
		"Quá hạn", "Đã hủy", "Quá hạn lâu nhất (ngày làm việc)", "Tỷ lệ khắc phục"},
		widths: []float64{40, 14, 16, 16, 12, 10, 22, 16}, total: true, rate: &[2]int{2, 1}}
	for _, o := range r.Recommendations.ByOwner {
		rec.rows = append(rec.rows, []any{o.Name, o.Issued, o.Done, o.Open, o.Overdue, o.Cancelled, o.MaxAgeing})
	}
	ageing := sheet{name: "Tuổi quá hạn", headers: []string{"Số ngày làm việc quá hạn", "Số kiến nghị"}, widths: []float64{30, 14}, total: true}
	for _, b := range r.Recommendations.Ageing {
		ageing.rows = append(ageing.rows, []any{b.Key, b.Count})
	}
	m := r.MergeSavings
	merge := sheet{name: "Hiệu quả gộp", headers: []string{"Chỉ tiêu", "Số lượng"}, widths: []float64{56, 14}, rows: [][]any{
		{"Đề xuất kiểm tra đã tiếp nhận", m.ProposalsReceived},
		{"Cuộc kiểm tra của các cơ quan", m.Inspections},
		{"Cuộc làm việc thực tế tại đơn vị", m.Visits},
		{"Cuộc làm việc tránh được nhờ gộp", m.VisitsAvoided},
	}}
	sheets := []sheet{summary,
		counts("Theo cấp", "Cấp", r.ByLevel), counts("Theo loại", "Loại kiểm tra", r.ByKind),
		counts("Theo hình thức", "Hình thức", r.ByForm), counts("Theo cơ quan", "Cơ quan, đơn vị thực hiện", r.ByBody),
		counts("Theo chủ đề", "Chủ đề", r.ByTopic), counts("Theo tháng", "Tháng", r.ByMonth),
		findings, conclusions, rec, ageing, merge}
	return writeWorkbook(sheets)
}

func writeWorkbook(sheets []sheet) ([]byte, error) {
	x := excelize.NewFile()
	defer func() { _ = x.Close() }()
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6F0"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, fmt.Errorf("workbook style: %w", err)
	}
	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	pct, _ := x.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	for i, s := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.name); err != nil {
				return nil, fmt.Errorf("sheet %s: %w", s.name, err)
			}
		} else if _, err := x.NewSheet(s.name); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", s.name, err)
		}
		headers := s.headers
		cols := len(headers)
		for j, h := range headers {
			cell, _ := excelize.CoordinatesToCellName(j+1, 1)
			_ = x.SetCellStr(s.name, cell, h)
			col, _ := excelize.ColumnNumberToName(j + 1)
			_ = x.SetColWidth(s.name, col, col, s.widths[j])
		}
		for r, row := range s.rows {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, r+2)
				if err := x.SetCellValue(s.name, cell, v); err != nil {
					return nil, fmt.Errorf("cell %s!%s: %w", s.name, cell, err)
				}
			}
			if s.rate != nil {
				done, _ := excelize.CoordinatesToCellName(s.rate[0]+1, r+2)
				base, _ := excelize.CoordinatesToCellName(s.rate[1]+1, r+2)
				cancelled, _ := excelize.CoordinatesToCellName(6, r+2)
				cell, _ := excelize.CoordinatesToCellName(cols, r+2)
				_ = x.SetCellFormula(s.name, cell, fmt.Sprintf("IF(%s-%s>0,%s/(%s-%s),0)", base, cancelled, done, base, cancelled))
				_ = x.SetCellStyle(s.name, cell, cell, pct)
			}
		}
		last := len(s.rows) + 1
		if s.total && len(s.rows) > 0 {
			tr := last + 1
			first, _ := excelize.CoordinatesToCellName(1, tr)
			_ = x.SetCellStr(s.name, first, "Tổng cộng")
			numeric := len(s.rows[0])
			for j := 1; j < numeric; j++ {
				if _, ok := s.rows[0][j].(int); !ok {
					continue
				}
				col, _ := excelize.ColumnNumberToName(j + 1)
				cell := fmt.Sprintf("%s%d", col, tr)
				_ = x.SetCellFormula(s.name, cell, fmt.Sprintf("SUM(%s2:%s%d)", col, col, last))
			}
			if s.rate != nil {
				done, _ := excelize.CoordinatesToCellName(s.rate[0]+1, tr)
				base, _ := excelize.CoordinatesToCellName(s.rate[1]+1, tr)
				cancelled, _ := excelize.CoordinatesToCellName(6, tr)
				cell, _ := excelize.CoordinatesToCellName(cols, tr)
				_ = x.SetCellFormula(s.name, cell, fmt.Sprintf("IF(%s-%s>0,%s/(%s-%s),0)", base, cancelled, done, base, cancelled))
				_ = x.SetCellStyle(s.name, cell, cell, pct)
			}
			end, _ := excelize.CoordinatesToCellName(cols, tr)
			_ = x.SetCellStyle(s.name, first, end, bold)
		}
		end, _ := excelize.CoordinatesToCellName(cols, 1)
		_ = x.SetCellStyle(s.name, "A1", end, head)
		_ = x.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
		if len(s.rows) > 0 {
			last, _ := excelize.CoordinatesToCellName(cols, len(s.rows)+1)
			if err := x.AutoFilter(s.name, "A1:"+last, nil); err != nil {
				return nil, fmt.Errorf("filter %s: %w", s.name, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

package plans

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/models"
	"khung/views"
)

// Document is an issued (approved or published) plan in the official format of
// Decree 30/2020/NĐ-CP: the issuing body under its superior, the number and
// symbol, place and date, the title, the table of visits by month and the
// signer. It is always in Vietnamese. Unannounced and verification visits are
// never listed (they are not announced to the units); Withheld counts them.
type Document struct {
	Version     Version
	Superior    string // "UBND THÀNH PHỐ HÀ NỘI"
	Issuer      string // "SỞ NỘI VỤ"
	IssuerName  string // "Sở Nội vụ", in running text
	Number      string // "125" in "Số: 125/KH-SNV"; "" before it is numbered
	Symbol      string // "KH-SNV"
	Place       string // "Hà Nội"
	Date        time.Time
	Title       string // after "KẾ HOẠCH"
	Months      []MonthGroup
	Visits      int
	Joint       int // visits with bodies besides the lead body
	Withheld    int
	Unscheduled int
	Signer      string // the signer's name
	SignerTitle string // the title printed above the signature, in capitals
	// SignerBlock is the approver's profile (users.signing_authority,
	// job_title, full_name): "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", the name.
	SignerBlock officialdoc.Signer
	Activity    string   // what it is a plan of: "kiểm tra công vụ, kiểm tra chuyên ngành"
	ReportTo    []string // Nơi nhận, then Archive
	Archive     string

	vi *views.Translator // the document's language: an official document is Vietnamese
}

// MonthGroup is the visits starting in one month.
type MonthGroup struct {
	Month int
	Name  string // the heading, "Tháng 3"
	Rows  []DocRow
}

// DocRow is one line of the table of visits.
type DocRow struct {
	N        int
	Unit     string
	Content  string // kinds and topics
	LeadBody string
	CoBodies string
	From, To models.Date
	Days     int
	Leader   string
}

// Dates writes the row's dates as "dd/mm – dd/mm/yyyy".
func (r DocRow) Dates() string {
	if r.From == r.To {
		return r.From.Time().Format("02/01/2006")
	}
	return r.From.Time().Format("02/01") + " – " + r.To.Time().Format("02/01/2006")
}

// DateLine is "Hà Nội, ngày 05 tháng 12 năm 2026".
func (d Document) DateLine() string {
	return officialdoc.DateLine(d.Place, d.Date.Year(), d.Date.Month(), d.Date.Day())
}

// Heading is the document's heading, printed by "partials/doc_head".
func (d Document) Heading() officialdoc.Heading {
	return officialdoc.Heading{Superior: d.Superior, Issuer: d.Issuer, NumberLine: d.NumberLine(), DateLine: d.DateLine()}
}

// Foot is the plan's foot: recipients, archive line, the approver's signature block.
func (d Document) Foot() officialdoc.Foot {
	return officialdoc.Foot{Recipients: d.ReportTo, Archive: d.Archive, Signer: d.SignerBlock}
}

// ShortDate is the document's date as "24/11/2026", for the annex's reference.
func (d Document) ShortDate() string { return d.Date.Format("02/01/2006") }

// NumberLine is "Số: 125/KH-SNV", with room to write the number by hand
// before the plan is numbered.
func (d Document) NumberLine() string { return officialdoc.NumberLine(d.Number, d.Symbol) }

// Document returns the issued version id as an official document.
func (s *Service) Document(ctx context.Context, a authz.Actor, id int64) (Document, error) {
	tx := s.db.WithContext(ctx)
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return Document{}, err
	}
	if !v.Printable() {
		return Document{}, apperr.Fail(apperr.ErrConflict, "plans.err.not_printable")
	}
	var head struct {
		Symbol, Title        string
		UnitName, ParentName string
		SignerName, JobTitle string
		Authority            string
	}
	err = tx.Raw(`SELECT p.symbol, p.title, coalesce(u.name, b.name) AS unit_name, coalesce(pu.name, '') AS parent_name,
			coalesce(us.full_name, '') AS signer_name, coalesce(us.job_title, '') AS job_title,
			coalesce(us.signing_authority, '') AS authority
		FROM plan_versions v JOIN plans p ON p.id = v.plan_id JOIN bodies b ON b.id = p.issuing_body_id
		LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN units pu ON pu.id = u.parent_id
		LEFT JOIN users us ON us.id = v.approved_by
		WHERE v.id = ?`, id).Scan(&head).Error
	if err != nil {
		return Document{}, fmt.Errorf("document head of version %d: %w", id, err)
	}
	vi := s.locales.For("vi")
	d := Document{Version: v, Symbol: head.Symbol, Number: v.DocumentNumber, Signer: head.SignerName, vi: vi,
		SignerTitle: vi.T("plans.document.signer_title"), Issuer: strings.ToUpper(head.UnitName), IssuerName: head.UnitName, Superior: officialdoc.Superior(head.ParentName),
		Place: officialdoc.Place(head.ParentName), Title: strings.TrimPrefix(head.Title, vi.T("plans.document.title_prefix")+" ")}
	switch {
	case v.PublishedAt != nil:
		d.Date = v.PublishedAt.In(s.loc)
	case v.ApprovedAt != nil:
		d.Date = v.ApprovedAt.In(s.loc)
	}
	// The signature block is the approver's profile; without a title in it,
	// the head's ("GIÁM ĐỐC").
	d.SignerBlock = officialdoc.SignerOf(head.Authority, head.JobTitle, head.SignerName)
	if d.SignerBlock.Title == "" {
		d.SignerBlock.Title = d.SignerTitle
	}
	d.SignerTitle = d.SignerBlock.TitleUpper()
	// The document is what the units are sent: every planned visit of the
	// version (unannounced and verification visits are counted, never listed).
	visits, err := loadVisits(versionVisits(tx, id))
	if err != nil {
		return Document{}, err
	}
	topics, err := topicNames(tx)
	if err != nil {
		return Document{}, err
	}
	for i := range visits {
		vis := &visits[i]
		switch {
		case vis.Form != models.FormPlanned:
			d.Withheld++
			continue
		case !vis.Scheduled():
			d.Unscheduled++
			continue
		}
		m := int(vis.StartDate.Month)
		if len(d.Months) == 0 || d.Months[len(d.Months)-1].Month != m {
			d.Months = append(d.Months, MonthGroup{Month: m, Name: d.vi.T("plans.document.month", "Month", m)})
		}
		d.Visits++
		if vis.Joint() {
			d.Joint++
		}
		row := DocRow{N: d.Visits, Unit: vis.UnitName, Content: content(vis, topics), LeadBody: vis.LeadBodyName,
			CoBodies: strings.Join(vis.BodyNames(), "; "), From: *vis.StartDate, To: *vis.EndDate, Days: vis.Days}
		if l := vis.Lead(); l != nil {
			row.Leader = l.Name
		}
		g := &d.Months[len(d.Months)-1]
		g.Rows = append(g.Rows, row)
	}
	// What the plan is a plan of comes from the kinds of its visits (a plan of
	// public-service checks is no plan of "thanh tra"), and names its title.
	book, err := officialdoc.Default()
	if err != nil {
		return Document{}, err
	}
	var kinds []string
	for i := range visits {
		for _, p := range visits[i].Proposals {
			kinds = append(kinds, p.Kind)
		}
	}
	d.Activity = book.Plan.PlanOf(kinds, d.Date)
	d.ReportTo, d.Archive = book.Plan.ReportTo, book.Plan.Archive
	d.Title = vi.T("documents.plan.title", "Activity", d.Activity, "Year", v.Year)
	if r := []rune(d.Title); len(r) > 0 {
		d.Title = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	return d, nil
}

// content describes what a visit inspects: its topics' names, or the kinds
// of inspection when no topic was given ("Chấp hành kỷ luật, kỷ cương hành
// chính; Công tác văn thư, lưu trữ").
func content(v *Visit, topics map[string][2]string) string {
	var names, kinds []string
	for _, p := range v.Proposals {
		if k := p.KindName("vi"); !contains(kinds, k) {
			kinds = append(kinds, k)
		}
		for _, t := range p.Topics {
			name := t
			if n, ok := topics[t]; ok && n[0] != "" {
				name = n[0]
			}
			if !contains(names, name) {
				names = append(names, name)
			}
		}
	}
	if len(names) == 0 {
		names = kinds
	}
	return strings.Join(names, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MonthName is the heading of a month of the table ("Tháng 3").
func (g MonthGroup) MonthName() string { return g.Name }

// XLSX writes the document's table as an Excel workbook on one A4 landscape
// sheet, with the same heading and the same rows as the printed page.
func (d Document) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	t := d.vi
	sheet := t.T("plans.document.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	styles := map[string]*excelize.Style{
		"head":   {Font: font(true, false, 12), Alignment: center},
		"plain":  {Font: font(false, false, 12), Alignment: center},
		"italic": {Font: font(false, true, 12), Alignment: center},
		"title":  {Font: font(true, false, 13), Alignment: center},
		"th":     {Font: font(true, false, 11), Alignment: center, Border: border},
		"month":  {Font: font(true, false, 11), Alignment: &excelize.Alignment{Vertical: "center"}, Border: border},
		"td":     {Font: font(false, false, 11), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: border},
		"tdc":    {Font: font(false, false, 11), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}, Border: border},
	}
	ids := map[string]int{}
	for k, st := range styles {
		id, err := f.NewStyle(st)
		if err != nil {
			return nil, fmt.Errorf("xlsx style %s: %w", k, err)
		}
		ids[k] = id
	}
	var werr error
	set := func(cell string, v any, style string) {
		if werr == nil {
			werr = f.SetCellValue(sheet, cell, v)
		}
		if werr == nil && style != "" {
			werr = f.SetCellStyle(sheet, cell, cell, ids[style])
		}
	}
	merge := func(from, to string, v any, style string) {
		set(from, v, style)
		if werr == nil {
			werr = f.MergeCell(sheet, from, to)
		}
		if werr == nil {
			werr = f.SetCellStyle(sheet, from, to, ids[style])
		}
	}
	merge("A1", "C1", d.Superior, "plain")
	merge("A2", "C2", d.Issuer, "head")
	merge("A3", "C3", d.NumberLine(), "plain")
	merge("D1", "H1", t.T("plans.document.republic"), "head")
	merge("D2", "H2", t.T("plans.document.motto"), "head")
	merge("D3", "H3", d.DateLine(), "italic")
	merge("A5", "H5", t.T("plans.document.kind"), "title")
	merge("A6", "H6", d.Title, "title")
	var headers []string
	for _, col := range []string{"n", "unit", "content", "lead_body", "co_bodies", "dates", "days", "leader"} {
		headers = append(headers, t.T("plans.document.column."+col))
	}
	for i, h := range headers {
		set(cellName(i+1, 8), h, "th")
	}
	row := 9
	for _, g := range d.Months {
		merge(cellName(1, row), cellName(len(headers), row), g.MonthName(), "month")
		row++
		for _, r := range g.Rows {
			vals := []any{r.N, r.Unit, r.Content, r.LeadBody, r.CoBodies, r.Dates(), r.Days, r.Leader}
			for i, v := range vals {
				style := "td"
				if i == 0 || i == 5 || i == 6 {
					style = "tdc"
				}
				set(cellName(i+1, row), v, style)
			}
			row++
		}
	}
	row++
	if d.Withheld > 0 {
		set(cellName(1, row), t.T("plans.document.withheld", "Count", d.Withheld), "")
		row++
	}
	merge(cellName(6, row), cellName(8, row), d.SignerTitle, "head")
	merge(cellName(6, row+4), cellName(8, row+4), d.Signer, "head")
	for col, w := range map[string]float64{"A": 6, "B": 28, "C": 30, "D": 24, "E": 26, "F": 18, "G": 9, "H": 22} {
		if werr == nil {
			werr = f.SetColWidth(sheet, col, col, w)
		}
	}
	if werr != nil {
		return nil, fmt.Errorf("xlsx: %w", werr)
	}
	size, landscape, fit := 9, "landscape", 1 // 9 is A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &fit}); err != nil {
		return nil, fmt.Errorf("xlsx page: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

func cellName(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return "A1"
	}
	return name
}

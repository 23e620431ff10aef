package proposals

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Column keys: the names of the form fields, the JSON fields and the columns
// of the import file.
const (
	colRef        = "external_ref"
	colBody       = "body"
	colUnit       = "unit"
	colUnitName   = "unit_name"
	colKind       = "kind"
	colForm       = "form"
	colTopics     = "topics"
	colSkills     = "skills"
	colPeriodFrom = "period_from"
	colPeriodTo   = "period_to"
	colWindowFrom = "window_from"
	colWindowTo   = "window_to"
	colDays       = "days"
	colTeamSize   = "team_size"
	colPriority   = "priority"
	colLegalBasis = "legal_basis"
	colNote       = "note"
	colYear       = "year" // the form and the JSON API only: an import is for one year
)

// Column is one column of the import template: its key, its header in
// Vietnamese and English, and what it holds.
type Column struct {
	Key      string
	VI, EN   string // headers
	Required bool
	Ignored  bool   // read by people only (the unit's name), never by the import
	HelpVI   string // what to write, in Vietnamese
	HelpEN   string
	Width    float64
}

// Columns lists the columns of the template, of exports and of import files, in order.
func Columns() []Column {
	return []Column{
		{Key: colRef, VI: "Mã đề xuất", EN: "Proposal ref", Width: 14,
			HelpVI: "Không bắt buộc. Mã riêng của dòng, không trùng trong cùng năm (dùng để đối chiếu khi nhập lại).",
			HelpEN: "Optional. Your own key for the row, unique within the year (to match rows on a later import)."},
		{Key: colBody, VI: "Mã cơ quan đề xuất", EN: "Proposing body code", Required: true, Width: 18,
			HelpVI: "Bắt buộc. Mã cơ quan trong danh mục (xem bảng Cơ quan).",
			HelpEN: "Required. A body code from the catalog (see the Bodies table)."},
		{Key: colUnit, VI: "Mã đơn vị được kiểm tra", EN: "Inspected unit code", Required: true, Width: 14,
			HelpVI: "Bắt buộc. Mã đơn vị theo danh mục đơn vị hành chính (ví dụ 00001) hoặc mã sở (ví dụ 01-STP).",
			HelpEN: "Required. The unit's official code (e.g. 00001) or a department code (e.g. 01-STP)."},
		{Key: colUnitName, VI: "Tên đơn vị được kiểm tra", EN: "Inspected unit name", Ignored: true, Width: 30,
			HelpVI: "Chỉ để đối chiếu; khi nhập, đơn vị được xác định theo mã.",
			HelpEN: "For people only; on import the unit is found by its code."},
		{Key: colKind, VI: "Loại hình kiểm tra", EN: "Kind of inspection", Required: true, Width: 16,
			HelpVI: "Bắt buộc. Mã loại hình (xem bảng Loại hình).",
			HelpEN: "Required. A kind code (see the Kinds table)."},
		{Key: colForm, VI: "Hình thức", EN: "Form", Required: true, Width: 16,
			HelpVI: "Bắt buộc: theo kế hoạch, đột xuất hoặc xác minh (hoặc planned, unannounced, verification).",
			HelpEN: "Required: planned, unannounced or verification (or theo kế hoạch, đột xuất, xác minh)."},
		{Key: colTopics, VI: "Nội dung kiểm tra (mã)", EN: "Topics (codes)", Required: true, Width: 36,
			HelpVI: "Bắt buộc. Một hoặc nhiều mã nội dung, cách nhau bởi dấu phẩy (xem bảng Nội dung).",
			HelpEN: "Required. One or more topic codes separated by commas (see the Topics table)."},
		{Key: colSkills, VI: "Kỹ năng cần có (mã)", EN: "Skills needed (codes)", Width: 24,
			HelpVI: "Không bắt buộc. Mã kỹ năng, cách nhau bởi dấu phẩy; để trống thì lấy theo nội dung kiểm tra.",
			HelpEN: "Optional. Skill codes separated by commas; empty means the skills of the topics."},
		{Key: colPeriodFrom, VI: "Thời kỳ kiểm tra từ ngày", EN: "Period under review from", Width: 14,
			HelpVI: "Không bắt buộc. Ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd.",
			HelpEN: "Optional. A date as dd/mm/yyyy or yyyy-mm-dd."},
		{Key: colPeriodTo, VI: "Thời kỳ kiểm tra đến ngày", EN: "Period under review to", Width: 14,
			HelpVI: "Không bắt buộc. Không trước ngày bắt đầu thời kỳ, không sau năm kế hoạch.",
			HelpEN: "Optional. Not before the start of the period, not after the plan's year."},
		{Key: colWindowFrom, VI: "Dự kiến kiểm tra từ ngày", EN: "Preferred window from", Width: 14,
			HelpVI: "Không bắt buộc; nếu có thì nhập cả hai ngày, trong năm kế hoạch.",
			HelpEN: "Optional; if given, give both dates, inside the plan's year."},
		{Key: colWindowTo, VI: "Dự kiến kiểm tra đến ngày", EN: "Preferred window to", Width: 14,
			HelpVI: "Không trước ngày bắt đầu khoảng dự kiến.",
			HelpEN: "Not before the start of the window."},
		{Key: colDays, VI: "Số ngày làm việc tại đơn vị", EN: "Working days on site", Required: true, Width: 12,
			HelpVI: "Bắt buộc. Số nguyên từ 1 đến số ngày tối đa của một cuộc kiểm tra (quy định hiện hành: 10).",
			HelpEN: "Required. A whole number from 1 to the longest visit allowed (current rule: 10)."},
		{Key: colTeamSize, VI: "Số thành viên đoàn", EN: "Team size", Required: true, Width: 12,
			HelpVI: "Bắt buộc. Số nguyên từ 1 đến số thành viên tối đa của một đoàn (quy định hiện hành: 8).",
			HelpEN: "Required. A whole number from 1 to the largest team allowed (current rule: 8)."},
		{Key: colPriority, VI: "Mức ưu tiên (1–3)", EN: "Priority (1–3)", Width: 10,
			HelpVI: "Không bắt buộc: 1 bình thường (mặc định), 2 cao, 3 cao nhất.",
			HelpEN: "Optional: 1 normal (default), 2 high, 3 highest."},
		{Key: colLegalBasis, VI: "Căn cứ pháp lý", EN: "Legal basis", Width: 36,
			HelpVI: "Không bắt buộc. Văn bản làm căn cứ đề xuất.",
			HelpEN: "Optional. The legal text the proposal rests on."},
		{Key: colNote, VI: "Ghi chú", EN: "Note", Width: 30,
			HelpVI: "Không bắt buộc.", HelpEN: "Optional."},
	}
}

// columnByKey returns the column with key.
func columnByKey(key string) (Column, bool) {
	for _, c := range Columns() {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}

// ignoredHeaders are headers people often add that the import skips: the row number.
var ignoredHeaders = []string{"stt", "so thu tu", "no", "no.", "#"}

// fold is a header or value as compared: lower case, no diacritics (đ is d),
// single spaces, no surrounding spaces.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("đ", "d", "Đ", "D", "–", "-", "—", "-").Replace(out)
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// headerIndex maps each folded header (Vietnamese, English or the key) to its column key.
func headerIndex() map[string]string {
	idx := map[string]string{}
	for _, c := range Columns() {
		for _, h := range []string{c.VI, c.EN, c.Key} {
			idx[fold(h)] = c.Key
		}
	}
	return idx
}

// Form labels as people write them, folded, for the import and the form.
var formWords = map[string]string{
	"planned": "planned", "theo ke hoach": "planned", "ke hoach": "planned",
	"unannounced": "unannounced", "dot xuat": "unannounced",
	"verification": "verification", "xac minh": "verification",
}

// FormLabel is the Vietnamese and English name of a form.
func FormLabel(form string) (vi, en string) {
	switch form {
	case "planned":
		return "theo kế hoạch", "planned"
	case "unannounced":
		return "đột xuất", "unannounced"
	case "verification":
		return "xác minh", "verification"
	}
	return form, form
}

// Forms lists the forms in the order the UI shows them.
func Forms() []string { return []string{"planned", "unannounced", "verification"} }

// Statuses lists the proposal statuses in the order the UI shows them.
func Statuses() []string {
	return []string{"draft", "submitted", "accepted", "rejected", "withdrawn"}
}

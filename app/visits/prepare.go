package visits

import "khung/models"

// Text is a short text in Vietnamese and English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the text in lang ("en" or else Vietnamese).
func (t Text) In(lang string) string {
	if lang == models.LocaleEN && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// everyVisit is what a unit prepares for any visit.
var everyVisit = []Text{
	{"Báo cáo tự kiểm tra theo đề cương của đoàn kiểm tra", "Self-assessment report following the team's outline"},
	{"Bố trí lãnh đạo đơn vị và cán bộ đầu mối làm việc với đoàn", "A unit leader and a contact person to work with the team"},
}

// byKind is what a unit prepares for a visit of an inspection kind (codes of
// the inspection_kinds catalog). A kind not listed here gets only everyVisit.
var byKind = map[string][]Text{
	"public_service": {
		{"Hồ sơ công chức, viên chức; sổ theo dõi, chấm công", "Personnel files of civil servants; attendance records"},
		{"Nội quy, quy chế làm việc, quy tắc ứng xử của đơn vị", "Internal rules, working regulations and code of conduct"},
		{"Sổ theo dõi, hồ sơ giải quyết thủ tục hành chính", "Registers and files of administrative procedures handled"},
	},
	"specialised": {
		{"Hồ sơ tuyển dụng, bổ nhiệm, điều động, luân chuyển", "Files on recruitment, appointment and transfer"},
		{"Đề án vị trí việc làm, biên chế được giao", "Job-position scheme and assigned staffing quota"},
		{"Hồ sơ chi trả tiền lương, phụ cấp", "Pay and allowance records"},
	},
	"professional": {
		{"Văn bản triển khai nhiệm vụ chuyên môn trong thời kỳ kiểm tra", "Documents implementing the professional tasks of the period under review"},
		{"Báo cáo kết quả cải cách hành chính, chỉ số PAR INDEX", "Administrative reform reports and the PAR index"},
	},
	"internal": {
		{"Kế hoạch và báo cáo kết quả kiểm tra nội bộ", "Internal inspection plan and its results"},
		{"Hồ sơ xử lý sau kiểm tra nội bộ", "Files of the follow-up of internal inspections"},
	},
}

// verification is what a unit prepares for a verification visit.
var verification = Text{"Hồ sơ, tài liệu liên quan đến nội dung cần xác minh", "Records and documents on the matter to verify"}

// Preparation returns the short checklist of what the unit prepares for a
// visit of the given form and kinds: the common items, then each kind's, in
// the order the kinds are given, without repeats.
func Preparation(form models.Form, kinds []string) []Text {
	out := append([]Text(nil), everyVisit...)
	seen := map[Text]bool{}
	for _, t := range out {
		seen[t] = true
	}
	add := func(t Text) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, k := range kinds {
		for _, t := range byKind[k] {
			add(t)
		}
	}
	if form == models.FormVerification {
		add(verification)
	}
	return out
}

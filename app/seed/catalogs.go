package seed

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"khung/models"
)

// Legal texts quoted by the catalogs and rules.
const (
	lawInspection2025 = "Luật Thanh tra số 84/2025/QH15 (hiệu lực từ 01/7/2025)"
	lawInspection2022 = "Luật Thanh tra số 11/2022/QH15"
	directive20       = "Chỉ thị số 20/CT-TTg ngày 17/5/2017 của Thủ tướng Chính phủ (thanh tra, kiểm tra doanh nghiệp không quá 01 lần/năm)"
	plannerSpec       = "Tham số lập kế hoạch khung của Sở Nội vụ (docs/planner-spec.md)"
	departmentPolicy  = "Quy chế theo dõi, đôn đốc việc thực hiện kết luận của Sở Nội vụ (giá trị mặc định, quản trị viên điều chỉnh)"
)

// Dates the catalogs and rules take effect from.
func since2023() models.Date { return models.NewDate(2023, 7, 1) } // Law 11/2022/QH15 in force
func since2024() models.Date { return models.NewDate(2024, 1, 1) } // Hanoi's first joint framework plan
func since2025() models.Date { return models.NewDate(2025, 1, 1) }
func july2025() models.Date  { return models.NewDate(2025, 7, 1) } // Law 84/2025/QH15 in force

// demoRules is the default set of rules, each with its legal basis and the date
// it takes effect.
func demoRules() []models.Rule {
	r := func(key string, value any, vi, en, basis string, from models.Date) models.Rule {
		return models.Rule{Key: key, Value: models.MustJSON(value), DescriptionVI: vi, DescriptionEN: en, LegalBasis: basis, ValidFrom: from}
	}
	return []models.Rule{
		r("planning.max_planned_visits_per_unit_per_year", 1,
			"Mỗi đơn vị được kiểm tra theo kế hoạch không quá 01 lần/năm", "At most one planned visit per unit per year",
			directive20+" — áp dụng tương tự cho kế hoạch khung", models.NewDate(2017, 5, 17)),
		r("planning.plan_issue_deadline", map[string]int{"month": 12, "day": 20},
			"Kế hoạch thanh tra năm ban hành trước ngày 20/12 và gửi ngay cho đơn vị được kiểm tra",
			"The yearly plan is issued by 20 December and sent at once to the inspected units",
			lawInspection2022+", Điều 45", since2023()),
		r("planning.max_visit_days", 10, "Số ngày làm việc tối đa của một cuộc kiểm tra tại đơn vị", "Most working days of one visit on site", plannerSpec, since2025()),
		r("planning.max_team_size", 8, "Số thành viên tối đa của một đoàn", "Largest team", plannerSpec, since2025()),
		r("planning.extra_days_per_extra_body", 1, "Số ngày cộng thêm cho mỗi cơ quan tham gia kiểm tra liên ngành", "Extra days per extra body of a joint visit", plannerSpec, since2025()),
		r("planning.weights", map[string]int{"unscheduled": 10000, "window_day": 10, "rotation": 50, "joint_missing_body": 30, "balance_day": 1, "area_week": 5},
			"Trọng số điểm phạt khi xếp lịch kế hoạch khung", "Penalty weights of the framework plan score", plannerSpec+" §5", since2025()),
		r("planning.rotate_team_leaders", true, "Luân chuyển trưởng đoàn giữa các năm", "Rotate team leaders between years", plannerSpec, since2025()),
		r("followup.conclusion_days", map[string]any{"days": 15, "working_days": false},
			"Ký kết luận trong 15 ngày kể từ ngày nhận dự thảo kết luận", "Sign the conclusion within 15 days of receiving the draft",
			lawInspection2025+", Điều 36", july2025()),
		r("followup.directive_days", map[string]any{"days": 15, "working_days": false},
			"Ban hành văn bản chỉ đạo thực hiện kết luận trong 15 ngày", "Issue the directive to implement the conclusion within 15 days",
			lawInspection2025+", Điều 53", july2025()),
		r("followup.implementation_check_max_working_days", 10,
			"Thời gian kiểm tra việc thực hiện kết luận không quá 10 ngày làm việc", "A check on implementation lasts at most 10 working days",
			lawInspection2025+" và văn bản hướng dẫn (Nghị định 216/2025/NĐ-CP, 217/2025/NĐ-CP; Thông tư 04/2025/TT-TTCP) — cần đối chiếu điều khoản cụ thể", july2025()),
		r("notify.reminder_offsets_days", []int{14, 7, 1},
			"Nhắc hạn kiến nghị trước hạn 14, 7 và 1 ngày", "Remind 14, 7 and 1 days before a recommendation's deadline", departmentPolicy, since2025()),
		r("notify.escalation", []map[string]any{
			{"position": "office", "overdue_working_days": 0},
			{"position": "head", "overdue_working_days": 5},
			{"position": "leadership", "overdue_working_days": 10},
		}, "Quá hạn: báo văn phòng đơn vị ngay, thủ trưởng đơn vị sau 5 ngày làm việc, lãnh đạo Sở sau 10 ngày làm việc",
			"Overdue: tell the unit office at once, its head after 5 working days, department leadership after 10",
			departmentPolicy, since2025()),
		r("notify.digest_weekday", "monday", "Gửi bản tin tổng hợp hằng tuần vào thứ Hai", "Send the weekly digest on Mondays", departmentPolicy, since2025()),
		r("notify.visit_notice_working_days", 5,
			"Thông báo cho đơn vị 5 ngày làm việc trước khi đoàn kiểm tra theo kế hoạch đến (không áp dụng cho kiểm tra đột xuất, xác minh)",
			"Tell a unit 5 working days before a planned visit starts (never for unannounced or verification visits)",
			departmentPolicy, since2025()),
		r("notify.catch_up_days", 7,
			"Sau khi hệ thống gián đoạn, gửi bù các nhắc việc bị lỡ trong tối đa 7 ngày",
			"After downtime, send missed reminders that fell due in the last 7 days at most",
			departmentPolicy, since2025()),
	}
}

// insertCatalogs adds the kinds, skills and topics of d and the rules that are
// missing (natural keys: code; for rules key and valid_from). Existing rows are
// left as the administrators edited them.
func insertCatalogs(tx *gorm.DB, d *demoData, rep *demoReport) error {
	steps := []struct {
		name string
		rows any
	}{
		{"inspection_kinds", slices.Clone(d.kinds)},
		{"skills", slices.Clone(d.skills)},
		{"topics", slices.Clone(d.topics)},
		{"rules", demoRules()},
	}
	for _, s := range steps {
		n, err := insertMissing(tx, s.rows)
		if err != nil {
			return fmt.Errorf("seed %s: %w", s.name, err)
		}
		rep.add(s.name, n)
	}
	return nil
}

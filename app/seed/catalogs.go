package seed

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"khung/app/rules"
	"khung/models"
)

// demoRules is the default set of rules: each rule's default value, legal
// bases and their periods come from its declaration in app/rules, one row per
// basis (a rule of the 2022 Law on Inspection until 30/06/2025, its 2025
// counterpart from 01/07/2025).
func demoRules() []models.Rule {
	var out []models.Rule
	r := func(def rules.Entry, vi, en string) []models.Rule {
		info := def.Info()
		rows := make([]models.Rule, len(info.Bases))
		for i, b := range info.Bases {
			rows[i] = models.Rule{Key: info.Key, Value: info.Default, DescriptionVI: vi, DescriptionEN: en,
				LegalBasis: b.LegalBasis, ValidFrom: b.From, ValidTo: b.To}
		}
		return rows
	}
	for _, rows := range [][]models.Rule{
		r(rules.MaxPlannedVisitsPerUnit,
			"Mỗi đơn vị được kiểm tra theo kế hoạch không quá 01 lần/năm", "At most one planned visit per unit per year"),
		r(rules.PlanIssueDeadline,
			"Kế hoạch thanh tra năm ban hành trước ngày 20/12 và gửi ngay cho đơn vị được kiểm tra",
			"The yearly plan is issued by 20 December and sent at once to the inspected units"),
		r(rules.MaxVisitDays, "Số ngày làm việc tối đa của một cuộc kiểm tra tại đơn vị", "Most working days of one visit on site"),
		r(rules.MaxTeamSize, "Số thành viên tối đa của một đoàn", "Largest team"),
		r(rules.ExtraDaysPerExtraBody, "Số ngày cộng thêm cho mỗi cơ quan tham gia kiểm tra liên ngành", "Extra days per extra body of a joint visit"),
		r(rules.Weights, "Trọng số điểm phạt khi xếp lịch kế hoạch khung", "Penalty weights of the framework plan score"),
		r(rules.RotateTeamLeaders, "Luân chuyển trưởng đoàn giữa các năm", "Rotate team leaders between years"),
		r(rules.ConclusionDays,
			"Ký kết luận trong 15 ngày kể từ ngày nhận dự thảo kết luận", "Sign the conclusion within 15 days of receiving the draft"),
		r(rules.DirectiveDays,
			"Ban hành văn bản chỉ đạo thực hiện kết luận trong 15 ngày", "Issue the directive to implement the conclusion within 15 days"),
		r(rules.ImplementationCheckDays,
			"Thời gian kiểm tra việc thực hiện kết luận không quá 10 ngày làm việc", "A check on implementation lasts at most 10 working days"),
		r(rules.ReminderOffsets,
			"Nhắc hạn kiến nghị trước hạn 14, 7 và 1 ngày", "Remind 14, 7 and 1 days before a recommendation's deadline"),
		r(rules.Escalation,
			"Quá hạn: báo văn phòng đơn vị ngay, thủ trưởng đơn vị sau 5 ngày làm việc, lãnh đạo Sở sau 10 ngày làm việc",
			"Overdue: tell the unit office at once, its head after 5 working days, department leadership after 10"),
		r(rules.DigestWeekday, "Gửi bản tin tổng hợp hằng tuần vào thứ Hai", "Send the weekly digest on Mondays"),
		r(rules.VisitNoticeDays,
			"Thông báo cho đơn vị 5 ngày làm việc trước khi đoàn kiểm tra theo kế hoạch đến (không áp dụng cho kiểm tra đột xuất, xác minh)",
			"Tell a unit 5 working days before a planned visit starts (never for unannounced or verification visits)"),
		r(rules.CatchUpDays,
			"Sau khi hệ thống gián đoạn, gửi bù các nhắc việc bị lỡ trong tối đa 7 ngày",
			"After downtime, send missed reminders that fell due in the last 7 days at most"),
	} {
		out = append(out, rows...)
	}
	return out
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

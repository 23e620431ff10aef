package seed

import (
	"fmt"

	"gorm.io/gorm"

	"khung/app/rules"
	"khung/models"
)

// Legal texts quoted by the catalogs (the rules' are in app/rules).
const (
	lawInspection2025 = "Luật Thanh tra số 84/2025/QH15 (hiệu lực từ 01/7/2025)"
	lawInspection2022 = "Luật Thanh tra số 11/2022/QH15"
)

// Dates the catalogs take effect from.
func since2023() models.Date { return models.NewDate(2023, 7, 1) } // Law 11/2022/QH15 in force
func since2024() models.Date { return models.NewDate(2024, 1, 1) } // Hanoi's first joint framework plan

// demoKinds is the default catalog of inspection kinds (codes as in planner-spec §1).
func demoKinds() []models.InspectionKind {
	return []models.InspectionKind{
		{Code: "public_service", NameVI: "Kiểm tra công vụ", NameEN: "Public-service inspection",
			LegalBasis: "Luật Cán bộ, công chức; quy định của UBND Thành phố Hà Nội về kiểm tra công vụ (không thuộc phạm vi điều chỉnh của Luật Thanh tra)",
			ValidFrom:  since2024()},
		{Code: "specialised", NameVI: "Thanh tra, kiểm tra chuyên ngành (từ 01/7/2025: kiểm tra chuyên ngành)",
			NameEN:     "Specialised inspection or check (from 1 July 2025: specialised check)",
			LegalBasis: lawInspection2022 + " (thanh tra chuyên ngành, đến 30/6/2025); " + lawInspection2025 + ": bỏ thanh tra chuyên ngành, cơ quan quản lý thực hiện kiểm tra chuyên ngành",
			ValidFrom:  since2023()},
		{Code: "professional", NameVI: "Kiểm tra chuyên môn, chuyên đề", NameEN: "Professional or thematic check",
			LegalBasis: "Chức năng, nhiệm vụ của Sở Nội vụ theo quy định của UBND Thành phố Hà Nội",
			ValidFrom:  since2024()},
		{Code: "internal", NameVI: "Kiểm tra nội bộ", NameEN: "Internal inspection",
			LegalBasis: "Quy chế kiểm tra nội bộ của từng cơ quan, đơn vị",
			ValidFrom:  since2024()},
	}
}

// demoSkills is the default catalog of skills a team may need.
func demoSkills() []models.Skill {
	s := func(code, vi, en, basis string) models.Skill {
		return models.Skill{Code: code, NameVI: vi, NameEN: en, LegalBasis: basis, ValidFrom: since2024()}
	}
	return []models.Skill{
		s("cong_vu", "Công vụ, kỷ luật, kỷ cương hành chính", "Public service and administrative discipline", "Luật Cán bộ, công chức; Luật Viên chức"),
		s("to_chuc_can_bo", "Tổ chức bộ máy, cán bộ, công chức, viên chức", "Organisation and personnel", "Luật Cán bộ, công chức; Luật Viên chức"),
		s("tai_chinh", "Tài chính, kế toán, chế độ tiền lương", "Finance, accounting and pay", "Luật Ngân sách nhà nước; Luật Kế toán"),
		s("thi_dua_khen_thuong", "Thi đua, khen thưởng", "Emulation and commendation", "Luật Thi đua, khen thưởng số 06/2022/QH15"),
		s("van_thu_luu_tru", "Văn thư, lưu trữ", "Records and archives", "Luật Lưu trữ số 33/2024/QH15; Nghị định 30/2020/NĐ-CP về công tác văn thư"),
		s("ton_giao", "Tín ngưỡng, tôn giáo", "Beliefs and religion", "Luật Tín ngưỡng, tôn giáo số 02/2016/QH14"),
		s("cai_cach_hanh_chinh", "Cải cách hành chính, thủ tục hành chính", "Administrative reform and procedures", "Chương trình tổng thể cải cách hành chính nhà nước"),
		s("chinh_quyen_dia_phuong", "Chính quyền địa phương, cán bộ cấp xã", "Local government and commune officials", "Luật Tổ chức chính quyền địa phương"),
	}
}

// demoTopics is the default catalog of inspection topics, each with its kind
// and the skill it calls for.
func demoTopics() []models.Topic {
	basis := map[string]string{}
	for _, s := range demoSkills() {
		basis[s.Code] = s.LegalBasis
	}
	// A topic rests on the law of its field, which is its skill's.
	t := func(code, vi, en, kind, skill string) models.Topic {
		return models.Topic{Code: code, NameVI: vi, NameEN: en, LegalBasis: basis[skill], KindCode: &kind, SkillCode: &skill, ValidFrom: since2024()}
	}
	return []models.Topic{
		t("ky_luat_hanh_chinh", "Chấp hành kỷ luật, kỷ cương hành chính", "Administrative discipline", "public_service", "cong_vu"),
		t("dao_duc_van_hoa_cong_vu", "Đạo đức, văn hóa giao tiếp của cán bộ, công chức, viên chức", "Ethics and conduct of civil servants", "public_service", "cong_vu"),
		t("thoi_gio_lam_viec", "Sử dụng thời giờ làm việc", "Use of working hours", "public_service", "cong_vu"),
		t("giai_quyet_tthc", "Giải quyết thủ tục hành chính cho người dân, doanh nghiệp", "Handling of administrative procedures for citizens and businesses", "public_service", "cai_cach_hanh_chinh"),
		t("thuc_hien_ket_luan", "Thực hiện kết luận kiểm tra, thanh tra trước đó", "Implementation of earlier conclusions", "public_service", "cong_vu"),
		t("tuyen_dung_su_dung", "Tuyển dụng, sử dụng, quản lý công chức, viên chức", "Recruitment and management of civil servants", "specialised", "to_chuc_can_bo"),
		t("bo_nhiem_luan_chuyen", "Bổ nhiệm, điều động, luân chuyển cán bộ", "Appointment, transfer and rotation of officials", "specialised", "to_chuc_can_bo"),
		t("vi_tri_viec_lam", "Vị trí việc làm, biên chế và cơ cấu ngạch", "Job positions, staffing quotas and grades", "specialised", "to_chuc_can_bo"),
		t("che_do_tien_luong", "Thực hiện chế độ tiền lương, phụ cấp", "Pay and allowances", "specialised", "tai_chinh"),
		t("thi_dua_khen_thuong", "Công tác thi đua, khen thưởng", "Emulation and commendation work", "specialised", "thi_dua_khen_thuong"),
		t("van_thu_luu_tru", "Công tác văn thư, lưu trữ", "Records and archives work", "specialised", "van_thu_luu_tru"),
		t("tin_nguong_ton_giao", "Thực hiện chính sách, pháp luật về tín ngưỡng, tôn giáo", "Policy and law on beliefs and religion", "specialised", "ton_giao"),
		t("to_chuc_bo_may", "Tổ chức bộ máy, chức năng, nhiệm vụ", "Organisation, functions and duties", "professional", "to_chuc_can_bo"),
		t("cai_cach_hanh_chinh", "Triển khai cải cách hành chính, chỉ số PAR INDEX", "Administrative reform and the PAR index", "professional", "cai_cach_hanh_chinh"),
		t("chinh_quyen_co_so", "Tổ chức chính quyền địa phương, cán bộ cấp xã, dân chủ ở cơ sở", "Local government, commune officials and grassroots democracy", "professional", "chinh_quyen_dia_phuong"),
		t("tu_kiem_tra_noi_bo", "Công tác tự kiểm tra, kiểm tra nội bộ", "Self-checks and internal inspection", "internal", "cong_vu"),
	}
}

// demoRules is the default set of rules: each rule's default value, legal
// basis and date of effect come from its declaration in app/rules.
func demoRules() []models.Rule {
	r := func(def rules.Entry, vi, en string) models.Rule {
		info := def.Info()
		return models.Rule{Key: info.Key, Value: info.Default, DescriptionVI: vi, DescriptionEN: en, LegalBasis: info.LegalBasis, ValidFrom: info.Since}
	}
	return []models.Rule{
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
	}
}

// insertCatalogs adds the kinds, skills, topics and rules that are missing
// (natural keys: code; for rules key and valid_from). Existing rows are left as
// the administrators edited them.
func insertCatalogs(tx *gorm.DB, rep *demoReport) error {
	steps := []struct {
		name string
		rows any
	}{
		{"inspection_kinds", demoKinds()},
		{"skills", demoSkills()},
		{"topics", demoTopics()},
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

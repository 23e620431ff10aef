package seed

import (
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/models"
)

// bodySpec is an inspecting body of the demo city; Unit is its own unit's code
// and Skill the skill most of its inspectors hold.
type bodySpec struct {
	Code, Name, Short string
	Kind              models.BodyKind
	Precedence        int
	Unit              string
	Skill             string
	Inspectors        int // how many demo inspectors it gets
}

// homeAffairs is the code of Sở Nội vụ in the embedded list of departments.
const homeAffairs = "01-SNV"

// demoBodies lists Hanoi's inspecting bodies: the city team, the department's
// inspectorate and divisions, and each district's Phòng Nội vụ (internal
// inspection). Codes city-team and dept-inspectorate are those of planner-spec.
func demoBodies(hanoi adminunits.Province) []bodySpec {
	bodies := []bodySpec{
		{"city-team", "Đoàn kiểm tra công vụ Thành phố", "Đoàn KTCV TP", models.BodyCityTeam, 1, homeAffairs, "cong_vu", 24},
		{"dept-inspectorate", "Thanh tra Sở Nội vụ", "Thanh tra SNV", models.BodyInspectorate, 2, homeAffairs, "to_chuc_can_bo", 20},
		{"snv-ccvc", "Phòng Công chức, viên chức", "P.CCVC", models.BodyDivision, 3, homeAffairs, "cong_vu", 8},
		{"snv-tcbm", "Phòng Tổ chức bộ máy", "P.TCBM", models.BodyDivision, 4, homeAffairs, "to_chuc_can_bo", 8},
		{"snv-xdcq", "Phòng Xây dựng chính quyền", "P.XDCQ", models.BodyDivision, 5, homeAffairs, "chinh_quyen_dia_phuong", 8},
		{"snv-cchc", "Phòng Cải cách hành chính", "P.CCHC", models.BodyDivision, 6, homeAffairs, "cai_cach_hanh_chinh", 8},
		{"snv-vtlt", "Chi cục Văn thư - Lưu trữ", "CC VT-LT", models.BodyDivision, 7, homeAffairs, "van_thu_luu_tru", 8},
		{"snv-tdkt", "Ban Thi đua - Khen thưởng", "Ban TĐ-KT", models.BodyDivision, 8, homeAffairs, "thi_dua_khen_thuong", 8},
		{"snv-tg", "Ban Tôn giáo", "Ban TG", models.BodyDivision, 9, homeAffairs, "ton_giao", 8},
	}
	for i, d := range hanoi.Districts {
		n := 3
		if i < 10 { // the ten first (the urban districts) have more staff
			n = 4
		}
		bodies = append(bodies, bodySpec{
			Code: "pnv-" + d.Code, Name: "Phòng Nội vụ " + d.Name, Short: "PNV " + districtShortName(d.Name),
			Kind: models.BodyDistrictInternal, Precedence: 10, Unit: districtOfficeCode(d.Code), Skill: "chinh_quyen_dia_phuong", Inspectors: n,
		})
	}
	return bodies
}

// districtOfficeCode is the unit code of a district's Phòng Nội vụ.
func districtOfficeCode(district string) string { return district + "-PNV" }

// districtOffices are the units of each district's Phòng Nội vụ, under the
// district. A district's inspectors work there, not in the district People's
// Committee itself: conflicts of interest close over ancestors (planner-spec
// H4), so a home unit equal to the district would bar them from every commune
// they are meant to inspect.
func districtOffices(hanoi adminunits.Province) []unitRow {
	rows := make([]unitRow, 0, len(hanoi.Districts))
	for _, d := range hanoi.Districts {
		rows = append(rows, unitRow{Code: districtOfficeCode(d.Code), Name: "Phòng Nội vụ " + d.Name,
			ShortName: "PNV " + districtShortName(d.Name), TypeLabel: "Phòng", Kind: models.UnitDepartment, Level: 3,
			ParentCode: d.Code, AreaCode: d.Code,
			Path: models.UnitPath(models.UnitPath(models.UnitPath("", hanoi.Code), d.Code), districtOfficeCode(d.Code))})
	}
	return rows
}

// districtShortName drops the type from a district's name ("Quận Ba Đình" → "Ba Đình").
func districtShortName(name string) string {
	for _, t := range []string{"Quận ", "Huyện ", "Thị xã ", "Thành phố "} {
		if s, ok := strings.CutPrefix(name, t); ok {
			return s
		}
	}
	return name
}

// insertBodies adds the missing bodies and returns the id of every demo body by code.
func insertBodies(tx *gorm.DB, specs []bodySpec, unitIDs map[string]int64, rep *demoReport) (map[string]int64, error) {
	rows := make([]models.Body, len(specs))
	codes := make([]string, len(specs))
	for i, s := range specs {
		id, ok := unitIDs[s.Unit]
		if !ok {
			return nil, fmt.Errorf("seed bodies: unit %s of body %s is missing", s.Unit, s.Code)
		}
		rows[i] = models.Body{Code: s.Code, Name: s.Name, ShortName: s.Short, Kind: s.Kind,
			Precedence: s.Precedence, UnitID: &id, Active: true}
		codes[i] = s.Code
	}
	n, err := insertMissing(tx, rows)
	if err != nil {
		return nil, fmt.Errorf("seed bodies: %w", err)
	}
	rep.add("bodies", n)
	return idsByCode(tx, &models.Body{}, codes)
}

// idsByCode returns the ids of the rows of model's table with the given codes.
func idsByCode(tx *gorm.DB, model any, codes []string) (map[string]int64, error) {
	var rows []struct {
		ID   int64
		Code string
	}
	if err := tx.Model(model).Select("id", "code").Where("code IN ?", codes).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read ids: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

package seed

import (
	"fmt"
	"slices"
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
	LegalBasis        string
	ValidFrom         *models.Date // first day in force; nil: since always
	ValidTo           *models.Date // last day in force; nil: still in force
}

// homeAffairs is the code of Sở Nội vụ in the embedded list of departments.
const homeAffairs = "01-SNV"

// demoBodies lists Hanoi's inspecting bodies: the city team, the department's
// inspectorate and divisions (data/bodies.toml), and each district's Phòng Nội
// vụ (internal inspection). Codes city-team and dept-inspectorate are those of
// planner-spec.
func (d *demoData) demoBodies(hanoi adminunits.Province) []bodySpec {
	bodies := slices.Clone(d.bodies)
	for i, dist := range hanoi.Districts {
		n := 3
		if i < 10 { // the ten first (the urban districts) have more staff
			n = 4
		}
		bodies = append(bodies, bodySpec{
			Code: "pnv-" + dist.Code, Name: d.office.NamePrefix + dist.Name, Short: d.office.ShortPrefix + d.districtShortName(dist.Name),
			Kind: models.BodyDistrictInternal, Precedence: 10, Unit: districtOfficeCode(dist.Code), Skill: "chinh_quyen_dia_phuong", Inspectors: n,
			LegalBasis: d.office.LegalBasis, ValidTo: d.office.ValidTo,
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
func (d *demoData) districtOffices(hanoi adminunits.Province) []unitRow {
	rows := make([]unitRow, 0, len(hanoi.Districts))
	for _, dist := range hanoi.Districts {
		rows = append(rows, unitRow{Code: districtOfficeCode(dist.Code), Name: d.office.NamePrefix + dist.Name,
			ShortName: d.office.ShortPrefix + d.districtShortName(dist.Name), TypeLabel: d.office.TypeLabel, Kind: models.UnitDepartment, Level: 3,
			ParentCode: dist.Code, AreaCode: dist.Code,
			Path: models.UnitPath(models.UnitPath(models.UnitPath("", hanoi.Code), dist.Code), districtOfficeCode(dist.Code))})
	}
	return rows
}

// districtShortName drops the type from a district's name ("Quận Ba Đình" → "Ba Đình").
func (d *demoData) districtShortName(name string) string {
	for _, t := range d.office.DistrictTypes {
		if s, ok := strings.CutPrefix(name, t); ok {
			return s
		}
	}
	return name
}

// insertBodies adds the missing bodies and returns the id of every demo body
// by code. A body loaded before bodies had life spans (no dates, no legal
// basis) gets those of the data; a body whose dates or basis an administrator
// set is left alone.
func insertBodies(tx *gorm.DB, specs []bodySpec, unitIDs map[string]int64, rep *demoReport) (map[string]int64, error) {
	rows := make([]models.Body, len(specs))
	codes := make([]string, len(specs))
	for i, s := range specs {
		id, ok := unitIDs[s.Unit]
		if !ok {
			return nil, fmt.Errorf("seed bodies: unit %s of body %s is missing", s.Unit, s.Code)
		}
		rows[i] = models.Body{Code: s.Code, Name: s.Name, ShortName: s.Short, Kind: s.Kind,
			Precedence: s.Precedence, UnitID: &id, Active: true, ValidFrom: s.ValidFrom, ValidTo: s.ValidTo, LegalBasis: s.LegalBasis}
		codes[i] = s.Code
	}
	n, err := insertMissing(tx, rows)
	if err != nil {
		return nil, fmt.Errorf("seed bodies: %w", err)
	}
	rep.add("bodies", n)
	var dated int64
	for _, s := range specs {
		res := tx.Model(&models.Body{}).
			Where("code = ? AND legal_basis = '' AND valid_from IS NULL AND valid_to IS NULL", s.Code).
			Updates(map[string]any{"valid_from": s.ValidFrom, "valid_to": s.ValidTo, "legal_basis": s.LegalBasis})
		if res.Error != nil {
			return nil, fmt.Errorf("seed bodies: date %s: %w", s.Code, res.Error)
		}
		dated += res.RowsAffected
	}
	if dated > 0 {
		rep.add("bodies dated", dated)
	}
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

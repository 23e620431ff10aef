package seed

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/models"
)

// Today brings the demo city loaded by Demo up to today's Hanoi: the units of
// both generations with their successor links (ImportProvince: the districts,
// communes and wards end on 30 June 2025, the 126 communes and wards begin on
// 1 July 2025), each new commune's People's Committee as a body checking its
// own offices from that day, and the logins of a commune office (Phường Hồng
// Hà) and of a department (data/departments.toml, data/users_today.toml). Run
// it after Demo; it is idempotent: a second run adds nothing. Tests that need
// only the city of Demo skip it.
func Today(ctx context.Context, db *gorm.DB, opt Options) (string, error) {
	if opt.Now.IsZero() {
		return "", errors.New("seed: Options.Now is required")
	}
	data, err := loadDemoData(dataFiles)
	if err != nil {
		return "", err
	}
	deps, err := loadDepartments(dataFiles)
	if err != nil {
		return "", err
	}
	units, err := ImportProvince(ctx, db, demoProvince)
	if err != nil {
		return "", err
	}
	reformed, err := adminunits.Reformed()
	if err != nil {
		return "", fmt.Errorf("seed today: %w", err)
	}
	hanoi, ok := adminunits.FindNew(reformed, demoProvince)
	if !ok {
		return "", unknownProvince(demoProvince)
	}
	bodies := deps.communeBodies(hanoi)
	rep := &demoReport{}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		codes := []string{}
		for _, b := range bodies {
			codes = append(codes, b.Unit)
		}
		for _, u := range data.todayUsers {
			codes = append(codes, u.Unit)
		}
		unitIDs, err := idsByCode(tx, &models.Unit{}, codes)
		if err != nil {
			return fmt.Errorf("seed today: %w", err)
		}
		if _, err := insertBodies(tx, bodies, unitIDs, rep); err != nil {
			return err
		}
		return insertUsers(tx, data.todayUsers, unitIDs, nil, rep)
	})
	if err != nil {
		return "", fmt.Errorf("seed --demo (today): %w", err)
	}
	var b strings.Builder
	b.WriteString(units)
	fmt.Fprintf(&b, "\n\nUBND xã, phường từ 01/07/2025 (cơ quan tự kiểm tra) / communes' People's Committees since 1 July 2025 (%d dòng / rows):\n", rep.total())
	for _, t := range rep.tables {
		fmt.Fprintf(&b, "  %-24s %5d\n", t, rep.added[t])
	}
	fmt.Fprintf(&b, "Tài khoản / logins — mật khẩu / password: %s\n", DemoPassword)
	for _, u := range data.todayUsers {
		fmt.Fprintf(&b, "  %-20s %-10s %s\n", u.Email, u.Role, u.What)
	}
	return strings.TrimRight(b.String(), "\n"), nil
}

// departmentsData is data/departments.toml.
type departmentsData struct {
	ReorganisedOn models.Date `toml:"reorganised_on"`
	Department    []struct {
		Code     string `toml:"code"`
		Name     string `toml:"name"`
		Short    string `toml:"short"`
		Formerly []struct {
			Code string         `toml:"code"`
			How  adminunits.How `toml:"how"`
		} `toml:"formerly"`
		Skill  string `toml:"skill"`
		NoBody bool   `toml:"no_body"`
	} `toml:"department"`
	DepartmentBody struct {
		NameSuffix  string `toml:"name_suffix"`
		ShortSuffix string `toml:"short_suffix"`
		CodePrefix  string `toml:"code_prefix"`
		Precedence  int    `toml:"precedence"`
		Inspectors  int    `toml:"inspectors"`
		LegalBasis  string `toml:"legal_basis"`
	} `toml:"department_body"`
	CityInspectorate struct {
		Code       string `toml:"code"`
		Name       string `toml:"name"`
		Short      string `toml:"short"`
		Unit       string `toml:"unit"`
		Precedence int    `toml:"precedence"`
		Skill      string `toml:"skill"`
		Inspectors int    `toml:"inspectors"`
		LegalBasis string `toml:"legal_basis"`
	} `toml:"city_inspectorate"`
	CommuneBody struct {
		NamePrefix  string `toml:"name_prefix"`
		ShortPrefix string `toml:"short_prefix"`
		CodePrefix  string `toml:"code_prefix"`
		Precedence  int    `toml:"precedence"`
		LegalBasis  string `toml:"legal_basis"`
	} `toml:"commune_body"`
}

// loadDepartments reads and checks data/departments.toml of fsys.
func loadDepartments(fsys fs.FS) (*departmentsData, error) {
	d := &departmentsData{}
	if err := decodeData(fsys, "data/departments.toml", d); err != nil {
		return nil, err
	}
	codes := map[string]bool{}
	for _, dep := range adminunits.HanoiDepartments() {
		codes[dep.Code] = true
	}
	switch {
	case d.ReorganisedOn.IsZero() || len(d.Department) == 0:
		return nil, errors.New("seed data: departments.toml lacks reorganised_on or departments")
	case d.DepartmentBody.CodePrefix == "" || d.DepartmentBody.LegalBasis == "" || d.DepartmentBody.Inspectors < 1:
		return nil, errors.New("seed data: departments.toml: department_body lacks a value")
	case d.CityInspectorate.Code == "" || d.CityInspectorate.LegalBasis == "" || !codes[d.CityInspectorate.Unit]:
		return nil, errors.New("seed data: departments.toml: city_inspectorate lacks a value or names an unknown unit")
	case d.CommuneBody.CodePrefix == "" || d.CommuneBody.NamePrefix == "" || d.CommuneBody.LegalBasis == "":
		return nil, errors.New("seed data: departments.toml: commune_body lacks a value")
	}
	for _, dep := range d.Department {
		if dep.Code == "" || dep.Name == "" || dep.Short == "" || (!dep.NoBody && dep.Skill == "") {
			return nil, fmt.Errorf("seed data: departments.toml: department %q lacks a value", dep.Code)
		}
		for _, f := range dep.Formerly {
			if !codes[f.Code] || (f.How != adminunits.HowWhole && f.How != adminunits.HowPart) {
				return nil, fmt.Errorf("seed data: departments.toml: %s names unknown department %q or how %q", dep.Code, f.Code, f.How)
			}
		}
	}
	return d, nil
}

// reorganise writes the departments of 1 March 2025: a new one is added
// (under the city, from that day), one that continues keeps its row, a former
// one that continues in none ends the day before, and each former → new pair
// is a successor link. Dates an administrator already set are kept.
func (d *departmentsData) reorganise(tx *gorm.DB, rep *demoReport) error {
	var city models.Unit
	if err := tx.Where("code = ?", demoProvince).Take(&city).Error; err != nil {
		return fmt.Errorf("seed departments: the city %s: %w", demoProvince, err)
	}
	continuing := map[string]bool{}
	for _, dep := range d.Department {
		continuing[dep.Code] = true
	}
	from := d.ReorganisedOn
	var fresh []models.Unit
	var links []succession
	ended := map[string]bool{}
	for _, dep := range d.Department {
		fresh = append(fresh, models.Unit{Code: dep.Code, Name: dep.Name, ShortName: dep.Short, Kind: models.UnitDepartment,
			TypeLabel: departmentType(dep.Name), ParentID: &city.ID, Path: models.UnitPath(city.Path, dep.Code), ValidFrom: &from})
		for _, f := range dep.Formerly {
			links = append(links, succession{From: f.Code, To: dep.Code, How: f.How})
			if !continuing[f.Code] {
				ended[f.Code] = true
			}
		}
	}
	n, err := insertMissing(tx, fresh)
	if err != nil {
		return fmt.Errorf("seed departments: %w", err)
	}
	rep.add("departments", n)
	last := from.AddDays(-1)
	res := tx.Model(&models.Unit{}).Where("code IN ? AND valid_to IS NULL", sortedKeys(ended)).Update("valid_to", last)
	if res.Error != nil {
		return fmt.Errorf("seed departments: end the merged ones: %w", res.Error)
	}
	rep.add("departments ended", res.RowsAffected)
	lr, err := upsertSuccessions(tx, links, from)
	if err != nil {
		return fmt.Errorf("seed departments: %w", err)
	}
	rep.add("department links", int64(lr.Added))
	return nil
}

// departmentBodies are the bodies of 2025 beyond Sở Nội vụ's own: Thanh tra
// Thành phố and the departments' specialised checks from 1 March 2025.
func (d *departmentsData) departmentBodies() []bodySpec {
	ci := d.CityInspectorate
	out := []bodySpec{{Code: ci.Code, Name: ci.Name, Short: ci.Short, Kind: models.BodyInspectorate, Precedence: ci.Precedence,
		Unit: ci.Unit, Skill: ci.Skill, Inspectors: ci.Inspectors, LegalBasis: ci.LegalBasis}}
	from := d.ReorganisedOn
	db := d.DepartmentBody
	for _, dep := range d.Department {
		if dep.NoBody {
			continue
		}
		out = append(out, bodySpec{Code: db.CodePrefix + dep.Code, Name: dep.Name + db.NameSuffix, Short: dep.Short + db.ShortSuffix,
			Kind: models.BodyDepartment, Precedence: db.Precedence, Unit: dep.Code, Skill: dep.Skill, Inspectors: db.Inspectors,
			LegalBasis: db.LegalBasis, ValidFrom: &from})
	}
	return out
}

// communeBodies are each commune's and ward's People's Committee from 1 July
// 2025, checking its own offices and units.
func (d *departmentsData) communeBodies(hanoi adminunits.NewProvince) []bodySpec {
	var out []bodySpec
	first := models.MustParseDate(adminunits.ReformDay)
	cb := d.CommuneBody
	for _, c := range hanoi.Communes {
		out = append(out, bodySpec{Code: cb.CodePrefix + c.Code, Name: cb.NamePrefix + c.Name, Short: cb.ShortPrefix + c.Name,
			Kind: models.BodyCommune, Precedence: cb.Precedence, Unit: ReformedCode(c.Code), LegalBasis: cb.LegalBasis, ValidFrom: &first})
	}
	return out
}

package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/models"
)

// ErrUnknownProvince is returned for a province code that is not in the list.
var ErrUnknownProvince = errors.New("unknown province")

// ErrBadFile is returned for a unit list that cannot be imported.
var ErrBadFile = errors.New("bad unit list")

// Error is an import or seed error with its message in Vietnamese and English;
// errors.Is finds its Kind (ErrUnknownProvince, ErrBadFile).
type Error struct {
	Kind error
	VI   string
	EN   string
}

func (e *Error) Error() string { return e.VI + " / " + e.EN }

// Unwrap lets errors.Is find the kind.
func (e *Error) Unwrap() error { return e.Kind }

// ImportFile imports one generation of a province's units (the province, its
// districts, communes and wards, keyed by official code; for Hanoi also the
// city's departments) from r, in the dvhcvn JSON shape of the embedded list,
// without life spans or links. It runs in one transaction and is idempotent;
// a unit whose name or type changed in the list is updated. A file that cannot be read or that breaks a rule
// (missing code or name, a code used twice, a code that is not digits) is
// refused with an error naming the problem, and nothing is written.
func ImportFile(ctx context.Context, db *gorm.DB, r io.Reader, code string) (string, error) {
	ps, err := adminunits.Parse(r)
	if err != nil {
		return "", &Error{Kind: fmt.Errorf("%w: %w", ErrBadFile, err),
			VI: "Tệp danh mục đơn vị không hợp lệ: " + err.Error(),
			EN: "The unit list cannot be imported: " + err.Error()}
	}
	return importList(ctx, db, ps, code, "tệp được cung cấp / the given file")
}

func importList(ctx context.Context, db *gorm.DB, ps []adminunits.Province, code, source string) (string, error) {
	p, err := findProvince(ps, code)
	if err != nil {
		return "", err
	}
	rows, err := provinceUnits(p)
	if err != nil {
		return "", err
	}
	var res importResult
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res, err = upsertUnits(tx, rows)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("units import %s: %w", code, err)
	}
	return res.report(p, source), nil
}

func findProvince(ps []adminunits.Province, code string) (adminunits.Province, error) {
	code = normalCode(code)
	p, ok := adminunits.Find(ps, code)
	if !ok {
		return p, unknownProvince(code)
	}
	return p, nil
}

// normalCode trims a province code; "1" means 01, as people often type it.
func normalCode(code string) string {
	code = strings.TrimSpace(code)
	if len(code) == 1 && code[0] >= '0' && code[0] <= '9' {
		code = "0" + code
	}
	return code
}

func unknownProvince(code string) error {
	vi, en := bilingual("units_history.import.unknown_province", "Code", code)
	return &Error{Kind: ErrUnknownProvince, VI: vi, EN: en}
}

// unitRow is one unit to import, with its parent named by code. With
// Lifespan, ValidFrom and ValidTo are the unit's official first and last days
// and the import writes them; without, the unit's validity is left as it is.
type unitRow struct {
	Code, Name, ShortName, TypeLabel, ParentCode, AreaCode, Path string
	Kind                                                         models.UnitKind
	Level                                                        int // 1 province, 2 district, department or (since 2025) commune, 3 commune
	Lifespan                                                     bool
	ValidFrom, ValidTo                                           *models.Date
}

var officialCode = regexp.MustCompile(`^[0-9]{2,5}$`)

// provinceUnits flattens a province into rows in tree order (parents before
// children) and checks what the database would otherwise refuse less clearly.
func provinceUnits(p adminunits.Province) ([]unitRow, error) {
	var rows []unitRow
	var problems []string
	seen := map[string]bool{}
	add := func(r unitRow) {
		switch {
		case !officialCode.MatchString(r.Code) && r.Kind != models.UnitDepartment:
			problems = append(problems, fmt.Sprintf("mã %q của %q không phải là dãy 2–5 chữ số / code %q of %q is not 2–5 digits", r.Code, r.Name, r.Code, r.Name))
		case seen[r.Code]:
			problems = append(problems, fmt.Sprintf("mã %s dùng cho hai đơn vị / code %s is used twice", r.Code, r.Code))
		}
		seen[r.Code] = true
		rows = append(rows, r)
	}
	city := unitRow{Code: p.Code, Name: p.Name, TypeLabel: p.Type, Kind: models.UnitCity, Level: 1,
		Path: models.UnitPath("", p.Code)}
	add(city)
	for _, d := range p.Districts {
		dr := unitRow{Code: d.Code, Name: d.Name, TypeLabel: d.Type, Kind: models.UnitDistrict, Level: 2,
			ParentCode: p.Code, AreaCode: d.Code, Path: models.UnitPath(city.Path, d.Code)}
		add(dr)
		for _, w := range d.Wards {
			add(unitRow{Code: w.Code, Name: w.Name, TypeLabel: w.Type, Kind: models.UnitCommune, Level: 3,
				ParentCode: d.Code, AreaCode: d.Code, Path: models.UnitPath(dr.Path, w.Code)})
		}
	}
	if p.Code == "01" {
		for _, dep := range adminunits.HanoiDepartments() {
			add(unitRow{Code: dep.Code, Name: dep.Name, ShortName: dep.Short, TypeLabel: departmentType(dep.Name),
				Kind: models.UnitDepartment, Level: 2, ParentCode: p.Code, Path: models.UnitPath(city.Path, dep.Code)})
		}
	}
	if len(problems) > 0 {
		if len(problems) > 10 {
			problems = append(problems[:10], fmt.Sprintf("… và %d lỗi khác / … and %d more", len(problems)-10, len(problems)-10))
		}
		msg := strings.Join(problems, "; ")
		return nil, &Error{Kind: ErrBadFile,
			VI: "Tệp danh mục đơn vị không hợp lệ: " + msg,
			EN: "The unit list cannot be imported: " + msg}
	}
	return rows, nil
}

// departmentType is the official type of a department-level body, read from
// the start of its name.
func departmentType(name string) string {
	for _, t := range []string{"Sở", "Văn phòng", "Thanh tra", "Ban"} {
		if strings.HasPrefix(name, t+" ") {
			return t
		}
	}
	return ""
}

// importResult counts what an import did.
type importResult struct {
	Added, Updated, Unchanged int
	ByKind                    map[models.UnitKind]int
	Renamed                   []string // "code: old → new"
}

// upsertUnits inserts the missing units level by level (so each parent has its
// id), updates those whose name, type, place in the tree or area changed, and
// leaves the others alone.
func upsertUnits(tx *gorm.DB, rows []unitRow) (importResult, error) {
	res := importResult{ByKind: map[models.UnitKind]int{}}
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.Code
		res.ByKind[r.Kind]++
	}
	var existing []models.Unit
	if err := tx.Where("code IN ?", codes).Find(&existing).Error; err != nil {
		return res, fmt.Errorf("read existing units: %w", err)
	}
	byCode := make(map[string]models.Unit, len(existing))
	for _, u := range existing {
		byCode[u.Code] = u
	}

	for level := 1; level <= 3; level++ {
		var fresh []models.Unit
		for _, r := range rows {
			if r.Level != level {
				continue
			}
			var parentID *int64
			if r.ParentCode != "" {
				id := byCode[r.ParentCode].ID
				parentID = &id
			}
			old, found := byCode[r.Code]
			if !found {
				fresh = append(fresh, models.Unit{Code: r.Code, Name: r.Name, ShortName: r.ShortName, Kind: r.Kind,
					TypeLabel: r.TypeLabel, ParentID: parentID, AreaCode: r.AreaCode, Path: r.Path,
					ValidFrom: r.ValidFrom, ValidTo: r.ValidTo})
				continue
			}
			if unitMatches(old, r, parentID) {
				res.Unchanged++
				continue
			}
			if old.Name != r.Name {
				res.Renamed = append(res.Renamed, fmt.Sprintf("%s: %s → %s", r.Code, old.Name, r.Name))
			}
			change := map[string]any{
				"name": r.Name, "short_name": r.ShortName, "kind": r.Kind, "type_label": r.TypeLabel,
				"parent_id": parentID, "area_code": r.AreaCode, "path": r.Path,
			}
			if r.Lifespan {
				change["valid_from"], change["valid_to"] = r.ValidFrom, r.ValidTo
			}
			if err := tx.Model(&models.Unit{}).Where("id = ?", old.ID).Updates(change).Error; err != nil {
				return res, fmt.Errorf("update unit %s: %w", r.Code, err)
			}
			res.Updated++
		}
		if len(fresh) == 0 {
			continue
		}
		if err := tx.CreateInBatches(fresh, 500).Error; err != nil {
			return res, fmt.Errorf("insert units of level %d: %w", level, err)
		}
		for _, u := range fresh {
			byCode[u.Code] = u
		}
		res.Added += len(fresh)
	}
	return res, nil
}

func unitMatches(u models.Unit, r unitRow, parentID *int64) bool {
	sameParent := (u.ParentID == nil) == (parentID == nil) && (u.ParentID == nil || *u.ParentID == *parentID)
	sameDates := !r.Lifespan || (sameDate(u.ValidFrom, r.ValidFrom) && sameDate(u.ValidTo, r.ValidTo))
	return sameParent && sameDates && u.Name == r.Name && u.ShortName == r.ShortName && u.Kind == r.Kind &&
		u.TypeLabel == r.TypeLabel && u.AreaCode == r.AreaCode && u.Path == r.Path
}

func sameDate(a, b *models.Date) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// report renders the result in Vietnamese, then English.
func (r importResult) report(p adminunits.Province, source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Đơn vị của %s (mã %s), nguồn: %s\n", p.Name, p.Code, source)
	fmt.Fprintf(&b, "  thêm mới %d, cập nhật %d, không đổi %d — gồm %d tỉnh/thành phố, %d quận/huyện/thị xã, %d xã/phường/thị trấn, %d sở/ban/ngành\n",
		r.Added, r.Updated, r.Unchanged, r.ByKind[models.UnitCity], r.ByKind[models.UnitDistrict], r.ByKind[models.UnitCommune], r.ByKind[models.UnitDepartment])
	fmt.Fprintf(&b, "Units of %s (code %s): %d added, %d updated, %d unchanged — %d province/city, %d districts, %d communes/wards, %d departments",
		p.Name, p.Code, r.Added, r.Updated, r.Unchanged, r.ByKind[models.UnitCity], r.ByKind[models.UnitDistrict], r.ByKind[models.UnitCommune], r.ByKind[models.UnitDepartment])
	for _, s := range r.Renamed {
		fmt.Fprintf(&b, "\n  đổi tên / renamed %s", s)
	}
	return b.String()
}

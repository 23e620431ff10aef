package reports

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"khung/app/authz"
	"khung/app/units"
	"khung/models"
)

// FilterOption is one choice of a filter: its value in the query and its name in
// both languages.
type FilterOption struct {
	Value  string `json:"value"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Group  string `json:"group,omitempty"` // "body" or "own" for the bodies' list
}

// Options are the choices of the report's and the dashboard's filters.
type Options struct {
	Periods []FilterOption
	Bodies  []FilterOption
	Areas   []FilterOption
	Kinds   []FilterOption
}

// presetYears is how many years the period presets offer, this one included.
const presetYears = 5

// Preset returns the period of a preset: "2027" (the year), "2027-h1" (the
// first six months), "2027-h2" (the last six); ok false for anything else.
func Preset(key string) (from, to models.Date, ok bool) {
	year, half, _ := strings.Cut(key, "-")
	y, err := strconv.Atoi(year)
	if err != nil || y < 1990 || y > 2200 || strconv.Itoa(y) != year {
		return from, to, false
	}
	switch half {
	case "":
		return models.NewDate(y, time.January, 1), models.NewDate(y, time.December, 31), true
	case "h1":
		return models.NewDate(y, time.January, 1), models.NewDate(y, time.June, 30), true
	case "h2":
		return models.NewDate(y, time.July, 1), models.NewDate(y, time.December, 31), true
	}
	return from, to, false
}

// PresetOf is the preset whose period is exactly from–to, or "".
func PresetOf(from, to models.Date) string {
	for _, k := range []string{fmt.Sprint(from.Year), fmt.Sprintf("%d-h1", from.Year), fmt.Sprintf("%d-h2", from.Year)} {
		if f, t, _ := Preset(k); f == from && t == to {
			return k
		}
	}
	return ""
}

// Periods are the preset periods (each year, its first and last six months)
// of the years years up to today's, newest first.
func (s *Service) Periods(today models.Date, years int) []FilterOption {
	vi, en := s.locales.For("vi"), s.locales.For("en")
	var out []FilterOption
	for y := today.Year; y > today.Year-years; y-- {
		for _, k := range []struct{ key, id string }{{"%d", "reports.period.year"}, {"%d-h1", "reports.period.h1"}, {"%d-h2", "reports.period.h2"}} {
			out = append(out, FilterOption{Value: fmt.Sprintf(k.key, y), NameVI: vi.T(k.id, "Year", y), NameEN: en.T(k.id, "Year", y)})
		}
	}
	return out
}

// FilterOptions lists the choices a may filter by: the periods (years and
// half-years, newest first), the bodies and the units that ran their own
// inspections, the areas (for leadership the city's units one level down; for
// a unit its own and those right below it) and the kinds of inspection.
func (s *Service) FilterOptions(ctx context.Context, a authz.Actor) (Options, error) {
	var o Options
	if err := requireReader(a); err != nil {
		return o, err
	}
	o.Periods = s.Periods(a.Today, presetYears)
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT 'b' || id AS value, name AS name_vi, name AS name_en, 'body' AS "group"
		FROM bodies WHERE active ORDER BY precedence, name`).Scan(&o.Bodies).Error; err != nil {
		return o, fmt.Errorf("filter bodies: %w", err)
	}
	ocond, oargs := authz.OwnInspectionCondition(a, "o")
	var own []FilterOption
	if err := db.Raw(`SELECT 'u' || u.id AS value, u.name AS name_vi, u.name AS name_en, 'own' AS "group"
		FROM units u WHERE u.id IN (SELECT o.by_unit_id FROM own_inspections o WHERE `+ocond+`) ORDER BY u.name`, oargs...).
		Scan(&own).Error; err != nil {
		return o, fmt.Errorf("filter units with own inspections: %w", err)
	}
	o.Bodies = append(o.Bodies, own...)
	// Areas: leadership picks among the city's units one level down; a unit
	// among its own and those right below it (its statistics cover no more).
	areas := `SELECT u.id::text AS value, u.name, u.type_label, u.kind, u.valid_to FROM units u
		WHERE u.parent_id IN (SELECT id FROM units WHERE parent_id IS NULL) OR u.parent_id IS NULL
		ORDER BY u.parent_id NULLS FIRST, u.valid_to NULLS FIRST, u.kind, u.name`
	var args []any
	if a.Role == models.RoleUnit {
		areas = `SELECT u.id::text AS value, u.name, u.type_label, u.kind, u.valid_to FROM units u
			WHERE u.id = ? OR u.parent_id = ? ORDER BY u.id <> ?, u.valid_to NULLS FIRST, u.name`
		args = []any{a.UnitID, a.UnitID, a.UnitID}
	}
	var areaRows []struct {
		Value, Name, TypeLabel string
		Kind                   models.UnitKind
		ValidTo                *models.Date
	}
	if err := db.Raw(areas, args...).Scan(&areaRows).Error; err != nil {
		return o, fmt.Errorf("filter areas: %w", err)
	}
	// A district that has ended (its subtree holds the history of its
	// wards) is named as people say it today: the former district's area
	// ("Địa bàn Quận Ba Đình cũ").
	vi, en := s.locales.For("vi"), s.locales.For("en")
	o.Areas = make([]FilterOption, len(areaRows))
	for i, u := range areaRows {
		area := units.Area{Name: u.Name, TypeLabel: u.TypeLabel, ValidTo: u.ValidTo, Day: a.Today}
		if u.Kind != models.UnitDistrict {
			area.ValidTo = nil
		}
		o.Areas[i] = FilterOption{Value: u.Value, NameVI: area.In(vi), NameEN: area.In(en)}
	}
	if err := db.Raw(`SELECT code AS value, name_vi, coalesce(nullif(name_en, ''), name_vi) AS name_en
		FROM inspection_kinds ORDER BY valid_to NULLS FIRST, name_vi`).Scan(&o.Kinds).Error; err != nil {
		return o, fmt.Errorf("filter kinds: %w", err)
	}
	return o, nil
}

// Narrowing names, in Vietnamese, what f narrows the report to beyond its
// period (the body, the area, the kind), for the document's lead paragraph.
func (s *Service) Narrowing(ctx context.Context, f Filter) ([]string, error) {
	var out []string
	db := s.db.WithContext(ctx)
	name := func(q string, arg any) error {
		var n string
		if err := db.Raw(q, arg).Scan(&n).Error; err != nil {
			return fmt.Errorf("name of a filter: %w", err)
		}
		if n != "" {
			out = append(out, n)
		}
		return nil
	}
	if k, id, ok := bodyKey(f.Body); ok {
		q := `SELECT name FROM bodies WHERE id = ?`
		if k == 'u' {
			q = `SELECT name FROM units WHERE id = ?`
		}
		if err := name(q, id); err != nil {
			return nil, err
		}
	}
	if f.Area > 0 {
		if err := name(`SELECT name FROM units WHERE id = ?`, f.Area); err != nil {
			return nil, err
		}
	}
	if f.Kind != "" {
		if err := name(`SELECT name_vi FROM inspection_kinds WHERE code = ?`, f.Kind); err != nil {
			return nil, err
		}
	}
	return out, nil
}

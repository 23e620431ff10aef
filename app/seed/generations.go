package seed

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/models"
	"khung/views"
)

// Generations are the inputs of an import of both generations of units: the
// units before the reform of 1 July 2025, those in force since, and the
// official conversion table between them.
type Generations struct {
	Before []adminunits.Province
	After  []adminunits.NewProvince
	Links  []adminunits.Link
	Source string // named in the report
}

// ReformSuffix ends the Khung code of a unit in force since 1 July 2025 whose
// official code was already the code of an earlier unit. The statistics office
// reused the code of one of the merged communes for the new one (Phường Ba
// Đình took 00004, formerly Phường Trúc Bạch's), but a merged commune is a
// different unit with another area, and the earlier unit keeps its row, its
// code and its visits: the new one is "00004-2025".
const ReformSuffix = "-2025"

// ReformedCode is the Khung code of the unit with the official code official
// in force since 1 July 2025.
func ReformedCode(official string) string { return official + ReformSuffix }

// ImportProvince imports both generations of a province's units from the
// embedded official lists (adminunits): the units before 1 July 2025 (the
// province, its districts, communes and wards, and for Hanoi the city's
// departments) with their last day, the units in force since (communes and
// wards directly under the province) with their first day, and the successor
// links of the conversion table. It runs in one transaction and is idempotent:
// a second run adds nothing and reports every unit and link unchanged.
func ImportProvince(ctx context.Context, db *gorm.DB, code string) (string, error) {
	gen, err := embeddedGenerations()
	if err != nil {
		return "", fmt.Errorf("units import: %w", err)
	}
	return importGenerations(ctx, db, gen, code)
}

func embeddedGenerations() (Generations, error) {
	before, err := adminunits.Official()
	if err != nil {
		return Generations{}, err
	}
	after, err := adminunits.Reformed()
	if err != nil {
		return Generations{}, err
	}
	links, err := adminunits.Conversions()
	if err != nil {
		return Generations{}, err
	}
	return Generations{Before: before, After: after, Links: links,
		Source: adminunits.Source + "; " + adminunits.SourceReform}, nil
}

// ImportGenerationFiles is ImportProvince reading the three lists from files:
// before in the dvhcvn JSON shape, after in the shape of
// vn-admin-units-2025-07.json, links in the shape of the conversion table
// (CSV). A file that cannot be read, or a link that names a unit missing from
// the lists, is refused with an error naming the problem in Vietnamese and
// English, and nothing is written.
func ImportGenerationFiles(ctx context.Context, db *gorm.DB, code string, before, after, links io.Reader) (string, error) {
	var gen Generations
	var err error
	if gen.Before, err = adminunits.Parse(before); err != nil {
		return "", badFile(err)
	}
	if gen.After, err = adminunits.ParseReformed(after); err != nil {
		return "", badFile(err)
	}
	if gen.Links, err = adminunits.ParseConversions(links); err != nil {
		return "", badFile(err)
	}
	gen.Source = "tệp được cung cấp / the given files"
	return importGenerations(ctx, db, gen, code)
}

// badFile is ErrBadFile with the problem, in both languages from the catalogs.
func badFile(problem error) error {
	vi, en := bilingual("units_history.import.bad_file", "Problem", problem.Error())
	return &Error{Kind: fmt.Errorf("%w: %w", ErrBadFile, problem), VI: vi, EN: en}
}

// bilingual renders a catalog message in Vietnamese and in English, for the
// command line, which has no reader's language.
func bilingual(id string, pairs ...any) (vi, en string) {
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		s := fmt.Sprint(id, pairs, err)
		return s, s
	}
	return loc.For("vi").T(id, pairs...), loc.For("en").T(id, pairs...)
}

// succession is one link to write, by Khung codes.
type succession struct {
	From, To string
	How      adminunits.How
}

// generationsPlan is what an import of both generations writes.
type generationsPlan struct {
	province    adminunits.NewProvince // the province in force since 1 July 2025
	asked       string                 // the code given, when it named an earlier province merged into province
	oldRoots    []adminunits.Province  // the earlier provinces whose units went into it
	rows        []unitRow
	links       []succession
	noSuccessor int // earlier communes of oldRoots whose successors lie in another province
}

// planGenerations checks the lists against each other and builds the rows
// and links, before anything is written.
func planGenerations(gen Generations, code string) (generationsPlan, error) {
	var plan generationsPlan
	code = normalCode(code)
	p, ok := adminunits.FindNew(gen.After, code)
	if !ok {
		// An earlier province merged into another: import the one it became.
		into := map[string]bool{}
		for _, l := range gen.Links {
			if l.OldProvinceCode == code {
				into[l.NewProvinceCode] = true
			}
		}
		if len(into) == 1 {
			for c := range into {
				p, ok = adminunits.FindNew(gen.After, c)
			}
			plan.asked = code
		}
	}
	if !ok {
		return plan, unknownProvince(code)
	}
	plan.province = p

	var links []adminunits.Link
	oldCodes := map[string]bool{}
	for _, l := range gen.Links {
		if l.NewProvinceCode == p.Code {
			links = append(links, l)
			oldCodes[l.OldProvinceCode] = true
		}
	}
	var problems []string
	for _, c := range sortedKeys(oldCodes) {
		op, ok := adminunits.Find(gen.Before, c)
		if !ok {
			problems = append(problems, fmt.Sprintf("old_province_code %s", c))
			continue
		}
		plan.oldRoots = append(plan.oldRoots, op)
	}
	if len(links) == 0 {
		problems = append(problems, fmt.Sprintf("new_province_code %s", p.Code))
	}

	lastDay := models.MustParseDate(adminunits.LastDayBeforeReform)
	firstDay := models.MustParseDate(adminunits.ReformDay)
	continuing := func(op adminunits.Province) bool { return op.Code == p.Code && op.Name == p.Name }

	// The earlier generation: every district, commune and ward ended on
	// 30 June 2025; a province ended too unless it continues under its code
	// and name (Hanoi); departments are not part of the reform.
	oldCommunes := map[string]bool{}
	for _, op := range plan.oldRoots {
		rows, err := provinceUnits(op)
		if err != nil {
			return plan, err
		}
		for _, r := range rows {
			switch {
			case r.Kind == models.UnitDepartment:
			case r.Level == 1 && continuing(op):
			default:
				r.Lifespan, r.ValidTo = true, &lastDay
			}
			if r.Kind == models.UnitCommune {
				oldCommunes[r.Code] = true
			}
			plan.rows = append(plan.rows, r)
		}
	}

	// The new generation, directly under the province. A commune's area (the
	// planner's travel group) is the district of the predecessor whose code it
	// took (every new code is one of its predecessors'), else of the first.
	provinceCode := p.Code
	if _, ok := adminunits.Find(gen.Before, p.Code); ok && !continuingAny(plan.oldRoots, p) {
		provinceCode = ReformedCode(p.Code)
	}
	root := unitRow{Code: provinceCode, Name: p.Name, TypeLabel: p.Type, Kind: models.UnitCity, Level: 1,
		Path: models.UnitPath("", provinceCode), Lifespan: true, ValidFrom: &firstDay}
	if !continuingAny(plan.oldRoots, p) {
		plan.rows = append(plan.rows, root)
	}
	area := map[string]string{}
	for _, l := range links {
		if _, ok := area[l.NewCode]; !ok || l.OldCode == l.NewCode {
			area[l.NewCode] = l.OldDistrictCode
		}
	}
	newCommunes := map[string]bool{}
	for _, c := range p.Communes {
		code := ReformedCode(c.Code)
		newCommunes[c.Code] = true
		plan.rows = append(plan.rows, unitRow{Code: code, Name: c.Name, TypeLabel: c.Type, Kind: models.UnitCommune,
			Level: 2, ParentCode: provinceCode, AreaCode: area[c.Code], Path: models.UnitPath(root.Path, code),
			Lifespan: true, ValidFrom: &firstDay})
	}

	// The links, each naming units of the lists.
	linked := map[string]bool{}
	missing := map[string]bool{}
	for _, l := range links {
		switch {
		case !oldCommunes[l.OldCode]:
			missing[fmt.Sprintf("old_code %s (%s)", l.OldCode, l.OldName)] = true
		case !newCommunes[l.NewCode]:
			missing[fmt.Sprintf("new_code %s (%s)", l.NewCode, l.NewName)] = true
		default:
			plan.links = append(plan.links, succession{From: l.OldCode, To: ReformedCode(l.NewCode), How: l.How})
			linked[l.OldCode] = true
		}
	}
	problems = append(problems, sortedKeys(missing)...)
	if len(problems) > 0 {
		if len(problems) > 10 {
			problems = append(problems[:10], fmt.Sprintf("… (+%d)", len(problems)-10))
		}
		vi, en := bilingual("units_history.import.unknown_units", "Count", len(problems), "Codes", strings.Join(problems, "; "))
		return plan, &Error{Kind: ErrBadFile, VI: vi, EN: en}
	}
	plan.noSuccessor = len(oldCommunes) - len(linked)

	// An earlier province that ended went into this one, whole when all its
	// communes did.
	for _, op := range plan.oldRoots {
		if continuing(op) {
			continue
		}
		how, total, here := adminunits.HowWhole, 0, 0
		for _, d := range op.Districts {
			for _, w := range d.Wards {
				total++
				if linked[w.Code] {
					here++
				}
			}
		}
		if here < total {
			how = adminunits.HowPart
		}
		plan.links = append(plan.links, succession{From: op.Code, To: provinceCode, How: how})
	}
	return plan, nil
}

func continuingAny(ops []adminunits.Province, p adminunits.NewProvince) bool {
	for _, op := range ops {
		if op.Code == p.Code && op.Name == p.Name {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// linkResult counts what an import did to the links.
type linkResult struct{ Added, Updated, Unchanged int }

func importGenerations(ctx context.Context, db *gorm.DB, gen Generations, code string) (string, error) {
	plan, err := planGenerations(gen, code)
	if err != nil {
		return "", err
	}
	var units importResult
	var links linkResult
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if units, err = upsertUnits(tx, plan.rows); err != nil {
			return err
		}
		links, err = upsertSuccessions(tx, plan.links, models.MustParseDate(adminunits.ReformDay))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("units import %s: %w", plan.province.Code, err)
	}
	return generationsReport(plan, units, links, gen.Source), nil
}

// upsertSuccessions writes the links: a missing one is added, one whose how
// or date changed is updated, the others are left alone. Links an
// administrator added between other units stay.
func upsertSuccessions(tx *gorm.DB, links []succession, on models.Date) (linkResult, error) {
	var res linkResult
	if len(links) == 0 {
		return res, nil
	}
	codes := map[string]bool{}
	for _, l := range links {
		codes[l.From], codes[l.To] = true, true
	}
	var units []models.Unit
	if err := tx.Select("id", "code").Where("code IN ?", sortedKeys(codes)).Find(&units).Error; err != nil {
		return res, fmt.Errorf("read linked units: %w", err)
	}
	id := make(map[string]int64, len(units))
	for _, u := range units {
		id[u.Code] = u.ID
	}
	var existing []models.UnitSuccession
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	if err := tx.Where("predecessor_id IN ?", ids).Find(&existing).Error; err != nil {
		return res, fmt.Errorf("read successions: %w", err)
	}
	have := map[[2]int64]models.UnitSuccession{}
	for _, s := range existing {
		have[[2]int64{s.PredecessorID, s.SuccessorID}] = s
	}
	var fresh []models.UnitSuccession
	for _, l := range links {
		row := models.UnitSuccession{PredecessorID: id[l.From], SuccessorID: id[l.To], How: string(l.How), EffectiveOn: on}
		old, found := have[[2]int64{row.PredecessorID, row.SuccessorID}]
		switch {
		case !found:
			fresh = append(fresh, row)
		case old.How == row.How && old.EffectiveOn == row.EffectiveOn:
			res.Unchanged++
		default:
			if err := tx.Model(&models.UnitSuccession{}).
				Where("predecessor_id = ? AND successor_id = ?", row.PredecessorID, row.SuccessorID).
				Updates(map[string]any{"how": row.How, "effective_on": row.EffectiveOn}).Error; err != nil {
				return res, fmt.Errorf("update succession %s → %s: %w", l.From, l.To, err)
			}
			res.Updated++
		}
	}
	if len(fresh) > 0 {
		if err := tx.CreateInBatches(fresh, 500).Error; err != nil {
			return res, fmt.Errorf("insert successions: %w", err)
		}
		res.Added = len(fresh)
	}
	return res, nil
}

// generationsReport says what the import did, in Vietnamese, then English.
func generationsReport(plan generationsPlan, u importResult, l linkResult, source string) string {
	var before, after int
	for _, r := range plan.rows {
		if r.Kind == models.UnitDepartment || r.Kind == models.UnitCity {
			continue
		}
		if r.ValidFrom != nil {
			after++
		} else {
			before++
		}
	}
	args := []any{"Name", plan.province.Name, "Code", plan.province.Code, "Source", source,
		"Added", u.Added, "Updated", u.Updated, "Unchanged", u.Unchanged,
		"Before", before, "After", after, "Departments", u.ByKind[models.UnitDepartment],
		"LinksAdded", l.Added, "LinksUpdated", l.Updated, "LinksUnchanged", l.Unchanged,
		"LastDay", models.MustParseDate(adminunits.LastDayBeforeReform).Time().Format("02/01/2006"),
		"FirstDay", models.MustParseDate(adminunits.ReformDay).Time().Format("02/01/2006")}
	var b strings.Builder
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		return fmt.Sprint(append(args, err)...)
	}
	for i, lang := range views.Languages() {
		tr := loc.For(lang)
		if i > 0 {
			b.WriteString("\n")
		}
		if plan.asked != "" {
			b.WriteString(tr.T("units_history.report.merged_into", "Asked", plan.asked, "Name", plan.province.Name, "Code", plan.province.Code) + "\n")
		}
		b.WriteString(tr.T("units_history.report.units", args...) + "\n")
		b.WriteString(tr.T("units_history.report.links", args...))
		if plan.noSuccessor > 0 {
			b.WriteString("\n" + tr.T("units_history.report.successor_elsewhere", "Count", plan.noSuccessor))
		}
		for _, s := range u.Renamed {
			b.WriteString("\n" + tr.T("units_history.report.renamed", "Change", s))
		}
	}
	return b.String()
}

package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/adminunits"
	"khung/models"
)

// demoSeed fixes the random draws of the demo inspectors: the same city and
// year always give the same people.
const demoSeed = 20260101

// inspectorSpec is a demo inspector with everything that makes them usable (or
// conflicted) on a team; units are named by code.
type inspectorSpec struct {
	Code, FullName, Email, Title string
	Body, HomeUnit               string
	CanLead                      bool
	MaxDays                      int
	Skills                       []string
	FormerUnits                  []formerUnitSpec
	Relatives                    []relativeSpec
	Leaves                       []leaveSpec
}

type formerUnitSpec struct {
	Unit     string
	From, To models.Date
}

type relativeSpec struct {
	Unit     string
	Relation models.Relation
	Post     models.KeyPost
	Note     string
}

type leaveSpec struct {
	From, To models.Date
	Reason   string
}

// demoInspectors draws the inspectors of every body deterministically. Leave
// periods fall in year. Conflicts of interest are real: a district's inspectors
// formerly worked in, or have relatives heading, communes of their own district
// (which that district's internal inspection visits); the department's staff
// have ties to districts, communes and departments all over the city.
func (d *demoData) demoInspectors(hanoi adminunits.Province, bodies []bodySpec, year int) []inspectorSpec {
	rng := rand.New(rand.NewPCG(demoSeed, uint64(year)))
	var departments []string
	for _, dep := range adminunits.HanoiDepartments() {
		if dep.Code != homeAffairs {
			departments = append(departments, dep.Code)
		}
	}
	wardsOf := map[string][]string{}
	var districts, communes []string
	for _, dist := range hanoi.Districts {
		districts = append(districts, dist.Code)
		for _, w := range dist.Wards {
			wardsOf[dist.Code] = append(wardsOf[dist.Code], w.Code)
			communes = append(communes, w.Code)
		}
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	// anyUnit is a unit the department's own staff could be tied to.
	anyUnit := func() string {
		switch rng.IntN(3) {
		case 0:
			return pick(districts)
		case 1:
			return pick(communes)
		default:
			return pick(departments)
		}
	}
	relations := []models.Relation{models.RelationSpouse, models.RelationParent, models.RelationChild, models.RelationSibling}
	posts := []models.KeyPost{models.PostHead, models.PostDeputy, models.PostPersonnel, models.PostAccounting}
	skillCodes := d.skillCodes()

	usedNames := map[string]bool{}
	var out []inspectorSpec
	for _, b := range bodies {
		for k := range b.Inspectors {
			n := len(out) + 1
			name := d.randomName(rng)
			for tries := 0; usedNames[name.String()] && tries < 20; tries++ {
				name = d.randomName(rng)
			}
			usedNames[name.String()] = true
			code := fmt.Sprintf("i%03d", n)
			s := inspectorSpec{
				Code:     code,
				FullName: name.String(),
				Email:    fmt.Sprintf("%s.%s@khung.vn", emailLocal(name), code),
				Body:     b.Code,
				HomeUnit: b.Unit, // Sở Nội vụ for its own bodies, the department for the others
				// Each body's first inspector can lead, and about one in seven of the others.
				CanLead: k == 0 || rng.IntN(7) == 0,
				MaxDays: []int{0, 60, 80, 100, 120, 120, 150}[rng.IntN(7)],
			}
			s.Title = d.title(b.Kind, s.CanLead, rng)

			// Home unit: the body's own (the district's Phòng Nội vụ for its
			// staff); for the city team, half its members come from other departments.
			local := wardsOf[strings.TrimSuffix(b.Unit, "-PNV")] // communes of the body's district (none for city bodies)
			if b.Kind == models.BodyCityTeam && rng.IntN(2) == 0 {
				s.HomeUnit = pick(departments)
			}

			// Skills: the body's own, plus up to two others.
			s.Skills = []string{b.Skill}
			for range rng.IntN(3) {
				if c := pick(skillCodes); !slices.Contains(s.Skills, c) {
					s.Skills = append(s.Skills, c)
				}
			}
			slices.Sort(s.Skills)

			// Former units: two in five moved here from another unit.
			if rng.IntN(5) < 2 {
				unit := anyUnit()
				if len(local) > 0 {
					unit = pick(local)
				}
				if unit != s.HomeUnit {
					to := models.NewDate(year-1-rng.IntN(6), time.Month(1+rng.IntN(12)), 1).AddDays(-1)
					s.FormerUnits = append(s.FormerUnits, formerUnitSpec{Unit: unit, From: models.NewDate(to.Year-3-rng.IntN(5), to.Month, 1), To: to})
				}
			}

			// Relatives with a key post: every fourth inspector, and some leaders'
			// parents-in-law (a conflict for leaders only).
			if n%4 == 1 {
				unit := anyUnit()
				if len(local) > 0 {
					unit = pick(local)
				}
				if unit != s.HomeUnit {
					s.Relatives = append(s.Relatives, relativeSpec{Unit: unit, Relation: relations[rng.IntN(len(relations))],
						Post: posts[rng.IntN(len(posts))], Note: d.inspectors.RelativeNote})
				}
			}
			if s.CanLead && rng.IntN(4) == 0 {
				if unit := anyUnit(); unit != s.HomeUnit {
					s.Relatives = append(s.Relatives, relativeSpec{Unit: unit, Relation: models.RelationParentInLaw,
						Post: posts[rng.IntN(len(posts))], Note: d.inspectors.RelativeNote})
				}
			}

			// Leave: about one in seven has a period away in the year, and the
			// same period next year, the year being planned in the autumn.
			if rng.IntN(7) == 0 {
				reasons := d.inspectors.Leave
				r := reasons[rng.IntN(len(reasons))]
				from := models.NewDate(year, time.Month(1+rng.IntN(11)), 1+rng.IntN(28))
				next := models.NewDate(year+1, from.Month, from.Day)
				s.Leaves = append(s.Leaves, leaveSpec{From: from, To: from.AddDays(r.Days - 1), Reason: r.Reason},
					leaveSpec{From: next, To: next.AddDays(r.Days - 1), Reason: r.Reason})
			}
			out = append(out, s)
		}
	}
	return out
}

// title is a plausible job title for an inspector of a body of kind k
// (data/inspectors.toml).
func (d *demoData) title(k models.BodyKind, canLead bool, rng *rand.Rand) string {
	t := d.titles(k)
	if canLead {
		return t.Lead[rng.IntN(len(t.Lead))]
	}
	return t.Member[rng.IntN(len(t.Member))]
}

// insertInspectors adds the demo inspectors that are missing, with their
// former units, relatives, skills and leave. Inspectors already present (same
// code) are left as they are, children included, so a second run adds nothing.
func insertInspectors(tx *gorm.DB, specs []inspectorSpec, bodyIDs, unitIDs map[string]int64, rep *demoReport) (map[string]int64, error) {
	codes := make([]string, len(specs))
	for i, s := range specs {
		codes[i] = s.Code
	}
	existing, err := idsByCode(tx, &models.Inspector{}, codes)
	if err != nil {
		return nil, fmt.Errorf("seed inspectors: %w", err)
	}
	unit := func(code string) (int64, error) {
		id, ok := unitIDs[code]
		if !ok {
			return 0, fmt.Errorf("seed inspectors: unit %s is missing", code)
		}
		return id, nil
	}

	var fresh []models.Inspector
	var freshSpecs []inspectorSpec
	for _, s := range specs {
		if _, ok := existing[s.Code]; ok {
			continue
		}
		home, err := unit(s.HomeUnit)
		if err != nil {
			return nil, err
		}
		email := s.Email
		fresh = append(fresh, models.Inspector{Code: s.Code, FullName: s.FullName, Email: &email, Title: s.Title,
			BodyID: bodyIDs[s.Body], HomeUnitID: &home, CanLead: s.CanLead, MaxDaysPerYear: s.MaxDays, Active: true})
		freshSpecs = append(freshSpecs, s)
	}
	if len(fresh) > 0 {
		if err := tx.CreateInBatches(fresh, 500).Error; err != nil {
			return nil, fmt.Errorf("seed inspectors: %w", err)
		}
	}

	var formers []models.InspectorFormerUnit
	var relatives []models.InspectorRelative
	var skills []models.InspectorSkill
	var leaves []models.InspectorLeave
	for i, s := range freshSpecs {
		id := fresh[i].ID
		for _, f := range s.FormerUnits {
			u, err := unit(f.Unit)
			if err != nil {
				return nil, err
			}
			formers = append(formers, models.InspectorFormerUnit{InspectorID: id, UnitID: u,
				FromDate: models.DatePtr(f.From), ToDate: models.DatePtr(f.To)})
		}
		for _, r := range s.Relatives {
			u, err := unit(r.Unit)
			if err != nil {
				return nil, err
			}
			relatives = append(relatives, models.InspectorRelative{InspectorID: id, UnitID: u, Relation: r.Relation, Post: r.Post, Note: r.Note})
		}
		for _, c := range s.Skills {
			skills = append(skills, models.InspectorSkill{InspectorID: id, SkillCode: c})
		}
		for _, l := range s.Leaves {
			leaves = append(leaves, models.InspectorLeave{InspectorID: id, FromDate: l.From, ToDate: l.To, Reason: l.Reason})
		}
	}
	children := []struct {
		table string
		rows  any
		n     int
	}{
		{"inspector_former_units", formers, len(formers)},
		{"inspector_relatives", relatives, len(relatives)},
		{"inspector_skills", skills, len(skills)},
		{"inspector_leaves", leaves, len(leaves)},
	}
	rep.add("inspectors", int64(len(fresh)))
	for _, c := range children {
		if c.n > 0 {
			if err := tx.CreateInBatches(c.rows, 500).Error; err != nil {
				return nil, fmt.Errorf("seed %s: %w", c.table, err)
			}
		}
		rep.add(c.table, int64(c.n))
	}
	return idsByCode(tx, &models.Inspector{}, codes)
}

// Package national loads the units, bodies, inspectors and proposals of a
// national instance of app/planning/gen into a database, as the app codes
// them: scripts/nationaldb (one year's plan for the web load test) and
// scripts/tenyears (ten years of national statistics) share it.
package national

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/planning"
	"khung/app/seed"
	"khung/models"
)

// ProvinceOf returns the province code of a generated id ("02.035.01252",
// "02-SNV", "02-city-team" → "02"; "i02-0001" → "02").
func ProvinceOf(id string) string {
	id = strings.TrimPrefix(id, "i")
	if len(id) < 2 {
		return id
	}
	return id[:2]
}

// Keep narrows inst to the provinces with the given codes.
func Keep(inst *planning.Instance, codes []string) *planning.Instance {
	in := func(id string) bool { return slices.Contains(codes, ProvinceOf(id)) }
	out := *inst
	out.Units, out.Bodies, out.Inspectors, out.Proposals = nil, nil, nil, nil
	for _, u := range inst.Units {
		if in(u.ID) {
			out.Units = append(out.Units, u)
		}
	}
	for _, b := range inst.Bodies {
		if in(b.ID) {
			out.Bodies = append(out.Bodies, b)
		}
	}
	for _, i := range inst.Inspectors {
		if in(i.Body) {
			out.Inspectors = append(out.Inspectors, i)
		}
	}
	for _, p := range inst.Proposals {
		if in(p.Unit) {
			out.Proposals = append(out.Proposals, p)
		}
	}
	return &out
}

// UnitCode maps a generated unit id to the database's code, as the app codes
// the units of 1 July 2025 (seed.ReformedCode): a commune, ward or special zone
// "01.00004" → "00004-2025", a unit under it "01.00004-VP" → "00004-2025-VP";
// the province ("01") and its departments ("01-SNV") keep their ids, as the demo
// city names them.
func UnitCode(id string) string {
	base, suffix, extra := strings.Cut(id, "-")
	code := base
	if i := strings.LastIndex(base, "."); i >= 0 {
		code = seed.ReformedCode(base[i+1:])
	}
	if extra {
		code += "-" + suffix
	}
	return code
}

// UnitKind tells the kind of a generated unit from its id.
func UnitKind(u planning.Unit) models.UnitKind {
	base, suffix, extra := strings.Cut(u.ID, "-")
	switch {
	case u.Parent == "":
		return models.UnitCity
	case !extra:
		return models.UnitCommune
	case !strings.Contains(base, "."):
		return models.UnitDepartment
	case suffix == "VP":
		return models.UnitOther
	}
	return models.UnitPublicServiceUnit
}

// BodyKind tells the kind of a generated body from its id.
func BodyKind(id string) models.BodyKind {
	switch {
	case strings.HasSuffix(id, "-city-team"):
		return models.BodyCityTeam
	case strings.HasSuffix(id, "-inspectorate"):
		return models.BodyInspectorate
	case strings.HasSuffix(id, "-ubnd"):
		return models.BodyCommune
	case strings.HasSuffix(id, "-kt"):
		return models.BodyDepartment
	}
	return models.BodyDivision
}

// BodyUnit is the unit code a generated body works in: a commune People's
// Committee's office, a department for its specialised checks ("01-sxd-kt" →
// "01-SXD"), or else the province's Department of Home Affairs.
func BodyUnit(id string) string {
	switch {
	case strings.HasSuffix(id, "-ubnd"):
		return UnitCode(strings.TrimSuffix(id, "-ubnd") + "-VP")
	case strings.HasSuffix(id, "-kt"):
		return strings.ToUpper(strings.TrimSuffix(id, "-kt"))
	}
	return ProvinceOf(id) + "-SNV"
}

// Load writes the instance's provinces, bodies, inspectors and proposals.
func Load(ctx context.Context, db *gorm.DB, inst *planning.Instance) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := addUnits(tx, inst); err != nil {
			return err
		}
		units, err := IDsBy(tx, "units", "code")
		if err != nil {
			return err
		}
		if err := addSkills(tx, inst); err != nil {
			return err
		}
		bodies := make([]models.Body, 0, len(inst.Bodies))
		for _, b := range inst.Bodies {
			unit, ok := units[BodyUnit(b.ID)]
			if !ok {
				return fmt.Errorf("body %s: no unit %s", b.ID, BodyUnit(b.ID))
			}
			bodies = append(bodies, models.Body{Code: b.ID, Name: b.Name, Kind: BodyKind(b.ID), Precedence: b.Precedence,
				UnitID: &unit, Active: true})
		}
		if err := insert(tx, bodies); err != nil {
			return fmt.Errorf("bodies: %w", err)
		}
		bodyIDs, err := IDsBy(tx, "bodies", "code")
		if err != nil {
			return err
		}
		inspectors := make([]models.Inspector, 0, len(inst.Inspectors))
		for _, in := range inst.Inspectors {
			row := models.Inspector{Code: in.ID, FullName: "Cán bộ " + in.ID, Title: "Thanh tra viên",
				BodyID: bodyIDs[in.Body], CanLead: in.CanLead, MaxDaysPerYear: in.MaxDays, Active: true}
			if home, ok := units[UnitCode(in.HomeUnit)]; ok {
				row.HomeUnitID = &home
			}
			inspectors = append(inspectors, row)
		}
		if err := insert(tx, inspectors); err != nil {
			return fmt.Errorf("inspectors: %w", err)
		}
		inspectorIDs, err := IDsBy(tx, "inspectors", "code")
		if err != nil {
			return err
		}
		var skills []models.InspectorSkill
		var leaves []models.InspectorLeave
		for _, in := range inst.Inspectors {
			for _, s := range in.Skills {
				skills = append(skills, models.InspectorSkill{InspectorID: inspectorIDs[in.ID], SkillCode: s})
			}
			for _, u := range in.Unavailable {
				from, err1 := models.ParseDate(u.From)
				to, err2 := models.ParseDate(u.To)
				if err1 != nil || err2 != nil {
					return fmt.Errorf("leave of %s: %q–%q", in.ID, u.From, u.To)
				}
				leaves = append(leaves, models.InspectorLeave{InspectorID: inspectorIDs[in.ID], FromDate: from, ToDate: to})
			}
		}
		if err := insert(tx, skills); err != nil {
			return fmt.Errorf("inspector skills: %w", err)
		}
		if err := insert(tx, leaves); err != nil {
			return fmt.Errorf("inspector leaves: %w", err)
		}
		props := make([]models.Proposal, 0, len(inst.Proposals))
		for _, p := range inst.Proposals {
			ref := "gen-" + p.ID
			row := models.Proposal{Year: inst.Year, BodyID: bodyIDs[p.Body], UnitID: units[UnitCode(p.Unit)], Kind: proposalKind(p.Kind),
				Form: models.Form(p.Form), Topics: nonNil(p.Topics), Skills: nonNil(p.Skills), Days: p.Days,
				TeamSize: p.TeamSize, Priority: p.Priority, Status: models.ProposalAccepted, ExternalRef: &ref}
			if row.UnitID == 0 || row.BodyID == 0 {
				return fmt.Errorf("proposal %s: unit %s or body %s missing", p.ID, p.Unit, p.Body)
			}
			if p.Window != nil {
				from, err1 := models.ParseDate(p.Window.From)
				to, err2 := models.ParseDate(p.Window.To)
				if err1 != nil || err2 != nil {
					return fmt.Errorf("window of %s", p.ID)
				}
				row.WindowFrom, row.WindowTo = &from, &to
			}
			props = append(props, row)
		}
		if err := insert(tx, props); err != nil {
			return fmt.Errorf("proposals: %w", err)
		}
		return nil
	})
}

func nonNil(s []string) models.TextArray {
	if s == nil {
		return models.TextArray{}
	}
	return s
}

// insert adds rows in batches, leaving rows whose unique key exists alone.
func insert[T any](tx *gorm.DB, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("CreatedAt", "UpdatedAt").CreateInBatches(rows, 2000).Error
}

// addUnits adds the generated units the database does not have yet (the
// demo city already has Hà Nội and some of its departments), parents first:
// the provinces, their departments, communes and wards of 1 July 2025 (in force
// from that day), and the offices and public-service units under each commune.
func addUnits(tx *gorm.DB, inst *planning.Instance) error {
	paths, err := pathsBy(tx)
	if err != nil {
		return err
	}
	ids, err := IDsBy(tx, "units", "code")
	if err != nil {
		return err
	}
	reform := models.NewDate(2025, time.July, 1)
	pending := slices.Clone(inst.Units)
	for len(pending) > 0 {
		var next []planning.Unit
		var rows []models.Unit
		for _, u := range pending {
			code := UnitCode(u.ID)
			if _, ok := ids[code]; ok {
				continue
			}
			row := models.Unit{Code: code, Name: u.Name, Kind: UnitKind(u), Path: models.UnitPath("", code)}
			if u.Parent != "" {
				parent := UnitCode(u.Parent)
				pid, ok := ids[parent]
				if !ok {
					next = append(next, u)
					continue
				}
				row.ParentID, row.Path = &pid, models.UnitPath(paths[parent], code)
			}
			if u.Area != "" {
				row.AreaCode = u.Area
			}
			if row.Kind == models.UnitCommune {
				row.ValidFrom = &reform
			}
			rows = append(rows, row)
		}
		if len(rows) == 0 {
			if len(next) > 0 {
				return fmt.Errorf("units without a parent, e.g. %s (parent %s)", next[0].ID, next[0].Parent)
			}
			return nil
		}
		if err := insert(tx, rows); err != nil {
			return fmt.Errorf("units: %w", err)
		}
		if paths, err = pathsBy(tx); err != nil {
			return err
		}
		if ids, err = IDsBy(tx, "units", "code"); err != nil {
			return err
		}
		pending = next
	}
	return nil
}

// addSkills adds to the catalog the generator's skills it does not have yet.
func addSkills(tx *gorm.DB, inst *planning.Instance) error {
	seen := map[string]bool{}
	var rows []models.Skill
	for _, in := range inst.Inspectors {
		for _, s := range in.Skills {
			if !seen[s] {
				seen[s] = true
				rows = append(rows, models.Skill{Code: s, NameVI: s, NameEN: s, ValidFrom: models.NewDate(2000, 1, 1)})
			}
		}
	}
	return insert(tx, rows)
}

// IDsBy maps the key column of table to the rows' ids.
func IDsBy(tx *gorm.DB, table, key string) (map[string]int64, error) {
	var rows []struct {
		ID  int64
		Key string
	}
	if err := tx.Raw(fmt.Sprintf("SELECT id, %s AS key FROM %s", key, table)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("ids of %s: %w", table, err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Key] = r.ID
	}
	return out, nil
}

func pathsBy(tx *gorm.DB) (map[string]string, error) {
	var rows []struct{ Code, Path string }
	if err := tx.Raw("SELECT code, path FROM units").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("unit paths: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Code] = r.Path
	}
	return out, nil
}

// proposalKind is the catalog's kind of inspection for a generated
// proposal's: the generator calls the inspectorate's work "inspection", which
// the catalog (seed) files under specialised inspection (thanh tra chuyên ngành).
func proposalKind(k string) string {
	if k == "inspection" {
		return "specialised"
	}
	return k
}

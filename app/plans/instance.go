package plans

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"khung/app/planning"
	"khung/app/rules"
	"khung/models"
)

// Engine ids: a unit is its units.code, a body its bodies.code, an inspector
// its inspectors.code, and a proposal "p" + proposals.id, so that every visit
// the engine returns maps back to rows.

// proposalRef returns the engine id of proposal id.
func proposalRef(id int64) string { return "p" + strconv.FormatInt(id, 10) }

// proposalID reads an engine proposal id back ("p42" → 42).
func proposalID(ref string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(ref, "p"), 10, 64)
	if err != nil || !strings.HasPrefix(ref, "p") {
		return 0, fmt.Errorf("proposal ref %q is not p<id>", ref)
	}
	return id, nil
}

// buildStatuses are the proposal statuses a plan is built from.
var buildStatuses = []models.ProposalStatus{models.ProposalSubmitted, models.ProposalAccepted}

// Relations that make a relative's key post a conflict of interest for every
// inspector; parents-in-law count for those who can lead (the stricter list).
var (
	conflictRelations     = []models.Relation{models.RelationSpouse, models.RelationParent, models.RelationChild, models.RelationSibling}
	leadConflictRelations = []models.Relation{models.RelationParentInLaw}
)

// LoadInstance reads the planner's input for year from the database: the
// working calendar, the proposals' units with their ancestors, the bodies, the
// active inspectors, the leads of earlier published plans and the rules in
// force on 1 January of the year. It does not validate the instance.
func LoadInstance(ctx context.Context, db *gorm.DB, year int) (*planning.Instance, error) {
	return loadInstance(db.WithContext(ctx), year)
}

func loadInstance(tx *gorm.DB, year int) (*planning.Instance, error) {
	inst := &planning.Instance{Year: year}
	first, last := models.NewDate(year, 1, 1), models.NewDate(year, 12, 31)
	steps := []struct {
		what string
		load func(*gorm.DB, *planning.Instance, models.Date, models.Date) error
	}{
		{"calendar", loadCalendar},
		{"proposals", loadProposals},
		{"units", loadUnits},
		{"bodies", loadBodies},
		{"inspectors", loadInspectors},
		{"history", loadHistory},
		{"rules", loadRules},
	}
	for _, s := range steps {
		if err := s.load(tx, inst, first, last); err != nil {
			return nil, fmt.Errorf("load instance %d: %s: %w", year, s.what, err)
		}
	}
	return inst, nil
}

func loadCalendar(tx *gorm.DB, inst *planning.Instance, first, last models.Date) error {
	var rows []models.Holiday
	if err := tx.Where("date BETWEEN ? AND ?", first, last).Order("date").Find(&rows).Error; err != nil {
		return err
	}
	inst.Calendar = planning.Calendar{Holidays: []string{}, ExtraWorkingDays: []string{}}
	for _, h := range rows {
		if h.Kind == models.HolidayWorkingSaturday {
			inst.Calendar.ExtraWorkingDays = append(inst.Calendar.ExtraWorkingDays, h.Date.String())
		} else {
			inst.Calendar.Holidays = append(inst.Calendar.Holidays, h.Date.String())
		}
	}
	return nil
}

// proposalUnitsSQL maps each proposal of the year to the unit the engine
// plans it on: its own unit, or, when that unit ended before the year began
// (merged, renamed) and exactly one unit in force on the year's first day took
// it over (through unit_successions, across several reforms), that successor.
// So a proposal left on Phường Phúc Xá and one on Phường Hồng Hà, which took
// it over on 01/07/2025, merge into one planned visit of Hồng Hà: "at most one
// planned visit a year" counts the unit's predecessors. A unit split between
// several successors keeps its proposals (the planner moves them).
// Arguments: the year's first day three times, the year, the statuses.
const proposalUnitsSQL = `
	SELECT p.id AS proposal_id,
	       CASE WHEN u.valid_to < ? AND heir.n = 1 THEN heir.id ELSE u.id END AS unit_id
	  FROM proposals p
	  JOIN units u ON u.id = p.unit_id
	  LEFT JOIN LATERAL (
	      WITH RECURSIVE after(id) AS (
	          SELECT s.successor_id FROM unit_successions s WHERE s.predecessor_id = u.id
	          UNION SELECT s.successor_id FROM unit_successions s JOIN after a ON s.predecessor_id = a.id)
	      SELECT min(x.id) AS id, count(DISTINCT x.id) AS n
	        FROM after a JOIN units x ON x.id = a.id
	       WHERE (x.valid_from IS NULL OR x.valid_from <= ?) AND (x.valid_to IS NULL OR x.valid_to >= ?)) heir ON true
	 WHERE p.year = ? AND p.status IN ?`

func loadProposals(tx *gorm.DB, inst *planning.Instance, first, _ models.Date) error {
	var rows []struct {
		ID                   int64
		Body, Unit           string
		Kind, Form           string
		Topics, Skills       models.TextArray
		WindowFrom, WindowTo *models.Date
		Days, TeamSize       int
		Priority             int
	}
	err := tx.Raw(`
		SELECT p.id, b.code AS body, u.code AS unit, p.kind, p.form, p.topics, p.skills,
		       p.window_from, p.window_to, p.days, p.team_size, p.priority
		  FROM proposals p
		  JOIN bodies b ON b.id = p.body_id
		  JOIN (`+proposalUnitsSQL+`) pu ON pu.proposal_id = p.id
		  JOIN units u ON u.id = pu.unit_id
		 ORDER BY p.id`, first, first, first, first.Year, buildStatuses).Scan(&rows).Error
	if err != nil {
		return err
	}
	inst.Proposals = make([]planning.Proposal, 0, len(rows))
	for _, r := range rows {
		p := planning.Proposal{ID: proposalRef(r.ID), Body: r.Body, Unit: r.Unit, Kind: r.Kind, Form: r.Form,
			Topics: r.Topics, Skills: r.Skills, Days: r.Days, TeamSize: r.TeamSize, Priority: r.Priority}
		if r.WindowFrom != nil && r.WindowTo != nil {
			p.Window = &planning.Interval{From: r.WindowFrom.String(), To: r.WindowTo.String()}
		}
		inst.Proposals = append(inst.Proposals, p)
	}
	return nil
}

// loadUnits adds the proposals' units and all their ancestors (conflicts of
// interest are closed over ancestors). A unit's path is the codes from the
// root, so the ancestors are read off the paths without a recursive query.
func loadUnits(tx *gorm.DB, inst *planning.Instance, first, last models.Date) error {
	var paths []string
	err := tx.Raw(`SELECT DISTINCT u.path FROM (`+proposalUnitsSQL+`) pu JOIN units u ON u.id = pu.unit_id`,
		first, first, first, first.Year, buildStatuses).Scan(&paths).Error
	if err != nil {
		return err
	}
	codes := map[string]bool{}
	for _, p := range paths {
		for _, c := range strings.Split(strings.Trim(p, "/"), "/") {
			codes[c] = true
		}
	}
	if len(codes) == 0 {
		inst.Units = []planning.Unit{}
		return nil
	}
	var rows []struct {
		ID                   int64
		Code, Name, AreaCode string
		ParentCode           string
	}
	err = tx.Raw(`SELECT u.id, u.code, u.name, u.area_code, coalesce(p.code, '') AS parent_code
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.code IN ? ORDER BY u.code`, sortedKeys(codes)).Scan(&rows).Error
	if err != nil {
		return err
	}
	var blackouts []struct {
		UnitID           int64
		FromDate, ToDate models.Date
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	err = tx.Raw(`SELECT unit_id, from_date, to_date FROM unit_blackouts
		WHERE unit_id IN ? AND from_date <= ? AND to_date >= ? ORDER BY unit_id, from_date`, ids, last, first).
		Scan(&blackouts).Error
	if err != nil {
		return err
	}
	byUnit := map[int64][]planning.Interval{}
	for _, b := range blackouts {
		byUnit[b.UnitID] = append(byUnit[b.UnitID], clip(b.FromDate, b.ToDate, first, last))
	}
	inst.Units = make([]planning.Unit, len(rows))
	for i, r := range rows {
		inst.Units[i] = planning.Unit{ID: r.Code, Name: r.Name, Parent: r.ParentCode, Area: r.AreaCode, Blackouts: byUnit[r.ID]}
	}
	return nil
}

func loadBodies(tx *gorm.DB, inst *planning.Instance, _, _ models.Date) error {
	var rows []models.Body
	if err := tx.Order("code").Find(&rows).Error; err != nil {
		return err
	}
	inst.Bodies = make([]planning.Body, len(rows))
	for i, b := range rows {
		inst.Bodies[i] = planning.Body{ID: b.Code, Name: b.Name, Precedence: b.Precedence}
	}
	return nil
}

// loadInspectors adds the active inspectors with their body, home and former
// units, the units where a relative holds a key post, skills, leave in the
// year and their yearly limit of visit days.
func loadInspectors(tx *gorm.DB, inst *planning.Instance, first, last models.Date) error {
	var rows []struct {
		ID             int64
		Code, Body     string
		HomeUnit       string
		CanLead        bool
		MaxDaysPerYear int
	}
	err := tx.Raw(`SELECT i.id, i.code, b.code AS body, coalesce(u.code, '') AS home_unit, i.can_lead, i.max_days_per_year
		FROM inspectors i JOIN bodies b ON b.id = i.body_id LEFT JOIN units u ON u.id = i.home_unit_id
		WHERE i.active ORDER BY i.code`).Scan(&rows).Error
	if err != nil {
		return err
	}
	type unitOf struct {
		InspectorID int64
		Code        string
	}
	var former, relatives []unitOf
	if err := tx.Raw(`SELECT f.inspector_id, u.code FROM inspector_former_units f JOIN units u ON u.id = f.unit_id
		ORDER BY f.inspector_id, u.code`).Scan(&former).Error; err != nil {
		return err
	}
	// Parents-in-law are a conflict only for inspectors who may lead a team.
	if err := tx.Raw(`SELECT r.inspector_id, u.code FROM inspector_relatives r
		JOIN units u ON u.id = r.unit_id JOIN inspectors i ON i.id = r.inspector_id
		WHERE r.relation IN ? OR (i.can_lead AND r.relation IN ?)
		ORDER BY r.inspector_id, u.code`, conflictRelations, leadConflictRelations).Scan(&relatives).Error; err != nil {
		return err
	}
	var skills []struct {
		InspectorID int64
		SkillCode   string
	}
	if err := tx.Raw(`SELECT inspector_id, skill_code FROM inspector_skills ORDER BY inspector_id, skill_code`).
		Scan(&skills).Error; err != nil {
		return err
	}
	var leaves []struct {
		InspectorID      int64
		FromDate, ToDate models.Date
	}
	if err := tx.Raw(`SELECT inspector_id, from_date, to_date FROM inspector_leaves
		WHERE from_date <= ? AND to_date >= ? ORDER BY inspector_id, from_date`, last, first).Scan(&leaves).Error; err != nil {
		return err
	}
	formerOf, conflictOf, skillsOf := map[int64][]string{}, map[int64][]string{}, map[int64][]string{}
	for _, f := range former {
		formerOf[f.InspectorID] = append(formerOf[f.InspectorID], f.Code)
	}
	for _, r := range relatives {
		if l := conflictOf[r.InspectorID]; len(l) == 0 || l[len(l)-1] != r.Code {
			conflictOf[r.InspectorID] = append(l, r.Code)
		}
	}
	for _, s := range skills {
		skillsOf[s.InspectorID] = append(skillsOf[s.InspectorID], s.SkillCode)
	}
	leaveOf := map[int64][]planning.Interval{}
	for _, l := range leaves {
		leaveOf[l.InspectorID] = append(leaveOf[l.InspectorID], clip(l.FromDate, l.ToDate, first, last))
	}
	inst.Inspectors = make([]planning.Inspector, len(rows))
	for k, r := range rows {
		inst.Inspectors[k] = planning.Inspector{ID: r.Code, Body: r.Body, HomeUnit: r.HomeUnit,
			FormerUnits: slices.Compact(formerOf[r.ID]), ConflictUnits: conflictOf[r.ID], Skills: skillsOf[r.ID],
			CanLead: r.CanLead, Unavailable: leaveOf[r.ID], MaxDays: r.MaxDaysPerYear}
	}
	return nil
}

// loadHistory adds who led the planned visit of each unit in the published
// plans of earlier years (the engine looks at each unit's most recent year).
// When the rule planning.rotate_team_leaders is false, there is no history.
func loadHistory(tx *gorm.DB, inst *planning.Instance, first, _ models.Date) error {
	var rotate []models.JSON
	if err := tx.Raw(`SELECT value FROM rules WHERE key = 'planning.rotate_team_leaders'
		AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)`, first, first).Scan(&rotate).Error; err != nil {
		return err
	}
	if len(rotate) == 1 && string(rotate[0]) == "false" {
		return nil
	}
	// History follows the unit: a lead of a visit to Phường Phúc Xá in 2025
	// led "this unit" for Phường Hồng Hà, which took Phúc Xá over, whole or in
	// part; so each visit's row is repeated for every later unit of its unit
	// (heirs, across several reforms), and the engine's rotation rule sees it.
	var rows []planning.HistoryRow
	err := tx.Raw(`
		WITH RECURSIVE led AS (
		    SELECT v.unit_id, p.year, i.code AS lead_inspector
		      FROM visits v
		      JOIN plan_versions pv ON pv.id = v.plan_version_id AND pv.status = 'published'
		      JOIN plans p ON p.id = pv.plan_id
		      JOIN visit_members m ON m.visit_id = v.id AND m.role = 'lead'
		      JOIN inspectors i ON i.id = m.inspector_id
		     WHERE p.year < ? AND v.form = 'planned' AND v.start_date IS NOT NULL AND v.status <> 'cancelled'),
		heirs(visited, unit_id) AS (
		    SELECT DISTINCT unit_id, unit_id FROM led
		    UNION SELECT h.visited, s.successor_id FROM unit_successions s JOIN heirs h ON s.predecessor_id = h.unit_id)
		SELECT DISTINCT u.code AS unit, l.year, l.lead_inspector
		  FROM led l JOIN heirs h ON h.visited = l.unit_id JOIN units u ON u.id = h.unit_id
		 ORDER BY u.code, l.year, l.lead_inspector`, first.Year).Scan(&rows).Error
	if err != nil {
		return err
	}
	inst.History = rows
	return nil
}

// loadRules reads the planner's limits and weights in force on first.
func loadRules(tx *gorm.DB, inst *planning.Instance, first, _ models.Date) error {
	set, err := rules.Load(tx.Statement.Context, tx, first)
	if err != nil {
		return err
	}
	inst.Rules, err = set.Planning()
	return err
}

// clip limits [from, to] to [first, last].
func clip(from, to, first, last models.Date) planning.Interval {
	if from.Before(first) {
		from = first
	}
	if to.After(last) {
		to = last
	}
	return planning.Interval{From: from.String(), To: to.String()}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

package reports

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/msg"
	"khung/models"
)

// sqlPart is SQL with its positional arguments.
type sqlPart struct {
	sql  string
	args []any
}

// and appends " AND cond" with its arguments.
func (p *sqlPart) and(cond string, args ...any) {
	p.sql += " AND " + cond
	p.args = append(p.args, args...)
}

// levelOfBody is the level of an inspection by body alias b (whose own unit is
// alias bu): the city's team; a district's office, or a unit's internal
// inspection of a district or commune, is the commune level; everything else
// (the department's inspectorate and divisions) the departments'.
const levelOfBody = `CASE b.kind WHEN 'city_team' THEN 'city_team' WHEN 'district_internal' THEN 'commune'
	WHEN 'unit_internal' THEN CASE WHEN bu.kind IN ('district', 'commune') THEN 'commune' ELSE 'department' END
	ELSE 'department' END`

// levelOfUnit is the level of a unit's own inspection by the unit (alias ou)
// that ran it.
const levelOfUnit = `CASE WHEN ou.kind IN ('district', 'commune') THEN 'commune' ELSE 'department' END`

// inSubtreeOf: the unit column lies in the subtree of the unit whose id is
// the argument.
const inSubtreeOf = ` IN (SELECT id FROM units WHERE path LIKE (SELECT path || '%%' FROM units WHERE id = ?))`

// inArea is the condition that the unit column col lies in the filter's area
// (the unit and the units below it), with its argument. With the area's path
// resolved (withArea) the pattern is a literal the planner can estimate — a
// province is 600 of a country's 17,000 units — so that a province's year is
// read from its units' visits, not from the country's.
func (f Filter) inArea(col string) (string, []any) {
	if f.areaPattern != "" {
		return col + " IN (SELECT id FROM units WHERE path LIKE ?)", []any{f.areaPattern}
	}
	return col + fmt.Sprintf(inSubtreeOf), []any{f.Area}
}

// withArea resolves the path of f's area, if any (an unknown area keeps the
// subquery, which matches nothing).
func (s *Service) withArea(ctx context.Context, f Filter) (Filter, error) {
	if f.Area <= 0 {
		return f, nil
	}
	var path string
	if err := s.db.WithContext(ctx).Raw(`SELECT path FROM units WHERE id = ?`, f.Area).Scan(&path).Error; err != nil {
		return f, fmt.Errorf("report area: %w", err)
	}
	if path != "" {
		f.areaPattern = models.SubtreePattern(path)
	}
	return f, nil
}

// visitFilter is the filter's condition on visits alias v beyond the period:
// its area, and that one of its inspections is of the body, kind, level and
// form asked for.
func visitFilter(f Filter, v string) sqlPart {
	p := sqlPart{sql: "TRUE"}
	if f.Area > 0 {
		cond, args := f.inArea(v + ".unit_id")
		p.and(cond, args...)
	}
	if f.Form != "" {
		p.and(v+".form = ?", f.Form)
	}
	if f.Body == "" && f.Kind == "" && f.Level == "" {
		return p
	}
	in := sqlPart{sql: "fvi.visit_id = " + v + ".id"}
	if f.Body != "" {
		k, id, _ := bodyKey(f.Body)
		if k != 'b' {
			return sqlPart{sql: "FALSE"}
		}
		in.and("fvi.body_id = ?", id)
	}
	if f.Kind != "" {
		in.and("fvi.kind = ?", f.Kind)
	}
	if f.Level != "" {
		in.and("("+levelOfBody+") = ?", f.Level)
	}
	p.and(`EXISTS (SELECT 1 FROM visit_inspections fvi JOIN bodies b ON b.id = fvi.body_id
		LEFT JOIN units bu ON bu.id = b.unit_id WHERE `+in.sql+")", in.args...)
	return p
}

// ownFilter is the filter's condition on own_inspections alias o (the unit
// that ran it: alias ou) beyond the period.
func ownFilter(f Filter, o string) sqlPart {
	p := sqlPart{sql: "TRUE"}
	if f.Area > 0 {
		cond, args := f.inArea(o + ".unit_id")
		p.and(cond, args...)
	}
	if f.Form != "" {
		p.and(o+".form = ?", f.Form)
	}
	if f.Body != "" {
		k, id, _ := bodyKey(f.Body)
		if k != 'u' {
			return sqlPart{sql: "FALSE"}
		}
		p.and(o+".by_unit_id = ?", id)
	}
	if f.Kind != "" {
		p.and(o+".kind = ?", f.Kind)
	}
	if f.Level != "" {
		p.and("("+levelOfUnit+") = ?", f.Level)
	}
	return p
}

// inspectionsCTE is "WITH ins AS (…)": every inspection a may count whose
// first day lies in the period, one row per body of a city visit
// (visit_inspections) and one per unit's own inspection, with source
// ('visit', 'own'), ref_id (the visit or own inspection), unit_id, form,
// start_date, body_key ('b<body>', 'u<unit that ran it>'), kind and level.
// The figures of the report, the dashboard and the lists behind them all
// read it.
func inspectionsCTE(a authz.Actor, f Filter) sqlPart {
	vcond, vargs := authz.StatsVisitCondition(a, "v")
	ocond, oargs := authz.OwnInspectionCondition(a, "o")
	vf, of := visitFilter(f, "v"), ownFilter(f, "o")
	p := sqlPart{sql: `WITH ins AS (
	SELECT 'visit'::text AS source, v.id AS ref_id, v.unit_id, v.form, v.start_date,
	       'b' || vi.body_id AS body_key, vi.kind, ` + levelOfBody + ` AS level
	  FROM visits v
	  JOIN visit_inspections vi ON vi.visit_id = v.id
	  JOIN bodies b ON b.id = vi.body_id
	  LEFT JOIN units bu ON bu.id = b.unit_id
	 WHERE vi.start_date BETWEEN ? AND ? AND v.start_date BETWEEN ? AND ? AND (` + vcond + `) AND (` + vf.sql + `)`}
	p.args = append(p.args, f.From, f.To, f.From, f.To)
	p.args = append(p.args, vargs...)
	p.args = append(p.args, vf.args...)
	// A joint visit's other bodies are not the body, kind or level asked for.
	if f.Body != "" {
		if _, id, _ := bodyKey(f.Body); id > 0 {
			p.and("vi.body_id = ?", id)
		}
	}
	if f.Kind != "" {
		p.and("vi.kind = ?", f.Kind)
	}
	if f.Level != "" {
		p.and("("+levelOfBody+") = ?", f.Level)
	}
	p.sql += `
	UNION ALL
	SELECT 'own', o.id, o.unit_id, o.form, o.start_date, 'u' || o.by_unit_id, o.kind, ` + levelOfUnit + `
	  FROM own_inspections o
	  JOIN units ou ON ou.id = o.by_unit_id
	 WHERE o.start_date BETWEEN ? AND ? AND (` + ocond + `) AND (` + of.sql + `))`
	p.args = append(p.args, f.From, f.To)
	p.args = append(p.args, oargs...)
	p.args = append(p.args, of.args...)
	return p
}

// periodFigures reads, in one statement, the headline figures, the merge
// savings and the inspections by level, form, kind, body, month and topic:
// ins, the expensive part (a country's year is 170,000 rows), is computed
// once and grouped once (GROUPING SETS hash every breakdown in one pass).
// Each row names its figure (dim), its key, its count and, for kinds,
// bodies, units and topics, its name.
const periodFigures = `, vis AS (SELECT DISTINCT ref_id FROM ins WHERE source = 'visit'),
	sets AS (
	SELECT CASE WHEN grouping(level) = 0 THEN 'level' WHEN grouping(form) = 0 THEN 'form'
	            WHEN grouping(kind) = 0 THEN 'kind' WHEN grouping(body_key) = 0 THEN 'body' ELSE 'month' END AS dim,
	       coalesce(level, form, kind, body_key, to_char(month, 'YYYY-MM'), '') AS key, count(*) AS n,
	       NULL::text AS name_vi, NULL::text AS name_en
	  FROM (SELECT level, form, kind, body_key, date_trunc('month', start_date) AS month FROM ins) x
	 GROUP BY GROUPING SETS ((level), (form), (kind), (body_key), (month))),
	-- An inspection counts once under each topic of its body's proposals.
	by_topic AS (
	SELECT 'topic'::text AS dim, t.code AS key, count(DISTINCT ins.ref_id::text || ins.body_key) AS n, t.name_vi, t.name_en
	  FROM ins
	  JOIN visit_proposals vp ON ins.source = 'visit' AND vp.visit_id = ins.ref_id
	  JOIN proposals p ON p.id = vp.proposal_id AND 'b' || p.body_id = ins.body_key
	 CROSS JOIN LATERAL unnest(p.topics) AS tc(code)
	  JOIN topics t ON t.code = tc.code
	 GROUP BY t.code, t.name_vi, t.name_en),
	totals AS (
	SELECT 'total'::text AS dim, 'inspections'::text AS key, count(*) AS n FROM ins
	UNION ALL SELECT 'total', 'visits', count(*) FROM vis
	UNION ALL SELECT 'total', 'own', count(*) FROM ins WHERE source = 'own'
	UNION ALL SELECT 'total', 'proposals', count(*) FROM visit_proposals vp JOIN vis ON vis.ref_id = vp.visit_id)
SELECT g.dim, g.key, g.n AS count,
       coalesce(g.name_vi, k.name_vi, b.name, u.name, '') AS name_vi, coalesce(g.name_en, k.name_en, b.name, u.name, '') AS name_en
  FROM (SELECT * FROM sets UNION ALL SELECT * FROM by_topic UNION ALL SELECT dim, key, n, NULL, NULL FROM totals) g
  LEFT JOIN inspection_kinds k ON g.dim = 'kind' AND k.code = g.key
  LEFT JOIN bodies b ON b.id = CASE WHEN g.dim = 'body' AND g.key LIKE 'b%' THEN substr(g.key, 2)::bigint END
  LEFT JOIN units u ON u.id = CASE WHEN g.dim = 'body' AND g.key LIKE 'u%' THEN substr(g.key, 2)::bigint END`

// figures fills the headline figures, the merge savings and the breakdowns
// of the inspections (periodFigures).
func (s *Service) figures(db *gorm.DB, base sqlPart, r *Report) error {
	var rows []struct {
		Dim string
		Count
	}
	if err := db.Raw(base.sql+periodFigures, base.args...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("report figures: %w", err)
	}
	var byLevel, byForm []Count
	totals := map[string]int{}
	r.ByKind, r.ByBody, r.ByMonth, r.ByTopic = []Count{}, []Count{}, []Count{}, []Count{}
	for _, row := range rows {
		switch row.Dim {
		case "total":
			totals[row.Key] = row.Count.Count
		case "level":
			byLevel = append(byLevel, row.Count)
		case "form":
			byForm = append(byForm, row.Count)
		case "kind":
			r.ByKind = append(r.ByKind, row.Count)
		case "body":
			r.ByBody = append(r.ByBody, row.Count)
		case "month":
			r.ByMonth = append(r.ByMonth, row.Count)
		case "topic":
			r.ByTopic = append(r.ByTopic, row.Count)
		}
	}
	r.Totals = Totals{Inspections: totals["inspections"], Visits: totals["visits"], OwnInspections: totals["own"]}
	// Merge savings: the inspections of the city's visits against the visits made.
	m := MergeSavings{ProposalsReceived: totals["proposals"], Inspections: totals["inspections"] - totals["own"], Visits: totals["visits"]}
	m.VisitsAvoided = m.Inspections - m.Visits
	r.MergeSavings = m
	// Most first, then by name; months in order.
	for _, cs := range [][]Count{r.ByKind, r.ByBody, r.ByTopic} {
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].Count != cs[j].Count {
				return cs[i].Count > cs[j].Count
			}
			return cs[i].NameVI < cs[j].NameVI
		})
	}
	sort.Slice(r.ByMonth, func(i, j int) bool { return r.ByMonth[i].Key < r.ByMonth[j].Key })
	r.ByLevel = s.ordered(byLevel, Levels(), levelNames)
	r.ByForm = s.ordered(byForm, Forms(), formNames)
	for i := range r.ByKind {
		if r.ByKind[i].Key == "" {
			r.ByKind[i].NameVI, r.ByKind[i].NameEN = s.names(msg.New("reports.kind.unspecified"))
		}
	}
	for i := range r.ByMonth {
		r.ByMonth[i].NameVI, r.ByMonth[i].NameEN = monthName(r.ByMonth[i].Key), monthName(r.ByMonth[i].Key)
	}
	return nil
}

// monthName writes "2026-03" as "03/2026".
func monthName(key string) string {
	y, m, ok := strings.Cut(key, "-")
	if !ok {
		return key
	}
	return m + "/" + y
}

// ordered lists every key of keys (zero counts included) in that order, named.
func (s *Service) ordered(rows []Count, keys []string, names map[string]msg.Message) []Count {
	n := map[string]int{}
	for _, r := range rows {
		n[r.Key] += r.Count
	}
	out := make([]Count, len(keys))
	for i, k := range keys {
		out[i] = Count{Key: k, Count: n[k]}
		out[i].NameVI, out[i].NameEN = s.names(names[k])
	}
	return out
}

func (s *Service) findings(db *gorm.DB, a authz.Actor, f Filter, r *Report) error {
	vcond, vargs := authz.StatsVisitCondition(a, "v")
	vf := visitFilter(f, "v")
	args := append(append([]any{f.From, f.To}, vargs...), vf.args...)
	var rows []FindingCount
	if err := db.Raw(`SELECT fd.kind, fd.severity::text AS severity, count(*) AS count
		FROM findings fd JOIN visits v ON v.id = fd.visit_id
		WHERE v.start_date BETWEEN ? AND ? AND (`+vcond+`) AND (`+vf.sql+`)
		GROUP BY 1, 2`, args...).Scan(&rows).Error; err != nil {
		return fmt.Errorf("report findings: %w", err)
	}
	ocond, oargs := authz.OwnInspectionCondition(a, "o")
	of := ownFilter(f, "o")
	var own struct{ Shortcomings, Violations int }
	if err := db.Raw(`SELECT coalesce(sum(o.shortcomings), 0) AS shortcomings, coalesce(sum(o.violations), 0) AS violations
		FROM own_inspections o JOIN units ou ON ou.id = o.by_unit_id
		WHERE o.start_date BETWEEN ? AND ? AND (`+ocond+`) AND (`+of.sql+`)`,
		append(append([]any{f.From, f.To}, oargs...), of.args...)...).Scan(&own).Error; err != nil {
		return fmt.Errorf("report own findings: %w", err)
	}
	if own.Shortcomings > 0 {
		rows = append(rows, FindingCount{Kind: "shortcoming", Count: own.Shortcomings})
	}
	if own.Violations > 0 {
		rows = append(rows, FindingCount{Kind: "violation", Count: own.Violations})
	}
	sev := map[string]int{"high": 0, "medium": 1, "low": 2, "": 3}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Kind != rows[j].Kind {
			return rows[i].Kind > rows[j].Kind // violations first
		}
		return sev[rows[i].Severity] < sev[rows[j].Severity]
	})
	r.Findings = rows
	return nil
}

// recordedOwn counts, for the report, the own inspections whose conclusion was
// signed in the period and the recommendations they made.
func recordedOwn(db *gorm.DB, a authz.Actor, f Filter) (concluded, recs, done int, err error) {
	ocond, oargs := authz.OwnInspectionCondition(a, "o")
	of := ownFilter(f, "o")
	var row struct{ Concluded, Recs, Done int }
	err = db.Raw(`SELECT count(*) AS concluded, coalesce(sum(o.recommendations), 0) AS recs,
		coalesce(sum(o.recommendations_done), 0) AS done
		FROM own_inspections o JOIN units ou ON ou.id = o.by_unit_id
		WHERE o.conclusion_signed_on BETWEEN ? AND ? AND (`+ocond+`) AND (`+of.sql+`)`,
		append(append([]any{f.From, f.To}, oargs...), of.args...)...).Scan(&row).Error
	if err != nil {
		return 0, 0, 0, fmt.Errorf("report own conclusions: %w", err)
	}
	return row.Concluded, row.Recs, row.Done, nil
}

// ageingBuckets are the report's bands of working days past a deadline.
func ageingBuckets() []AgeingBucket {
	return []AgeingBucket{{Key: "1-5", From: 1, To: 5}, {Key: "6-10", From: 6, To: 10},
		{Key: "11-30", From: 11, To: 30}, {Key: "31+", From: 31}}
}

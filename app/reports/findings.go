package reports

import (
	"context"
	"fmt"
	"slices"

	"khung/app/authz"
	"khung/models"
)

// FindingsUnit is one inspected unit's visits of the period as the report
// counts them (a joint visit once) and what they found.
type FindingsUnit struct {
	UnitID        int64  `json:"unit_id"`
	Name          string `json:"name"`
	Visits        int    `json:"visits"`
	WithViolation int    `json:"with_violation"` // visits with at least one violation
	Violations    int    `json:"violations"`
	Shortcomings  int    `json:"shortcomings"`
}

// FindingsByUnit counts, for each unit the city visited in the period, its
// visits and their findings: the rows of the report's findings (the same
// visits, the same rule), by inspected unit, in the units' order.
func (s *Service) FindingsByUnit(ctx context.Context, a authz.Actor, f Filter) ([]FindingsUnit, error) {
	if err := requireReader(a); err != nil {
		return nil, err
	}
	vcond, vargs := authz.StatsVisitCondition(a, "v")
	vf := visitFilter(f, "v")
	var out []FindingsUnit
	// One row per visit first (its violations and shortcomings), then per unit:
	// a visit with no finding still counts as a visit.
	if err := s.db.WithContext(ctx).Raw(`WITH fv AS (
		SELECT v.id, v.unit_id,
		       (SELECT count(*) FROM findings fd WHERE fd.visit_id = v.id AND fd.kind = 'violation') AS violations,
		       (SELECT count(*) FROM findings fd WHERE fd.visit_id = v.id AND fd.kind = 'shortcoming') AS shortcomings
		  FROM visits v
		 WHERE v.start_date BETWEEN ? AND ? AND (`+vcond+`) AND (`+vf.sql+`))
		SELECT fv.unit_id, u.name, count(*) AS visits, count(*) FILTER (WHERE fv.violations > 0) AS with_violation,
		       sum(fv.violations) AS violations, sum(fv.shortcomings) AS shortcomings
		  FROM fv JOIN units u ON u.id = fv.unit_id
		 GROUP BY fv.unit_id, u.name, u.path ORDER BY u.path`,
		append(append([]any{f.From, f.To}, vargs...), vf.args...)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("findings by unit: %w", err)
	}
	return out, nil
}

// FindingVisit is a visit, or a unit's own inspection, behind a findings
// figure, with how many findings of the kind asked for it holds.
type FindingVisit struct {
	Source    string      `json:"source"` // "visit" or "own"
	VisitID   int64       `json:"visit_id,omitempty"`
	OwnID     int64       `json:"own_id,omitempty"`
	StartDate models.Date `json:"start_date"`
	UnitName  string      `json:"unit_name"`
	Count     int         `json:"count"`
}

// SeverityNone is the severity of the findings of units' own inspections
// (recorded as numbers, without a severity).
const SeverityNone = "none"

// FindingVisits lists what stands behind a findings figure of the report:
// the visits with findings of kind ("shortcoming", "violation"; "" both) and
// severity ("low", "medium", "high"; SeverityNone the units' own inspections;
// "" any), with their counts, and the total. With unit set, every counted
// visit of that inspected unit is listed, those without such a finding too
// (count 0): the list behind a unit's evaluation.
func (s *Service) FindingVisits(ctx context.Context, a authz.Actor, f Filter, kind, severity string, unit int64) ([]FindingVisit, int, error) {
	if err := requireReader(a); err != nil {
		return nil, 0, err
	}
	db := s.db.WithContext(ctx)
	var out []FindingVisit
	if severity != SeverityNone {
		vcond, vargs := authz.StatsVisitCondition(a, "v")
		vf := visitFilter(f, "v")
		match := sqlPart{sql: "fd.visit_id = v.id"}
		if kind != "" {
			match.and("fd.kind = ?", kind)
		}
		if severity != "" {
			match.and("fd.severity = ?", severity)
		}
		where := sqlPart{sql: "v.start_date BETWEEN ? AND ? AND (" + vcond + ") AND (" + vf.sql + ")",
			args: append(append([]any{f.From, f.To}, vargs...), vf.args...)}
		if unit != 0 {
			where.and("v.unit_id = ?", unit)
		} else {
			where.and("EXISTS (SELECT 1 FROM findings fd WHERE "+match.sql+")", match.args...)
		}
		var rows []FindingVisit
		if err := db.Raw(`SELECT 'visit' AS source, v.id AS visit_id, v.start_date, u.name AS unit_name,
			(SELECT count(*) FROM findings fd WHERE `+match.sql+`) AS count
			FROM visits v JOIN units u ON u.id = v.unit_id
			WHERE `+where.sql+` ORDER BY v.start_date, u.name, v.id LIMIT ?`,
			append(append(slices.Clone(match.args), where.args...), ListLimit)...).Scan(&rows).Error; err != nil {
			return nil, 0, fmt.Errorf("visits behind a findings figure: %w", err)
		}
		out = append(out, rows...)
	}
	if (severity == SeverityNone || severity == "") && unit == 0 {
		ocond, oargs := authz.OwnInspectionCondition(a, "o")
		of := ownFilter(f, "o")
		n := "o.shortcomings + o.violations"
		switch kind {
		case "shortcoming":
			n = "o.shortcomings"
		case "violation":
			n = "o.violations"
		}
		var rows []FindingVisit
		if err := db.Raw(`SELECT 'own' AS source, o.id AS own_id, o.start_date, u.name AS unit_name, `+n+` AS count
			FROM own_inspections o JOIN units ou ON ou.id = o.by_unit_id JOIN units u ON u.id = o.unit_id
			WHERE o.start_date BETWEEN ? AND ? AND (`+ocond+`) AND (`+of.sql+`) AND `+n+` > 0
			ORDER BY o.start_date, u.name, o.id LIMIT ?`,
			append(append(append([]any{f.From, f.To}, oargs...), of.args...), ListLimit)...).Scan(&rows).Error; err != nil {
			return nil, 0, fmt.Errorf("own inspections behind a findings figure: %w", err)
		}
		out = append(out, rows...)
	}
	total := 0
	for _, r := range out {
		total += r.Count
	}
	return out, total, nil
}

package authz

import (
	"fmt"

	"khung/models"
)

// The statistics channels (the periodic report, its Excel and PDF, the
// dashboard and the lists behind its figures) count rows under the same rule
// as the lists: the conditions below are VisitCondition, narrowed to what a
// statistic may count, never widened.

// countedVisit: a visit the statistics count at all: of the published version
// of its plan or made outside a plan, and not cancelled (drafts, superseded
// copies and cancelled visits never happened).
const countedVisit = `(%[1]s.plan_version_id IS NULL OR ` + inPublishedVersion + `) AND %[1]s.status <> 'cancelled'`

// StatsVisitCondition is the condition, on visits alias v, keeping the visits
// a's statistics count, and its arguments: the visits a may know of
// (VisitCondition, with a.Today), that happened or are to happen
// (countedVisit), and for a unit only those of its unit, the units below it
// and the units they were formed from (unitReach: a unit's dashboard is its
// subtree's and its history's, not the visits of others whose conclusion
// names it). Admins and inspectors count nothing.
func StatsVisitCondition(a Actor, v string) (string, []any) {
	switch a.Role {
	case models.RolePlanner, models.RoleApprover, models.RoleViewer, models.RoleUnit:
	default:
		return "FALSE", nil
	}
	cond, args := VisitCondition(a, v)
	sql := "(" + fmt.Sprintf(countedVisit, v) + ") AND (" + cond + ")"
	if a.Role == models.RoleUnit {
		sql += " AND " + v + ".unit_id IN " + unitReach
		args = append(args, models.SubtreePattern(a.UnitPath))
	}
	return sql, args
}

// StatsRecommendationCondition is the condition keeping the recommendations
// (alias r, of conclusions of visits alias v) a's statistics count: those of
// the visits a may count for planners, approvers and viewers (who read the
// figures, never the rows); for a unit, those its unit, a unit below it or a
// unit they were formed from must carry out (RecommendationScope's rule: never
// one of a secret visit before its start), whoever made the visit.
func StatsRecommendationCondition(a Actor, r, v string) (string, []any) {
	switch a.Role {
	case models.RolePlanner, models.RoleApprover, models.RoleViewer:
		cond, args := VisitCondition(a, v)
		return "(" + fmt.Sprintf(countedVisit, v) + ") AND (" + cond + ")", args
	case models.RoleUnit:
		if a.UnitPath == "" {
			return "FALSE", nil
		}
		return r + ".owner_unit_id IN " + unitReach + " AND " + NotSecretYetSQL(v),
			[]any{models.SubtreePattern(a.UnitPath), a.Today}
	}
	return "FALSE", nil
}

// OwnInspectionCondition is the condition, on own_inspections alias o,
// keeping the inspections units ran themselves that a may count and list:
// planners, approvers and viewers all of them, a secret one (unannounced,
// verification) for a viewer only from its start; a unit those it ran and
// those of its unit and the units below it, a secret one run by another unit
// only from its start. Admins and inspectors none.
func OwnInspectionCondition(a Actor, o string) (string, []any) {
	secret := fmt.Sprintf(notSecretYet, o)
	switch a.Role {
	case models.RolePlanner, models.RoleApprover:
		return "TRUE", nil
	case models.RoleViewer:
		return secret, []any{a.Today}
	case models.RoleUnit:
		if a.UnitPath == "" {
			return "FALSE", nil
		}
		p := models.SubtreePattern(a.UnitPath)
		return "(" + o + ".by_unit_id IN (SELECT id FROM units WHERE path LIKE ?) OR (" +
			o + ".unit_id IN (SELECT id FROM units WHERE path LIKE ?) AND " + secret + "))", []any{p, p, a.Today}
	}
	return "FALSE", nil
}

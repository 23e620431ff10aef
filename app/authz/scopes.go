package authz

import (
	"fmt"

	"gorm.io/gorm"

	"khung/models"
)

// startedStatuses are the visit statuses from the moment the team is on site:
// an unannounced visit stays hidden from the inspected unit until then.
var startedStatuses = []string{"on_site", "on_site_ended", "conclusion_issued", "follow_up", "closed"}

// announcedStatuses are the statuses from the notice to the unit onwards.
var announcedStatuses = []string{"announced", "on_site", "on_site_ended", "conclusion_issued", "follow_up", "closed"}

// VisitScope limits a query on visits (table or alias "visits") to those a may read:
//   - planner, approver: every visit;
//   - inspector: the visits whose team they are on;
//   - unit: visits of its unit and the units below it that the unit may know of —
//     in the published plan version, or announced when outside a plan; an
//     unannounced visit only once the team is on site;
//   - viewer: visits of published plan versions (unannounced ones once started);
//   - admin and anybody else: none.
func VisitScope(a Actor) Scope {
	return VisitScopeOn(a, "visits")
}

// VisitScopeOn is VisitScope for a query where visits has another alias.
func VisitScopeOn(a Actor, v string) Scope {
	if !a.LoggedIn() {
		return nothing
	}
	// The unit may know a visit when it is in the published plan or announced,
	// and an unannounced one only once started.
	const visible = `((%[1]s.form <> 'unannounced' AND (
	        %[1]s.plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published')
	        OR (%[1]s.plan_version_id IS NULL AND %[1]s.status IN ?)))
	    OR (%[1]s.form = 'unannounced' AND %[1]s.status IN ?))`
	switch a.Role {
	case models.RolePlanner, models.RoleApprover:
		return everything
	case models.RoleInspector:
		return func(db *gorm.DB) *gorm.DB {
			if a.InspectorID == 0 {
				return db.Where("FALSE")
			}
			return db.Where("EXISTS (SELECT 1 FROM visit_members m WHERE m.visit_id = "+v+".id AND m.inspector_id = ?)", a.InspectorID)
		}
	case models.RoleUnit:
		return func(db *gorm.DB) *gorm.DB {
			if a.UnitPath == "" {
				return db.Where("FALSE")
			}
			return db.Where(v+".unit_id IN (SELECT id FROM units WHERE path LIKE ?)", models.SubtreePattern(a.UnitPath)).
				Where(fmt.Sprintf(visible, v), announcedStatuses, startedStatuses)
		}
	case models.RoleViewer:
		return func(db *gorm.DB) *gorm.DB {
			return db.Where(v+".plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published')").
				Where("("+v+".form <> 'unannounced' OR "+v+".status IN ?)", startedStatuses)
		}
	}
	return nothing
}

// RecommendationScope limits a query on recommendations (table or alias
// "recommendations") to those a may read:
//   - planner, approver: every recommendation;
//   - inspector: those of conclusions of visits whose team they were on;
//   - unit: those its unit or a unit below it must act on;
//   - admin, viewer (who read statistics, not rows) and anybody else: none.
func RecommendationScope(a Actor) Scope {
	if !a.LoggedIn() {
		return nothing
	}
	switch a.Role {
	case models.RolePlanner, models.RoleApprover:
		return everything
	case models.RoleInspector:
		return func(db *gorm.DB) *gorm.DB {
			if a.InspectorID == 0 {
				return db.Where("FALSE")
			}
			return db.Where(`recommendations.conclusion_id IN (
				SELECT c.id FROM conclusions c JOIN visit_members m ON m.visit_id = c.visit_id
				WHERE m.inspector_id = ?)`, a.InspectorID)
		}
	case models.RoleUnit:
		return UnitIDScope(a, "recommendations.owner_unit_id")
	}
	return nothing
}

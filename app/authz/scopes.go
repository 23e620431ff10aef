package authz

import (
	"fmt"

	"gorm.io/gorm"

	"khung/models"
)

// The SQL pieces of the visit rules; %[1]s is the visits table or its alias.
const (
	// inPublishedVersion: the visit belongs to the published version of its plan.
	inPublishedVersion = `%[1]s.plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published')`

	// notSecretYet: an unannounced or verification visit is never shown to the
	// people it must surprise before its first day; NULL dates (unscheduled)
	// compare as unknown, so an unscheduled secret visit stays hidden too, and so
	// does every secret visit when the actor's Today is unknown.
	notSecretYet = `(%[1]s.form = 'planned' OR %[1]s.start_date <= ?)`

	// unitMayKnow: what an inspected unit may know of a visit to it or to a unit
	// below it: scheduled, not cancelled, of the published plan or created
	// outside a plan once its first day has come, and never a secret one early.
	unitMayKnow = `%[1]s.unit_id IN (SELECT id FROM units WHERE path LIKE ?)
	    AND %[1]s.status <> 'cancelled'
	    AND %[1]s.start_date IS NOT NULL
	    AND (` + inPublishedVersion + ` OR (%[1]s.plan_version_id IS NULL AND %[1]s.start_date <= ?))
	    AND ` + notSecretYet
)

// VisitScope limits a query on visits (table or alias "visits") to those a may
// read, with a.Today as the date secret visits are compared with:
//   - planner, approver: every visit (drafts included: they build the plan);
//   - inspector: the visits whose team they are on;
//   - unit: visits of its unit and the units below it of the published plan
//     version, or created outside a plan once started; NEVER an unannounced or
//     verification visit before its start date (UnitVisits);
//   - viewer: visits of published plan versions, secret ones from their start;
//   - admin and anybody else: none.
func VisitScope(a Actor) Scope {
	return VisitScopeOn(a, "visits")
}

// VisitScopeOn is VisitScope for a query where visits has another alias.
func VisitScopeOn(a Actor, v string) Scope {
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
			return db.Where("EXISTS (SELECT 1 FROM visit_members m WHERE m.visit_id = "+v+".id AND m.inspector_id = ?)", a.InspectorID)
		}
	case models.RoleUnit:
		return UnitVisitsOn(a, v)
	case models.RoleViewer:
		return func(db *gorm.DB) *gorm.DB {
			return db.Where(fmt.Sprintf(inPublishedVersion, v)).Where(fmt.Sprintf(notSecretYet, v), a.Today)
		}
	}
	return nothing
}

// UnitVisitsOn is THE rule of which visits an inspected unit's user sees, on
// every channel (pages, JSON, iCal, counts, search, notifications): it is SQL,
// so counts and searches agree with the lists. v is the visits table or alias.
func UnitVisitsOn(a Actor, v string) Scope {
	return func(db *gorm.DB) *gorm.DB {
		if a.Role != models.RoleUnit || a.UnitPath == "" {
			return db.Where("FALSE") // a unit user without a unit reaches nothing
		}
		return db.Where("("+fmt.Sprintf(unitMayKnow, v)+")", models.SubtreePattern(a.UnitPath), a.Today, a.Today)
	}
}

// NotSecretYetSQL is the condition, on visits table or alias v, that hides an
// unannounced or verification visit before its start date; its one argument is
// the reader's date. For readers who compose it with conditions of their own.
func NotSecretYetSQL(v string) string { return fmt.Sprintf(notSecretYet, v) }

// InPublishedVersionSQL is the condition, on visits table or alias v, that
// keeps visits of a published plan version; it takes no argument.
func InPublishedVersionSQL(v string) string { return fmt.Sprintf(inPublishedVersion, v) }

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

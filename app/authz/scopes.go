package authz

import (
	"fmt"

	"gorm.io/gorm"

	"khung/models"
)

// The SQL pieces of the visit rule; %[1]s is the visits table or its alias.
const (
	// inPublishedVersion: the visit belongs to the published version of its plan.
	inPublishedVersion = `%[1]s.plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published')`

	// notSecretYet: an unannounced or verification visit is never shown to the
	// people it must surprise before its first day; NULL dates (unscheduled)
	// compare as unknown, so an unscheduled secret visit stays hidden too, and so
	// does every secret visit when the actor's Today is unknown. One argument:
	// the reader's date.
	notSecretYet = `(%[1]s.form = 'planned' OR %[1]s.start_date <= ?)`

	// onTeam: the inspector (one argument) is on the visit's team.
	onTeam = `EXISTS (SELECT 1 FROM visit_members m WHERE m.visit_id = %[1]s.id AND m.inspector_id = ?)`

	// unitReach: the ids of the units a unit user answers for, as a subquery:
	// its unit and the units below it, and every unit these were formed from,
	// transitively (Phường Hồng Hà answers for Phường Phúc Xá, merged into it
	// on 01/07/2025, whole or in part). History follows the unit: the visits,
	// conclusions and recommendations of a predecessor are its successors'.
	// One argument: the subtree pattern.
	unitReach = `(WITH RECURSIVE reach(id) AS (
	    SELECT id FROM units WHERE path LIKE ?
	    UNION SELECT s.predecessor_id FROM unit_successions s JOIN reach r ON s.successor_id = r.id)
	  SELECT id FROM reach)`

	// unitTakenOver is unitReach through the links by which a unit took over
	// the whole of another (merged whole, renamed, type changed, unchanged):
	// the units whose open recommendations it carries out without being
	// re-assigned them. A unit split between several successors ("part")
	// leaves its recommendations to a planner, who re-assigns each to the
	// successor that takes it over. One argument: the subtree pattern.
	unitTakenOver = `(WITH RECURSIVE reach(id) AS (
	    SELECT id FROM units WHERE path LIKE ?
	    UNION SELECT s.predecessor_id FROM unit_successions s JOIN reach r ON s.successor_id = r.id
	     WHERE s.how <> 'part')
	  SELECT id FROM reach)`

	// unitMayKnow: what an inspected unit may know of a visit to it, to a unit
	// below it or to a unit it was formed from: scheduled, not cancelled, of
	// the published plan or created outside a plan once its first day has
	// come, and never a secret one early.
	// Arguments: the unit's subtree pattern, the reader's date twice.
	unitMayKnow = `%[1]s.unit_id IN ` + unitReach + `
	    AND %[1]s.status <> 'cancelled'
	    AND %[1]s.start_date IS NOT NULL
	    AND (` + inPublishedVersion + ` OR (%[1]s.plan_version_id IS NULL AND %[1]s.start_date <= ?))
	    AND ` + notSecretYet

	// ownsRecommendation: the conclusion of the visit gives a unit the reader
	// answers for (unitReach; one argument: its pattern) a recommendation to
	// carry out, as when a district's conclusion names one of its wards.
	ownsRecommendation = `EXISTS (SELECT 1 FROM conclusions oc JOIN recommendations orec ON orec.conclusion_id = oc.id
	    WHERE oc.visit_id = %[1]s.id AND orec.owner_unit_id IN ` + unitReach + `)`
)

// VisitCondition is THE visibility rule of visits as SQL: the condition on the
// visits table or alias v that keeps the visits a may know of on a.Today, and
// its arguments. Every channel (pages, JSON, iCal, search, counts, exports,
// prints, notifications, mails and jobs) applies it in SQL, never by
// filtering rows in Go, so that counts and lists agree. The package comment
// of this package's scopes (VisitScope) says the rule per role.
func VisitCondition(a Actor, v string) (string, []any) {
	if !a.LoggedIn() {
		return "FALSE", nil
	}
	secret := fmt.Sprintf(notSecretYet, v)
	switch a.Role {
	case models.RolePlanner, models.RoleApprover:
		return "TRUE", nil
	case models.RoleInspector:
		published := "(" + fmt.Sprintf(inPublishedVersion, v) + " AND " + secret + ")"
		if a.InspectorID == 0 {
			return published, []any{a.Today}
		}
		return "(" + fmt.Sprintf(onTeam, v) + " OR " + published + ")", []any{a.InspectorID, a.Today}
	case models.RoleUnit:
		if a.UnitPath == "" {
			return "FALSE", nil // a unit user without a unit reaches nothing
		}
		pattern := models.SubtreePattern(a.UnitPath)
		return "((" + fmt.Sprintf(unitMayKnow, v) + ") OR (" + fmt.Sprintf(ownsRecommendation, v) + " AND " + secret + "))",
			[]any{pattern, a.Today, a.Today, pattern, a.Today}
	case models.RoleViewer:
		return "((" + fmt.Sprintf(inPublishedVersion, v) + " OR " + v + ".plan_version_id IS NULL) AND " + secret + ")",
			[]any{a.Today}
	}
	return "FALSE", nil // the administrator administers the platform, not inspections
}

// SeesEveryVisit tells whether a's visit rule keeps every visit (planners and
// approvers): only then may a read totals computed over all the visits of a
// version, such as the engine's metrics, which count secret visits too.
func SeesEveryVisit(a Actor) bool {
	sql, _ := VisitCondition(a, "v")
	return sql == "TRUE"
}

// VisitScope limits a query on visits (table or alias "visits") to those a
// may know of, with a.Today as the date secret visits are compared with:
//   - planner, approver: every visit (drafts included: they build the plan);
//   - inspector: the visits whose team they are on, and the visits of the
//     published plan, an unannounced or verification one only from its start;
//   - unit: visits of its unit and the units below it of the published plan
//     version, or created outside a plan once started, and the visits whose
//     conclusion gives its unit (or a unit below) a recommendation; NEVER an
//     unannounced or verification visit before its start date;
//   - viewer: visits of published plan versions and visits outside a plan, an
//     unannounced or verification one only from its start;
//   - admin and anybody else: none.
func VisitScope(a Actor) Scope {
	return VisitScopeOn(a, "visits")
}

// VisitScopeOn is VisitScope for a query where visits has another alias.
func VisitScopeOn(a Actor, v string) Scope {
	sql, args := VisitCondition(a, v)
	return func(db *gorm.DB) *gorm.DB { return db.Where(sql, args...) }
}

// VisitWorkScopeOn limits a query on visits (alias v) to those whose work a
// may read: the decision and its team, findings and their files, the
// conclusion and its papers, the history. Planners and approvers read every
// visit's work, an inspector that of the visits whose team they are on;
// nobody else (a unit reads a conclusion through its recommendations, see
// RecommendationScope). Knowing of a visit (VisitScope) is not reading its work.
func VisitWorkScopeOn(a Actor, v string) Scope {
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
			return db.Where(fmt.Sprintf(onTeam, v), a.InspectorID)
		}
	}
	return nothing
}

// NotSecretYetSQL is the condition, on visits table or alias v, that hides an
// unannounced or verification visit before its start date; its one argument is
// the reader's date. For the jobs' set-based queries (app/notices), which ask
// it for the inspected unit's users as a column.
func NotSecretYetSQL(v string) string { return fmt.Sprintf(notSecretYet, v) }

// InPublishedVersionSQL is the condition, on visits table or alias v, that
// keeps visits of a published plan version; it takes no argument.
func InPublishedVersionSQL(v string) string { return fmt.Sprintf(inPublishedVersion, v) }

// RecommendationScope limits a query on recommendations (table or alias
// "recommendations") to those a may read:
//   - planner, approver: every recommendation;
//   - inspector: those of conclusions of visits whose team they were on;
//   - unit: those its unit or a unit below it must act on, once the visit may
//     be known (never one of an unannounced or verification visit before its
//     start date, whatever the visit's workflow recorded);
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
		return func(db *gorm.DB) *gorm.DB {
			return db.Scopes(UnitIDScope(a, "recommendations.owner_unit_id")).
				Where(`EXISTS (SELECT 1 FROM conclusions rc JOIN visits rv ON rv.id = rc.visit_id
				    WHERE rc.id = recommendations.conclusion_id AND `+NotSecretYetSQL("rv")+`)`, a.Today)
		}
	}
	return nothing
}

// RecommendationReportScope limits a query on recommendations to those a may
// send remediation reports on: for a unit user, those of RecommendationScope
// owned by its unit, a unit below it, or a unit it took over whole
// (unitTakenOver); a recommendation of a unit split between several
// successors is read by each of them but carried out by the one a planner
// re-assigns it to. Other roles: RecommendationScope (their permissions
// decide whether they may report at all).
func RecommendationReportScope(a Actor) Scope {
	if a.Role != models.RoleUnit {
		return RecommendationScope(a)
	}
	return func(db *gorm.DB) *gorm.DB {
		if a.UnitPath == "" {
			return db.Where("FALSE")
		}
		return db.Scopes(RecommendationScope(a)).
			Where("recommendations.owner_unit_id IN "+unitTakenOver, models.SubtreePattern(a.UnitPath))
	}
}

// ProposalScopeOn limits a query on proposals (alias p) to those a may read:
//   - planner, approver: every proposal;
//   - viewer: planned ones, and an unannounced or verification one (its
//     target and preferred window name a secret visit) only once one of its
//     visits is one the viewer may know of (VisitCondition: from its start);
//   - anybody else: none (the proposals service refuses them first).
func ProposalScopeOn(a Actor, p string) Scope {
	if !a.LoggedIn() {
		return nothing
	}
	switch a.Role {
	case models.RolePlanner, models.RoleApprover:
		return everything
	case models.RoleViewer:
		cond, args := VisitCondition(a, "pv")
		return func(db *gorm.DB) *gorm.DB {
			return db.Where("("+p+".form = 'planned' OR EXISTS (SELECT 1 FROM visit_proposals pvp JOIN visits pv ON pv.id = pvp.visit_id WHERE pvp.proposal_id = "+p+".id AND "+cond+"))", args...)
		}
	}
	return nothing
}

// HeldAs is a SQL expression (and its arguments) telling how a unit user
// holds the unit whose id is in column: 'own' (its unit or one below it),
// 'whole' (a unit it took over whole, unitTakenOver), 'part' (a unit it
// received part of: it reads that unit's history, and a planner re-assigns
// each open recommendation to the successor that takes it over). An empty string for the
// other roles. Pages mark inherited rows with it; it does not filter.
func HeldAs(a Actor, column string) (string, []any) {
	if a.Role != models.RoleUnit || a.UnitPath == "" {
		return "''", nil
	}
	pattern := models.SubtreePattern(a.UnitPath)
	return `(CASE WHEN ` + column + ` IN (SELECT id FROM units WHERE path LIKE ?) THEN 'own'
	    WHEN ` + column + ` IN ` + unitTakenOver + ` THEN 'whole' ELSE 'part' END)`, []any{pattern, pattern}
}

// InUnitReach limits a query to rows whose column holds the unit unitID, a
// unit below it, or a unit these were formed from, transitively: what "this
// unit" means when a list is narrowed to one unit, by the same links through
// which a unit user reads its predecessors' history (unitReach). It narrows;
// the visibility rule still decides what the reader may see.
func InUnitReach(column string, unitID int64) Scope {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(column+" IN "+unitReach, gorm.Expr("(SELECT path FROM units WHERE id = ?) || '%'", unitID))
	}
}

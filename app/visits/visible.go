package visits

import (
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
)

// Today is the civil date of now in the platform's time zone: the day the
// visibility rule compares start dates with.
func Today(now time.Time, loc *time.Location) models.Date {
	if loc == nil {
		loc = time.UTC
	}
	return models.DateOf(now.In(loc))
}

// The calendar's own pieces, on the table "visits"; the secret-visit and unit
// rules live in authz, in one place for every channel.
const (
	// onTeam: the actor's inspector profile is on the visit's team.
	onTeam = `EXISTS (SELECT 1 FROM visit_members m WHERE m.visit_id = visits.id AND m.inspector_id = ?)`

	// teamVersion: a version whose team members may already know their visits:
	// the published one, or a submitted or approved one of a plan that has no
	// published version yet (once one is published, a pending amendment would
	// only duplicate it). Drafts and superseded versions never.
	teamVersion = `(visits.plan_version_id IS NULL OR visits.plan_version_id IN (
	    SELECT pv.id FROM plan_versions pv
	     WHERE pv.status = 'published'
	        OR (pv.status IN ('submitted', 'approved') AND NOT EXISTS (
	               SELECT 1 FROM plan_versions pub WHERE pub.plan_id = pv.plan_id AND pub.status = 'published'))))`
)

// Visible is THE rule of which visits an actor sees, on every channel (pages,
// JSON, the iCal feed, counts and search): it is applied in SQL, never by
// filtering rows in Go, so that counts, pages and search agree with the lists.
// today is the date in Asia/Ho_Chi_Minh (see Today).
//
//   - unit: visits of its unit and the units below it (units.path under its
//     path), of the published plan version or created outside any plan once
//     started; never cancelled or unscheduled ones, never draft versions, and
//     NEVER an unannounced or verification visit before its start date;
//   - planner, approver, viewer, admin: every visit of a published version and
//     every visit created outside a plan (draft versions belong to the plan
//     pages, not to the calendar);
//   - inspector: the visits they are on (published version, a submitted or
//     approved one not yet superseded by publication, or outside a plan), plus
//     the published plan's visits — an unannounced or verification visit of a
//     team they are not on only from its start date, as for units;
//   - anybody else (anonymous, unknown roles): nothing.
//
// The query must name the visits table "visits".
func Visible(a authz.Actor, today models.Date) func(*gorm.DB) *gorm.DB {
	a.Today = today
	if a.Role == models.RoleUnit {
		return authz.UnitVisitsOn(a, "visits")
	}
	sql, args := visibleSQL(a, today)
	return func(db *gorm.DB) *gorm.DB { return db.Where(sql, args...) }
}

// visibleSQL returns the condition of Visible with its arguments.
func visibleSQL(a authz.Actor, today models.Date) (string, []any) {
	if !a.LoggedIn() {
		return "FALSE", nil
	}
	switch a.Role {
	case models.RolePlanner, models.RoleApprover, models.RoleViewer, models.RoleAdmin:
		return "(" + authz.InPublishedVersionSQL("visits") + " OR visits.plan_version_id IS NULL)", nil
	case models.RoleInspector:
		published := "(" + authz.InPublishedVersionSQL("visits") + " AND " + authz.NotSecretYetSQL("visits") + ")"
		if a.InspectorID == 0 {
			return published, []any{today}
		}
		return "((" + onTeam + " AND " + teamVersion + ") OR " + published + ")", []any{a.InspectorID, today}
	}
	return "FALSE", nil
}

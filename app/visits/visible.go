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

// onCalendar: the calendar shows the visits of published plan versions and
// those made outside a plan; a team member also sees their visits of a
// submitted or approved version of a plan that has no published version yet
// (once one is published, a pending amendment would only duplicate it).
// Drafts and superseded versions never: they belong to the plan pages. This
// only narrows what authz's rule lets through; it hides nothing that rule
// would show by mistake. One argument: the actor's inspector id.
const onCalendar = `(visits.plan_version_id IS NULL
    OR ` + `visits.plan_version_id IN (SELECT id FROM plan_versions WHERE status = 'published')
    OR (EXISTS (SELECT 1 FROM visit_members cm WHERE cm.visit_id = visits.id AND cm.inspector_id = ?)
        AND visits.plan_version_id IN (
            SELECT pv.id FROM plan_versions pv
             WHERE pv.status IN ('submitted', 'approved') AND NOT EXISTS (
                   SELECT 1 FROM plan_versions pub WHERE pub.plan_id = pv.plan_id AND pub.status = 'published'))))`

// Visible is what the calendar channels (the month and list pages, a visit's
// card, the JSON API, the iCal feed, "my visits", their counts and search)
// show: the one visibility rule, authz.VisitScope, with today as the date
// secret visits are compared with, narrowed to the visits that are on the
// calendar (onCalendar). today is the date in Asia/Ho_Chi_Minh (see Today).
// The query must name the visits table "visits".
func Visible(a authz.Actor, today models.Date) func(*gorm.DB) *gorm.DB {
	a.Today = today
	rule := authz.VisitScope(a)
	return func(db *gorm.DB) *gorm.DB { return rule(db).Where(onCalendar, a.InspectorID) }
}

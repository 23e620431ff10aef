package notices

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/followup"
	"khung/app/notify"
	"khung/views"
)

// KindVisitMoved is the kind of the notice of a moved visit.
const KindVisitMoved = "visit_moved"

// VisitMoved tells a unit that a published amendment of the framework plan
// moved its visit to other dates, or took it out of the plan (Start zero).
type VisitMoved struct {
	VisitID    int64 // the visit in the published amendment (0 when taken out)
	UnitName   string
	LeadBody   string
	PlanYear   int
	WasStart   time.Time
	WasEnd     time.Time
	Start, End time.Time
}

// Kind names the notice's kind.
func (n VisitMoved) Kind() string { return KindVisitMoved }

// Render writes the notice in t's language.
func (n VisitMoved) Render(t *views.Translator) notify.Content {
	args := []any{"Unit", n.UnitName, "LeadBody", n.LeadBody, "Year", n.PlanYear,
		"WasStart", notify.Date(t, n.WasStart), "WasEnd", notify.Date(t, n.WasEnd)}
	if n.Start.IsZero() {
		return notify.Content{Subject: t.T("replan.notice.dropped.subject", args...),
			Body: t.T("replan.notice.dropped.body", args...), Link: "/calendar/list"}
	}
	args = append(args, "Start", notify.Date(t, n.Start), "End", notify.Date(t, n.End))
	return notify.Content{Subject: t.T("replan.notice.moved.subject", args...),
		Body: t.T("replan.notice.moved.body", args...), Link: fmt.Sprintf("/calendar/visits/%d", n.VisitID)}
}

// movedVisitsSQL compares the planned visits of the version being replaced
// (@old) with the same visits (by code) of the version being published (@new)
// and keeps those whose dates changed or that no longer have dates, from today
// on (a visit under way is frozen by the repair and never moves). Unannounced
// and verification visits are left out: the unit must not learn of them
// before their first day, and a moved visit is no exception.
const movedVisitsSQL = `
SELECT o.id AS was_id, coalesce(n.id, 0) AS visit_id, o.unit_id, u.name AS unit_name, b.name AS lead_body, p.year,
       o.start_date AS was_start, o.end_date AS was_end, n.start_date AS start, n.end_date AS "end"
  FROM visits o
  JOIN plan_versions pv ON pv.id = o.plan_version_id
  JOIN plans p ON p.id = pv.plan_id
  JOIN units u ON u.id = o.unit_id
  LEFT JOIN visits n ON n.plan_version_id = @new AND n.code = o.code
  JOIN bodies b ON b.id = coalesce(n.lead_body_id, o.lead_body_id)
 WHERE o.plan_version_id = @old
   AND o.form = 'planned' AND coalesce(n.form, 'planned') = 'planned'
   AND o.start_date IS NOT NULL AND o.end_date >= @today
   AND o.status NOT IN ('cancelled', 'suspended')
   AND (n.start_date IS DISTINCT FROM o.start_date OR n.end_date IS DISTINCT FROM o.end_date)
 ORDER BY o.code`

// MovedVisits decides and records, in tx, the notices of a published
// amendment: the office and head of each unit whose planned visit moved (or
// left the plan) compared with the version it replaces are told, in-app and
// by mail, once (the key names the published version and the visit). Units
// whose visit kept its dates get nothing.
func (s *Service) MovedVisits(ctx context.Context, tx *gorm.DB, now time.Time, published, previous int64) (notify.Result, error) {
	today := followup.Day(now, s.loc)
	var rows []struct {
		WasID, VisitID     int64
		UnitID             int64
		UnitName, LeadBody string
		Year               int
		WasStart, WasEnd   time.Time
		Start, End         *time.Time
	}
	err := tx.WithContext(ctx).Raw(movedVisitsSQL, map[string]any{"old": previous, "new": published, "today": today}).
		Scan(&rows).Error
	if err != nil {
		return notify.Result{}, fmt.Errorf("moved visits of version %d: %w", published, err)
	}
	if len(rows) == 0 {
		return notify.Result{}, nil
	}
	dir, err := s.Recipients(ctx, tx)
	if err != nil {
		return notify.Result{}, err
	}
	var items []notify.Item
	for _, r := range rows {
		note := VisitMoved{VisitID: r.VisitID, UnitName: r.UnitName, LeadBody: r.LeadBody, PlanYear: r.Year,
			WasStart: asDay(r.WasStart), WasEnd: asDay(r.WasEnd)}
		if r.Start != nil && r.End != nil {
			note.Start, note.End = asDay(*r.Start), asDay(*r.End)
		}
		key := fmt.Sprintf("plan-version:%d:moved:%d", published, r.WasID)
		for _, a := range []followup.Audience{followup.AudienceOffice, followup.AudienceHead} {
			for _, to := range dir.To(a, r.UnitID, true) { // planned visits only: the unit may know
				items = append(items, notify.Item{Key: key, To: to, Note: note, Mail: true})
			}
		}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}

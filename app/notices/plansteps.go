package notices

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/followup"
	"khung/app/notify"
	"khung/models"
	"khung/views"
)

// Kinds of the notices of the plan workflow.
const (
	KindPlanWaiting   = "plan_waiting"
	KindPlanPublished = "plan_published"
)

// PlanWaiting tells the person who must act that a version of the framework
// plan waits for them: approval after it was submitted, publication after it
// was approved, a new submission after it was returned.
type PlanWaiting struct {
	VersionID int64
	Year      int
	Number    int
	Step      string // "submit", "approve" or "return": the step just taken
}

// Kind names the notice's kind.
func (n PlanWaiting) Kind() string { return KindPlanWaiting }

// Render writes the notice in t's language.
func (n PlanWaiting) Render(t *views.Translator) notify.Content {
	args := []any{"Year", n.Year, "Number", n.Number}
	id := "plansux.notice." + n.Step
	return notify.Content{Subject: t.T(id+".subject", args...), Body: t.T(id+".body", args...),
		Link: fmt.Sprintf("/plans/versions/%d", n.VersionID)}
}

// PlanPublished tells a unit that the published framework plan has a
// planned visit to it. It exists only for planned visits: an unannounced or
// verification visit is never announced.
type PlanPublished struct {
	VisitID  int64
	UnitName string
	LeadBody string
	Year     int
	Start    time.Time
	End      time.Time
}

// Kind names the notice's kind.
func (n PlanPublished) Kind() string { return KindPlanPublished }

// Render writes the notice in t's language.
func (n PlanPublished) Render(t *views.Translator) notify.Content {
	args := []any{"Unit", n.UnitName, "LeadBody", n.LeadBody, "Year", n.Year,
		"Start", notify.Date(t, n.Start), "End", notify.Date(t, n.End)}
	return notify.Content{Subject: t.T("plansux.notice.published.subject", args...),
		Body: t.T("plansux.notice.published.body", args...), Link: fmt.Sprintf("/calendar/visits/%d", n.VisitID)}
}

// waitingFor says who must act after each step: the approvers after a
// submission and after an approval (they publish), the planners after a return.
var waitingFor = map[string]models.Role{"submit": models.RoleApprover, "approve": models.RoleApprover,
	"return": models.RolePlanner}

// PlanStep decides and records, in tx, the notices of a workflow step taken by
// actor on version id: the people who must act next are told in-app and by
// mail (never the actor); a publication tells the units of its new planned
// visits (previous is the published version it replaces, 0 if none). The key
// names the version and its lock version, so a version submitted again after
// a return notifies again, and a step replayed notifies once.
func (s *Service) PlanStep(ctx context.Context, tx *gorm.DB, now time.Time, actor authz.Actor, id int64, step string, previous int64) (notify.Result, error) {
	var v struct {
		Year, Number, LockVersion int
	}
	if err := tx.WithContext(ctx).Raw(`SELECT p.year, v.number, v.lock_version FROM plan_versions v
		JOIN plans p ON p.id = v.plan_id WHERE v.id = ?`, id).Scan(&v).Error; err != nil {
		return notify.Result{}, fmt.Errorf("version %d: %w", id, err)
	}
	if step == "publish" {
		return s.planPublished(ctx, tx, now, id, previous)
	}
	role, ok := waitingFor[step]
	if !ok {
		return notify.Result{}, nil
	}
	var users []models.User
	if err := tx.WithContext(ctx).Select("id", "email", "full_name", "locale").
		Where("active AND role = ? AND id <> ?", role, actor.UserID).Order("id").Find(&users).Error; err != nil {
		return notify.Result{}, fmt.Errorf("read the %s users: %w", role, err)
	}
	note := PlanWaiting{VersionID: id, Year: v.Year, Number: v.Number, Step: step}
	key := fmt.Sprintf("plan-version:%d:%s:%d", id, step, v.LockVersion)
	items := make([]notify.Item, len(users))
	for i, u := range users {
		items[i] = notify.Item{Key: key, Note: note, Mail: true,
			To: notify.Recipient{UserID: u.ID, Email: u.Email, Name: u.FullName, Locale: u.Locale}}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}

// publishedVisitsSQL selects the planned visits of the published version @new
// that the version it replaces (@old, 0 for none) did not have with a date:
// their units have not been told yet (a moved visit is told by MovedVisits).
// Unannounced and verification visits are left out, whatever their date: the
// unit must not learn of them before their first day.
const publishedVisitsSQL = `
SELECT n.id AS visit_id, n.unit_id, u.name AS unit_name, b.name AS lead_body, p.year,
       n.start_date AS start, n.end_date AS "end"
  FROM visits n
  JOIN plan_versions pv ON pv.id = n.plan_version_id
  JOIN plans p ON p.id = pv.plan_id
  JOIN units u ON u.id = n.unit_id
  JOIN bodies b ON b.id = n.lead_body_id
 WHERE n.plan_version_id = @new
   AND n.form = 'planned' AND n.start_date IS NOT NULL
   AND n.status NOT IN ('cancelled', 'suspended')
   AND NOT EXISTS (SELECT 1 FROM visits o WHERE o.plan_version_id = @old AND o.code = n.code
                    AND o.form = 'planned' AND o.start_date IS NOT NULL)
 ORDER BY n.code`

func (s *Service) planPublished(ctx context.Context, tx *gorm.DB, now time.Time, id, previous int64) (notify.Result, error) {
	var rows []struct {
		VisitID, UnitID    int64
		UnitName, LeadBody string
		Year               int
		Start, End         time.Time
	}
	if err := tx.WithContext(ctx).Raw(publishedVisitsSQL, map[string]any{"new": id, "old": previous}).
		Scan(&rows).Error; err != nil {
		return notify.Result{}, fmt.Errorf("published visits of version %d: %w", id, err)
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
		note := PlanPublished{VisitID: r.VisitID, UnitName: r.UnitName, LeadBody: r.LeadBody, Year: r.Year,
			Start: asDay(r.Start), End: asDay(r.End)}
		key := fmt.Sprintf("plan-version:%d:published:%d", id, r.VisitID)
		for _, a := range []followup.Audience{followup.AudienceOffice, followup.AudienceHead} {
			for _, to := range dir.To(a, r.UnitID, true) { // planned visits only: the unit may know
				items = append(items, notify.Item{Key: key, To: to, Note: note, Mail: true})
			}
		}
	}
	return notify.Deliver(ctx, tx, now, s.site, items)
}

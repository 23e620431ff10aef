// Package remediation is the unit's side of the follow-up of an inspection
// conclusion: the recommendations a unit must act on, with their deadlines
// counted in working days; the remediation reports it sends with evidence
// files; the inspector's verdict on each report (accepted, or returned with a
// reason); and the notifications that tell the other side. Evidence files are
// checked and stored by package attachments. It also serves the user's in-app
// notifications (inbox.go).
package remediation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/officialdoc"
	"khung/models"
)

// Service reads recommendations and records remediation reports and verdicts.
type Service struct {
	db   *gorm.DB
	site notify.Site    // the catalogs and the address that render the notifications
	loc  *time.Location // the platform's zone: "today" and the days of timestamps
}

// New returns the service on db. site renders the notifications (catalogs and
// the address for links in mails); loc is the platform's time zone (Asia/Ho_Chi_Minh).
func New(db *gorm.DB, site notify.Site, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: db, site: site, loc: loc}
}

// MaxReportLength caps the text of a remediation report, in characters.
const MaxReportLength = 20000

// Item is one recommendation as the lists show it: what must be done, by
// whom, by when, under which conclusion, and how the deadline stands today.
type Item struct {
	ID                  int64                       `json:"id"`
	ConclusionID        int64                       `json:"conclusion_id"`
	VisitID             int64                       `json:"visit_id"`
	ConclusionNumber    int                         `json:"conclusion_number"`
	ConclusionSymbol    string                      `json:"conclusion_symbol"`
	ConclusionSignedOn  models.Date                 `json:"conclusion_signed_on"`
	OwnerUnitID         int64                       `json:"owner_unit_id"`
	OwnerUnitName       string                      `json:"owner_unit_name"`
	Action              string                      `json:"action"`
	Deadline            models.Date                 `json:"deadline"`
	DeadlineWorkingDays *int                        `json:"deadline_working_days"`
	Severity            models.Severity             `json:"severity"`
	Status              models.RecommendationStatus `json:"status"`
	ClosedAt            *time.Time                  `json:"closed_at"`
	// Kind is remedial or responsibility; Liable whom the latter concerns.
	Kind   models.RecommendationKind `json:"kind"`
	Liable *models.Liable            `json:"liable"`
	// OwnerEnded is the owner's last day when it no longer exists (merged,
	// split): a planner re-assigns the recommendation to a successor.
	OwnerEnded *models.Date `json:"owner_ended,omitempty"`
	// Held says, for a unit user, how its unit holds the owner: "own", "whole"
	// (a unit merged whole into it: it carries the recommendation out) or
	// "part" (a unit split between several: it reads, a planner re-assigns);
	// "" for the other roles (authz.HeldAs).
	Held string `json:"held,omitempty"`
	// ReassignedFrom names the earlier owner of a re-assigned recommendation.
	ReassignedFrom   string `json:"reassigned_from,omitempty"`
	ReassignedReason string `json:"reassigned_reason,omitempty"`
	// Computed as of today.
	Overdue            bool `json:"overdue"`              // past the deadline and neither done nor cancelled
	WorkingDaysLeft    int  `json:"working_days_left"`    // working days after today up to the deadline
	OverdueWorkingDays int  `json:"overdue_working_days"` // working days after the deadline up to today
}

// Reference is the conclusion's number and symbol as printed: "Số: 12/KL-SNV".
func (i Item) Reference() string {
	return officialdoc.NumberLine(officialdoc.Number(i.ConclusionNumber), i.ConclusionSymbol)
}

// Open tells whether the recommendation still waits for something.
func (i Item) Open() bool { return isOpen(i.Status) }

func isOpen(s models.RecommendationStatus) bool {
	return s == models.RecommendationOpen || s == models.RecommendationReported || s == models.RecommendationReturned
}

// Filter narrows the list of recommendations.
type Filter struct {
	Status  models.RecommendationStatus // "" for all
	Overdue bool                        // only those past their deadline and not closed
}

// Statuses lists the recommendation statuses in the order of their life.
func Statuses() []models.RecommendationStatus {
	return []models.RecommendationStatus{models.RecommendationOpen, models.RecommendationReported,
		models.RecommendationReturned, models.RecommendationDone, models.RecommendationCancelled}
}

// ListLimit caps one page of recommendations.
const ListLimit = 500

// itemColumns selects an Item from recommendations, conclusions c and units u.
const itemColumns = `recommendations.id, recommendations.conclusion_id, c.visit_id,
	c.number AS conclusion_number, c.symbol AS conclusion_symbol, c.signed_on AS conclusion_signed_on,
	recommendations.owner_unit_id, u.name AS owner_unit_name, recommendations.action, recommendations.deadline,
	recommendations.deadline_working_days, recommendations.severity, recommendations.status, recommendations.closed_at,
	recommendations.kind, recommendations.liable, u.valid_to AS owner_ended, coalesce(ru.name, '') AS reassigned_from, recommendations.reassigned_reason`

func (s *Service) itemQuery(ctx context.Context, db *gorm.DB, a authz.Actor) *gorm.DB {
	held, args := authz.HeldAs(a, "recommendations.owner_unit_id")
	return db.WithContext(ctx).Table("recommendations").
		Select(itemColumns+", "+held+" AS held", args...).
		Joins("JOIN conclusions c ON c.id = recommendations.conclusion_id").
		Joins("JOIN units u ON u.id = recommendations.owner_unit_id").
		Joins("LEFT JOIN units ru ON ru.id = recommendations.reassigned_from_unit_id").
		Scopes(authz.RecommendationScope(a))
}

// List returns the recommendations a may read that match f, the overdue and
// nearest deadlines first, with how each deadline stands on today.
func (s *Service) List(ctx context.Context, a authz.Actor, f Filter, today models.Date) ([]Item, error) {
	if !a.LoggedIn() {
		return nil, apperr.ErrUnauthenticated
	}
	q := s.itemQuery(ctx, s.db, a).Scopes(f.where(today))
	var items []Item
	err := q.Order(listOrder).Limit(ListLimit).Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("list recommendations: %w", err)
	}
	if err := s.measure(ctx, s.db, items, today); err != nil {
		return nil, err
	}
	return items, nil
}

// measure sets how each item's deadline stands on today, in working days.
func (s *Service) measure(ctx context.Context, db *gorm.DB, items []Item, today models.Date) error {
	if len(items) == 0 {
		return nil
	}
	from, to := today.Year, today.Year
	for _, it := range items {
		from, to = min(from, it.Deadline.Year), max(to, it.Deadline.Year)
	}
	w, err := holidays.Workdays(ctx, db, from, to)
	if err != nil {
		return err
	}
	for i := range items {
		it := &items[i]
		d, t := it.Deadline.Time(), today.Time()
		it.Overdue = it.Open() && it.Deadline.Before(today)
		if it.Deadline.Before(today) {
			if it.OverdueWorkingDays, err = w.Between(d, t); err != nil {
				return fmt.Errorf("recommendation %d: %w", it.ID, err)
			}
		} else if it.WorkingDaysLeft, err = w.Between(t, d); err != nil {
			return fmt.Errorf("recommendation %d: %w", it.ID, err)
		}
	}
	return nil
}

// Report is one remediation report with its files and the names of the people
// who sent and judged it.
type Report struct {
	models.RemediationReport
	SubmitterName string
	DeciderName   string
	Files         []models.Attachment // without their data
}

// Detail is a recommendation with the conclusion it comes from, the full
// history of its reports, and what the reader may do with it.
type Detail struct {
	Item
	ConclusionSummary string
	SignerName        string
	Reports           []Report // oldest first
	Pending           *Report  // the report waiting for a verdict, if any
	CanReport         bool     // a may send a report now
	CanVerify         bool     // a may accept or return the pending report
	// CanReassign: a is a planner and the owner no longer exists, the
	// recommendation open or returned: it may go to a successor (reassign.go).
	CanReassign bool
	// Outcomes are what was decided about those a recommendation of
	// responsibility names (outcomes.go); CanRecordOutcome: a may add one.
	Outcomes         []Outcome
	CanRecordOutcome bool
	// Checks are the checks on implementation that look at it (checks.go).
	Checks []CheckRef
}

// Get returns the recommendation id if a may read it (else ErrNotFound).
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64, today models.Date) (Detail, error) {
	var d Detail
	if !a.LoggedIn() {
		return d, apperr.ErrUnauthenticated
	}
	var items []Item
	if err := s.itemQuery(ctx, s.db, a).Where("recommendations.id = ?", id).Limit(1).Scan(&items).Error; err != nil {
		return d, fmt.Errorf("read recommendation %d: %w", id, err)
	}
	if len(items) == 0 {
		return d, fmt.Errorf("recommendation %d: %w", id, apperr.ErrNotFound)
	}
	if err := s.measure(ctx, s.db, items, today); err != nil {
		return d, err
	}
	d.Item = items[0]
	var c models.Conclusion
	if err := s.db.WithContext(ctx).Select("summary", "signer_name").First(&c, d.ConclusionID).Error; err != nil {
		return d, fmt.Errorf("read conclusion %d: %w", d.ConclusionID, err)
	}
	d.ConclusionSummary, d.SignerName = c.Summary, c.SignerName
	reports, err := s.reports(ctx, "r.recommendation_id = ?", []any{id}, "r.submitted_at, r.id")
	if err != nil {
		return d, err
	}
	d.Reports = reports
	for i := range d.Reports {
		if d.Reports[i].Outcome == models.ReportPending {
			d.Pending = &d.Reports[i]
		}
	}
	d.CanReport = authz.Can(a, authz.ReportRemediation) && d.Held != "part" &&
		(d.Status == models.RecommendationOpen || d.Status == models.RecommendationReturned)
	d.CanReassign = authz.Can(a, authz.ManagePlans) && d.OwnerEnded != nil && d.OwnerEnded.Before(today) &&
		(d.Status == models.RecommendationOpen || d.Status == models.RecommendationReturned)
	if d.Kind == models.RecommendationResponsibility {
		if d.Outcomes, err = s.outcomes(ctx, id); err != nil {
			return d, err
		}
		d.CanRecordOutcome = a.Is(models.RolePlanner) || (authz.Can(a, authz.ReportRemediation) && d.Held != "part")
	}
	if d.Checks, err = s.checks(ctx, a, id); err != nil {
		return d, err
	}
	if d.Pending != nil && authz.Can(a, authz.VerifyRemediation) {
		ok, err := s.onTeam(s.db.WithContext(ctx), a, d.ConclusionID)
		if err != nil {
			return d, err
		}
		d.CanVerify = ok
	}
	return d, nil
}

// FirstOfConclusion returns the first recommendation of conclusion id that a
// may read (by RecommendationScope): where a unit's link to a conclusion
// leads. A conclusion with none a may read is ErrNotFound, like one that does
// not exist.
func (s *Service) FirstOfConclusion(ctx context.Context, a authz.Actor, id int64) (int64, error) {
	if !a.LoggedIn() {
		return 0, apperr.ErrUnauthenticated
	}
	var ids []int64
	err := s.db.WithContext(ctx).Model(&models.Recommendation{}).Scopes(authz.RecommendationScope(a)).
		Where("recommendations.conclusion_id = ?", id).Order("recommendations.id").Limit(1).
		Pluck("recommendations.id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("recommendations of conclusion %d: %w", id, err)
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("conclusion %d: %w", id, apperr.ErrNotFound)
	}
	return ids[0], nil
}

// reports reads remediation reports r matching where, with their people and files.
func (s *Service) reports(ctx context.Context, where string, args []any, order string) ([]Report, error) {
	type row struct {
		models.RemediationReport
		SubmitterName string
		DeciderName   string
	}
	var rows []row
	err := s.db.WithContext(ctx).Table("remediation_reports r").
		Select("r.*, COALESCE(su.full_name, '') AS submitter_name, COALESCE(du.full_name, '') AS decider_name").
		Joins("LEFT JOIN users su ON su.id = r.submitted_by").
		Joins("LEFT JOIN users du ON du.id = r.decided_by").
		Where(where, args...).Order(order).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read remediation reports: %w", err)
	}
	out := make([]Report, len(rows))
	ids := make([]int64, len(rows))
	index := map[int64]int{}
	for i, r := range rows {
		out[i] = Report{RemediationReport: r.RemediationReport, SubmitterName: r.SubmitterName, DeciderName: r.DeciderName}
		ids[i] = r.ID
		index[r.ID] = i
	}
	if len(ids) == 0 {
		return out, nil
	}
	var files []models.Attachment
	if err := s.db.WithContext(ctx).Omit("data").Where("remediation_report_id IN ?", ids).
		Order("id").Find(&files).Error; err != nil {
		return nil, fmt.Errorf("read evidence files: %w", err)
	}
	for _, f := range files {
		i := index[*f.RemediationReportID]
		out[i].Files = append(out[i].Files, f)
	}
	return out, nil
}

// onTeam tells whether a may verify reports on the recommendations of
// conclusion: a planner always, an inspector when on the visit's team.
func (s *Service) onTeam(tx *gorm.DB, a authz.Actor, conclusionID int64) (bool, error) {
	switch {
	case a.Role == models.RolePlanner:
		return true, nil
	case a.Role != models.RoleInspector || a.InspectorID == 0:
		return false, nil
	}
	var n int64
	err := tx.Raw(`SELECT count(*) FROM conclusions c JOIN visit_members m ON m.visit_id = c.visit_id
		WHERE c.id = ? AND m.inspector_id = ?`, conclusionID, a.InspectorID).Scan(&n).Error
	if err != nil {
		return false, fmt.Errorf("check team of conclusion %d: %w", conclusionID, err)
	}
	return n > 0, nil
}

// ReportInput is what a unit sends about a recommendation.
type ReportInput struct {
	Body  string
	Files []attachments.File // checked with attachments.CheckUpload / CheckBytes
}

// Submit records a remediation report on recommendation recID with its
// evidence files, sets the recommendation to reported, and tells the visit's
// team leader. The recommendation must be one of a's units (else
// ErrNotFound) — its own, one below it or one it took over whole; that of a
// unit it received part of is ErrForbidden until a planner re-assigns it —
// open or returned, with no report pending.
func (s *Service) Submit(ctx context.Context, a authz.Actor, recID int64, in ReportInput, now time.Time) (models.RemediationReport, error) {
	var rep models.RemediationReport
	if err := authz.Require(a, authz.ReportRemediation); err != nil {
		return rep, err
	}
	body := strings.TrimSpace(in.Body)
	v := &apperr.ValidationError{}
	switch {
	case body == "":
		v.AddField("body", "required", "remediation.check.body_required")
	case utf8.RuneCountInString(body) > MaxReportLength:
		v.AddField("body", "max", "remediation.check.body_too_long", "Max", MaxReportLength)
	}
	if len(in.Files) > attachments.MaxFilesPerUpload {
		v.AddField("files", "max_files", "remediation.check.too_many_files", "Max", attachments.MaxFilesPerUpload)
	}
	if err := v.Err(); err != nil {
		return rep, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rec models.Recommendation
		// Lock the recommendation: two reports sent at once must not both pass the status check.
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Scopes(authz.RecommendationScope(a)).
			First(&rec, recID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("recommendation %d: %w", recID, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read recommendation %d: %w", recID, err)
		}
		var mine int64
		if err := tx.Model(&models.Recommendation{}).Scopes(authz.RecommendationReportScope(a)).
			Where("recommendations.id = ?", rec.ID).Count(&mine).Error; err != nil {
			return fmt.Errorf("check the owner of recommendation %d: %w", recID, err)
		}
		if mine == 0 {
			return apperr.Fail(apperr.ErrForbidden, "remediation.err.part_not_reassigned")
		}
		switch rec.Status {
		case models.RecommendationReported:
			return apperr.Fail(apperr.ErrConflict, "remediation.err.report_pending")
		case models.RecommendationDone, models.RecommendationCancelled:
			return apperr.Fail(apperr.ErrConflict, "remediation.err.closed")
		}
		rep = models.RemediationReport{RecommendationID: rec.ID, Body: body, SubmittedAt: now, Outcome: models.ReportPending}
		if a.UserID != 0 {
			uid := a.UserID
			rep.SubmittedBy = &uid
		}
		if err := tx.Create(&rep).Error; err != nil {
			return fmt.Errorf("create remediation report: %w", err)
		}
		var stored []models.Attachment
		for _, f := range in.Files {
			att, err := attachments.Store(tx, f, attachments.Owner{RemediationReportID: &rep.ID}, a.UserID)
			if err != nil {
				return err
			}
			stored = append(stored, att)
		}
		before := rec.Status
		if err := tx.Model(&rec).Updates(map[string]any{"status": models.RecommendationReported, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("mark recommendation %d reported: %w", rec.ID, err)
		}
		if err := audit.Record(tx, a, "remediation.submit", "remediation_report", rep.ID, nil,
			map[string]any{"recommendation_id": rec.ID, "status_before": before, "body": body, "files": stored}); err != nil {
			return err
		}
		return s.notifySubmitted(ctx, tx, rep, rec, now)
	})
	if err != nil {
		return models.RemediationReport{}, err
	}
	return rep, nil
}

// Verdict is an inspector's decision on a pending report.
type Verdict struct {
	Accept bool
	Reason string // required when returning
}

// Decide accepts (→ recommendation done) or returns (→ returned, with a
// reason) the pending report reportID, and tells the unit's users. Only a
// planner or an inspector on the visit's team may decide (else ErrForbidden).
func (s *Service) Decide(ctx context.Context, a authz.Actor, reportID int64, v Verdict, now time.Time) (models.RemediationReport, error) {
	var rep models.RemediationReport
	if err := authz.Require(a, authz.VerifyRemediation); err != nil {
		return rep, err
	}
	reason := strings.TrimSpace(v.Reason)
	switch {
	case !v.Accept && reason == "":
		return rep, apperr.Field("reason", "required", "remediation.check.reason_required")
	case utf8.RuneCountInString(reason) > MaxReportLength:
		return rep, apperr.Field("reason", "max", "remediation.check.reason_too_long", "Max", MaxReportLength)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&rep, reportID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("remediation report %d: %w", reportID, apperr.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read remediation report %d: %w", reportID, err)
		}
		var rec models.Recommendation
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&rec, rep.RecommendationID).Error; err != nil {
			return fmt.Errorf("read recommendation %d: %w", rep.RecommendationID, err)
		}
		ok, err := s.onTeam(tx, a, rec.ConclusionID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Fail(apperr.ErrForbidden, "remediation.err.not_on_team")
		}
		if rep.Outcome != models.ReportPending {
			return apperr.Fail(apperr.ErrConflict, "remediation.err.already_judged")
		}
		before := rep
		decided := now
		if decided.Before(rep.SubmittedAt) {
			decided = rep.SubmittedAt // the database refuses a verdict older than the report
		}
		uid := a.UserID
		rep.DecidedBy, rep.DecidedAt = &uid, &decided
		recUpdate := map[string]any{"updated_at": now}
		if v.Accept {
			rep.Outcome, rep.DecisionReason = models.ReportAccepted, reason
			recUpdate["status"], recUpdate["closed_at"] = models.RecommendationDone, decided
		} else {
			rep.Outcome, rep.DecisionReason = models.ReportReturned, reason
			recUpdate["status"] = models.RecommendationReturned
		}
		if err := tx.Model(&rep).Select("outcome", "decided_by", "decided_at", "decision_reason").Updates(&rep).Error; err != nil {
			return fmt.Errorf("record verdict on report %d: %w", rep.ID, err)
		}
		if err := tx.Model(&rec).Updates(recUpdate).Error; err != nil {
			return fmt.Errorf("update recommendation %d: %w", rec.ID, err)
		}
		if v.Accept {
			if err := numberAcceptance(tx, &rep, rec.ConclusionID, a, decided.In(s.loc).Year()); err != nil {
				return err
			}
		}
		action := "remediation.return"
		if v.Accept {
			action = "remediation.accept"
		}
		if err := audit.Record(tx, a, action, "remediation_report", rep.ID, before, rep); err != nil {
			return err
		}
		return s.notifyDecided(ctx, tx, rep, rec, now)
	})
	if err != nil {
		return models.RemediationReport{}, err
	}
	return rep, nil
}

// QueueItem is a pending report in the inspector's queue.
type QueueItem struct {
	Report
	Item Item
}

// Queue returns the pending reports on the recommendations a may read and
// judge, the oldest first.
func (s *Service) Queue(ctx context.Context, a authz.Actor, today models.Date) ([]QueueItem, error) {
	if err := authz.Require(a, authz.VerifyRemediation); err != nil {
		return nil, err
	}
	var items []Item
	err := s.itemQuery(ctx, s.db, a).
		Where("recommendations.id IN (SELECT recommendation_id FROM remediation_reports WHERE outcome = 'pending')").
		Order("recommendations.deadline, recommendations.id").Limit(ListLimit).Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("list pending reports: %w", err)
	}
	if err := s.measure(ctx, s.db, items, today); err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	byRec := map[int64]Item{}
	for i, it := range items {
		ids[i] = it.ID
		byRec[it.ID] = it
	}
	if len(ids) == 0 {
		return nil, nil
	}
	reps, err := s.reports(ctx, "r.outcome = 'pending' AND r.recommendation_id IN ?", []any{ids}, "r.submitted_at, r.id")
	if err != nil {
		return nil, err
	}
	out := make([]QueueItem, len(reps))
	for i, r := range reps {
		out[i] = QueueItem{Report: r, Item: byRec[r.RecommendationID]}
	}
	return out, nil
}

// Attachment returns a stored file with its data when a may read its owner:
// evidence of a report on a recommendation a may read; papers of a visit,
// finding, decision or conclusion when a is on the visit's team or a
// planner/approver (units read conclusions only through their recommendations).
func (s *Service) Attachment(ctx context.Context, a authz.Actor, id int64) (models.Attachment, error) {
	if !a.LoggedIn() {
		return models.Attachment{}, apperr.ErrUnauthenticated
	}
	f, err := attachments.Get(s.db.WithContext(ctx), id)
	if err != nil {
		return models.Attachment{}, err
	}
	var n int64
	switch {
	case f.RemediationReportID != nil:
		err = s.db.WithContext(ctx).Model(&models.Recommendation{}).Scopes(authz.RecommendationScope(a)).
			Where("recommendations.id = (SELECT recommendation_id FROM remediation_reports WHERE id = ?)", *f.RemediationReportID).
			Count(&n).Error
	case f.ConclusionID != nil && a.Role == models.RoleUnit:
		err = s.db.WithContext(ctx).Model(&models.Recommendation{}).Scopes(authz.RecommendationScope(a)).
			Where("recommendations.conclusion_id = ?", *f.ConclusionID).Count(&n).Error
	case a.Role == models.RoleUnit || a.Role == models.RoleViewer || a.Role == models.RoleAdmin:
		n = 0
	default:
		err = s.db.WithContext(ctx).Model(&models.Visit{}).Scopes(authz.VisitWorkScopeOn(a, "visits")).
			Where(`visits.id = COALESCE(?::bigint,
				(SELECT visit_id FROM findings WHERE id = ?::bigint),
				(SELECT visit_id FROM decisions WHERE id = ?::bigint),
				(SELECT visit_id FROM conclusions WHERE id = ?::bigint))`,
				f.VisitID, f.FindingID, f.DecisionID, f.ConclusionID).Count(&n).Error
	}
	if err != nil {
		return models.Attachment{}, fmt.Errorf("check access to attachment %d: %w", id, err)
	}
	if n == 0 {
		return models.Attachment{}, fmt.Errorf("attachment %d: %w", id, apperr.ErrNotFound)
	}
	return f, nil
}

package plans

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/app/registers"
	"khung/models"
)

// StepInput is what a workflow step sends: the lock version of the version as
// the page showed it, and for some steps a reason or the document number.
type StepInput struct {
	LockVersion    int    `json:"lock_version" form:"lock_version"`
	Reason         string `json:"reason" form:"reason"`
	DocumentNumber string `json:"document_number" form:"document_number"`
}

// documentNumber is the number of "Số: 12/KH-SNV" the registry clerk gave
// outside Khung: digits, a number of the agency's register (app/registers).
var documentNumber = regexp.MustCompile(`^[0-9]{1,5}$`)

// step is one transition of the version workflow.
type step struct {
	action     string                     // audit action
	permission authz.Permission           // who may take it
	from       []models.PlanVersionStatus // where it starts
	to         models.PlanVersionStatus
	reason     bool // a written reason is required
	number     bool // a document number may be given
	set        func(a authz.Actor, now time.Time) map[string]any
}

var (
	submitStep = step{action: "submit", permission: authz.ManagePlans,
		from: []models.PlanVersionStatus{models.VersionDraft}, to: models.VersionSubmitted,
		set: func(a authz.Actor, now time.Time) map[string]any {
			return map[string]any{"submitted_by": userRef(a), "submitted_at": now}
		}}
	approveStep = step{action: "approve", permission: authz.ApprovePlans, number: true,
		from: []models.PlanVersionStatus{models.VersionSubmitted}, to: models.VersionApproved,
		set: func(a authz.Actor, now time.Time) map[string]any {
			return map[string]any{"approved_by": userRef(a), "approved_at": now}
		}}
	publishStep = step{action: "publish", permission: authz.ApprovePlans, number: true,
		from: []models.PlanVersionStatus{models.VersionApproved}, to: models.VersionPublished,
		set: func(a authz.Actor, now time.Time) map[string]any {
			return map[string]any{"published_by": userRef(a), "published_at": now}
		}}
	returnStep = step{action: "return", permission: authz.ApprovePlans, reason: true,
		from: []models.PlanVersionStatus{models.VersionSubmitted, models.VersionApproved}, to: models.VersionDraft,
		set: func(authz.Actor, time.Time) map[string]any {
			return map[string]any{"submitted_by": nil, "submitted_at": nil, "approved_by": nil, "approved_at": nil}
		}}
)

func userRef(a authz.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// Submit sends a draft for approval (planner).
func (s *Service) Submit(ctx context.Context, a authz.Actor, id int64, in StepInput, now time.Time) (Version, error) {
	return s.take(ctx, a, id, in, now, submitStep)
}

// Approve approves a submitted version (approver), optionally with its document number.
func (s *Service) Approve(ctx context.Context, a authz.Actor, id int64, in StepInput, now time.Time) (Version, error) {
	return s.take(ctx, a, id, in, now, approveStep)
}

// Publish publishes an approved version (approver); the plan's previously
// published version becomes superseded in the same transaction.
func (s *Service) Publish(ctx context.Context, a authz.Actor, id int64, in StepInput, now time.Time) (Version, error) {
	return s.take(ctx, a, id, in, now, publishStep)
}

// Return sends a submitted or approved version back to draft with a written
// reason (approver); the reason is kept in the audit log.
func (s *Service) Return(ctx context.Context, a authz.Actor, id int64, in StepInput, now time.Time) (Version, error) {
	return s.take(ctx, a, id, in, now, returnStep)
}

// take runs one workflow step under optimistic locking and audits it.
func (s *Service) take(ctx context.Context, a authz.Actor, id int64, in StepInput, now time.Time, st step) (Version, error) {
	if err := authz.Require(a, st.permission); err != nil {
		return Version{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	in.DocumentNumber = strings.TrimSpace(in.DocumentNumber)
	ve := &apperr.ValidationError{}
	if st.reason && in.Reason == "" {
		ve.AddField("reason", "required", "plans.err.step_reason")
	}
	if st.number && in.DocumentNumber != "" && !documentNumber.MatchString(in.DocumentNumber) {
		ve.AddField("document_number", "format", "documents.check.plan_number")
	}
	if err := ve.Err(); err != nil {
		return Version{}, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := loadVersion(tx, a, id)
		if err != nil {
			return err
		}
		fields := st.set(a, now)
		fields["status"] = st.to
		var previous []int64 // the published version this one replaces
		if st.number {
			if err := numberPlan(tx, a, before, in.DocumentNumber, now.In(s.loc).Year(), fields); err != nil {
				return err
			}
		}
		if st.to == models.VersionPublished {
			// The unique index allows one published version per plan: supersede
			// the old one first. If the step below fails, this rolls back too.
			if err := tx.Model(&models.PlanVersion{}).
				Where("plan_id = ? AND status = ? AND id <> ?", before.PlanID, models.VersionPublished, id).
				Pluck("id", &previous).Error; err != nil {
				return fmt.Errorf("find the published version of plan %d: %w", before.PlanID, err)
			}
			for _, o := range previous {
				if err := tx.Model(&models.PlanVersion{}).Where("id = ?", o).
					Updates(map[string]any{"status": models.VersionSuperseded, "lock_version": gorm.Expr("lock_version + 1"),
						"updated_at": gorm.Expr("now()")}).Error; err != nil {
					return fmt.Errorf("supersede version %d: %w", o, err)
				}
				if err := audit.Record(tx, a, "supersede", "plan_versions", o,
					map[string]any{"status": models.VersionPublished},
					map[string]any{"status": models.VersionSuperseded, "superseded_by": id}); err != nil {
					return err
				}
			}
		}
		if err := bumpVersion(tx, id, in.LockVersion, st.from, fields); err != nil {
			return err
		}
		if st.to == models.VersionPublished {
			if err := applyWithdrawals(tx, a, id); err != nil {
				return err
			}
		}
		if st.to == models.VersionPublished && len(previous) > 0 && s.published != nil {
			if err := s.published(ctx, tx, now, id, previous[0]); err != nil {
				return fmt.Errorf("publish version %d over %d: %w", id, previous[0], err)
			}
		}
		if s.stepped != nil {
			var was int64
			if len(previous) > 0 {
				was = previous[0]
			}
			if err := s.stepped(ctx, tx, now, a, id, st.action, was); err != nil {
				return fmt.Errorf("%s version %d: %w", st.action, id, err)
			}
		}
		after := map[string]any{"status": st.to, "lock_version": in.LockVersion + 1}
		if st.reason {
			after["return_reason"] = in.Reason
		}
		if v, ok := fields["document_number"]; ok {
			after["document_number"] = v
		}
		return audit.Record(tx, a, st.action, "plan_versions", id,
			map[string]any{"status": before.Status, "lock_version": before.LockVersion}, after)
	})
	if err != nil {
		return Version{}, s.rendered(err)
	}
	return s.Version(ctx, a, id)
}

// Amend copies an approved or published version into a new draft version
// with a written reason (planner); the issued version itself is never edited.
// Only one version of a plan may be in progress (draft, submitted or approved).
func (s *Service) Amend(ctx context.Context, a authz.Actor, id int64, in StepInput) (Version, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return Version{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return Version{}, apperr.Field("reason", "required", "plans.err.amend_reason")
	}
	var newID int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		src, err := loadVersion(tx, a, id)
		if err != nil {
			return err
		}
		if _, err := planForUpdate(tx, a, src.Year, Title(s.locales.For("vi"), src.Year)); err != nil {
			return err
		}
		// Read again under the plan's lock: the source may have moved on.
		if src, err = loadVersion(tx, a, id); err != nil {
			return err
		}
		if src.LockVersion != in.LockVersion {
			return errStale()
		}
		if !src.Printable() {
			return wrongStatus(src.Status)
		}
		var open []models.PlanVersion
		if err := tx.Select("id", "number", "status").Where("plan_id = ? AND id <> ? AND status IN ?", src.PlanID, id,
			[]models.PlanVersionStatus{models.VersionDraft, models.VersionSubmitted, models.VersionApproved}).
			Find(&open).Error; err != nil {
			return fmt.Errorf("find open versions: %w", err)
		}
		if len(open) > 0 {
			return apperr.Fail(apperr.ErrConflict, "plans.err.open_version", "Number", open[0].Number, "Status", statusLabel(open[0].Status))
		}
		var number int
		if err := tx.Model(&models.PlanVersion{}).Where("plan_id = ?", src.PlanID).
			Select("coalesce(max(number), 0) + 1").Scan(&number).Error; err != nil {
			return fmt.Errorf("next version number: %w", err)
		}
		err = tx.Raw(`INSERT INTO plan_versions (plan_id, number, status, reason, parent_version_id, penalty, metrics,
				instance, created_by)
			SELECT plan_id, ?, 'draft', ?, id, penalty, metrics, instance, ? FROM plan_versions WHERE id = ?
			RETURNING id`, number, in.Reason, userRef(a), id).Scan(&newID).Error
		if err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errStale()
			}
			return fmt.Errorf("create amendment of version %d: %w", id, err)
		}
		if err := copyVisits(tx, id, newID); err != nil {
			return err
		}
		return audit.Record(tx, a, "amend", "plan_versions", newID, map[string]any{"from_version": id},
			map[string]any{"number": number, "reason": in.Reason, "parent_version_id": id})
	})
	if err != nil {
		return Version{}, err
	}
	return s.Version(ctx, a, newID)
}

// copyVisits copies the visits of version from, with their proposals and
// teams, into version to. Set-based: new visits are matched to old ones by
// code, which is unique within a version. Visit statuses are copied as they
// are (a visit already under way stays so in the amendment).
func copyVisits(tx *gorm.DB, from, to int64) error {
	stmts := []struct{ what, sql string }{
		{"visits", `INSERT INTO visits (plan_version_id, code, year, unit_id, form, lead_body_id, start_date, end_date,
				days, team_size, priority, unscheduled_reason, why, unscheduled_reason_vi, why_vi, why_msgs, unscheduled_msg, status)
			SELECT @to, code, year, unit_id, form, lead_body_id, start_date, end_date, days, team_size, priority,
				unscheduled_reason, why, unscheduled_reason_vi, why_vi, why_msgs, unscheduled_msg, status
			FROM visits WHERE plan_version_id = @from`},
		{"visit proposals", `INSERT INTO visit_proposals (visit_id, proposal_id)
			SELECT nv.id, vp.proposal_id FROM visit_proposals vp
			JOIN visits ov ON ov.id = vp.visit_id AND ov.plan_version_id = @from
			JOIN visits nv ON nv.plan_version_id = @to AND nv.code = ov.code`},
		{"visit teams", `INSERT INTO visit_members (visit_id, inspector_id, role)
			SELECT nv.id, m.inspector_id, m.role FROM visit_members m
			JOIN visits ov ON ov.id = m.visit_id AND ov.plan_version_id = @from
			JOIN visits nv ON nv.plan_version_id = @to AND nv.code = ov.code`},
	}
	for _, s := range stmts {
		if err := tx.Exec(s.sql, map[string]any{"from": from, "to": to}).Error; err != nil {
			return fmt.Errorf("copy %s of version %d into %d: %w", s.what, from, to, err)
		}
	}
	return nil
}

// numberPlan gives an issued version its number in the agency's register of
// plans (KH-SNV of the year of signing): the number the registry clerk
// entered (clerk, free in the register, else a 422 on document_number) or the
// next one. A version keeps the number it got: giving it another is refused,
// never done silently.
func numberPlan(tx *gorm.DB, a authz.Actor, v Version, clerk string, year int, fields map[string]any) error {
	n := 0
	if clerk != "" {
		n, _ = strconv.Atoi(strings.TrimLeft(clerk, "0"))
		if n == 0 {
			return apperr.Field("document_number", "format", "documents.check.plan_number")
		}
	}
	if v.DocumentNumber != "" {
		if old, _ := strconv.Atoi(strings.TrimLeft(v.DocumentNumber, "0")); n != 0 && n != old {
			return apperr.Field("document_number", "numbered", "documents.check.plan_numbered", "Number", v.DocumentNumber)
		}
		return nil
	}
	var symbol string
	if err := tx.Raw(`SELECT symbol FROM plans WHERE id = ?`, v.PlanID).Scan(&symbol).Error; err != nil {
		return fmt.Errorf("symbol of plan %d: %w", v.PlanID, err)
	}
	docType, agency, _ := strings.Cut(symbol, "-")
	key := registers.Key{Agency: agency, DocType: docType, Year: year}
	_, err := registers.Take(tx, key, registers.Entry{Entity: "plan_version", By: userRef(a), Clerk: n}, func(n int) (int64, error) {
		fields["document_number"] = officialdoc.Number(n)
		return v.ID, nil
	})
	if err != nil {
		var ve *apperr.ValidationError
		if errors.As(err, &ve) { // the register names its field "number"
			return apperr.Field("document_number", "unique", "registers.check.taken", "Number", officialdoc.Number(n)+"/"+symbol, "Year", year)
		}
	}
	return err
}

package inspections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/rules"
	"khung/models"
)

// DraftInput records the receipt of the draft conclusion (or of the team's
// report of results) by the person who signs the conclusion: the time to
// sign it runs from that day (Luật Thanh tra số 84/2025/QH15, Điều 36).
type DraftInput struct {
	ReceivedOn models.Date `json:"received_on" form:"received_on" validate:"required" label:"field.draft_received_on"`
	ReceivedBy int64       `json:"received_by" form:"received_by" validate:"required,min=1" label:"field.draft_received_by"`
}

// signerSQL keeps the users who sign for the agency: leadership (approvers)
// and planners given a signing authority, active.
const signerSQL = `active AND (role = 'approver' OR (role = 'planner' AND signing_authority <> ''))`

// RecordDraft records when the draft conclusion of visit id was received and
// by whom, once the work on site has ended and before the conclusion is
// signed. Recording it again corrects it (audited).
func (s *Service) RecordDraft(ctx context.Context, a authz.Actor, id int64, in DraftInput, now time.Time) (models.ConclusionDraft, error) {
	var d models.ConclusionDraft
	if err := apperr.Validate(in); err != nil {
		return d, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		if v.Status != models.VisitOnSiteEnded {
			return conflict("legal.err.draft_after_site")
		}
		if err := notFuture("received_on", in.ReceivedOn, s.today(now)); err != nil {
			return err
		}
		if end, ok, err := siteEnd(tx, v); err != nil {
			return err
		} else if ok && in.ReceivedOn.Before(end) {
			return apperr.Field("received_on", "gtefield", "legal.check.draft_before_site_end", "Date", end)
		}
		var n int64
		if err := tx.Model(&models.User{}).Where("id = ? AND "+signerSQL, in.ReceivedBy).Count(&n).Error; err != nil {
			return fmt.Errorf("signer %d: %w", in.ReceivedBy, err)
		}
		if n == 0 {
			return apperr.Field("received_by", "signer", "legal.check.draft_signer")
		}
		var before *models.ConclusionDraft
		var old models.ConclusionDraft
		if err := tx.Where("visit_id = ?", v.ID).Take(&old).Error; err == nil {
			before = &old
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("draft of visit %d: %w", v.ID, err)
		}
		d = models.ConclusionDraft{VisitID: v.ID, ReceivedOn: in.ReceivedOn, ReceivedBy: in.ReceivedBy, RecordedBy: userID(a)}
		if err := tx.Exec(`INSERT INTO conclusion_drafts (visit_id, received_on, received_by, recorded_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (visit_id) DO UPDATE SET received_on = excluded.received_on, received_by = excluded.received_by,
				recorded_by = excluded.recorded_by, recorded_at = now()`, d.VisitID, d.ReceivedOn, d.ReceivedBy, d.RecordedBy).Error; err != nil {
			return fmt.Errorf("record draft of visit %d: %w", v.ID, err)
		}
		return audit.Record(tx, a, "conclusion.draft", "visit", v.ID, before, d)
	})
	return d, err
}

// Limit is a legal time limit as the pages show it: from when, how many
// days (working or calendar), the last day, the basis, and where it stands.
type Limit struct {
	From     models.Date `json:"from"`
	Days     int         `json:"days"`
	Working  bool        `json:"working_days"`
	Last     models.Date `json:"last"`
	Basis    string      `json:"legal_basis"`
	DaysLeft int         `json:"days_left"` // calendar days from today to Last, negative once passed
	Met      *bool       `json:"met"`       // done in time (nil while not done)
}

// Overdue tells whether the limit has passed without the act done.
func (l Limit) Overdue() bool { return l.Met == nil && l.DaysLeft < 0 }

// Done tells whether the act was done; InTime whether it was done in time.
func (l Limit) Done() bool   { return l.Met != nil }
func (l Limit) InTime() bool { return l.Met != nil && *l.Met }

// DaysLate is how many calendar days the limit is overdue.
func (l Limit) DaysLate() int { return -l.DaysLeft }

// DraftView is the draft conclusion's receipt and the time to sign it.
type DraftView struct {
	ReceivedOn     models.Date `json:"received_on"`
	ReceivedBy     int64       `json:"received_by"`
	ReceivedByName string      `json:"received_by_name"`
	Limit          Limit       `gorm:"-" json:"limit"`
}

// limit computes a legal limit of def from day from, done on done (nil: not yet).
func limit(ctx context.Context, db *gorm.DB, def rules.Def[rules.Deadline], from models.Date, done *models.Date, today models.Date) (Limit, error) {
	set, err := rules.Load(ctx, db, from)
	if err != nil {
		return Limit{}, err
	}
	dl, err := rules.Get(set, def)
	if err != nil {
		return Limit{}, err
	}
	l := Limit{From: from, Days: dl.Days, Working: dl.WorkingDays}
	if b, ok := def.Info().BasisOn(from); ok {
		l.Basis = b.LegalBasis
	}
	last := from.Time().AddDate(0, 0, dl.Days)
	if dl.WorkingDays {
		w, err := holidays.Workdays(ctx, db, from.Year, from.Year+1)
		if err != nil {
			return Limit{}, err
		}
		if last, err = followup.Deadline(w, from.Time(), dl.Days); err != nil {
			return Limit{}, fmt.Errorf("deadline of %s: %w", def.Key, err)
		}
	}
	l.Last = models.DateOf(last)
	l.DaysLeft = today.DaysUntil(l.Last)
	if done != nil {
		met := !done.After(l.Last)
		l.Met = &met
	}
	return l, nil
}

// loadLimits adds to w the receipt of the draft, the time to sign the
// conclusion and the time to issue its implementing directive.
func (s *Service) loadLimits(db *gorm.DB, w *Work, today models.Date) error {
	ctx := db.Statement.Context
	var d DraftView
	err := db.Raw(`SELECT d.received_on, d.received_by, u.full_name AS received_by_name FROM conclusion_drafts d
		JOIN users u ON u.id = d.received_by WHERE d.visit_id = ?`, w.Visit.ID).Scan(&d).Error
	if err != nil {
		return fmt.Errorf("draft of visit %d: %w", w.Visit.ID, err)
	}
	var signed *models.Date
	if w.Conclusion != nil {
		signed = &w.Conclusion.SignedOn
	}
	if !d.ReceivedOn.IsZero() {
		if d.Limit, err = limit(ctx, db, rules.ConclusionDays, d.ReceivedOn, signed, today); err != nil {
			return err
		}
		w.Draft = &d
	}
	if w.Conclusion != nil {
		l, err := limit(ctx, db, rules.DirectiveDays, w.Conclusion.SignedOn, w.Conclusion.DirectiveIssuedOn, today)
		if err != nil {
			return err
		}
		w.DirectiveLimit = &l
	}
	return nil
}

// Signer option: a user who may receive the draft and sign the conclusion.
type SignerOption struct {
	ID       int64
	FullName string
	JobTitle string
}

// DraftSigners lists the users who sign for the agency (leadership, and
// planners given a signing authority).
func (s *Service) DraftSigners(ctx context.Context) ([]SignerOption, error) {
	var out []SignerOption
	if err := s.db.WithContext(ctx).Raw(`SELECT id, full_name, job_title FROM users WHERE ` + signerSQL +
		` ORDER BY role = 'approver' DESC, full_name LIMIT 200`).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("signers: %w", err)
	}
	return out, nil
}

// DraftToSign is a draft conclusion waiting for the reader's signature.
type DraftToSign struct {
	VisitID  int64
	Code     string // the visit's code, as the home pages mark their visits
	UnitName string
	Limit    Limit
}

// DraftsToSign lists the drafts a received that still wait for the
// conclusion, earliest deadline first, through the visibility rule.
func (s *Service) DraftsToSign(ctx context.Context, a authz.Actor) ([]DraftToSign, error) {
	if !canRead(a) {
		return nil, nil
	}
	db := s.db.WithContext(ctx)
	var rows []struct {
		VisitID    int64
		Code       string
		UnitName   string
		ReceivedOn models.Date
	}
	err := db.Table("visits").Scopes(authz.VisitWorkScopeOn(a, "visits")).
		Select("visits.id AS visit_id, visits.code, u.name AS unit_name, d.received_on").
		Joins("JOIN conclusion_drafts d ON d.visit_id = visits.id").Joins("JOIN units u ON u.id = visits.unit_id").
		Where("d.received_by = ? AND visits.status NOT IN ('cancelled', 'closed')", a.UserID).
		Where("NOT EXISTS (SELECT 1 FROM conclusions c WHERE c.visit_id = visits.id)").
		Order("d.received_on, visits.id").Limit(50).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("drafts to sign of user %d: %w", a.UserID, err)
	}
	out := make([]DraftToSign, 0, len(rows))
	for _, r := range rows {
		l, err := limit(ctx, db, rules.ConclusionDays, r.ReceivedOn, nil, a.Today)
		if err != nil {
			return nil, err
		}
		out = append(out, DraftToSign{VisitID: r.VisitID, Code: r.Code, UnitName: r.UnitName, Limit: l})
	}
	return out, nil
}

package inspections

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/notify"
	"khung/app/officialdoc"
	"khung/app/registers"
	"khung/models"
	"khung/views"
)

// RecommendationInput is one recommendation of a conclusion: the unit that
// must act, the action, and a deadline given either as a date or as a number
// of working days from the conclusion's date (exactly one of the two).
type RecommendationInput struct {
	OwnerUnitID int64           `json:"owner_unit_id" validate:"required,min=1"`
	Action      string          `json:"action" validate:"notblank,max=5000"`
	Deadline    *models.Date    `json:"deadline"`
	WorkingDays int             `json:"working_days" validate:"min=0,max=365"`
	Severity    models.Severity `json:"severity" validate:"required,oneof=low medium high"`
	// Kind is remedial (the default) or responsibility (kiểm điểm, xử lý
	// trách nhiệm), which names whom it concerns in Liable.
	Kind   models.RecommendationKind `json:"kind" validate:"omitempty,oneof=remedial responsibility" label:"field.rec_kind"`
	Liable models.Liable             `json:"liable" validate:"omitempty,oneof=collective individual both" label:"field.rec_liable"`
}

// ConclusionInput is the signed conclusion of a visit and its recommendations.
type ConclusionInput struct {
	SignedOn        models.Date           `json:"signed_on" validate:"required"`
	DraftReceivedOn *models.Date          `json:"draft_received_on"`
	SignerName      string                `json:"signer_name" validate:"notblank,max=200"`
	SignerTitle     string                `json:"signer_title" validate:"max=200"`
	Summary         string                `json:"summary" validate:"notblank,max=20000"`
	Recommendations []RecommendationInput `json:"recommendations" validate:"max=100,dive"`
	// Number is the number the registry clerk gave outside Khung; 0: the next of the register.
	Number int `json:"number" validate:"min=0,max=99999" label:"field.doc_number"`
}

// IssueConclusion records the conclusion of visit id, numbered per lead body
// and year of signing, with its recommendations (deadlines in working days
// computed on the holiday calendar), moves the visit to conclusion_issued and
// notifies the users of each owner unit (in-app and by mail).
func (s *Service) IssueConclusion(ctx context.Context, a authz.Actor, id int64, in ConclusionInput, now time.Time) (models.Conclusion, []models.Recommendation, error) {
	in.SignerName, in.SignerTitle, in.Summary = strings.TrimSpace(in.SignerName), strings.TrimSpace(in.SignerTitle), strings.TrimSpace(in.Summary)
	for i := range in.Recommendations {
		in.Recommendations[i].Action = strings.TrimSpace(in.Recommendations[i].Action)
	}
	if err := validateConclusion(in); err != nil {
		return models.Conclusion{}, nil, err
	}
	var (
		c    models.Conclusion
		recs []models.Recommendation
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		if v.Status != models.VisitOnSiteEnded {
			return conflict("inspections.err.conclusion_after_site")
		}
		if in.DraftReceivedOn == nil { // the receipt recorded when the draft came in
			var d models.ConclusionDraft
			if err := tx.Where("visit_id = ?", v.ID).Limit(1).Find(&d).Error; err != nil {
				return fmt.Errorf("draft of visit %d: %w", v.ID, err)
			}
			if d.VisitID != 0 {
				if in.SignedOn.Before(d.ReceivedOn) {
					return apperr.Field("signed_on", "gtefield", "inspections.check.draft_before_signing")
				}
				in.DraftReceivedOn = &d.ReceivedOn
			}
		}
		if err := checkConclusionDates(tx, v, in, s.today(now)); err != nil {
			return err
		}
		if recs, err = s.buildRecommendations(tx, v, in); err != nil {
			return err
		}
		agency, err := bodySymbol(tx, v.LeadBodyID)
		if err != nil {
			return err
		}
		kind, err := s.kindOf(tx, v, in.SignedOn)
		if err != nil {
			return err
		}
		key := registers.Key{Agency: agency, DocType: kind.ConclusionType, Year: in.SignedOn.Year}
		_, err = registers.Take(tx, key, registers.Entry{Entity: "conclusion", By: userID(a), Clerk: in.Number}, func(n int) (int64, error) {
			c = models.Conclusion{VisitID: v.ID, Number: n, Symbol: key.Symbol(), IssuingBodyID: v.LeadBodyID,
				Year: in.SignedOn.Year, DraftReceivedOn: in.DraftReceivedOn, SignedOn: in.SignedOn,
				SignerName: in.SignerName, SignerTitle: in.SignerTitle, Summary: in.Summary, KindCode: kind.Code, CreatedBy: userID(a)}
			if err := tx.Create(&c).Error; err != nil {
				return 0, fmt.Errorf("conclusion of visit %d: %w", v.ID, apperr.FromConstraint(err, constraints()))
			}
			return c.ID, nil
		})
		if err != nil {
			return err
		}
		for i := range recs {
			recs[i].ConclusionID = c.ID
		}
		if len(recs) > 0 {
			if err := tx.Create(&recs).Error; err != nil {
				return fmt.Errorf("recommendations of conclusion %d: %w", c.ID, err)
			}
		}
		if _, err := moveTo(tx, a, v, models.VisitConclusionIssued, in.SignedOn, "", nil); err != nil {
			return err
		}
		if err := audit.Record(tx, a, "conclusion.issue", "conclusion", c.ID, nil,
			map[string]any{"conclusion": c, "recommendations": recs}); err != nil {
			return err
		}
		return s.notifyOwners(ctx, tx, v, c, recs, now)
	})
	return c, recs, err
}

func validateConclusion(in ConclusionInput) error {
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, ok := apperr.AsValidation(err)
		if !ok {
			return err
		}
		ve = v
	}
	if in.DraftReceivedOn != nil && !in.SignedOn.IsZero() && in.SignedOn.Before(*in.DraftReceivedOn) {
		ve.AddField("draft_received_on", "ltefield", "inspections.check.draft_before_signing")
	}
	for i, r := range in.Recommendations {
		field := fmt.Sprintf("recommendations[%d].", i)
		hasDate := r.Deadline != nil && !r.Deadline.IsZero()
		switch {
		case hasDate && r.WorkingDays > 0:
			ve.AddField(field+"deadline", "one_of", "inspections.check.deadline_one_of")
		case !hasDate && r.WorkingDays == 0:
			ve.AddField(field+"deadline", "required", "inspections.check.deadline_required")
		case hasDate && !in.SignedOn.IsZero() && r.Deadline.Before(in.SignedOn):
			ve.AddField(field+"deadline", "gtefield", "inspections.check.deadline_after_signing", "Date", in.SignedOn)
		}
		switch {
		case r.Kind == models.RecommendationResponsibility && r.Liable == "":
			ve.AddField(field+"liable", "required", "legal.check.liable_required")
		case r.Kind != models.RecommendationResponsibility && r.Liable != "":
			ve.AddField(field+"liable", "excluded", "legal.check.liable_only_responsibility")
		}
	}
	return ve.Err()
}

// buildRecommendations checks each owner unit (the visited unit or a unit
// below it) and computes the deadlines given in working days.
func (s *Service) buildRecommendations(tx *gorm.DB, v models.Visit, in ConclusionInput) ([]models.Recommendation, error) {
	if len(in.Recommendations) == 0 {
		return nil, nil
	}
	var ids []int64
	for _, r := range in.Recommendations {
		ids = append(ids, r.OwnerUnitID)
	}
	var allowed []int64
	if err := tx.Raw(`SELECT u.id FROM units u, units visited
		WHERE visited.id = ? AND u.id IN ? AND u.path LIKE visited.path || '%'`, v.UnitID, ids).Scan(&allowed).Error; err != nil {
		return nil, fmt.Errorf("owner units of visit %d: %w", v.ID, err)
	}
	ok := map[int64]bool{}
	for _, id := range allowed {
		ok[id] = true
	}
	var w *followup.Workdays
	ve := &apperr.ValidationError{}
	out := make([]models.Recommendation, 0, len(in.Recommendations))
	for i, r := range in.Recommendations {
		field := fmt.Sprintf("recommendations[%d].", i)
		if !ok[r.OwnerUnitID] {
			ve.AddField(field+"owner_unit_id", "subtree", "inspections.check.owner_in_subtree")
		}
		rec := models.Recommendation{OwnerUnitID: r.OwnerUnitID, Action: r.Action, Severity: r.Severity,
			Status: models.RecommendationOpen, Kind: models.RecommendationRemedial}
		if r.Kind == models.RecommendationResponsibility {
			liable := r.Liable
			rec.Kind, rec.Liable = r.Kind, &liable
		}
		if r.WorkingDays > 0 {
			if w == nil {
				var err error
				// N ≤ 365 working days lies within the two years after signing.
				if w, err = holidays.Workdays(tx.Statement.Context, tx, in.SignedOn.Year, in.SignedOn.Year+2); err != nil {
					return nil, err
				}
			}
			due, err := followup.Deadline(w, in.SignedOn.Time(), r.WorkingDays)
			if err != nil {
				return nil, fmt.Errorf("deadline of recommendation %d: %w", i, err)
			}
			n := r.WorkingDays
			rec.Deadline, rec.DeadlineWorkingDays = models.DateOf(due), &n
		} else {
			rec.Deadline = *r.Deadline
		}
		out = append(out, rec)
	}
	return out, ve.Err()
}

// ConclusionIssued tells a unit's users that a conclusion gives their unit
// recommendations to carry out, with their deadlines.
type ConclusionIssued struct {
	ConclusionID int64
	Number       string // "12/KL-SNV"
	UnitName     string // the owner unit
	SignedOn     time.Time
	Items        []IssuedItem
}

// IssuedItem is one recommendation in the notice.
type IssuedItem struct {
	Action   string
	Deadline time.Time
}

// Kind names the notification's kind.
func (n ConclusionIssued) Kind() string { return "conclusion_issued" }

// Render writes the notice in t's language.
func (n ConclusionIssued) Render(t *views.Translator) notify.Content {
	lines := []string{t.T("notify.conclusion_issued.intro", "Conclusion", n.Number, "Signed", notify.Date(t, n.SignedOn), "Unit", n.UnitName)}
	for i, it := range n.Items {
		lines = append(lines, t.T("notify.conclusion_issued.item", "N", i+1, "Action", it.Action, "Deadline", notify.Date(t, it.Deadline)))
	}
	lines = append(lines, "", t.T("notify.conclusion_issued.closing"))
	return notify.Content{Link: "/recommendations",
		Subject: t.T("notify.conclusion_issued.subject", "Conclusion", n.Number, "Count", len(n.Items), "Unit", n.UnitName),
		Body:    strings.Join(lines, "\n")}
}

// notifyOwners writes, in tx, one notice per owner unit to each of its active
// users that may know the visit (the one visibility rule, authz.VisitScope: a
// unit never hears of an unannounced visit before it starts, and a ward that a
// district's conclusion names may know that visit from now on, as its
// recommendations are written in the same transaction).
func (s *Service) notifyOwners(ctx context.Context, tx *gorm.DB, v models.Visit, c models.Conclusion, recs []models.Recommendation, now time.Time) error {
	if len(recs) == 0 {
		return nil
	}
	byUnit := map[int64][]IssuedItem{}
	var unitIDs []int64
	for _, r := range recs {
		if _, seen := byUnit[r.OwnerUnitID]; !seen {
			unitIDs = append(unitIDs, r.OwnerUnitID)
		}
		byUnit[r.OwnerUnitID] = append(byUnit[r.OwnerUnitID], IssuedItem{Action: r.Action, Deadline: r.Deadline.Time()})
	}
	var units []models.Unit
	if err := tx.Where("id IN ?", unitIDs).Find(&units).Error; err != nil {
		return fmt.Errorf("owner units: %w", err)
	}
	names := map[int64]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	var users []struct {
		models.User
		UnitPath string
	}
	if err := tx.Table("users").Select("users.*, units.path AS unit_path").
		Joins("JOIN units ON units.id = users.unit_id").
		Where("users.active AND users.role = ? AND users.unit_id IN ?", models.RoleUnit, unitIDs).
		Order("users.id").Scan(&users).Error; err != nil {
		return fmt.Errorf("users of owner units: %w", err)
	}
	today := s.today(now)
	var items []notify.Item
	for _, u := range users {
		actor := authz.Actor{UserID: u.ID, Role: u.Role, UnitID: *u.UnitID, UnitPath: u.UnitPath, Today: today}
		var n int64
		if err := tx.Model(&models.Visit{}).Scopes(authz.VisitScope(actor)).Where("visits.id = ?", v.ID).
			Count(&n).Error; err != nil {
			return fmt.Errorf("may user %d know visit %d: %w", u.ID, v.ID, err)
		}
		if n == 0 {
			continue
		}
		note := ConclusionIssued{ConclusionID: c.ID, Number: officialdoc.Number(c.Number) + "/" + c.Symbol,
			UnitName: names[*u.UnitID], SignedOn: c.SignedOn.Time(), Items: byUnit[*u.UnitID]}
		items = append(items, notify.Item{
			Key:  fmt.Sprintf("conclusion:%d:issued:unit:%d", c.ID, *u.UnitID),
			To:   notify.Recipient{UserID: u.ID, Email: u.Email, Name: u.FullName, Locale: u.Locale},
			Note: note, Mail: true,
		})
	}
	if _, err := notify.Deliver(ctx, tx, now, s.site, items); err != nil {
		return fmt.Errorf("notify owners of conclusion %d: %w", c.ID, err)
	}
	return nil
}

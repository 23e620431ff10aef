package inspections

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// DecisionInput is an inspection decision as the inspector records it once
// signed: date, signer, team, period under review and scope. The number is
// allocated by the service.
type DecisionInput struct {
	SignedOn    models.Date  `json:"signed_on" form:"signed_on" validate:"required" label:"field.date_signed"`
	SignerName  string       `json:"signer_name" form:"signer_name" validate:"notblank,max=200"`
	SignerTitle string       `json:"signer_title" form:"signer_title" validate:"max=200"`
	PeriodFrom  *models.Date `json:"period_from" form:"period_from" label:"field.from"`
	PeriodTo    *models.Date `json:"period_to" form:"period_to"`
	Scope       string       `json:"scope" form:"scope" validate:"notblank,max=5000"`
	LeadID      int64        `json:"lead_id" form:"lead_id" validate:"required,min=1"`
	MemberIDs   []int64      `json:"member_ids" form:"member_ids" validate:"max=30,dive,min=1"`
	// Grounds: for a verification, the order to verify (its number, date and
	// author); for an unannounced visit, the signs of violation. Required for
	// both, as the decision cites them instead of the plan.
	Grounds   string `json:"grounds" form:"grounds" validate:"max=2000" label:"field.grounds"`
	OrderedBy string `json:"ordered_by" form:"ordered_by" validate:"max=300" label:"field.ordered_by"`
	// Number is the number the registry clerk gave outside Khung; 0: the next of the register.
	Number int `json:"number" form:"number" validate:"min=0,max=99999" label:"field.doc_number"`
}

// TeamEntry is one line of the team printed in a decision.
type TeamEntry struct {
	InspectorID int64             `json:"inspector_id"`
	FullName    string            `json:"full_name"`
	Title       string            `json:"title"`
	Role        models.MemberRole `json:"role"`
}

// SignDecision records the signed inspection decision of visit id: it
// allocates the next number of the lead body in the year of signing, stores
// the team snapshot, replaces the visit's team with it (the database refuses
// double booking) and moves the visit from planned to decision_signed. The
// signing date may not lie after today (at now).
func (s *Service) SignDecision(ctx context.Context, a authz.Actor, id int64, in DecisionInput, now time.Time) (models.Decision, error) {
	in.SignerName, in.SignerTitle, in.Scope = strings.TrimSpace(in.SignerName), strings.TrimSpace(in.SignerTitle), strings.TrimSpace(in.Scope)
	in.Grounds, in.OrderedBy = strings.TrimSpace(in.Grounds), strings.TrimSpace(in.OrderedBy)
	if err := validateDecision(in, s.today(now)); err != nil {
		return models.Decision{}, err
	}
	var d models.Decision
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		if v.Status != models.VisitPlanned {
			return conflict("inspections.err.decision_once")
		}
		team, err := loadTeam(tx, in)
		if err != nil {
			return err
		}
		if err := checkGrounds(v.Form, in); err != nil {
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
		key := registers.Key{Agency: agency, DocType: officialdoc.DecisionType, Year: in.SignedOn.Year}
		_, err = registers.Take(tx, key, registers.Entry{Entity: "decision", By: userID(a), Clerk: in.Number}, func(n int) (int64, error) {
			d = models.Decision{VisitID: v.ID, Kind: models.DecisionInspection, Number: n, Symbol: key.Symbol(),
				IssuingBodyID: v.LeadBodyID, Year: in.SignedOn.Year, SignedOn: in.SignedOn, SignerName: in.SignerName,
				SignerTitle: in.SignerTitle, PeriodFrom: in.PeriodFrom, PeriodTo: in.PeriodTo, Scope: in.Scope,
				Team: models.MustJSON(team), Grounds: in.Grounds, OrderedBy: in.OrderedBy, KindCode: kind.Code, CreatedBy: userID(a)}
			if err := tx.Create(&d).Error; err != nil {
				return 0, fmt.Errorf("decision of visit %d: %w", v.ID, apperr.FromConstraint(err, constraints()))
			}
			return d.ID, nil
		})
		if err != nil {
			return err
		}
		if err := replaceTeam(tx, v.ID, team); err != nil {
			return err
		}
		if _, err := moveTo(tx, a, v, models.VisitDecisionSigned, in.SignedOn, "", &d.ID); err != nil {
			return err
		}
		return audit.Record(tx, a, "decision.sign", "decision", d.ID, nil, d)
	})
	return d, err
}

// checkGrounds asks a verification for its order and who gave it, and an
// unannounced visit for its signs of violation: their decisions cite these,
// not the plan.
func checkGrounds(form models.Form, in DecisionInput) error {
	ve := &apperr.ValidationError{}
	switch form {
	case models.FormVerification:
		if in.Grounds == "" {
			ve.AddField("grounds", "required", "documents.check.order_required")
		}
		if in.OrderedBy == "" {
			ve.AddField("ordered_by", "required", "documents.check.ordered_by_required")
		}
	case models.FormUnannounced:
		if in.Grounds == "" {
			ve.AddField("grounds", "required", "documents.check.signs_required")
		}
	}
	return ve.Err()
}

func validateDecision(in DecisionInput, today models.Date) error {
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, ok := apperr.AsValidation(err)
		if !ok {
			return err
		}
		ve = v
	}
	if in.PeriodFrom != nil && in.PeriodTo != nil && in.PeriodTo.Before(*in.PeriodFrom) {
		ve.AddField("period_to", "gtefield", "inspections.check.period_order")
	}
	if !in.SignedOn.IsZero() && today.Before(in.SignedOn) && !ve.Has("signed_on") {
		ve.AddField("signed_on", "future", "lifecycle.date.future", "Today", today)
	}
	if slices.Contains(in.MemberIDs, in.LeadID) && in.LeadID != 0 {
		ve.AddField("member_ids", "lead", "inspections.check.lead_not_member")
	}
	return ve.Err()
}

// loadTeam reads the chosen inspectors: each must exist and be active, and the
// leader must be allowed to lead.
func loadTeam(tx *gorm.DB, in DecisionInput) ([]TeamEntry, error) {
	ids := append([]int64{in.LeadID}, in.MemberIDs...)
	slices.Sort(ids[1:])
	ids = append(ids[:1], slices.Compact(ids[1:])...)
	var rows []models.Inspector
	if err := tx.Where("id IN ? AND active", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read team: %w", err)
	}
	byID := map[int64]models.Inspector{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	lead, ok := byID[in.LeadID]
	switch {
	case !ok:
		return nil, apperr.Field("lead_id", "exists", "inspections.check.no_lead")
	case !lead.CanLead:
		return nil, apperr.Field("lead_id", "can_lead", "inspections.check.cannot_lead")
	}
	team := []TeamEntry{{InspectorID: lead.ID, FullName: lead.FullName, Title: lead.Title, Role: models.MemberLead}}
	for _, id := range ids[1:] {
		m, ok := byID[id]
		if !ok {
			return nil, apperr.Field("member_ids", "exists", "inspections.check.no_member", "ID", id)
		}
		team = append(team, TeamEntry{InspectorID: m.ID, FullName: m.FullName, Title: m.Title, Role: models.MemberMember})
	}
	return team, nil
}

// replaceTeam makes the visit's members the decision's team. Each insert runs
// the exclusion constraint against the inspector's other visits.
func replaceTeam(tx *gorm.DB, visitID int64, team []TeamEntry) error {
	if err := tx.Where("visit_id = ?", visitID).Delete(&models.VisitMember{}).Error; err != nil {
		return fmt.Errorf("clear team of visit %d: %w", visitID, err)
	}
	for _, m := range team {
		row := models.VisitMember{VisitID: visitID, InspectorID: m.InspectorID, Role: m.Role}
		if err := tx.Omit("CreatedAt").Create(&row).Error; err != nil {
			terr := fmt.Errorf("put inspector %d on visit %d: %w", m.InspectorID, visitID, apperr.FromConstraint(err, constraints()))
			var ae *apperr.Error
			if errors.As(terr, &ae) && errors.Is(terr, apperr.ErrConflict) {
				return apperr.Fail(apperr.ErrConflict, "inspections.err.inspector_booked", "Name", m.FullName)
			}
			return terr
		}
	}
	return nil
}

// Decision is a decision with what its pages show.
type Decision struct {
	models.Decision
	TeamList   []TeamEntry  `json:"-"` // Team, decoded
	IssuerName string       `json:"-"` // the lead body's unit, "Sở Nội vụ"
	Superior   string       `json:"-"` // "UBND THÀNH PHỐ HÀ NỘI"
	Place      string       `json:"-"` // "Hà Nội"
	UnitName   string       `json:"-"` // the inspected unit
	Form       models.Form  `json:"-"`
	Start, End *models.Date `json:"-"`
}

// NumberLine is "Số: 15/QĐ-SNV".
func (d Decision) NumberLine() string { return NumberLine(d.Number, d.Symbol) }

// NoticeLine is the notice's number once numbered: "Số: 03/TB-SNV" ("" before).
func (d Decision) NoticeLine() string {
	if d.NoticeNumber == nil || d.NoticeSymbol == nil {
		return ""
	}
	return NumberLine(*d.NoticeNumber, *d.NoticeSymbol)
}

// DateLine is "Hà Nội, ngày 05 tháng 03 năm 2027".
func (d Decision) DateLine() string {
	return officialdoc.DateLine(d.Place, d.SignedOn.Year, d.SignedOn.Month, d.SignedOn.Day)
}

// IssuerUpper is the issuing body's name in capitals, as the heading prints it.
func (d Decision) IssuerUpper() string { return strings.ToUpper(d.IssuerName) }

// Heading is the document's heading, printed by "partials/doc_head".
func (d Decision) Heading() officialdoc.Heading {
	return officialdoc.Heading{Superior: d.Superior, Issuer: d.IssuerUpper(),
		NumberLine: d.NumberLine(), DateLine: d.DateLine()}
}

// SignerTitleUpper is the signer's title in capitals ("GIÁM ĐỐC").
func (d Decision) SignerTitleUpper() string { return strings.ToUpper(d.SignerTitle) }

// Leader is the team leader of the snapshot.
func (d Decision) Leader() TeamEntry {
	for _, m := range d.TeamList {
		if m.Role == models.MemberLead {
			return m
		}
	}
	return TeamEntry{}
}

// Members are the other members of the snapshot.
func (d Decision) Members() []TeamEntry {
	var out []TeamEntry
	for _, m := range d.TeamList {
		if m.Role != models.MemberLead {
			out = append(out, m)
		}
	}
	return out
}

// DecisionDocument returns the inspection decision of visit id for printing.
func (s *Service) DecisionDocument(ctx context.Context, a authz.Actor, id int64) (Decision, error) {
	db := s.db.WithContext(ctx)
	v, err := loadReadable(db, a, id)
	if err != nil {
		return Decision{}, err
	}
	d, err := loadDecision(db, v.ID)
	if err != nil {
		return Decision{}, err
	}
	if d == nil {
		return Decision{}, apperr.Fail(apperr.ErrNotFound, "inspections.err.no_decision_yet")
	}
	d.Form, d.Start, d.End = v.Form, v.StartDate, v.EndDate
	var head struct{ IssuerName, ParentName, UnitName string }
	err = db.Raw(`SELECT coalesce(u.name, b.name) AS issuer_name, coalesce(pu.name, '') AS parent_name, vu.name AS unit_name
		FROM decisions d JOIN bodies b ON b.id = d.issuing_body_id
		LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN units pu ON pu.id = u.parent_id
		JOIN visits v ON v.id = d.visit_id JOIN units vu ON vu.id = v.unit_id
		WHERE d.id = ?`, d.ID).Scan(&head).Error
	if err != nil {
		return Decision{}, fmt.Errorf("heading of decision %d: %w", d.ID, err)
	}
	d.IssuerName, d.UnitName = head.IssuerName, head.UnitName
	d.Superior, d.Place = officialdoc.Superior(head.ParentName), officialdoc.Place(head.ParentName)
	return *d, nil
}

// loadDecision reads the inspection decision of a visit (nil when none).
func loadDecision(db *gorm.DB, visitID int64) (*Decision, error) {
	var row models.Decision
	err := db.Where("visit_id = ? AND kind = ?", visitID, models.DecisionInspection).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("decision of visit %d: %w", visitID, err)
	}
	d := &Decision{Decision: row}
	if err := jsonInto(row.Team, &d.TeamList); err != nil {
		return nil, fmt.Errorf("team of decision %d: %w", row.ID, err)
	}
	return d, nil
}

package inspections

import (
	"context"
	"errors"
	"fmt"
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

// NoticeDoc is the notice to the inspected unit (Thông báo) that goes with a
// signed decision: when the team comes, what it checks, who is on it and
// what the unit prepares. Its words are the decision's kind's; its type is
// kinds.toml's [notice]. Once numbered in the register of notices
// (NumberNotice) it carries its number and date ("Số: 03/TB-SNV"); before, the
// decision's date and a blank number ("Số:      /TB-SNV").
type NoticeDoc struct {
	DecisionDoc
	Simple officialdoc.Simple
}

// NoticePrintable returns the notice of visit id (404 before its decision).
func (s *Service) NoticePrintable(ctx context.Context, a authz.Actor, id int64) (NoticeDoc, error) {
	d, err := s.Printable(ctx, a, id)
	if err != nil {
		return NoticeDoc{}, err
	}
	book, err := officialdoc.Default()
	if err != nil {
		return NoticeDoc{}, err
	}
	return NoticeDoc{DecisionDoc: d, Simple: book.Notice}, nil
}

// agencyOf is "SNV" in the symbol "QĐ-SNV".
func agencyOf(symbol string) string {
	_, agency, _ := strings.Cut(symbol, "-")
	return agency
}

// Heading is the notice's heading: the decision's issuer and date, the
// notice's own type and a number left blank.
func (n NoticeDoc) Heading() officialdoc.Heading {
	h := n.DecisionDoc.Heading()
	h.NumberLine = officialdoc.NumberLine("", officialdoc.Symbol(n.Simple.DocType, agencyOf(n.Symbol)))
	if n.NoticeNumber != nil && n.NoticeSymbol != nil && n.NoticeOn != nil {
		h.NumberLine = NumberLine(*n.NoticeNumber, *n.NoticeSymbol)
		h.DateLine = officialdoc.DateLine(n.ctx.Place, n.NoticeOn.Year, n.NoticeOn.Month, n.NoticeOn.Day)
	}
	return h
}

// DecisionRef is "01/QĐ-SNV", as the notice cites it.
func (n NoticeDoc) DecisionRef() string { return officialdoc.Number(n.Number) + "/" + n.Symbol }

// Foot is the notice's foot: the recipients the template names, the kind's
// archive line, the decision's signer.
func (n NoticeDoc) Foot(recipients ...string) Foot {
	return Foot{Recipients: recipients, Archive: n.Kind.Archive, Signer: n.Signer}
}

// AcceptanceDoc is the notice that a recommendation has been carried out
// (kinds.toml's [acceptance]): the conclusion it came from, the unit's
// report and the verdict, signed by whoever accepted the report (their
// profile's title and name).
type AcceptanceDoc struct {
	Simple           officialdoc.Simple
	Kind             officialdoc.Kind
	RecommendationID int64
	VisitID          int64
	Action           string
	Deadline         models.Date
	UnitName         string
	IssuerName       string
	Conclusion       string // "01/TB-SNV"
	ConclusionDate   string // "25/03/2027"
	ReportedOn       string // "10/04/2027"
	Reason           string // the verdict's note
	Late             bool   // reported after the deadline
	heading          officialdoc.Heading
	Signer           Signer
	Place            string
}

// Heading is the acceptance's heading: its number in the register of notices
// (given when the report was accepted; blank for one accepted before).
func (d AcceptanceDoc) Heading() officialdoc.Heading { return d.heading }

// Foot is the acceptance's foot: the recipients the template names.
func (d AcceptanceDoc) Foot(recipients ...string) Foot {
	return Foot{Recipients: recipients, Archive: d.Kind.Archive, Signer: d.Signer}
}

// PlaceName is where the acceptance was signed.
func (d AcceptanceDoc) PlaceName() string { return d.Place }

// AcceptancePrintable returns the acceptance of recommendation id, if a may
// read the recommendation (RecommendationScope) and it has been accepted;
// otherwise 404, as for a missing one.
func (s *Service) AcceptancePrintable(ctx context.Context, a authz.Actor, id int64) (AcceptanceDoc, error) {
	if !a.LoggedIn() {
		return AcceptanceDoc{}, apperr.ErrUnauthenticated
	}
	db := s.db.WithContext(ctx)
	var row struct {
		ID, VisitID                             int64
		Action, UnitName, IssuerName            string
		ParentName, KindCode, CSymbol           string
		CNumber                                 int
		CSignedOn, Deadline                     models.Date
		SubmittedAt, DecidedAt                  time.Time
		Reason, SignerName, JobTitle, Authority string
		DeciderRole, CSignerName, CSignerTitle  string
		AcceptanceNumber                        *int
		AcceptanceSymbol                        *string
	}
	err := db.Table("recommendations").Scopes(authz.RecommendationScope(a)).
		Select(`recommendations.id, c.visit_id, recommendations.action, u.name AS unit_name,
			coalesce(iu.name, b.name) AS issuer_name, coalesce(pu.name, '') AS parent_name, c.kind_code,
			c.symbol AS c_symbol, c.number AS c_number, c.signed_on AS c_signed_on, recommendations.deadline,
			r.submitted_at, r.decided_at, r.decision_reason AS reason,
			coalesce(du.full_name, '') AS signer_name, coalesce(du.job_title, '') AS job_title,
			coalesce(du.signing_authority, '') AS authority, coalesce(du.role, '') AS decider_role,
			c.signer_name AS c_signer_name, c.signer_title AS c_signer_title,
			r.acceptance_number, r.acceptance_symbol`).
		Joins("JOIN conclusions c ON c.id = recommendations.conclusion_id").
		Joins("JOIN units u ON u.id = recommendations.owner_unit_id").
		Joins("JOIN bodies b ON b.id = c.issuing_body_id").
		Joins("LEFT JOIN units iu ON iu.id = b.unit_id LEFT JOIN units pu ON pu.id = iu.parent_id").
		Joins("JOIN remediation_reports r ON r.recommendation_id = recommendations.id AND r.outcome = ?", models.ReportAccepted).
		Joins("LEFT JOIN users du ON du.id = r.decided_by").
		Where("recommendations.id = ? AND recommendations.status = ?", id, models.RecommendationDone).
		Order("r.decided_at DESC").Limit(1).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return AcceptanceDoc{}, fmt.Errorf("acceptance of recommendation %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return AcceptanceDoc{}, fmt.Errorf("acceptance of recommendation %d: %w", id, err)
	}
	book, err := officialdoc.Default()
	if err != nil {
		return AcceptanceDoc{}, err
	}
	kind := book.Pick(officialdoc.Visit{On: row.CSignedOn.Time()})
	for _, k := range book.Kinds {
		if k.Code == row.KindCode {
			kind = k
		}
	}
	decided := row.DecidedAt.In(s.loc)
	reported := row.SubmittedAt.In(s.loc)
	place := officialdoc.Place(row.ParentName)
	// The agency's notice is signed by its leadership: the user who accepted
	// the report when they are leadership (their profile), else the signer of
	// the conclusion it closes.
	signer := Signer{Title: row.CSignerTitle, Name: row.CSignerName}
	if row.DeciderRole == string(models.RoleApprover) || row.Authority != "" {
		signer = Signer{Authority: row.Authority, Title: row.JobTitle, Name: row.SignerName}
	}
	numberLine := officialdoc.NumberLine("", officialdoc.Symbol(book.Acceptance.DocType, agencyOf(row.CSymbol)))
	if row.AcceptanceNumber != nil && row.AcceptanceSymbol != nil {
		numberLine = NumberLine(*row.AcceptanceNumber, *row.AcceptanceSymbol)
	}
	return AcceptanceDoc{Simple: book.Acceptance, Kind: kind, RecommendationID: row.ID, VisitID: row.VisitID,
		Action: row.Action, Deadline: row.Deadline, UnitName: row.UnitName, IssuerName: row.IssuerName,
		Conclusion: officialdoc.Number(row.CNumber) + "/" + row.CSymbol, ConclusionDate: row.CSignedOn.Time().Format("02/01/2006"),
		ReportedOn: reported.Format("02/01/2006"), Reason: strings.TrimSpace(row.Reason),
		Late: models.DateOf(reported).After(row.Deadline), Place: place,
		Signer: signer,
		heading: officialdoc.Heading{Superior: officialdoc.Superior(row.ParentName), Issuer: strings.ToUpper(row.IssuerName),
			NumberLine: numberLine,
			DateLine:   officialdoc.DateLine(place, decided.Year(), decided.Month(), decided.Day())}}, nil
}

// ScopeSentence is the decision's scope ending with a full stop.
func (n NoticeDoc) ScopeSentence() string {
	s := strings.TrimSpace(n.Scope)
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// NoticeNumberInput numbers the notice to the unit in the agency's register
// of notices: Number is the registry clerk's when it was numbered outside
// Khung, 0 for the next of the register.
type NoticeNumberInput struct {
	Number int `json:"notice_number" form:"notice_number" validate:"min=0,max=99999" label:"field.doc_number"`
}

// NumberNotice gives the notice to the unit of visit id its number in the
// register of notices of the decision's agency (TB-SNV of this year) and its
// date, today. A notice keeps its number: numbering it again is a conflict.
func (s *Service) NumberNotice(ctx context.Context, a authz.Actor, id int64, in NoticeNumberInput, now time.Time) (models.Decision, error) {
	var d models.Decision
	if err := apperr.Validate(in); err != nil {
		return d, err
	}
	book, err := officialdoc.Default()
	if err != nil {
		return d, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		dec, err := loadDecision(tx, v.ID)
		if err != nil {
			return err
		}
		if dec == nil {
			return conflict("legal.err.notice_without_decision")
		}
		if dec.NoticeNumber != nil {
			return conflict("legal.err.notice_numbered", "Number", officialdoc.Number(*dec.NoticeNumber)+"/"+*dec.NoticeSymbol)
		}
		today := s.today(now)
		key := registers.Key{Agency: agencyOf(dec.Symbol), DocType: book.Notice.DocType, Year: today.Year}
		n, err := registers.Take(tx, key, registers.Entry{Entity: "notice", By: userID(a), Clerk: in.Number}, func(n int) (int64, error) {
			symbol := key.Symbol()
			if err := tx.Model(&models.Decision{}).Where("id = ?", dec.ID).
				Updates(map[string]any{"notice_number": n, "notice_symbol": symbol, "notice_on": today}).Error; err != nil {
				return 0, fmt.Errorf("number the notice of decision %d: %w", dec.ID, err)
			}
			return dec.ID, nil
		})
		if ve, ok := apperr.AsValidation(err); ok { // the register names its field "number"
			for i := range ve.Fields {
				if ve.Fields[i].Field == "number" {
					ve.Fields[i].Field = "notice_number"
				}
			}
			return ve
		}
		if err != nil {
			return err
		}
		d = dec.Decision
		symbol := key.Symbol()
		d.NoticeNumber, d.NoticeSymbol, d.NoticeOn = &n, &symbol, &today
		return audit.Record(tx, a, "notice.number", "decision", dec.ID, nil,
			map[string]any{"notice_number": n, "notice_symbol": symbol, "notice_on": today})
	})
	return d, err
}

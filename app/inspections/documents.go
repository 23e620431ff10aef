package inspections

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/models"
)

// Signer is the signature block of a printed document (officialdoc.Signer).
type Signer = officialdoc.Signer

// SignerOf is the signature block from a user's profile.
func SignerOf(u models.User) Signer {
	return officialdoc.SignerOf(u.SigningAuthority, u.JobTitle, u.FullName)
}

// Citation is a document cited by another: "Kế hoạch số 05/KH-SNV ngày 20/12/2026".
type Citation struct {
	Number string // "05/KH-SNV"; "" when it has no number yet
	Date   string // "20/12/2026"
	Title  string // the plan's title
	Issuer string // "Sở Nội vụ"
}

// docContext is what every document of a visit prints besides its own body.
type docContext struct {
	Kind       officialdoc.Kind
	Bases      []string // "Căn cứ …;" lines, filled in
	Proposer   string   // "Trưởng phòng Công chức, viên chức"
	Plan       *Citation
	IssuerName string
	Superior   string
	Place      string
	UnitName   string
}

// loadContext reads the kind of documents of visit v (as picked when its
// decision was signed, code) and what they cite.
func (s *Service) loadContext(db *gorm.DB, v models.Visit, code string, on models.Date) (docContext, error) {
	book, err := officialdoc.Default()
	if err != nil {
		return docContext{}, err
	}
	var head struct {
		IssuerName, ParentName, UnitName, BodyKind, BodyName string
		PlanNumber, PlanSymbol, PlanTitle, PlanIssuer        string
		PlanDate                                             *models.Date
	}
	err = db.Raw(`SELECT coalesce(u.name, b.name) AS issuer_name, coalesce(pu.name, '') AS parent_name, vu.name AS unit_name,
			b.kind AS body_kind, b.name AS body_name,
			coalesce(pv.document_number, '') AS plan_number, coalesce(p.symbol, '') AS plan_symbol, coalesce(p.title, '') AS plan_title,
			coalesce(pbu.name, pb.name, '') AS plan_issuer,
			(coalesce(pv.published_at, pv.approved_at) AT TIME ZONE ?)::date AS plan_date
		FROM visits v JOIN bodies b ON b.id = v.lead_body_id
		LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN units pu ON pu.id = u.parent_id
		JOIN units vu ON vu.id = v.unit_id
		LEFT JOIN plan_versions pv ON pv.id = v.plan_version_id LEFT JOIN plans p ON p.id = pv.plan_id
		LEFT JOIN bodies pb ON pb.id = p.issuing_body_id LEFT JOIN units pbu ON pbu.id = pb.unit_id
		WHERE v.id = ?`, s.loc.String(), v.ID).Scan(&head).Error
	if err != nil {
		return docContext{}, fmt.Errorf("documents of visit %d: %w", v.ID, err)
	}
	var kind officialdoc.Kind
	if code == "" {
		if kind, err = s.kindOf(db, v, on); err != nil {
			return docContext{}, err
		}
	} else {
		kind = book.Pick(officialdoc.Visit{On: on.Time()})
		for _, k := range book.Kinds {
			if k.Code == code {
				kind = k
				break
			}
		}
		var bases []officialdoc.Basis
		for _, b := range kind.Bases {
			if b.Holds(on.Time()) {
				bases = append(bases, b)
			}
		}
		kind.Bases = bases
	}
	superior := ""
	if head.ParentName != "" {
		superior = "UBND " + head.ParentName
	}
	dc := docContext{Kind: kind, IssuerName: head.IssuerName, UnitName: head.UnitName,
		Superior: officialdoc.Superior(head.ParentName), Place: officialdoc.Place(head.ParentName),
		Proposer: book.ProposerOf(head.BodyKind, head.BodyName)}
	for _, b := range kind.Bases {
		dc.Bases = append(dc.Bases, officialdoc.Fill(b.Text, head.IssuerName, superior))
	}
	// Only a planned visit rests on the plan: an unannounced visit rests on
	// the signs of violation, a verification on its order.
	if v.Form == models.FormPlanned && v.PlanVersionID != nil {
		c := &Citation{Title: head.PlanTitle, Issuer: head.PlanIssuer}
		if head.PlanNumber != "" {
			c.Number = head.PlanNumber + "/" + head.PlanSymbol
		}
		if head.PlanDate != nil {
			c.Date = head.PlanDate.Time().Format("02/01/2006")
		}
		dc.Plan = c
	}
	return dc, nil
}

// DecisionDoc is the inspection decision as printed.
type DecisionDoc struct {
	Decision
	Kind     officialdoc.Kind
	Bases    []string
	Proposer string
	Plan     *Citation
	Signer   Signer
	ctx      docContext
}

// ConclusionDoc is the conclusion (or the notice of the conclusion of a
// check) as printed, with its recommendations.
type ConclusionDoc struct {
	models.Conclusion
	docContext
	Heading         officialdoc.Heading
	Decision        string // "01/QĐ-SNV"
	DecisionDate    string // "01/03/2027"
	Recommendations []RecommendationView
	Signer          Signer
}

// Printable returns the decision of visit id with its kind, bases and citations.
func (s *Service) Printable(ctx context.Context, a authz.Actor, id int64) (DecisionDoc, error) {
	d, err := s.DecisionDocument(ctx, a, id)
	if err != nil {
		return DecisionDoc{}, err
	}
	db := s.db.WithContext(ctx)
	var v models.Visit
	if err := db.Where("id = ?", id).Take(&v).Error; err != nil {
		return DecisionDoc{}, fmt.Errorf("visit %d: %w", id, err)
	}
	dc, err := s.loadContext(db, v, d.KindCode, d.SignedOn)
	if err != nil {
		return DecisionDoc{}, err
	}
	return DecisionDoc{Decision: d, Kind: dc.Kind, Bases: dc.Bases, Proposer: dc.Proposer, Plan: dc.Plan, ctx: dc,
		Signer: Signer{Title: d.SignerTitle, Name: d.SignerName}}, nil
}

// ConclusionPrintable returns the conclusion of visit id as printed.
func (s *Service) ConclusionPrintable(ctx context.Context, a authz.Actor, id int64) (ConclusionDoc, error) {
	db := s.db.WithContext(ctx)
	v, err := loadReadable(db, a, id)
	if err != nil {
		return ConclusionDoc{}, err
	}
	var c models.Conclusion
	if err := db.Where("visit_id = ?", v.ID).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ConclusionDoc{}, apperr.Fail(apperr.ErrNotFound, "inspections.err.no_conclusion_yet")
		}
		return ConclusionDoc{}, fmt.Errorf("conclusion of visit %d: %w", v.ID, err)
	}
	dc, err := s.loadContext(db, v, c.KindCode, c.SignedOn)
	if err != nil {
		return ConclusionDoc{}, err
	}
	doc := ConclusionDoc{Conclusion: c, docContext: dc, Signer: Signer{Title: c.SignerTitle, Name: c.SignerName}}
	doc.Heading = officialdoc.Heading{Superior: dc.Superior, Issuer: strings.ToUpper(dc.IssuerName),
		NumberLine: NumberLine(c.Number, c.Symbol),
		DateLine:   officialdoc.DateLine(dc.Place, c.SignedOn.Year, c.SignedOn.Month, c.SignedOn.Day)}
	if d, err := loadDecision(db, v.ID); err != nil {
		return ConclusionDoc{}, err
	} else if d != nil {
		doc.Decision = officialdoc.Number(d.Number) + "/" + d.Symbol
		doc.DecisionDate = d.SignedOn.Time().Format("02/01/2006")
	}
	if err := db.Raw(`SELECT r.*, u.name AS owner_unit_name FROM recommendations r
		JOIN units u ON u.id = r.owner_unit_id WHERE r.conclusion_id = ? ORDER BY r.id`, c.ID).Scan(&doc.Recommendations).Error; err != nil {
		return ConclusionDoc{}, fmt.Errorf("recommendations of conclusion %d: %w", c.ID, err)
	}
	return doc, nil
}

// Foot is the foot of a printed document (officialdoc.Foot).
type Foot = officialdoc.Foot

func (dc docContext) foot(first string, s Signer) Foot {
	return Foot{Recipients: append([]string{first}, dc.Kind.ReportTo...), Archive: dc.Kind.Archive, Signer: s}
}

// Foot is the decision's foot; first is the first recipient, as the template writes it.
func (d DecisionDoc) Foot(first string) Foot { return d.ctx.foot(first, d.Signer) }

// Foot is the conclusion's foot: the inspected unit first.
func (d ConclusionDoc) Foot(first string) Foot { return d.foot(first+";", d.Signer) }

// Paragraphs are the summary's paragraphs (split on blank or single line breaks).
func (d ConclusionDoc) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(d.Summary, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NumberedRecommendation is a recommendation with its place in the list.
type NumberedRecommendation struct {
	RecommendationView
	N int
}

// Numbered lists the recommendations from 1.
func (d ConclusionDoc) Numbered() []NumberedRecommendation {
	out := make([]NumberedRecommendation, len(d.Recommendations))
	for i, r := range d.Recommendations {
		out[i] = NumberedRecommendation{RecommendationView: r, N: i + 1}
	}
	return out
}

// Remedial lists the remedial recommendations from 1 (the conclusion's
// section 2); Responsibility those of responsibility (kiểm điểm, xử lý trách
// nhiệm), from 1 in their own section.
func (d ConclusionDoc) Remedial() []NumberedRecommendation {
	return d.ofKind(models.RecommendationRemedial)
}

// Responsibility lists the recommendations of responsibility from 1.
func (d ConclusionDoc) Responsibility() []NumberedRecommendation {
	return d.ofKind(models.RecommendationResponsibility)
}

func (d ConclusionDoc) ofKind(k models.RecommendationKind) []NumberedRecommendation {
	var out []NumberedRecommendation
	for _, r := range d.Recommendations {
		if r.Kind == k || (k == models.RecommendationRemedial && r.Kind == "") {
			out = append(out, NumberedRecommendation{RecommendationView: r, N: len(out) + 1})
		}
	}
	return out
}

// PlaceName is where the decision was signed ("Hà Nội").
func (d DecisionDoc) PlaceName() string { return d.ctx.Place }

// PlaceName is where the conclusion was signed ("Hà Nội").
func (d ConclusionDoc) PlaceName() string { return d.docContext.Place }

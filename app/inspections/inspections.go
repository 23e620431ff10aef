// Package inspections is the inspector's side of a visit: its lifecycle and
// history of events, the signed inspection decision with its team, the
// findings with their evidence, and the conclusion with its recommendations.
// Every write runs in one transaction that locks the visit, checks that the
// actor may work on it (an inspector only on the visit's team), writes the
// audit log and, for a conclusion, the notifications of the owner units.
package inspections

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/notify"
	"khung/app/officialdoc"
	"khung/app/visits"
	"khung/models"
)

// Service reads and writes the work of visits.
type Service struct {
	db   *gorm.DB
	loc  *time.Location // the department's time zone: "today" and the years of documents
	site notify.Site    // the catalogs and the address that render the notifications
}

// New returns the service on db; loc is the department's time zone (Asia/Ho_Chi_Minh)
// and site renders the notifications (catalogs and the address for links in mails).
func New(db *gorm.DB, loc *time.Location, site notify.Site) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: db, loc: loc, site: site}
}

// today is the department's civil date at now.
func (s *Service) today(now time.Time) models.Date { return visits.Today(now, s.loc) }

// errNotFound is what a reader gets for a visit that does not exist or that
// they may not know of.
var errNotFound = apperr.Fail(apperr.ErrNotFound, "inspections.err.not_found")

// canRead tells whether a may read the work of visits at all: planners and
// approvers read every visit's, inspectors that of the visits whose team they
// are on (authz.VisitWorkScopeOn).
func canRead(a authz.Actor) bool {
	return a.LoggedIn() && a.Is(models.RolePlanner, models.RoleApprover, models.RoleInspector)
}

// loadReadable reads visit id if a may read its work.
func loadReadable(db *gorm.DB, a authz.Actor, id int64) (models.Visit, error) {
	var v models.Visit
	if !canRead(a) {
		if !a.LoggedIn() {
			return v, apperr.ErrUnauthenticated
		}
		return v, fmt.Errorf("work of visit %d as %s: %w", id, a.Role, apperr.ErrForbidden)
	}
	err := db.Scopes(authz.VisitWorkScopeOn(a, "visits")).Where("visits.id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, fmt.Errorf("visit %d: %w", id, errNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("read visit %d: %w", id, err)
	}
	return v, nil
}

// lockWritable locks visit id FOR UPDATE in tx and checks that a may work on
// it: a planner on any visit, an inspector only when on its team (checked in
// the same transaction as the write, so a team change cannot slip between).
func lockWritable(tx *gorm.DB, a authz.Actor, id int64) (models.Visit, error) {
	var v models.Visit
	if err := authz.Require(a, authz.WorkOnVisits); err != nil {
		return v, err
	}
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, fmt.Errorf("visit %d: %w", id, errNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("lock visit %d: %w", id, err)
	}
	if a.Is(models.RolePlanner) {
		return v, nil
	}
	onTeam, err := isOnTeam(tx, id, a.InspectorID)
	if err != nil {
		return v, err
	}
	if !onTeam {
		return v, apperr.Fail(apperr.ErrForbidden, "inspections.err.not_on_team")
	}
	return v, nil
}

func isOnTeam(db *gorm.DB, visitID, inspectorID int64) (bool, error) {
	if inspectorID == 0 {
		return false, nil
	}
	var n int64
	if err := db.Model(&models.VisitMember{}).Where("visit_id = ? AND inspector_id = ?", visitID, inspectorID).
		Count(&n).Error; err != nil {
		return false, fmt.Errorf("team of visit %d: %w", visitID, err)
	}
	return n > 0, nil
}

// CanWrite tells whether a may work on visit id (for showing the forms; every
// write checks again in its transaction).
func (s *Service) CanWrite(ctx context.Context, a authz.Actor, id int64) (bool, error) {
	if !authz.Can(a, authz.WorkOnVisits) {
		return false, nil
	}
	if a.Is(models.RolePlanner) {
		return true, nil
	}
	return isOnTeam(s.db.WithContext(ctx), id, a.InspectorID)
}

// constraints names the database's refusals that input can cause, for
// apperr.FromConstraint.
func constraints() apperr.Constraints {
	return apperr.Constraints{
		"visit_members_no_double_booking":   {ID: "constraint.double_booking"},
		"decisions_one_inspection_decision": {ID: "constraint.one_inspection_decision"},
		"conclusions_visit_id_key":          {ID: "constraint.one_conclusion"},
	}
}

// bodySymbol is the short name of an issuing body in document symbols:
// "SNV" for the bodies of Sở Nội vụ (the unit "01-SNV"), else the initials of
// the body's unit ("Phòng Nội vụ" → "PNV").
func bodySymbol(db *gorm.DB, bodyID int64) (string, error) {
	var row struct {
		UnitCode, UnitName string
	}
	err := db.Raw(`SELECT coalesce(u.code, '') AS unit_code, coalesce(u.name, b.name) AS unit_name
		FROM bodies b LEFT JOIN units u ON u.id = b.unit_id WHERE b.id = ?`, bodyID).Scan(&row).Error
	if err != nil {
		return "", fmt.Errorf("symbol of body %d: %w", bodyID, err)
	}
	if row.UnitCode == "" || strings.HasSuffix(row.UnitCode, "-SNV") {
		return "SNV", nil
	}
	var b strings.Builder
	for _, w := range strings.Fields(row.UnitName) {
		r := []rune(w)
		if len(r) > 0 && strings.ToUpper(string(r[0])) == string(r[0]) {
			b.WriteString(string(r[0]))
		}
	}
	if b.Len() == 0 {
		return "SNV", nil
	}
	return strings.ToUpper(b.String()), nil
}

// kindOf picks the kind of documents of visit v signed on day: by its form,
// its own kind, its proposals' kinds and its lead body's kind (app/officialdoc's book).
func (s *Service) kindOf(tx *gorm.DB, v models.Visit, day models.Date) (officialdoc.Kind, error) {
	book, err := officialdoc.Default()
	if err != nil {
		return officialdoc.Kind{}, err
	}
	var row struct {
		BodyKind string
		Kinds    string
	}
	// The visit's own kind (an unplanned visit has no proposals) with its
	// proposals' kinds.
	err = tx.Raw(`SELECT b.kind AS body_kind, coalesce((SELECT string_agg(DISTINCT k, ',') FROM (
			SELECT p.kind AS k FROM visit_proposals vp JOIN proposals p ON p.id = vp.proposal_id WHERE vp.visit_id = v.id
			UNION SELECT v.kind WHERE v.kind IS NOT NULL) ks), '') AS kinds
		FROM visits v JOIN bodies b ON b.id = v.lead_body_id WHERE v.id = ?`, v.ID).Scan(&row).Error
	if err != nil {
		return officialdoc.Kind{}, fmt.Errorf("kind of documents of visit %d: %w", v.ID, err)
	}
	return book.Pick(officialdoc.Visit{Form: string(v.Form), VisitKinds: strings.Split(row.Kinds, ","),
		BodyKind: row.BodyKind, On: day.Time()}), nil
}

// NumberLine writes a document's number as printed: "Số: 15/QĐ-SNV".
func NumberLine(number int, symbol string) string {
	return officialdoc.NumberLine(officialdoc.Number(number), symbol)
}

package reports

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/models"
)

// Document is the periodic report as an official document (Decree
// 30/2020/NĐ-CP): the heading of the body that reports, the kind "BÁO CÁO",
// the period, then the report's tables.
type Document struct {
	Heading officialdoc.Heading
	Issuer  string // the reporting body's name in running text ("Sở Nội vụ")
	Report  Report
}

// Document returns the report of f for a, headed by the body that reports:
// a unit's own office for a unit, otherwise the department whose city team
// the platform serves. The date line is today's.
func (s *Service) Document(ctx context.Context, a authz.Actor, f Filter) (Document, error) {
	r, err := s.Periodic(ctx, a, f)
	if err != nil {
		return Document{}, err
	}
	var head struct{ UnitName, ParentName string }
	q := `SELECT u.name AS unit_name, coalesce(pu.name, '') AS parent_name
		FROM units u LEFT JOIN units pu ON pu.id = u.parent_id WHERE u.id = ?`
	args := []any{a.UnitID}
	if a.Role != models.RoleUnit {
		// The city team's own unit is the department (Sở Nội vụ) that reports.
		q = `SELECT coalesce(u.name, b.name) AS unit_name, coalesce(pu.name, '') AS parent_name
			FROM bodies b LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN units pu ON pu.id = u.parent_id
			WHERE b.kind = 'city_team' ORDER BY b.active DESC, b.id LIMIT 1`
		args = nil
	}
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&head).Error; err != nil {
		return Document{}, fmt.Errorf("report heading: %w", err)
	}
	if head.ParentName == "" {
		// A body without a unit of its own reports under the city.
		if err := s.db.WithContext(ctx).Raw(`SELECT name FROM units WHERE parent_id IS NULL
			ORDER BY valid_to NULLS FIRST, id LIMIT 1`).Scan(&head.ParentName).Error; err != nil {
			return Document{}, fmt.Errorf("report heading's city: %w", err)
		}
		if head.ParentName == head.UnitName {
			head.ParentName = ""
		}
	}
	today := a.Today
	return Document{
		Heading: officialdoc.Heading{
			Superior:   officialdoc.Superior(head.ParentName),
			Issuer:     strings.ToUpper(head.UnitName),
			NumberLine: officialdoc.NumberLine("", "BC-"+initials(head.UnitName)),
			DateLine:   officialdoc.DateLine(officialdoc.Place(head.ParentName), today.Year, today.Month, today.Day),
		},
		Issuer: head.UnitName,
		Report: r,
	}, nil
}

// initials are the capitals of a body's name for its document symbol:
// "Sở Nội vụ" → "SNV"; "Ủy ban nhân dân phường Hồng Hà" → "UBNDPHH".
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)[0]
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

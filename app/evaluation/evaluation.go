// Package evaluation holds the department's published evaluation criteria
// and the scores they give. A criterion scores one measure of the periodic
// report (app/reports) with a weight, rests on a legal or administrative
// basis and is in force for a period; the administrator edits them. Units are
// scored on their findings and their remediation, teams (by their leader) on
// their conclusions' timeliness and the inspected units' survey. Every part
// of a score is a figure of the report over the same rows, under the same
// visibility rule, so a unit's score never counts a visit its reader may not
// know of, and a team's survey figure appears only from surveys.MinResponses
// answers, never per unit.
package evaluation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/reports"
	"khung/app/surveys"
	"khung/models"
)

// Subjects: what a criterion scores.
const (
	SubjectUnit = "unit" // an inspected unit, or the owner of recommendations
	SubjectTeam = "team" // a team, by its leader
)

// Measures: the figure a criterion reads.
const (
	ViolationFree     = "violation_free"      // the unit's visits that found no violation, of its visits
	RemediationRate   = "remediation_rate"    // the unit's recommendations done, of those not cancelled
	RemediationOnTime = "remediation_on_time" // the unit's recommendations not overdue, of those not cancelled
	ConclusionsOnTime = "conclusions_on_time" // the team's conclusions signed in time, of those measurable
	Survey            = "survey"              // the team's average in the units' survey (1–5)
)

// Measures lists every measure, units' first.
func Measures() []string {
	return []string{ViolationFree, RemediationRate, RemediationOnTime, ConclusionsOnTime, Survey}
}

// SubjectOf is whom measure m scores ("" for an unknown measure).
func SubjectOf(m string) string {
	switch m {
	case ViolationFree, RemediationRate, RemediationOnTime:
		return SubjectUnit
	case ConclusionsOnTime, Survey:
		return SubjectTeam
	}
	return ""
}

// Criterion is a published evaluation criterion.
type Criterion struct {
	ID        int64        `json:"id"`
	Subject   string       `json:"subject"`
	Measure   string       `json:"measure"`
	NameVI    string       `json:"name_vi"`
	NameEN    string       `json:"name_en"`
	Basis     string       `json:"basis"`
	Weight    int          `json:"weight"`
	ValidFrom models.Date  `json:"valid_from"`
	ValidTo   *models.Date `json:"valid_to"`
}

// InForce tells whether c applies on day.
func (c Criterion) InForce(day models.Date) bool {
	return !day.Before(c.ValidFrom) && (c.ValidTo == nil || !day.After(*c.ValidTo))
}

// Input is a criterion as the administrator writes it.
type Input struct {
	Measure   string       `json:"measure"`
	NameVI    string       `json:"name_vi"`
	NameEN    string       `json:"name_en"`
	Basis     string       `json:"basis"`
	Weight    int          `json:"weight"`
	ValidFrom models.Date  `json:"valid_from"`
	ValidTo   *models.Date `json:"valid_to"`
}

// Service reads and edits the criteria and computes the scores.
type Service struct {
	db      *gorm.DB
	reports *reports.Service
	surveys *surveys.Service
}

// New returns the service.
func New(db *gorm.DB, r *reports.Service, s *surveys.Service) *Service {
	return &Service{db: db, reports: r, surveys: s}
}

// mayEdit: the administrator edits the criteria (reference data).
func mayEdit(a authz.Actor) error {
	if a.LoggedIn() && a.Role == models.RoleAdmin {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("evaluation criteria: %w", apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("evaluation criteria as %s: %w", a.Role, apperr.ErrForbidden)
}

// measureOrder is Measures as an SQL array, for the criteria's order.
var measureOrder = "{" + strings.Join(Measures(), ",") + "}"

const criterionColumns = `id, subject, measure, name_vi, name_en, basis, weight, valid_from, valid_to`

// Criteria lists every criterion, in force or not, units' first: they are
// published, so every signed-in user reads them.
func (s *Service) Criteria(ctx context.Context, a authz.Actor) ([]Criterion, error) {
	if !a.LoggedIn() {
		return nil, fmt.Errorf("evaluation criteria: %w", apperr.ErrUnauthenticated)
	}
	return s.criteria(ctx, s.db, "TRUE")
}

func (s *Service) criteria(ctx context.Context, db *gorm.DB, cond string, args ...any) ([]Criterion, error) {
	var out []Criterion
	if err := db.WithContext(ctx).Raw(`SELECT `+criterionColumns+` FROM evaluation_criteria WHERE `+cond+`
		ORDER BY subject DESC, array_position(?::text[], measure), valid_from DESC, id`, append(args, measureOrder)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("evaluation criteria: %w", err)
	}
	return out, nil
}

// Criterion reads criterion id.
func (s *Service) Criterion(ctx context.Context, a authz.Actor, id int64) (Criterion, error) {
	if !a.LoggedIn() {
		return Criterion{}, fmt.Errorf("evaluation criterion: %w", apperr.ErrUnauthenticated)
	}
	found, err := s.criteria(ctx, s.db, "id = ?", id)
	if err != nil {
		return Criterion{}, err
	}
	if len(found) == 0 {
		return Criterion{}, fmt.Errorf("evaluation criterion %d: %w", id, apperr.ErrNotFound)
	}
	return found[0], nil
}

// InForceOn lists the criteria in force on day.
func (s *Service) InForceOn(ctx context.Context, day models.Date) ([]Criterion, error) {
	return s.criteria(ctx, s.db, "valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)", day, day)
}

// check validates in and returns every problem at once.
func check(in *Input) error {
	in.NameVI, in.NameEN, in.Basis = strings.TrimSpace(in.NameVI), strings.TrimSpace(in.NameEN), strings.TrimSpace(in.Basis)
	if in.ValidTo != nil && in.ValidTo.IsZero() {
		in.ValidTo = nil // "" or null: in force until changed
	}
	ve := &apperr.ValidationError{}
	if !slices.Contains(Measures(), in.Measure) {
		ve.AddField("measure", "oneof", "evaluation.check.measure")
	}
	switch n := len([]rune(in.NameVI)); {
	case n == 0:
		ve.AddField("name_vi", "required", "evaluation.check.name")
	case n > 300:
		ve.AddField("name_vi", "max", "evaluation.check.too_long", "Max", 300)
	}
	if len([]rune(in.NameEN)) > 300 {
		ve.AddField("name_en", "max", "evaluation.check.too_long", "Max", 300)
	}
	switch n := len([]rune(in.Basis)); {
	case n == 0:
		ve.AddField("basis", "required", "evaluation.check.basis")
	case n > 1000:
		ve.AddField("basis", "max", "evaluation.check.too_long", "Max", 1000)
	}
	if in.Weight < 1 || in.Weight > 100 {
		ve.AddField("weight", "range", "evaluation.check.weight")
	}
	if in.ValidFrom.IsZero() {
		ve.AddField("valid_from", "required", "evaluation.check.valid_from")
	}
	if in.ValidTo != nil && !in.ValidFrom.IsZero() && in.ValidTo.Before(in.ValidFrom) {
		ve.AddField("valid_to", "gtefield", "evaluation.check.valid_to")
	}
	return ve.Err()
}

// Save changes criterion id, or adds one when id is 0, and returns its id.
// Two criteria of the same measure may not be in force on the same day (the
// measure would count twice): the period is refused, naming valid_from.
func (s *Service) Save(ctx context.Context, a authz.Actor, id int64, in Input) (int64, error) {
	if err := mayEdit(a); err != nil {
		return 0, err
	}
	if err := check(&in); err != nil {
		return 0, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// One writer at a time decides the overlap.
		if err := tx.Exec(`LOCK TABLE evaluation_criteria IN SHARE ROW EXCLUSIVE MODE`).Error; err != nil {
			return fmt.Errorf("lock evaluation criteria: %w", err)
		}
		var clash []Criterion
		if err := tx.Raw(`SELECT `+criterionColumns+` FROM evaluation_criteria
			WHERE measure = ? AND id <> ? AND daterange(valid_from, valid_to, '[]') && daterange(?::date, ?::date, '[]')`,
			in.Measure, id, in.ValidFrom, in.ValidTo).Scan(&clash).Error; err != nil {
			return fmt.Errorf("evaluation criteria in force: %w", err)
		}
		if len(clash) > 0 {
			return apperr.Field("valid_from", "overlap", "evaluation.check.overlap", "Name", clash[0].NameVI)
		}
		subject := SubjectOf(in.Measure)
		if id == 0 {
			if err := tx.Raw(`INSERT INTO evaluation_criteria (subject, measure, name_vi, name_en, basis, weight, valid_from, valid_to)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, subject, in.Measure, in.NameVI, in.NameEN, in.Basis, in.Weight,
				in.ValidFrom, in.ValidTo).Scan(&id).Error; err != nil {
				return fmt.Errorf("add evaluation criterion: %w", err)
			}
			return audit.Record(tx, a, "evaluation_criterion.add", "evaluation_criterion", id, nil, in)
		}
		var before []Criterion
		if err := tx.Raw(`SELECT `+criterionColumns+` FROM evaluation_criteria WHERE id = ? FOR UPDATE`, id).Scan(&before).Error; err != nil {
			return fmt.Errorf("evaluation criterion %d: %w", id, err)
		}
		if len(before) == 0 {
			return fmt.Errorf("evaluation criterion %d: %w", id, apperr.ErrNotFound)
		}
		if err := tx.Exec(`UPDATE evaluation_criteria SET subject = ?, measure = ?, name_vi = ?, name_en = ?, basis = ?, weight = ?,
			valid_from = ?, valid_to = ?, updated_at = now() WHERE id = ?`, subject, in.Measure, in.NameVI, in.NameEN, in.Basis,
			in.Weight, in.ValidFrom, in.ValidTo, id).Error; err != nil {
			return fmt.Errorf("change evaluation criterion %d: %w", id, err)
		}
		return audit.Record(tx, a, "evaluation_criterion.change", "evaluation_criterion", id, before[0], in)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

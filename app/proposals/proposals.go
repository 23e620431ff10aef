// Package proposals manages the inspection proposals of a year: what each body
// wishes to inspect, entered in a form or imported from an Excel or CSV file
// (all or nothing), listed with filters and exported in the same format. The
// framework plan is built from the submitted and accepted proposals of a year.
package proposals

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// Service manages proposals.
type Service struct {
	db *gorm.DB
}

// New returns a Service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// CanRead tells whether a may read proposals: the planners who manage them,
// and the approvers and viewers who read them. Unit offices and inspectors may
// not: a proposal may name an unannounced visit.
func CanRead(a authz.Actor) bool {
	return a.LoggedIn() && a.Is(models.RolePlanner, models.RoleApprover, models.RoleViewer)
}

func requireRead(a authz.Actor) error {
	if CanRead(a) {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("read proposals: %w", apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("read proposals as %s: %w", a.Role, apperr.ErrForbidden)
}

// PlanningYear is the year proposals are gathered for on day now: from July the
// next year (proposals come in autumn, the plan is issued by 20 December),
// before that the current one.
func PlanningYear(now time.Time) int {
	if now.Month() >= time.July {
		return now.Year() + 1
	}
	return now.Year()
}

// Row is a proposal with the code and name of its body and unit.
type Row struct {
	models.Proposal
	BodyCode  string `json:"body_code"`
	BodyName  string `json:"body_name"`
	BodyShort string `json:"body_short_name"`
	UnitCode  string `json:"unit_code"`
	UnitName  string `json:"unit_name"`
}

// rows selects the proposals a may read (authz.ProposalScopeOn: a viewer
// never reads an unannounced or verification proposal before its visit
// starts), joined with their body and unit.
func rows(db *gorm.DB, a authz.Actor) *gorm.DB {
	return db.Table("proposals AS p").Scopes(authz.ProposalScopeOn(a, "p")).
		Select(`p.*, b.code AS body_code, b.name AS body_name, b.short_name AS body_short,
			u.code AS unit_code, u.name AS unit_name`).
		Joins("JOIN bodies b ON b.id = p.body_id").
		Joins("JOIN units u ON u.id = p.unit_id")
}

// Filter narrows a list of proposals. Empty fields do not filter.
type Filter struct {
	Year   int    `json:"year" query:"year"`
	Body   string `json:"body" query:"body"`     // body code
	Kind   string `json:"kind" query:"kind"`     // inspection kind code
	Form   string `json:"form" query:"form"`     // planned, unannounced, verification
	Unit   string `json:"unit" query:"unit"`     // unit code: that unit and every unit below it
	Status string `json:"status" query:"status"` // draft, submitted, accepted, rejected, withdrawn
	Q      string `json:"q" query:"q"`           // words found in the unit, body, reference, note or legal basis
	// Sort is the column a list is sorted by (one of SortKeys; "-" before it
	// for descending); "" sorts by unit then body.
	Sort string `json:"sort" query:"sort"`
}

// sortColumns are the orders a list may be sorted by, each with a tie-break
// that keeps pages stable.
var sortColumns = map[string]string{
	"number": "p.id",
	"unit":   "u.path",
	"body":   "b.precedence",
	"kind":   "p.kind",
	"form":   "p.form",
	"window": "p.window_from",
	"days":   "p.days",
	"team":   "p.team_size",
	"status": "p.status",
}

// SortKeys lists the columns a list may be sorted by.
func SortKeys() []string {
	return []string{"number", "unit", "body", "kind", "form", "window", "days", "team", "status"}
}

// apply adds the filter's conditions to a query on rows (aliases p, b, u).
func (f Filter) apply(db *gorm.DB) *gorm.DB {
	if f.Year != 0 {
		db = db.Where("p.year = ?", f.Year)
	}
	if f.Body != "" {
		db = db.Where("b.code = ?", strings.TrimSpace(f.Body))
	}
	if f.Kind != "" {
		db = db.Where("p.kind = ?", strings.TrimSpace(f.Kind))
	}
	if f.Form != "" {
		db = db.Where("p.form = ?", strings.TrimSpace(f.Form))
	}
	if f.Status != "" {
		db = db.Where("p.status = ?", strings.TrimSpace(f.Status))
	}
	if f.Unit != "" {
		// The unit and its subtree, through the materialised path.
		db = db.Where("u.path LIKE (SELECT path FROM units WHERE code = ?) || '%'", strings.TrimSpace(f.Unit))
	}
	for _, w := range strings.Fields(f.Q) {
		// Each word, without case or diacritics, somewhere in what a planner reads.
		db = db.Where(searchText+` LIKE '%' || lower(khung_unaccent(?)) || '%'`, models.SearchPattern(w))
	}
	return db
}

// searchText is what the text filter looks in: the unit, the body, the
// proposal's ref, note and legal basis, without case or diacritics.
const searchText = `lower(khung_unaccent(u.name || ' ' || u.code || ' ' || b.name || ' ' || b.short_name || ' ' ||
	b.code || ' ' || coalesce(p.external_ref, '') || ' ' || p.note || ' ' || p.legal_basis))`

// order sorts a list by unit then body; with words to find, the proposals
// holding them as one phrase ("phuc xa") come first.
func (f Filter) order(db *gorm.DB) *gorm.DB {
	if phrase := strings.Join(strings.Fields(f.Q), " "); phrase != "" {
		db = db.Order(clause.Expr{SQL: searchText + ` LIKE '%' || lower(khung_unaccent(?)) || '%' DESC`,
			Vars: []any{models.SearchPattern(phrase)}, WithoutParentheses: true})
	}
	key, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	if col, ok := sortColumns[key]; ok {
		dir := " ASC NULLS LAST"
		if desc {
			dir = " DESC NULLS LAST"
		}
		db = db.Order(col + dir)
	}
	return db.Order("p.year, u.path, b.precedence, p.id")
}

// List returns one page of the proposals matching f, by unit then body (phrase
// matches of the text filter first).
func (s *Service) List(ctx context.Context, a authz.Actor, f Filter, p paging.Page) (paging.Result[Row], error) {
	if err := requireRead(a); err != nil {
		return paging.Result[Row]{}, err
	}
	p = p.Normal()
	db := s.db.WithContext(ctx)
	var total int64
	if err := rows(db, a).Scopes(f.apply).Count(&total).Error; err != nil {
		return paging.Result[Row]{}, fmt.Errorf("count proposals: %w", err)
	}
	var out []Row
	err := rows(db, a).Scopes(f.apply, f.order).Limit(p.Size).Offset(p.Offset()).Find(&out).Error
	if err != nil {
		return paging.Result[Row]{}, fmt.Errorf("list proposals: %w", err)
	}
	return paging.NewResult(out, total, p), nil
}

// all returns every proposal matching f (for exports), in list order.
func (s *Service) all(ctx context.Context, a authz.Actor, f Filter) ([]Row, error) {
	var out []Row
	err := rows(s.db.WithContext(ctx), a).Scopes(f.apply, f.order).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list proposals for export: %w", err)
	}
	return out, nil
}

// Counts are the numbers of proposals matching a filter, in all and by status
// and form (each ignoring the filter on itself, so the page can show what a
// click on another status would give).
type Counts struct {
	Total    int64            `json:"total"`
	ByStatus map[string]int64 `json:"by_status"`
	ByForm   map[string]int64 `json:"by_form"`
	Units    int64            `json:"units"` // distinct units among the matching proposals
}

// Count returns the counts of the proposals matching f.
func (s *Service) Count(ctx context.Context, a authz.Actor, f Filter) (Counts, error) {
	if err := requireRead(a); err != nil {
		return Counts{}, err
	}
	db := s.db.WithContext(ctx)
	out := Counts{ByStatus: map[string]int64{}, ByForm: map[string]int64{}}
	var tot struct{ Total, Units int64 }
	if err := rows(db, a).Scopes(f.apply).Select("count(*) AS total, count(DISTINCT p.unit_id) AS units").
		Scan(&tot).Error; err != nil {
		return Counts{}, fmt.Errorf("count proposals: %w", err)
	}
	out.Total, out.Units = tot.Total, tot.Units
	type group struct {
		Key string
		N   int64
	}
	byStatus := f
	byStatus.Status = ""
	var gs []group
	if err := rows(db, a).Scopes(byStatus.apply).Select("p.status AS key, count(*) AS n").Group("p.status").
		Scan(&gs).Error; err != nil {
		return Counts{}, fmt.Errorf("count proposals by status: %w", err)
	}
	for _, g := range gs {
		out.ByStatus[g.Key] = g.N
	}
	byForm := f
	byForm.Form = ""
	gs = nil
	if err := rows(db, a).Scopes(byForm.apply).Select("p.form AS key, count(*) AS n").Group("p.form").
		Scan(&gs).Error; err != nil {
		return Counts{}, fmt.Errorf("count proposals by form: %w", err)
	}
	for _, g := range gs {
		out.ByForm[g.Key] = g.N
	}
	return out, nil
}

// Get returns the proposal id; one a may not read is ErrNotFound, like one
// that does not exist.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (Row, error) {
	if err := requireRead(a); err != nil {
		return Row{}, err
	}
	return get(s.db.WithContext(ctx), a, id)
}

func get(db *gorm.DB, a authz.Actor, id int64) (Row, error) {
	var r Row
	err := rows(db, a).Where("p.id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Row{}, fmt.Errorf("proposal %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Row{}, fmt.Errorf("proposal %d: %w", id, err)
	}
	return r, nil
}

// Create checks in against the catalogs and adds it as a submitted proposal.
func (s *Service) Create(ctx context.Context, a authz.Actor, in Input) (Row, error) {
	return s.create(ctx, a, in, nil)
}

// CreateFromForm reads a proposal from text fields keyed by column key (a
// posted form: see ParseForm) and creates it; unreadable values and catalog
// problems are reported together, each field once.
func (s *Service) CreateFromForm(ctx context.Context, a authz.Actor, get func(key string) string) (Row, error) {
	in, ps := parseRecord(get)
	return s.create(ctx, a, in, ps)
}

func (s *Service) create(ctx context.Context, a authz.Actor, in Input, unreadable []problem) (Row, error) {
	if err := authz.Require(a, authz.ManageProposals); err != nil {
		return Row{}, err
	}
	in.normalise()
	var out Row
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		refs, err := loadRefs(tx, in.Year, []Input{in})
		if err != nil {
			return err
		}
		problems := unreadable
		for _, p := range refs.check(in) {
			if !slices.ContainsFunc(unreadable, func(u problem) bool { return u.Col == p.Col }) {
				problems = append(problems, p)
			}
		}
		if len(problems) > 0 {
			return fieldErrors(problems)
		}
		if in.ExternalRef != "" {
			taken, err := takenRefs(tx, in.Year, []string{in.ExternalRef})
			if err != nil {
				return err
			}
			if taken[in.ExternalRef] {
				return apperr.Field(colRef, "unique", "proposals.check.ref_taken", "Ref", in.ExternalRef, "Year", in.Year)
			}
		}
		p := refs.model(in, a)
		if err := tx.Omit("ID", "CreatedAt", "UpdatedAt").Create(&p).Error; err != nil {
			return fmt.Errorf("create proposal: %w", apperr.FromConstraint(err, constraints()))
		}
		if err := audit.Record(tx, a, "create", "proposals", p.ID, nil, p); err != nil {
			return err
		}
		out, err = get(tx, a, p.ID)
		return err
	})
	return out, err
}

// Withdraw marks the proposal id as withdrawn by its body, with the reason.
func (s *Service) Withdraw(ctx context.Context, a authz.Actor, id int64, reason string) (Row, error) {
	return s.close(ctx, a, id, models.ProposalWithdrawn, "withdraw", reason)
}

// Reject marks the proposal id as rejected by the planners, with the reason.
func (s *Service) Reject(ctx context.Context, a authz.Actor, id int64, reason string) (Row, error) {
	return s.close(ctx, a, id, models.ProposalRejected, "reject", reason)
}

// maxReason caps the reason of a withdrawal or a rejection, in characters.
const maxReason = 2000

// close moves an open proposal (draft, submitted or accepted) to a closed status
// with a reason; a closed proposal stays as it is (409).
func (s *Service) close(ctx context.Context, a authz.Actor, id int64, to models.ProposalStatus, action, reason string) (Row, error) {
	if err := authz.Require(a, authz.ManageProposals); err != nil {
		return Row{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Row{}, apperr.Field("reason", "required", "proposals.check.reason_required")
	}
	if len([]rune(reason)) > maxReason {
		return Row{}, apperr.Field("reason", "max", "proposals.check.reason_too_long", "Max", maxReason)
	}
	var out Row
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := get(tx, a, id)
		if err != nil {
			return err
		}
		// The status in the WHERE makes a concurrent change lose cleanly.
		res := tx.Model(&models.Proposal{}).
			Where("id = ? AND status IN ?", id, []models.ProposalStatus{models.ProposalDraft, models.ProposalSubmitted, models.ProposalAccepted}).
			Updates(map[string]any{"status": to, "status_reason": reason, "updated_at": gorm.Expr("now()")})
		if res.Error != nil {
			return fmt.Errorf("%s proposal %d: %w", action, id, res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.Fail(apperr.ErrConflict, "proposals.err.closed")
		}
		if out, err = get(tx, a, id); err != nil {
			return err
		}
		return audit.Record(tx, a, action, "proposals", id, before.Proposal, out.Proposal)
	})
	return out, err
}

// constraints names the constraint violation the checks should have caught (a
// concurrent import of the same refs, say), for apperr.FromConstraint.
func constraints() apperr.Constraints {
	return apperr.Constraints{"proposals_year_external_ref_key": {ID: "constraint.proposal_ref_taken"}}
}

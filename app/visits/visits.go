// Package visits reads the visits of the framework plan as each user may see
// them: the unit calendar, an inspector's "my visits", the JSON API and the
// iCal feed all go through this package and its one visibility rule (Visible).
// It never writes: plans and visits are made by the plans service.
package visits

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
	"khung/app/changes"
	"khung/app/paging"
	"khung/app/viewcache"
	"khung/models"
)

// Service reads visits through Visible.
type Service struct {
	db    *gorm.DB
	cache *viewcache.Cache // answers per visibility class (see View)
}

// New returns the service on db, with a cache of DefaultCacheBytes kept
// fresh by l (nil: no cache, every answer read from the database).
func New(db *gorm.DB, l *changes.Listener) *Service {
	return &Service{db: db, cache: viewcache.New(l, DefaultCacheBytes)}
}

// Visit is a visit as a reader sees it, with what the calendar shows: dates,
// the unit and its place in the unit tree, the lead and joint bodies, topics,
// the team and what to prepare.
type Visit struct {
	ID                int64              `json:"id"`
	Code              string             `json:"code"`
	Year              int                `json:"year"`
	Form              models.Form        `json:"form"`
	Status            models.VisitStatus `json:"status"`
	StartDate         *models.Date       `json:"start_date"`
	EndDate           *models.Date       `json:"end_date"` // inclusive
	Days              int                `json:"days"`
	UnscheduledReason string             `json:"unscheduled_reason,omitempty"`
	Unit              Unit               `json:"unit"`
	// Trail is the unit's place in the tree: its ancestors from the root down.
	Trail    []Unit `json:"unit_trail"`
	LeadBody Body   `json:"lead_body"`
	// JointBodies are the other bodies whose proposals the visit joins.
	JointBodies []Body   `json:"joint_bodies"`
	Kinds       []Kind   `json:"kinds"`
	Topics      []Topic  `json:"topics"`
	Team        []Member `json:"team"` // the leader first
	Prepare     []Text   `json:"prepare"`
	// Plan is the plan version the visit belongs to; nil for a visit made outside a plan.
	Plan *PlanRef `json:"plan"`
	// Decision is the visit's signed inspection decision; nil before it is signed.
	Decision  *DecisionRef `json:"decision"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// Leader returns the team leader, or nil when the team has none yet.
func (v Visit) Leader() *Member {
	for i := range v.Team {
		if v.Team[i].Role == models.MemberLead {
			return &v.Team[i]
		}
	}
	return nil
}

// Covers tells whether the visit is on site on day d.
func (v Visit) Covers(d models.Date) bool {
	return v.StartDate != nil && v.EndDate != nil && !d.Before(*v.StartDate) && !d.After(*v.EndDate)
}

// When places the visit relative to today: "upcoming", "ongoing", "past", or
// "unscheduled" when it has no dates.
func (v Visit) When(today models.Date) string {
	switch {
	case v.StartDate == nil || v.EndDate == nil:
		return "unscheduled"
	case today.Before(*v.StartDate):
		return "upcoming"
	case today.After(*v.EndDate):
		return "past"
	}
	return "ongoing"
}

// Teammates returns the team without the inspector whose id is me.
func (v Visit) Teammates(me int64) []Member {
	var out []Member
	for _, m := range v.Team {
		if m.InspectorID != me {
			out = append(out, m)
		}
	}
	return out
}

// Unit is a unit as a visit shows it.
type Unit struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	Path string `json:"path"`
}

// Body is an inspecting body as a visit shows it.
type Body struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
}

// Kind is an inspection kind of the visit's proposals.
type Kind struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
}

// Name returns the kind's name in lang.
func (k Kind) Name(lang string) string { return Text{VI: k.NameVI, EN: k.NameEN}.In(lang) }

// Topic is a topic of the visit's proposals, named from the catalog.
type Topic struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
}

// Name returns the topic's name in lang.
func (t Topic) Name(lang string) string { return Text{VI: t.NameVI, EN: t.NameEN}.In(lang) }

// Member is one inspector of the team.
type Member struct {
	InspectorID int64             `json:"inspector_id"`
	Code        string            `json:"code"`
	FullName    string            `json:"full_name"`
	Title       string            `json:"title"`
	Role        models.MemberRole `json:"role"`
}

// PlanRef names the plan version of a visit.
type PlanRef struct {
	VersionID      int64                    `json:"version_id"`
	Year           int                      `json:"year"`
	Number         int                      `json:"version_number"`
	Status         models.PlanVersionStatus `json:"status"`
	DocumentNumber string                   `json:"document_number"`
	Symbol         string                   `json:"symbol"`
}

// DecisionRef is the number and date of a visit's inspection decision: what a
// person cites ("Số 12/QĐ-SNV, 05/03/2027"), unlike the visit's internal code.
type DecisionRef struct {
	VisitID  int64       `json:"-"`
	Number   int         `json:"number"`
	Symbol   string      `json:"symbol"`
	SignedOn models.Date `json:"signed_on"`
}

// MyVisit is a visit of "my visits": the visit and the inspector's role on it.
type MyVisit struct {
	Visit
	Role models.MemberRole `json:"role"`
}

// Filter narrows a list of visits. Every filter is applied inside the
// visibility rule, so it can only narrow what the actor sees.
type Filter struct {
	Year   int    `query:"year" json:"year" validate:"omitempty,min=2000,max=2100"`
	Month  int    `query:"month" json:"month" validate:"omitempty,min=1,max=12"`
	UnitID int64  `query:"unit" json:"unit" validate:"omitempty,min=1"` // this unit, those below it and their predecessors
	Q      string `query:"q" json:"q" validate:"max=200"`               // search: unit name or code, lead body, visit code
}

// Validate checks f: numbers in range, and a month needs a year.
func (f Filter) Validate() error {
	if err := apperr.Validate(f); err != nil {
		return err
	}
	if f.Month != 0 && f.Year == 0 {
		return apperr.Field("year", "required_with", "visits.check.year_with_month")
	}
	return nil
}

// Range is an inclusive range of dates; a visit is in it when their days overlap.
type Range struct{ From, To models.Date }

// base is the query of the visits a sees today, narrowed by f (and by r when
// r is not zero).
func (s *Service) base(ctx context.Context, a authz.Actor, today models.Date, f Filter, r Range) *gorm.DB {
	db := s.db.WithContext(ctx).Model(&models.Visit{}).Scopes(Visible(a, today))
	if f.Year != 0 {
		db = db.Where("visits.year = ?", f.Year)
	}
	if f.Month != 0 {
		// December's month+1 is 13: NewDate makes it January of the next year.
		r = Range{models.NewDate(f.Year, time.Month(f.Month), 1), models.NewDate(f.Year, time.Month(f.Month)+1, 1).AddDays(-1)}
	}
	if !r.From.IsZero() {
		db = db.Where("visits.start_date <= ? AND visits.end_date >= ?", r.To, r.From)
	}
	if f.UnitID != 0 {
		// The unit, the units below it and those they were formed from: a
		// ward's list holds the visits to the wards merged into it.
		db = db.Scopes(authz.InUnitReach("visits.unit_id", f.UnitID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// Diacritics and case are ignored on both sides, as in the unit search.
		db = db.Where(`(EXISTS (SELECT 1 FROM units su WHERE su.id = visits.unit_id
		        AND su.search_text LIKE '%' || lower(khung_unaccent(?)) || '%')
		    OR EXISTS (SELECT 1 FROM bodies sb WHERE sb.id = visits.lead_body_id
		        AND lower(khung_unaccent(sb.name || ' ' || sb.short_name || ' ' || sb.code)) LIKE '%' || lower(khung_unaccent(?)) || '%')
		    OR lower(visits.code) = lower(?))`, models.SearchPattern(q), models.SearchPattern(q), q)
	}
	return db
}

// ordered sorts visits by their first day (unscheduled ones last).
func ordered(db *gorm.DB) *gorm.DB {
	return db.Order("visits.start_date ASC NULLS LAST, visits.id ASC")
}

// List returns one page of the visits a sees today, filtered by f, by date.
func (s *Service) List(ctx context.Context, a authz.Actor, today models.Date, f Filter, p paging.Page) (paging.Result[Visit], error) {
	if err := f.Validate(); err != nil {
		return paging.Result[Visit]{}, err
	}
	p = p.Normal()
	// The total rides along with the page (a window count over the same rows)
	// instead of costing its own round trip; only a page past the end, which
	// has no row to carry it, counts separately.
	var counted []struct {
		models.Visit
		Total int64
	}
	err := ordered(s.base(ctx, a, today, f, Range{})).Select("visits.*, count(*) OVER () AS total").
		Offset(p.Offset()).Limit(p.Size).Find(&counted).Error
	if err != nil {
		return paging.Result[Visit]{}, fmt.Errorf("list visits: %w", err)
	}
	var total int64
	if len(counted) > 0 {
		total = counted[0].Total
	} else if p.Offset() > 0 {
		if err := s.base(ctx, a, today, f, Range{}).Count(&total).Error; err != nil {
			return paging.Result[Visit]{}, fmt.Errorf("count visits: %w", err)
		}
	}
	rows := make([]models.Visit, len(counted))
	for i, r := range counted {
		rows[i] = r.Visit
	}
	items, err := s.details(ctx, rows)
	if err != nil {
		return paging.Result[Visit]{}, err
	}
	return paging.NewResult(items, total, p), nil
}

// MaxInRange caps the visits of one calendar range (a month of the whole city
// holds about a hundred).
const MaxInRange = 2000

// InRange returns the scheduled visits a sees today whose days overlap r,
// filtered by f (its month ignored), by date; at most MaxInRange.
func (s *Service) InRange(ctx context.Context, a authz.Actor, today models.Date, f Filter, r Range) ([]Visit, error) {
	f.Month = 0
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var rows []models.Visit
	err := ordered(s.base(ctx, a, today, f, r)).Limit(MaxInRange).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("visits from %s to %s: %w", r.From, r.To, err)
	}
	return s.details(ctx, rows)
}

// Count returns how many visits a sees today with filter f.
func (s *Service) Count(ctx context.Context, a authz.Actor, today models.Date, f Filter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	var n int64
	if err := s.base(ctx, a, today, f, Range{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count visits: %w", err)
	}
	return n, nil
}

// Get returns one visit a sees today. A visit a may not see is ErrNotFound,
// exactly like one that does not exist, so its existence does not leak.
func (s *Service) Get(ctx context.Context, a authz.Actor, today models.Date, id int64) (Visit, error) {
	var row models.Visit
	err := s.base(ctx, a, today, Filter{}, Range{}).Where("visits.id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Visit{}, fmt.Errorf("visit %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Visit{}, fmt.Errorf("get visit %d: %w", id, err)
	}
	items, err := s.details(ctx, []models.Visit{row})
	if err != nil {
		return Visit{}, err
	}
	return items[0], nil
}

// Next returns the first day of the next visit a sees today that is not over
// yet (ok false when none): the calendar opens on its month.
func (s *Service) Next(ctx context.Context, a authz.Actor, today models.Date) (models.Date, bool, error) {
	var row models.Visit
	err := s.base(ctx, a, today, Filter{}, Range{}).Where("visits.end_date >= ?", today).
		Order("visits.start_date ASC").Select("visits.start_date").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && row.StartDate == nil) {
		return models.Date{}, false, nil
	}
	if err != nil {
		return models.Date{}, false, fmt.Errorf("next visit: %w", err)
	}
	return *row.StartDate, true, nil
}

// mineSorts are the columns the list of a person's own visits may be sorted by.
var mineSorts = paging.Columns{
	"dates": "visits.start_date", "unit": paging.Text("(SELECT u.name FROM units u WHERE u.id = visits.unit_id)"),
	"role": "me.role", "status": "visits.status",
}

// MineSortKeys are the columns the list of a person's own visits may be sorted by.
func MineSortKeys() []string { return mineSorts.Keys() }

// Mine returns one page of the visits whose team a's inspector profile is on,
// among those a sees today: upcoming and current ones first (soonest first),
// then past ones (latest first), unscheduled ones last; or by the column
// p.Sort names.
func (s *Service) Mine(ctx context.Context, a authz.Actor, today models.Date, p paging.Page) (paging.Result[MyVisit], error) {
	p = p.Normal()
	if a.InspectorID == 0 {
		return paging.NewResult([]MyVisit(nil), 0, p), nil
	}
	mine := func() *gorm.DB {
		return s.base(ctx, a, today, Filter{}, Range{}).Joins("JOIN visit_members me ON me.visit_id = visits.id AND me.inspector_id = ?", a.InspectorID)
	}
	var total int64
	if err := mine().Count(&total).Error; err != nil {
		return paging.Result[MyVisit]{}, fmt.Errorf("count my visits: %w", err)
	}
	var rows []struct {
		models.Visit
		MyRole models.MemberRole
	}
	q := mine().Select("visits.*, me.role AS my_role")
	if order := mineSorts.Order(p.Sort, "", "visits.id"); order != "" {
		q = q.Order(order)
	} else {
		q = q.Order(clause.OrderBy{Expression: clause.Expr{SQL: `visits.start_date IS NULL,
		    visits.end_date < ?,
		    CASE WHEN visits.end_date >= ? THEN visits.start_date END ASC,
		    visits.start_date DESC, visits.id`, Vars: []any{today, today}, WithoutParentheses: true}})
	}
	err := q.Offset(p.Offset()).Limit(p.Size).Find(&rows).Error
	if err != nil {
		return paging.Result[MyVisit]{}, fmt.Errorf("list my visits: %w", err)
	}
	plain := make([]models.Visit, len(rows))
	for i, r := range rows {
		plain[i] = r.Visit
	}
	items, err := s.details(ctx, plain)
	if err != nil {
		return paging.Result[MyVisit]{}, err
	}
	out := make([]MyVisit, len(items))
	for i, v := range items {
		out[i] = MyVisit{Visit: v, Role: rows[i].MyRole}
	}
	return paging.NewResult(out, total, p), nil
}

// Units returns the units a unit user may filter its calendar by: its unit and
// those below it, in tree order (at most 500). Other roles search instead.
func (s *Service) Units(ctx context.Context, a authz.Actor) ([]Unit, error) {
	if a.Role != models.RoleUnit || a.UnitPath == "" {
		return nil, nil
	}
	var out []Unit
	err := s.db.WithContext(ctx).Model(&models.Unit{}).Select("id, code, name, path").
		Where("path LIKE ?", models.SubtreePattern(a.UnitPath)).Order("path").Limit(500).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("units for the calendar filter: %w", err)
	}
	return out, nil
}

// Package reports counts what the department did: every inspection (the
// city's visits, one inspection per body of a joint visit, and those
// departments and commune offices ran themselves), findings, conclusions,
// recommendations and the visits merging avoided, for a period, under the
// visibility rule (app/authz's statistics conditions). The periodic report,
// its Excel and PDF, and the dashboard all read Periodic: one set of figures.
package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/msg"
	"khung/models"
	"khung/views"
)

// Service reads the statistics.
type Service struct {
	db      *gorm.DB
	loc     *time.Location
	locales *views.Locales
}

// New returns the service.
func New(db *gorm.DB, loc *time.Location, locales *views.Locales) *Service {
	return &Service{db: db, loc: loc, locales: locales}
}

// MaxDays is the longest period one report covers (ten years).
const MaxDays = 3660

// Filter narrows a report: the period (both days inclusive) and, optionally,
// one body (key "b<id>") or one unit that ran its own inspections ("u<id>"),
// one area (a unit: it and the units below it), one kind of inspection, and,
// for the lists behind the figures, one level and one form. Period names a
// preset ("2027", "2027-h1", "2027-h2") when the period is one.
type Filter struct {
	Period string      `json:"period,omitempty"`
	From   models.Date `json:"from"`
	To     models.Date `json:"to"`
	Body   string      `json:"body,omitempty"`
	Area   int64       `json:"area,omitempty"`
	Kind   string      `json:"kind,omitempty"`
	Level  string      `json:"level,omitempty"`
	Form   string      `json:"form,omitempty"`

	areaPattern string // the area's subtree, once resolved (Service.withArea)
}

// ParseFilter reads a filter from query values (get returns "" for a missing
// one). A preset period ("2027", "2027-h1", "2027-h2") sets both dates;
// without one, a bad or missing date is a field error naming it; an unknown
// period, level or form, or a malformed body or area, too.
func ParseFilter(get func(string) string) (Filter, error) {
	var f Filter
	ve := &apperr.ValidationError{}
	f.Period = strings.TrimSpace(get("period"))
	dates := []struct {
		name string
		dst  *models.Date
	}{{"from", &f.From}, {"to", &f.To}}
	if f.Period != "" {
		var ok bool
		if f.From, f.To, ok = Preset(f.Period); !ok {
			ve.AddField("period", "oneof", "reports.check.period", "Value", f.Period)
		}
		dates = nil
	}
	for _, d := range dates {
		s := strings.TrimSpace(get(d.name))
		if s == "" {
			ve.AddField(d.name, "required", "reports.check.date_required")
			continue
		}
		v, err := models.ParseTyped(s)
		if err != nil {
			ve.AddField(d.name, "date", "reports.check.date_format", "Value", s)
			continue
		}
		*d.dst = v
	}
	if f.Period == "" {
		f.Period = PresetOf(f.From, f.To)
	}
	if len(ve.Fields) == 0 {
		switch {
		case f.To.Before(f.From):
			ve.AddField("to", "gtefield", "reports.check.to_before_from")
		case f.From.DaysUntil(f.To) > MaxDays:
			ve.AddField("to", "max", "reports.check.too_long", "Years", MaxDays/366)
		}
	}
	f.Body = strings.TrimSpace(get("body"))
	if f.Body != "" {
		if _, _, ok := bodyKey(f.Body); !ok {
			ve.AddField("body", "oneof", "reports.check.body")
		}
	}
	if s := strings.TrimSpace(get("area")); s != "" {
		var id int64
		if _, err := fmt.Sscan(s, &id); err != nil || id <= 0 {
			ve.AddField("area", "min", "reports.check.area")
		}
		f.Area = id
	}
	f.Kind = strings.TrimSpace(get("kind"))
	f.Level = strings.TrimSpace(get("level"))
	if f.Level != "" && !slices.Contains(Levels(), f.Level) {
		ve.AddField("level", "oneof", "reports.check.level")
	}
	f.Form = strings.TrimSpace(get("form"))
	if f.Form != "" && !slices.Contains(Forms(), f.Form) {
		ve.AddField("form", "oneof", "reports.check.form")
	}
	if len(ve.Fields) > 0 {
		return f, ve
	}
	return f, nil
}

// bodyKey splits "b12" (a body) or "u34" (a unit that ran its own inspections).
func bodyKey(s string) (kind byte, id int64, ok bool) {
	if len(s) < 2 || (s[0] != 'b' && s[0] != 'u') {
		return 0, 0, false
	}
	if _, err := fmt.Sscan(s[1:], &id); err != nil || id <= 0 || fmt.Sprint(id) != s[1:] {
		return 0, 0, false
	}
	return s[0], id, true
}

// Levels are the levels of the report, in its order: the city's team, the
// departments (the department's inspectorate and divisions, and every
// department's own inspections), the communes (and, before July 2025, the
// districts).
func Levels() []string { return []string{"city_team", "department", "commune"} }

// Forms are the forms of inspection, in the report's order.
func Forms() []string {
	return []string{string(models.FormPlanned), string(models.FormUnannounced), string(models.FormVerification)}
}

// MayRead tells whether a reads statistics: leadership (approver, viewer),
// planners, and units for their own subtree.
func MayRead(a authz.Actor) bool {
	return authz.Can(a, authz.ViewStatistics) || (a.LoggedIn() && a.Role == models.RoleUnit)
}

func requireReader(a authz.Actor) error {
	if MayRead(a) {
		return nil
	}
	return authz.Require(a, authz.ViewStatistics)
}

// Count is one line of a breakdown: a key (a level, a kind's code, a body
// "b<id>" or a unit "u<id>"…), its name in both languages and how many.
type Count struct {
	Key    string `json:"key"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Count  int    `json:"count"`
}

// Totals are the headline figures.
type Totals struct {
	Inspections    int `json:"inspections"`     // every inspection: visits per body, and units' own
	Visits         int `json:"visits"`          // the city's visits (a joint visit once)
	OwnInspections int `json:"own_inspections"` // those departments and communes ran themselves
}

// FindingCount counts findings of one type and severity ("" severity: not
// recorded, as in a unit's own inspection).
type FindingCount struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
}

// Conclusions counts the conclusions signed in the period: on time (within
// the rule's days of receiving the draft), late, and without a draft date
// (not measurable); own counts those of units' own inspections.
type Conclusions struct {
	Issued       int    `json:"issued"`
	OnTime       int    `json:"on_time"`
	Late         int    `json:"late"`
	NoDraftDate  int    `json:"no_draft_date"`
	Own          int    `json:"own"`
	DeadlineDays int    `json:"deadline_days"`
	WorkingDays  bool   `json:"deadline_in_working_days"`
	RuleKey      string `json:"rule"`
}

// OwnerRecommendations are one owner unit's recommendations of the period.
type OwnerRecommendations struct {
	UnitID    int64   `json:"unit_id"`
	Name      string  `json:"name"`
	Issued    int     `json:"issued"`
	Done      int     `json:"done"`
	Open      int     `json:"open"`
	Overdue   int     `json:"overdue"`
	Cancelled int     `json:"cancelled"`
	MaxAgeing int     `json:"max_ageing_working_days"`
	Rate      float64 `json:"remediation_rate"` // done / (issued − cancelled); 0 when none
}

// AgeingBucket counts overdue recommendations by working days past the deadline.
type AgeingBucket struct {
	Key   string `json:"key"` // "1-5", "6-10", "11-30", "31+"
	From  int    `json:"from"`
	To    int    `json:"to"` // 0: no upper bound
	Count int    `json:"count"`
}

// Recommendations are the recommendations of the conclusions signed in the
// period, as they stand at AsOf (the period's end, or today when earlier).
type Recommendations struct {
	AsOf      models.Date            `json:"as_of"`
	Issued    int                    `json:"issued"`
	Done      int                    `json:"done"`
	Open      int                    `json:"open"`
	Overdue   int                    `json:"overdue"`
	Cancelled int                    `json:"cancelled"`
	Rate      float64                `json:"remediation_rate"`
	Ageing    []AgeingBucket         `json:"ageing"`
	ByOwner   []OwnerRecommendations `json:"by_owner"`
	// Recorded are those of units' own inspections (no deadlines in Khung).
	RecordedIssued int `json:"recorded_issued"`
	RecordedDone   int `json:"recorded_done"`
}

// MergeSavings is Khung's own value: the proposals received that the city's
// visits of the period serve, the inspections they stand for, the visits
// made, and the visits merging avoided (inspections − visits).
type MergeSavings struct {
	ProposalsReceived int `json:"proposals_received"`
	Inspections       int `json:"inspections"`
	Visits            int `json:"visits"`
	VisitsAvoided     int `json:"visits_avoided"`
}

// Report is the periodic report.
type Report struct {
	Filter          Filter          `json:"filter"`
	Totals          Totals          `json:"totals"`
	ByLevel         []Count         `json:"by_level"`
	ByKind          []Count         `json:"by_kind"`
	ByForm          []Count         `json:"by_form"`
	ByBody          []Count         `json:"by_body"`
	ByTopic         []Count         `json:"by_topic"`
	ByMonth         []Count         `json:"by_month"`
	Findings        []FindingCount  `json:"findings"`
	Conclusions     Conclusions     `json:"conclusions"`
	Recommendations Recommendations `json:"recommendations"`
	MergeSavings    MergeSavings    `json:"merge_savings"`
}

// names renders a message in both languages.
func (s *Service) names(m msg.Message) (string, string) {
	return s.locales.For("vi").Msg(m), s.locales.For("en").Msg(m)
}

// levelNames and formNames are the names of the report's levels and forms.
var (
	levelNames = map[string]msg.Message{
		"city_team":  msg.Message{ID: "reports.level.city_team"},
		"department": msg.Message{ID: "reports.level.department"},
		"commune":    msg.Message{ID: "reports.level.commune"},
	}
	formNames = map[string]msg.Message{
		"planned":      msg.Message{ID: "reports.form.planned"},
		"unannounced":  msg.Message{ID: "reports.form.unannounced"},
		"verification": msg.Message{ID: "reports.form.verification"},
	}
)

// Periodic computes the report of f for a.
func (s *Service) Periodic(ctx context.Context, a authz.Actor, f Filter) (Report, error) {
	r := Report{Filter: f}
	if err := requireReader(a); err != nil {
		return r, err
	}
	f, err := s.withArea(ctx, f)
	if err != nil {
		return r, err
	}
	base := inspectionsCTE(a, f)
	err = s.readAll(ctx, []func(tx *gorm.DB) error{
		func(tx *gorm.DB) error { return s.figures(tx, base, &r) },
		func(tx *gorm.DB) error { return s.findings(tx, a, f, &r) },
		func(tx *gorm.DB) error { return s.conclusions(ctx, tx, a, f, &r.Conclusions) },
		func(tx *gorm.DB) error { return s.recommendations(ctx, tx, a, f, &r.Recommendations) },
	})
	return r, err
}

// readAll runs the steps of a report at once, each in its own read-only
// transaction on its own connection (each writes its own part of the
// report): a country's year is a few statements of a second each, and on
// two cores, or a machine others share, they finish sooner side by side
// than one after the other. Their statements each run once over up to half
// a million rows: PostgreSQL's JIT compilation would cost more than it saves,
// and a larger work_mem keeps their grouping in memory (docs/performance.md,
// "Reports at scale").
func (s *Service) readAll(ctx context.Context, steps []func(tx *gorm.DB) error) error {
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				for _, q := range []string{"SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'"} {
					if err := tx.Exec(q).Error; err != nil {
						return fmt.Errorf("report settings: %w", err)
					}
				}
				return step(tx)
			}, &sql.TxOptions{ReadOnly: true})
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Trend is the number of inspections, by level, of the same days of the
// previous years (oldest first), ending with the report's own period.
type Trend struct {
	Years []TrendYear `json:"years"`
}

// TrendYear is one year's figures of a Trend.
type TrendYear struct {
	Year        int            `json:"year"`
	From        models.Date    `json:"from"`
	To          models.Date    `json:"to"`
	Inspections int            `json:"inspections"`
	ByLevel     map[string]int `json:"by_level"`
}

// YearOnYear returns the inspections of the period of f and of the same days
// of the years before it (years in all, the period's own included).
func (s *Service) YearOnYear(ctx context.Context, a authz.Actor, f Filter, years int) (Trend, error) {
	var t Trend
	if err := requireReader(a); err != nil {
		return t, err
	}
	f, err := s.withArea(ctx, f)
	if err != nil {
		return t, err
	}
	t.Years = make([]TrendYear, years)
	steps := make([]func(tx *gorm.DB) error, years)
	for k := range years {
		g := f
		g.From, g.To = shiftYears(f.From, k+1-years), shiftYears(f.To, k+1-years)
		steps[k] = func(tx *gorm.DB) error {
			base := inspectionsCTE(a, g)
			var rows []struct {
				Level string
				N     int
			}
			if err := tx.Raw(base.sql+` SELECT level, count(*) AS n FROM ins GROUP BY level`, base.args...).
				Scan(&rows).Error; err != nil {
				return fmt.Errorf("trend %s–%s: %w", g.From, g.To, err)
			}
			y := TrendYear{Year: g.To.Year, From: g.From, To: g.To, ByLevel: map[string]int{}}
			for _, r := range rows {
				y.ByLevel[r.Level] = r.N
				y.Inspections += r.N
			}
			t.Years[k] = y
			return nil
		}
	}
	err = s.readAll(ctx, steps)
	return t, err
}

// shiftYears moves d by n years, 29 February becoming 28 February.
func shiftYears(d models.Date, n int) models.Date {
	day := d.Day
	if d.Month == time.February && day == 29 {
		day = 28
	}
	return models.NewDate(d.Year+n, d.Month, day)
}

package plans

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"khung/app/authz"
	"khung/app/planning"
	"khung/app/units"
	"khung/app/viewcache"
	"khung/models"
	"khung/views"
)

// BoardFilter chooses what the plan board shows: the timeline by month or by
// ISO week, rows by area or by inspector, and filters on the visits.
type BoardFilter struct {
	View   string `query:"view"`   // "month" (default) or "week"
	Group  string `query:"group"`  // "area" (default) or "inspector"
	Body   string `query:"body"`   // a body code: visits serving one of its proposals
	Form   string `query:"form"`   // planned, unannounced, verification
	Area   string `query:"area"`   // an area (district) code
	Status string `query:"status"` // scheduled, unscheduled, soft (scheduled with a soft penalty)
	Q      string `query:"q"`      // unit name or code, or visit code
	// Quarter (1–4) is the quarter the week view shows: 13 or 14 weeks fit
	// the screen, 53 do not. Without one the board opens on the quarter of
	// today when the plan is this year's, else on the first.
	Quarter int `query:"quarter"`
}

// Board statuses.
const (
	StatusScheduled   = "scheduled"
	StatusUnscheduled = "unscheduled"
	StatusSoft        = "soft"
)

// normalise drops values the board does not know.
func (f *BoardFilter) normalise() {
	if f.View != "week" {
		f.View = "month"
	}
	if f.Group != "inspector" {
		f.Group = "area"
	}
	if f.Quarter < 1 || f.Quarter > 4 {
		f.Quarter = 0 // chosen with the plan's year (openingQuarter)
	}
	switch models.Form(f.Form) {
	case models.FormPlanned, models.FormUnannounced, models.FormVerification:
	default:
		f.Form = ""
	}
	switch f.Status {
	case StatusScheduled, StatusUnscheduled, StatusSoft:
	default:
		f.Status = ""
	}
	f.Body, f.Area, f.Q = strings.TrimSpace(f.Body), strings.TrimSpace(f.Area), strings.TrimSpace(f.Q)
}

// Board is the plan board of a version: a timeline grid (rows × columns of
// visit chips), the conflicts panel (unscheduled visits and visits with soft
// penalties) and the penalty breakdown.
type Board struct {
	Version     Version
	Filter      BoardFilter
	Columns     []Column
	Rows        []BoardRow
	Shown       int     // scheduled visits on the timeline
	Unscheduled []Visit // unscheduled visits that match the filter
	Penalised   []Visit // scheduled visits with soft penalties, worst first
	Metrics     planning.Metrics
	PenaltyBy   []Component
	Bodies      []Option
	Areas       []Option
	Names       *Names // names the ids of the explanations
}

// Column is a month (Key 1–12) or an ISO week (Key = week number) of the timeline.
type Column struct {
	Kind string // "month" or "week"
	Key  int
	From time.Time // first day (weeks: Monday)
	To   time.Time // last day (weeks: Sunday)
	// Year is the ISO year of a week: the plan's year, or the year before or
	// after for the days around New Year that belong to another year's week.
	Year int
}

// BoardRow is one area or inspector with its visits, one cell per column.
type BoardRow struct {
	Key   string
	Label string
	Sub   string
	Cells [][]Chip
	Count int
	// Area names an area row on the plan's year start (empty for inspectors).
	Area units.Area
}

// Title is the row's name in t's language: an area that had ended before
// the plan's year is named as a former area.
func (r BoardRow) Title(t *views.Translator) string {
	if r.Area.Name != "" {
		return r.Area.In(t)
	}
	return r.Label
}

// Chip is a visit in a cell; Lead marks the inspector's own lead role.
type Chip struct {
	V    *Visit
	Lead bool
}

// Component is one penalty component of the version's score.
type Component struct {
	Name  string
	Value float64
}

// Option is a choice of a filter.
type Option struct {
	Code, Name string
	// Area, for an area, names it on the plan's year start.
	Area units.Area `gorm:"-"`
}

// Label is the option's name in t's language (see BoardRow.Title).
func (o Option) Label(t *views.Translator) string {
	if o.Area.Name != "" {
		return o.Area.In(t)
	}
	return o.Name
}

// BoardCacheBytes bounds the boards the service keeps (see Board).
const BoardCacheBytes = 256 << 20

// Board returns the board of version id as a may see it (on a.Today). Boards
// are kept per visibility class, day, version and filter until a table they
// show changes (app/viewcache: one query checks it): a national board takes
// seconds to read and score. The Board returned is shared: read it, never
// change it.
func (s *Service) Board(ctx context.Context, a authz.Actor, id int64, f BoardFilter) (Board, error) {
	f.normalise()
	view, err := s.boards.View(ctx, a, a.Today)
	if err != nil {
		return Board{}, err
	}
	// The key holds every field of the filter (%#v), so a field added later is never forgotten.
	return viewcache.Remember(ctx, view, fmt.Sprintf("board|%d|%#v", id, f),
		func(ctx context.Context, a authz.Actor, today models.Date) (Board, int, error) {
			a.Today = today
			b, err := s.board(ctx, a, id, f)
			return b, b.bytes(), err
		})
}

// BoardCacheStats reports what the service keeps of boards.
func (s *Service) BoardCacheStats() viewcache.Stats { return s.boards.Stats() }

// bytes estimates the memory b holds, for the cache's bound.
func (b Board) bytes() int {
	n := 4096
	for _, vs := range [][]Visit{b.Unscheduled, b.Penalised} {
		for i := range vs {
			n += vs[i].bytes()
		}
	}
	seen := map[*Visit]bool{} // the rows point at the visits: count each once
	for _, r := range b.Rows {
		n += 256 + len(r.Cells)*24
		for _, cell := range r.Cells {
			for _, chip := range cell {
				n += 16
				if !seen[chip.V] {
					seen[chip.V] = true
					n += chip.V.bytes()
				}
			}
		}
	}
	return n
}

// bytes estimates the memory v holds.
func (v *Visit) bytes() int {
	n := 640 + len(v.UnitName) + len(v.AreaName) + len(v.LeadBodyName)
	for _, w := range [][]string{v.Why, v.WhyVi} {
		for _, s := range w {
			n += 16 + len(s)
		}
	}
	n += len(v.Proposals)*320 + len(v.Team)*160 + len(v.WhyMsgs)*128 + len(v.Soft.Windows)*96
	return n
}

// board reads and scores the board of version id as a may see it.
func (s *Service) board(ctx context.Context, a authz.Actor, id int64, f BoardFilter) (Board, error) {
	tx := s.db.WithContext(ctx)
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return Board{}, err
	}
	// The board shows no explanation (the visit's page does): leave out the
	// planner's sentences, the largest columns of a visit.
	q := visitQuery(tx, a, id).Select(`v.id, v.code, v.unit_id, u.code AS unit_code, u.name AS unit_name, u.area_code,
		coalesce(ar.name, '') AS area_name, v.form, b.code AS lead_body_code, b.name AS lead_body_name,
		v.start_date, v.end_date, v.days, v.team_size, v.priority, v.unscheduled_reason, v.status,
		v.unscheduled_reason_vi, v.unscheduled_msg, ` + areaColumns)
	if f.Body != "" {
		q = q.Where(`EXISTS (SELECT 1 FROM visit_proposals vp JOIN proposals p ON p.id = vp.proposal_id
			JOIN bodies pb ON pb.id = p.body_id WHERE vp.visit_id = v.id AND pb.code = ?)`, f.Body)
	}
	if f.Form != "" {
		q = q.Where("v.form = ?", f.Form)
	}
	if f.Area != "" {
		q = q.Where("u.area_code = ?", f.Area)
	}
	switch f.Status {
	case StatusScheduled, StatusSoft:
		q = q.Where("v.start_date IS NOT NULL")
	case StatusUnscheduled:
		q = q.Where("v.start_date IS NULL")
	}
	if f.Q != "" {
		// search_text is lower-case and unaccented (trigram-indexed), so "phuc xa" finds "Phúc Xá".
		q = q.Where(`(u.search_text LIKE '%' || lower(khung_unaccent(?)) || '%' OR v.code = ?)`, models.SearchPattern(f.Q), f.Q)
	}
	visits, err := loadVisits(q)
	if err != nil {
		return Board{}, err
	}
	soft, err := s.softOf(tx, id)
	if err != nil {
		return Board{}, err
	}
	withSoft(soft, visits)
	names, err := loadPageNames(tx, a, id)
	if err != nil {
		return Board{}, err
	}
	for i := range visits {
		visits[i].names = names
	}
	if f.Quarter == 0 {
		f.Quarter = openingQuarter(v.Year, a.Today)
	}
	b := Board{Version: v, Filter: f, Unscheduled: []Visit{}, Penalised: []Visit{}, Names: names}
	if len(v.Metrics) > 0 {
		if err := v.Metrics.Unmarshal(&b.Metrics); err != nil {
			return Board{}, fmt.Errorf("metrics of version %d: %w", id, err)
		}
	}
	for _, name := range Components() {
		b.PenaltyBy = append(b.PenaltyBy, Component{Name: name, Value: b.Metrics.PenaltyBy[name]})
	}
	var shown []*Visit
	for i := range visits {
		vis := &visits[i]
		switch {
		case !vis.Scheduled():
			b.Unscheduled = append(b.Unscheduled, *vis)
		case f.Status == StatusSoft && !vis.Soft.Any():
		default:
			shown = append(shown, vis)
			if vis.Soft.Any() {
				b.Penalised = append(b.Penalised, *vis)
			}
		}
	}
	slices.SortStableFunc(b.Penalised, func(x, y Visit) int { return cmp.Compare(y.Soft.Points, x.Soft.Points) })
	b.Columns = columns(v.Year, f.View, f.Quarter)
	if f.View == "week" { // the quarter's weeks only (1–3 January count in week 1)
		first, last := b.Columns[0].From, b.Columns[len(b.Columns)-1].To
		if f.Quarter == 1 {
			first = time.Date(v.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		shown = slices.DeleteFunc(shown, func(x *Visit) bool {
			t := x.StartDate.Time()
			return t.Before(first) || t.After(last)
		})
	}
	b.Shown = len(shown)
	b.Rows = rows(shown, b.Columns, f.Group, yearStart(v.Year))
	if b.Bodies, err = s.bodyOptions(ctx, a, id); err != nil {
		return Board{}, err
	}
	if b.Areas, err = s.areaOptions(ctx, a, id, yearStart(v.Year)); err != nil {
		return Board{}, err
	}
	return b, nil
}

// openingQuarter is the quarter the week view opens on: today's when the
// plan is this year's, else the first.
func openingQuarter(year int, today models.Date) int {
	if today.Year != year {
		return 1
	}
	return (int(today.Month)-1)/3 + 1
}

// columns returns the 12 months of year, or the ISO weeks of one quarter of
// it: the weeks whose Thursday falls in the quarter (ISO's rule). The last
// quarter ends with the week of next year that holds 31 December when there
// is one (29–31 December may be working days); 1–3 January outside week 1
// are a holiday and a weekend, and count in week 1.
func columns(year int, view string, quarter int) []Column {
	var out []Column
	if view != "week" {
		for m := time.January; m <= time.December; m++ {
			from := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
			out = append(out, Column{Kind: "month", Key: int(m), From: from, To: from.AddDate(0, 1, -1), Year: year})
		}
		return out
	}
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	week1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	dec31 := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	week := func(monday time.Time) Column {
		y, w := monday.AddDate(0, 0, 3).ISOWeek()
		return Column{Kind: "week", Key: w, From: monday, To: monday.AddDate(0, 0, 6), Year: y}
	}
	var d time.Time
	for d = week1; d.AddDate(0, 0, 3).Year() == year; d = d.AddDate(0, 0, 7) {
		if int(d.AddDate(0, 0, 3).Month()-1)/3+1 == quarter {
			out = append(out, week(d))
		}
	}
	if quarter == 4 && !d.After(dec31) {
		out = append(out, week(d))
	}
	return out
}

// columnOf returns the column holding date d (the first or last for dates outside).
func columnOf(cols []Column, d models.Date) int {
	t := d.Time()
	for i, c := range cols {
		if !t.After(c.To) {
			return i
		}
	}
	return len(cols) - 1
}

// rows groups the visits into timeline rows by area or by inspector.
// An area row is named on day, the plan's year start.
func rows(visits []*Visit, cols []Column, group string, day models.Date) []BoardRow {
	byKey := map[string]*BoardRow{}
	var keys []string
	row := func(key, label, sub string) *BoardRow {
		r, ok := byKey[key]
		if !ok {
			r = &BoardRow{Key: key, Label: label, Sub: sub, Cells: make([][]Chip, len(cols))}
			byKey[key] = r
			keys = append(keys, key)
		}
		return r
	}
	for _, v := range visits {
		c := columnOf(cols, *v.StartDate)
		if group == "inspector" {
			for _, m := range v.Team {
				r := row(m.Code, m.Name, m.BodyName)
				r.Cells[c] = append(r.Cells[c], Chip{V: v, Lead: m.Role == models.MemberLead})
				r.Count++
			}
			continue
		}
		r := row(v.AreaCode, v.AreaName, v.AreaCode)
		r.Area = v.Area
		r.Area.Day = day
		r.Cells[c] = append(r.Cells[c], Chip{V: v})
		r.Count++
	}
	// Areas by code, visits without an area last; inspectors by code.
	slices.SortFunc(keys, func(x, y string) int {
		if (x == "") != (y == "") {
			if x == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(x, y)
	})
	out := make([]BoardRow, len(keys))
	for i, k := range keys {
		out[i] = *byKey[k]
	}
	return out
}

func (s *Service) bodyOptions(ctx context.Context, a authz.Actor, id int64) ([]Option, error) {
	var out []Option
	err := s.db.WithContext(ctx).Table("visits v").
		Select("DISTINCT b.code, b.name, b.precedence").
		Joins("JOIN visit_proposals vp ON vp.visit_id = v.id JOIN proposals p ON p.id = vp.proposal_id").
		Joins("JOIN bodies b ON b.id = p.body_id").
		Where("v.plan_version_id = ?", id).Scopes(authz.VisitScopeOn(a, "v")).
		Order("b.precedence, b.code").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("board bodies: %w", err)
	}
	return out, nil
}

func (s *Service) areaOptions(ctx context.Context, a authz.Actor, id int64, day models.Date) ([]Option, error) {
	var rows []struct {
		Code, Name, TypeLabel string
		ValidTo               *models.Date
	}
	err := s.db.WithContext(ctx).Table("visits v").
		Select(`DISTINCT u.area_code AS code, coalesce(ar.name, u.area_code) AS name,
			coalesce(ar.type_label, '') AS type_label, ar.valid_to`).
		Joins("JOIN units u ON u.id = v.unit_id LEFT JOIN units ar ON ar.code = u.area_code").
		Where("v.plan_version_id = ? AND u.area_code <> ''", id).Scopes(authz.VisitScopeOn(a, "v")).
		Order("code").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("board areas: %w", err)
	}
	out := make([]Option, len(rows))
	for i, r := range rows {
		out[i] = Option{Code: r.Code, Name: r.Name, Area: units.Area{Name: r.Name, TypeLabel: r.TypeLabel, ValidTo: r.ValidTo, Day: day}}
	}
	return out, nil
}

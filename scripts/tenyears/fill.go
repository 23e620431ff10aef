package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/holidays"
	"khung/app/planning"
	"khung/models"
	"khung/scripts/national"
)

// Options size the data.
type Options struct {
	From, To      int // the years, both included
	VisitsPerYear int
	Seed          uint64
	Provinces     []string    // province codes kept; none: all
	Today         models.Date // what has happened by then is done, concluded, closed
}

// Shares of the visits (of a year) and of their follow-up.
const (
	shareUnannounced  = 0.03 // of the visits: unannounced
	shareVerification = 0.02 // verification
	shareOutsidePlan  = 0.5  // of the secret ones: made outside the plan (no proposal)
	shareJoint        = 0.12 // of the planned ones: joint with one or two other bodies
	shareTwice        = 0.03 // a body with two proposals merged into the visit
	shareCancelled    = 0.02
	shareNoDraftDate  = 0.04 // conclusions without the draft's date
	maxFindings       = 3    // per visit, 0…max uniformly
	maxRecs           = 6    // per conclusion, 1…max uniformly (3.5 on average)
)

// copiedTables are the tables the generator writes with COPY, in order.
var copiedTables = []string{"proposals", "visits", "visit_proposals", "findings", "conclusions", "recommendations"}

// Counts are the rows written.
type Counts struct {
	Plans, Proposals, Visits, VisitProposals, Findings, Conclusions, Recommendations int64
	Joint, OutsidePlan, Unannounced, Verification, Cancelled                         int64
	RecsByStatus                                                                     map[string]int64
}

func (c Counts) String() string {
	var st []string
	for _, s := range []string{"open", "reported", "returned", "done", "cancelled"} {
		st = append(st, fmt.Sprintf("%s %d", s, c.RecsByStatus[s]))
	}
	return fmt.Sprintf("%d plans, %d proposals, %d visits (%d joint, %d outside a plan, %d unannounced, %d verification, %d cancelled), "+
		"%d visit_proposals, %d findings, %d conclusions, %d recommendations (%s)",
		c.Plans, c.Proposals, c.Visits, c.Joint, c.OutsidePlan, c.Unannounced, c.Verification, c.Cancelled,
		c.VisitProposals, c.Findings, c.Conclusions, c.Recommendations, strings.Join(st, ", "))
}

func (c *Counts) add(d Counts) {
	c.Plans += d.Plans
	c.Proposals += d.Proposals
	c.Visits += d.Visits
	c.VisitProposals += d.VisitProposals
	c.Findings += d.Findings
	c.Conclusions += d.Conclusions
	c.Recommendations += d.Recommendations
	c.Joint += d.Joint
	c.OutsidePlan += d.OutsidePlan
	c.Unannounced += d.Unannounced
	c.Verification += d.Verification
	c.Cancelled += d.Cancelled
	if c.RecsByStatus == nil {
		c.RecsByStatus = map[string]int64{}
	}
	for k, v := range d.RecsByStatus {
		c.RecsByStatus[k] += v
	}
}

// template is a proposal of the generated instance, in database ids: each
// visit starts from one.
type template struct {
	body, unit     int64
	province       string
	kind           string
	topics, skills []string
	days, team     int
	priority       int
}

// filler writes the years.
type filler struct {
	opt       Options
	templates []template
	bodies    map[string][]int64 // a province's bodies that may join a visit (not the communes')
	topics    []string
	versions  map[int]int64 // a year's published plan version
	base      map[string]int64
	loc       *time.Location
}

// Rows a year may need at most, per visit, for the blocks of ids.
var perVisit = map[string]int64{"proposals": 5, "visits": 1, "findings": maxFindings, "conclusions": 1, "recommendations": maxRecs}

func newFiller(ctx context.Context, db *gorm.DB, inst *planning.Instance, props []planning.Proposal, opt Options) (*filler, error) {
	f := &filler{opt: opt, bodies: map[string][]int64{}, versions: map[int]int64{}, base: map[string]int64{}}
	var err error
	if f.loc, err = time.LoadLocation("Asia/Ho_Chi_Minh"); err != nil {
		return nil, err
	}
	db = db.WithContext(ctx)
	units, err := national.IDsBy(db, "units", "code")
	if err != nil {
		return nil, err
	}
	bodies, err := national.IDsBy(db, "bodies", "code")
	if err != nil {
		return nil, err
	}
	topics := map[string]bool{}
	for _, p := range props {
		t := template{body: bodies[p.Body], unit: units[national.UnitCode(p.Unit)], province: national.ProvinceOf(p.Body),
			kind: p.Kind, topics: p.Topics, skills: p.Skills, days: p.Days, team: p.TeamSize, priority: p.Priority}
		if t.body == 0 || t.unit == 0 {
			return nil, fmt.Errorf("proposal %s: body %s or unit %s not loaded", p.ID, p.Body, p.Unit)
		}
		f.templates = append(f.templates, t)
		for _, c := range p.Topics {
			topics[c] = true
		}
	}
	if len(f.templates) == 0 {
		return nil, fmt.Errorf("no proposals generated to start visits from")
	}
	for c := range topics {
		f.topics = append(f.topics, c)
	}
	slices.Sort(f.topics)
	for _, b := range inst.Bodies {
		if !strings.HasSuffix(b.ID, "-ubnd") {
			p := national.ProvinceOf(b.ID)
			f.bodies[p] = append(f.bodies[p], bodies[b.ID])
		}
	}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(f.holidays()).Error; err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	if err := f.plans(db, inst); err != nil {
		return nil, err
	}
	for t := range perVisit {
		var max int64
		if err := db.Raw(fmt.Sprintf("SELECT coalesce(max(id), 0) FROM %s", t)).Scan(&max).Error; err != nil {
			return nil, err
		}
		f.base[t] = max + 1
	}
	return f, nil
}

// holidays are the days off of the Labour Code over the years (and the ones
// around them, for the working days of deadlines).
func (f *filler) holidays() []models.Holiday {
	var out []models.Holiday
	for y := f.opt.From - 1; y <= f.opt.To+1; y++ {
		out = append(out, holidays.LabourCode(y)...)
	}
	return out
}

// plans creates each year's plan with a published version 1.
func (f *filler) plans(db *gorm.DB, inst *planning.Instance) error {
	var issuer int64
	if err := db.Raw(`SELECT id FROM bodies ORDER BY precedence, id LIMIT 1`).Scan(&issuer).Error; err != nil {
		return err
	}
	for y := f.opt.From; y <= f.opt.To; y++ {
		at := time.Date(y-1, time.December, 20, 9, 0, 0, 0, f.loc)
		var plan, version int64
		if err := db.Raw(`INSERT INTO plans (year, title, issuing_body_id) VALUES (?, ?, ?) RETURNING id`,
			y, fmt.Sprintf("Kế hoạch kiểm tra năm %d", y), issuer).Scan(&plan).Error; err != nil {
			return fmt.Errorf("plan %d: %w", y, err)
		}
		if err := db.Raw(`INSERT INTO plan_versions (plan_id, number, status, submitted_at, approved_at, published_at, document_number)
			VALUES (?, 1, 'published', ?, ?, ?, '1') RETURNING id`, plan, at, at, at).Scan(&version).Error; err != nil {
			return fmt.Errorf("plan version %d: %w", y, err)
		}
		f.versions[y] = version
	}
	_ = inst
	return nil
}

// fill writes the years, two at a time.
func (f *filler) fill(ctx context.Context, pool *pgxpool.Pool, out io.Writer) (Counts, error) {
	var (
		mu    sync.Mutex
		total Counts
		first error
		wg    sync.WaitGroup
	)
	years := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := range years {
				started := time.Now()
				c, err := f.year(ctx, pool, y)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				total.add(c)
				fmt.Fprintf(out, "year %d: %d visits, %d recommendations in %s\n", y, c.Visits, c.Recommendations,
					time.Since(started).Round(time.Millisecond))
				mu.Unlock()
			}
		}()
	}
	for y := f.opt.From; y <= f.opt.To; y++ {
		years <- y
	}
	close(years)
	wg.Wait()
	total.Plans = int64(f.opt.To - f.opt.From + 1)
	return total, first
}

// The rows of a year, compact until they are copied.
type (
	proposalRow struct {
		id, body, unit int64
		t              *template
		form           string
	}
	visitRow struct {
		id, version, unit, body int64
		code, form, status      string
		kind                    string // outside a plan only
		start, end              time.Time
		days, team, priority    int
	}
	findingRow struct {
		id, visit             int64
		topic, kind, severity string
		number                int
	}
	conclusionRow struct {
		id, visit, body int64
		draft           *time.Time
		signed          time.Time
	}
	recRow struct {
		id, conclusion, owner int64
		deadline              time.Time
		severity, status      string
		closed                *time.Time
		number                int
	}
)

var severities = []string{"low", "medium", "high"}

// year generates and copies year y.
func (f *filler) year(ctx context.Context, pool *pgxpool.Pool, y int) (Counts, error) {
	k := int64(y - f.opt.From)
	n := int64(f.opt.VisitsPerYear)
	next := map[string]int64{}
	for t, per := range perVisit {
		next[t] = f.base[t] + k*n*per
	}
	id := func(t string) int64 { next[t]++; return next[t] - 1 }
	rng := rand.New(rand.NewPCG(f.opt.Seed, uint64(y)))
	chance := func(p float64) bool { return rng.Float64() < p }
	today := f.opt.Today.Time()
	c := Counts{RecsByStatus: map[string]int64{}}
	var (
		props []proposalRow
		links [][2]int64
		vs    []visitRow
		fs    []findingRow
		cs    []conclusionRow
		rs    []recRow
	)
	first := time.Date(y, time.January, 6, 0, 0, 0, 0, time.UTC)
	span := time.Date(y, time.December, 10, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24
	for i := range f.opt.VisitsPerYear {
		t := &f.templates[rng.IntN(len(f.templates))]
		v := visitRow{id: id("visits"), version: f.versions[y], unit: t.unit, body: t.body, code: fmt.Sprintf("v%d-%07d", y, i),
			form: string(models.FormPlanned), days: t.days, team: t.team, priority: t.priority}
		switch r := rng.Float64(); {
		case r < shareUnannounced:
			v.form = string(models.FormUnannounced)
			c.Unannounced++
		case r < shareUnannounced+shareVerification:
			v.form = string(models.FormVerification)
			c.Verification++
		}
		v.start = weekday(first.AddDate(0, 0, rng.IntN(int(span))))
		v.end = v.start.AddDate(0, 0, (v.days-1)*7/5)
		if v.form != string(models.FormPlanned) && chance(shareOutsidePlan) {
			v.version, v.kind = 0, t.kind
			c.OutsidePlan++
		} else {
			bodies := []int64{t.body}
			if chance(shareJoint) {
				others := f.bodies[t.province]
				for range 1 + rng.IntN(2) {
					if b := others[rng.IntN(len(others))]; !slices.Contains(bodies, b) {
						bodies = append(bodies, b)
					}
				}
			}
			if len(bodies) > 1 {
				c.Joint++
			}
			if chance(shareTwice) {
				bodies = append(bodies, t.body)
			}
			for _, b := range bodies {
				p := proposalRow{id: id("proposals"), body: b, unit: t.unit, t: t, form: v.form}
				props = append(props, p)
				links = append(links, [2]int64{v.id, p.id})
			}
		}
		switch {
		case chance(shareCancelled):
			v.status = "cancelled"
			c.Cancelled++
		case v.start.After(today):
			v.status = "planned"
		case !v.end.Before(today):
			v.status = "on_site"
		default:
			v.status = "on_site_ended"
		}
		if v.status == "on_site" || v.status == "on_site_ended" {
			for j := range rng.IntN(maxFindings + 1) {
				fd := findingRow{id: id("findings"), visit: v.id, kind: "shortcoming", severity: severities[rng.IntN(3)], number: j + 1}
				if chance(0.25) {
					fd.kind = "violation"
				}
				if len(t.topics) > 0 {
					fd.topic = t.topics[rng.IntN(len(t.topics))]
				}
				fs = append(fs, fd)
			}
		}
		if v.status == "on_site_ended" {
			cn := conclusionRow{id: id("conclusions"), visit: v.id, body: v.body}
			if chance(shareNoDraftDate) {
				cn.signed = v.end.AddDate(0, 0, 10+rng.IntN(31))
			} else {
				d := v.end.AddDate(0, 0, 5+rng.IntN(21))
				cn.draft, cn.signed = &d, d.AddDate(0, 0, 2+rng.IntN(23))
			}
			if !cn.signed.After(today) {
				cs = append(cs, cn)
				open := false
				for j := range 1 + rng.IntN(maxRecs) {
					r := f.recommendation(rng, cn, v, today)
					r.id, r.number = id("recommendations"), j+1
					open = open || r.closed == nil
					c.RecsByStatus[r.status]++
					rs = append(rs, r)
				}
				v.status = "closed"
				if open {
					v.status = "follow_up"
				}
			}
		}
		vs = append(vs, v)
	}
	c.Proposals, c.Visits, c.VisitProposals = int64(len(props)), int64(len(vs)), int64(len(links))
	c.Findings, c.Conclusions, c.Recommendations = int64(len(fs)), int64(len(cs)), int64(len(rs))
	return c, f.copy(ctx, pool, y, props, vs, links, fs, cs, rs)
}

// recommendation is one recommendation of conclusion cn, in a state that
// follows its age on today: most of the old ones done, the recent ones open.
func (f *filler) recommendation(rng *rand.Rand, cn conclusionRow, v visitRow, today time.Time) recRow {
	r := recRow{conclusion: cn.id, owner: v.unit, severity: severities[rng.IntN(3)]}
	r.deadline = weekday(cn.signed.AddDate(0, 0, []int{30, 45, 60, 90, 180}[rng.IntN(5)]))
	shares := []float64{0.25, 0.14, 0.05, 0.55, 0.01} // open, reported, returned, done, cancelled: deadline ahead
	switch age := today.Sub(r.deadline).Hours() / 24; {
	case age > 120:
		shares = []float64{0.06, 0.03, 0.03, 0.85, 0.03}
	case age > 0:
		shares = []float64{0.25, 0.12, 0.06, 0.55, 0.02}
	}
	x := rng.Float64()
	states := []string{"open", "reported", "returned", "done", "cancelled"}
	r.status = states[len(states)-1]
	for i, s := range shares {
		if x < s {
			r.status = states[i]
			break
		}
		x -= s
	}
	if r.status == "done" || r.status == "cancelled" {
		last := r.deadline.AddDate(0, 0, 60)
		if last.After(today) {
			last = today
		}
		days := int(last.Sub(cn.signed).Hours() / 24)
		at := cn.signed.AddDate(0, 0, rng.IntN(max(days, 1)))
		at = time.Date(at.Year(), at.Month(), at.Day(), 10, 0, 0, 0, f.loc)
		r.closed = &at
	}
	return r
}

// weekday moves a Saturday or Sunday to the Monday after.
func weekday(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, 2)
	case time.Sunday:
		return d.AddDate(0, 0, 1)
	}
	return d
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// copy writes a year's rows with COPY.
func (f *filler) copy(ctx context.Context, pool *pgxpool.Pool, y int, props []proposalRow, vs []visitRow, links [][2]int64,
	fs []findingRow, cs []conclusionRow, rs []recRow) error {
	type table struct {
		name string
		cols []string
		n    int
		row  func(i int) ([]any, error)
	}
	tables := []table{
		{"proposals", []string{"id", "year", "body_id", "unit_id", "kind", "form", "topics", "skills", "days", "team_size", "priority", "status"},
			len(props), func(i int) ([]any, error) {
				p := props[i]
				return []any{p.id, y, p.body, p.unit, p.t.kind, p.form, nonNil(p.t.topics), nonNil(p.t.skills), p.t.days, p.t.team, p.t.priority, "accepted"}, nil
			}},
		{"visits", []string{"id", "plan_version_id", "code", "year", "unit_id", "form", "lead_body_id", "start_date", "end_date",
			"days", "team_size", "priority", "status", "kind"},
			len(vs), func(i int) ([]any, error) {
				v := vs[i]
				return []any{v.id, nullable(v.version), v.code, y, v.unit, v.form, v.body, v.start, v.end, v.days, v.team, v.priority, v.status, nullText(v.kind)}, nil
			}},
		{"visit_proposals", []string{"visit_id", "proposal_id"}, len(links), func(i int) ([]any, error) {
			return []any{links[i][0], links[i][1]}, nil
		}},
		{"findings", []string{"id", "visit_id", "topic_code", "kind", "description", "severity"}, len(fs), func(i int) ([]any, error) {
			d := fs[i]
			return []any{d.id, d.visit, nullText(d.topic), d.kind, fmt.Sprintf("Phát hiện số %d của cuộc kiểm tra", d.number), d.severity}, nil
		}},
		{"conclusions", []string{"id", "visit_id", "number", "issuing_body_id", "year", "draft_received_on", "signed_on", "signer_name", "signer_title"},
			len(cs), func(i int) ([]any, error) {
				c := cs[i]
				var draft any
				if c.draft != nil {
					draft = *c.draft
				}
				return []any{c.id, c.visit, c.id, c.body, c.signed.Year(), draft, c.signed, "Nguyễn Văn Kết", "Chánh Thanh tra"}, nil
			}},
		{"recommendations", []string{"id", "conclusion_id", "owner_unit_id", "action", "deadline", "severity", "status", "closed_at"},
			len(rs), func(i int) ([]any, error) {
				r := rs[i]
				var closed any
				if r.closed != nil {
					closed = *r.closed
				}
				return []any{r.id, r.conclusion, r.owner, fmt.Sprintf("Khắc phục tồn tại số %d theo kết luận", r.number), r.deadline, r.severity, r.status, closed}, nil
			}},
	}
	for _, t := range tables {
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromSlice(t.n, t.row)); err != nil {
			return fmt.Errorf("copy %s of %d: %w", t.name, y, err)
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

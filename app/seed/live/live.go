// Package live gives the demo city a history, built through the app's own
// services (app.App's Proposals, Plans, Inspections, Remediation, Notices) on
// a clock that walks from the autumn two years back to the demo's now, so that
// every rule of the workflow holds as it would for people using the pages:
// the published plan of last year (on the units of its time: before 1 July
// 2025, the old communes and wards, linked to today's), the published plan of
// this year, visits carried out with decisions, findings, conclusions and
// recommendations (done, open, returned, awaiting a decision, overdue), mail
// in the outbox, and next year's proposals imported and built into a draft
// that waits for the approver. Load runs after seed.Demo and seed.Today and is
// idempotent: a year whose plan exists is left alone.
package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"khung/app"
	"khung/app/authz"
	"khung/app/plans"
	"khung/app/seed"
	"khung/models"
)

// clock is the demo's movable clock: the services read it through app.Deps.Now.
type clock struct {
	mu  sync.Mutex
	t   time.Time
	loc *time.Location
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// on sets the clock to 9:00 on day d.
func (c *clock) on(d models.Date) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, c.loc)
	return c.t
}

func (c *clock) today() models.Date { return models.DateOf(c.Now().In(c.loc)) }

// Report counts what Load did.
type Report struct {
	Years       []string // one line per year
	Proposals   int
	Visits      int // carried out
	Conclusions int
	Recs        map[models.RecommendationStatus]int
	Overdue     int
	Mails       int64
}

func (r Report) String() string {
	var b strings.Builder
	b.WriteString("Lịch sử thành phố mẫu / the demo city's history:\n")
	for _, y := range r.Years {
		b.WriteString("  " + y + "\n")
	}
	fmt.Fprintf(&b, "  %d đề xuất / proposals, %d cuộc kiểm tra đã thực hiện / visits carried out, %d kết luận / conclusions\n",
		r.Proposals, r.Visits, r.Conclusions)
	fmt.Fprintf(&b, "  kiến nghị / recommendations: %d hoàn thành / done, %d đang mở / open, %d bị trả lại / returned (%d trong số đó quá hạn / of these overdue), %d chờ xem xét / awaiting a decision\n",
		r.Recs[models.RecommendationDone], r.Recs[models.RecommendationOpen], r.Recs[models.RecommendationReturned], r.Overdue, r.Recs[models.RecommendationReported])
	fmt.Fprintf(&b, "  thư trong hộp thư đi / mails in the outbox: %d", r.Mails)
	return b.String()
}

// Load builds the history of the demo city loaded by seed.Demo and
// seed.Today, as of now: last year's and this year's plans published and
// worked, next year's proposals imported and its draft plan submitted. deps
// are main's; Load gives the app its own clock.
func Load(ctx context.Context, deps app.Deps, now time.Time) (Report, error) {
	rep := Report{Recs: map[models.RecommendationStatus]int{}}
	loc := deps.Config.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	clk := &clock{t: now, loc: loc}
	deps.Now = clk.Now
	a, err := app.New(deps)
	if err != nil {
		return rep, err
	}
	s, err := newStory(ctx, a, deps.DB, clk, now)
	if err != nil {
		return rep, err
	}
	y := s.today.Year
	for _, year := range []int{y - 1, y} {
		line, err := s.publishedYear(year, &rep)
		if err != nil {
			return rep, fmt.Errorf("demo history %d: %w", year, err)
		}
		rep.Years = append(rep.Years, line)
	}
	clk.on(s.today)
	line, err := s.draftYear(y+1, &rep)
	if err != nil {
		return rep, fmt.Errorf("demo history %d: %w", y+1, err)
	}
	rep.Years = append(rep.Years, line)
	clk.on(s.today)
	if err := s.tally(&rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// story holds what the history is built with.
type story struct {
	ctx      context.Context
	a        *app.App
	db       *gorm.DB
	clk      *clock
	now      time.Time
	today    models.Date // the demo's today
	planner  authz.Actor
	approver authz.Actor
	lead     int64                 // inspector i001 (inspector@khung.vn)
	offices  map[int64]authz.Actor // unit id → its office's login
	showcase map[int64]bool        // the units of the demo's unit logins
	hash     string                // the demo password's hash, for the offices' logins
}

func newStory(ctx context.Context, a *app.App, db *gorm.DB, clk *clock, now time.Time) (*story, error) {
	s := &story{ctx: ctx, a: a, db: db.WithContext(ctx), clk: clk, now: now, today: models.DateOf(now.In(clk.loc)),
		offices: map[int64]authz.Actor{}, showcase: map[int64]bool{}}
	var err error
	var units []int64
	if err := s.db.Model(&models.User{}).Where("email IN ?", []string{"hongha@khung.vn", "phucxa@khung.vn", "sotuphap@khung.vn"}).
		Pluck("unit_id", &units).Error; err != nil {
		return nil, fmt.Errorf("demo unit logins: %w", err)
	}
	for _, u := range units {
		s.showcase[u] = true
	}
	if s.planner, err = s.actor("planner@khung.vn"); err != nil {
		return nil, err
	}
	if s.approver, err = s.actor("approver@khung.vn"); err != nil {
		return nil, err
	}
	if err := s.db.Model(&models.Inspector{}).Where("code = ?", seed.DemoInspectorCode).Pluck("id", &s.lead).Error; err != nil {
		return nil, fmt.Errorf("inspector %s: %w", seed.DemoInspectorCode, err)
	}
	if err := s.db.Model(&models.User{}).Where("email = ?", "planner@khung.vn").Pluck("password_hash", &s.hash).Error; err != nil {
		return nil, fmt.Errorf("demo password: %w", err)
	}
	return s, nil
}

// actor is the login email as the services see it.
func (s *story) actor(email string) (authz.Actor, error) {
	var u models.User
	if err := s.db.Where("email = ?", email).Take(&u).Error; err != nil {
		return authz.Actor{}, fmt.Errorf("demo login %s (run seed --demo first): %w", email, err)
	}
	a := authz.Actor{UserID: u.ID, Role: u.Role}
	if u.UnitID != nil {
		a.UnitID = *u.UnitID
		if err := s.db.Model(&models.Unit{}).Where("id = ?", *u.UnitID).Pluck("path", &a.UnitPath).Error; err != nil {
			return a, fmt.Errorf("unit of %s: %w", email, err)
		}
	}
	if u.InspectorID != nil {
		a.InspectorID = *u.InspectorID
	}
	return a, nil
}

// as is actor a on the clock's day.
func (s *story) as(a authz.Actor) authz.Actor {
	a.Today = s.clk.today()
	return a
}

// office is the login of unit id's office, made when missing (vp.CODE@khung.vn,
// the demo password): every inspected unit reports on its recommendations.
func (s *story) office(unitID int64) (authz.Actor, error) {
	if a, ok := s.offices[unitID]; ok {
		return a, nil
	}
	var u models.Unit
	if err := s.db.Take(&u, unitID).Error; err != nil {
		return authz.Actor{}, fmt.Errorf("unit %d: %w", unitID, err)
	}
	var existing models.User
	err := s.db.Where("unit_id = ? AND role = ? AND unit_position = ?", unitID, models.RoleUnit, models.PositionOffice).
		Order("id").Take(&existing).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		existing = models.User{Email: "vp." + strings.ToLower(strings.ReplaceAll(u.Code, "-", ".")) + "@khung.vn",
			FullName: "Văn phòng " + u.Name, PasswordHash: s.hash, Role: models.RoleUnit, UnitID: &unitID,
			UnitPosition: models.PositionOffice, Locale: models.LocaleVI, Active: true}
		err = s.db.Create(&existing).Error
	}
	if err != nil {
		return authz.Actor{}, fmt.Errorf("office login of %s: %w", u.Code, err)
	}
	a := authz.Actor{UserID: existing.ID, Role: models.RoleUnit, UnitID: unitID, UnitPath: u.Path}
	s.offices[unitID] = a
	return a, nil
}

// planOf returns the versions of year's plan.
func (s *story) versions(year int) ([]plans.Version, error) {
	return s.a.Plans.Versions(s.ctx, s.as(s.planner), year)
}

// publishedYear builds, publishes and works the plan of year, unless the year
// already has a plan.
func (s *story) publishedYear(year int, rep *Report) (string, error) {
	vs, err := s.versions(year)
	if err != nil {
		return "", err
	}
	if len(vs) > 0 {
		return fmt.Sprintf("%d: đã có kế hoạch, giữ nguyên / already planned, left as it is", year), nil
	}
	props, err := s.proposalsOf(year)
	if err != nil {
		return "", err
	}
	s.clk.on(models.NewDate(year-1, 11, 20))
	for _, in := range props {
		if _, err := s.a.Proposals.Create(s.ctx, s.as(s.planner), in); err != nil {
			return "", fmt.Errorf("proposal %s → %s: %w", in.Body, in.Unit, err)
		}
	}
	rep.Proposals += len(props)
	v, err := s.approve(year, true)
	if err != nil {
		return "", err
	}
	worked, err := s.work(v, year, rep)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d: kế hoạch số %s/KH-SNV đã công bố, %d đề xuất, %d cuộc đã thực hiện / plan published, %d proposals, %d visits carried out",
		year, v.DocumentNumber, len(props), worked, len(props), worked), nil
}

// approve builds year's plan in the first days of December of the year before
// and takes it through submission, approval and (publish) publication.
func (s *story) approve(year int, publish bool) (plans.Version, error) {
	p, a := s.as(s.planner), s.as(s.approver)
	v, err := s.a.Plans.Build(s.ctx, p, year, plans.BuildInput{})
	if err != nil {
		return v, fmt.Errorf("build: %w", err)
	}
	if !publish {
		return s.a.Plans.Submit(s.ctx, p, v.ID, plans.StepInput{LockVersion: v.LockVersion}, s.clk.Now())
	}
	steps := []struct {
		day  int
		take func(context.Context, authz.Actor, int64, plans.StepInput, time.Time) (plans.Version, error)
		who  authz.Actor
		in   plans.StepInput
	}{
		{2, s.a.Plans.Submit, p, plans.StepInput{}},
		{9, s.a.Plans.Approve, a, plans.StepInput{DocumentNumber: fmt.Sprint(180 + year%100)}},
		{12, s.a.Plans.Publish, a, plans.StepInput{}},
	}
	for _, st := range steps {
		s.clk.on(models.NewDate(year-1, 12, st.day))
		st.in.LockVersion = v.LockVersion
		st.who.Today = s.clk.today()
		if v, err = st.take(s.ctx, st.who, v.ID, st.in, s.clk.Now()); err != nil {
			return v, err
		}
	}
	return v, nil
}

// draftYear imports next year's proposals (the demo file) and builds and
// submits its draft plan, which waits for the approver.
func (s *story) draftYear(year int, rep *Report) (string, error) {
	vs, err := s.versions(year)
	if err != nil {
		return "", err
	}
	if len(vs) > 0 {
		return fmt.Sprintf("%d: đã có kế hoạch, giữ nguyên / already planned, left as it is", year), nil
	}
	var have int64
	if err := s.db.Model(&models.Proposal{}).Where("year = ?", year).Count(&have).Error; err != nil {
		return "", err
	}
	if have == 0 {
		n, err := seed.ImportDemoProposals(s.ctx, s.db, year, s.as(s.planner))
		if err != nil {
			return "", err
		}
		rep.Proposals += n
		have = int64(n)
	}
	v, err := s.approve(year, false)
	if err != nil {
		return "", err
	}
	var visits int64
	if err := s.db.Model(&models.Visit{}).Where("plan_version_id = ?", v.ID).Count(&visits).Error; err != nil {
		return "", err
	}
	return fmt.Sprintf("%d: %d đề xuất đã nhập, dự thảo kế hoạch %d cuộc đã trình, chờ phê duyệt / %d proposals imported, draft of %d visits submitted, awaiting approval",
		year, have, visits, have, visits), nil
}

// tally counts the recommendations by status and the mail in the outbox.
func (s *story) tally(rep *Report) error {
	var rows []struct {
		Status  models.RecommendationStatus
		Overdue bool
		N       int
	}
	if err := s.db.Raw(`SELECT status, (status IN ('open', 'returned') AND deadline < ?) AS overdue, count(*) AS n
		FROM recommendations GROUP BY 1, 2`, s.today).Scan(&rows).Error; err != nil {
		return fmt.Errorf("count recommendations: %w", err)
	}
	for _, r := range rows {
		rep.Recs[r.Status] += r.N
		if r.Overdue {
			rep.Overdue += r.N
		}
	}
	return s.db.Model(&models.MailOutbox{}).Count(&rep.Mails).Error
}

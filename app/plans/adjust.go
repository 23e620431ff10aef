package plans

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/calendar"
	"khung/app/planning"
	"khung/models"
	"khung/views"
)

// ChangeInput is a planner's hand change of one scheduled visit of a draft: a
// new start date ("" = unchanged) and/or one team member replaced by another
// inspector (by code; replacing the lead makes the newcomer lead). LockVersion
// is the version's lock version as the page showed it.
type ChangeInput struct {
	Start       string `json:"start"`
	Replace     *Swap  `json:"replace,omitempty"`
	LockVersion int    `json:"lock_version"`
}

// Swap replaces team member Out by In (inspector codes).
type Swap struct {
	Out string `json:"out"`
	In  string `json:"in"`
}

// CheckResult is the engine's verdict on a change: the hard-rule violations
// (a change with any cannot be saved) and the penalty before and after, by
// component. LockVersion is the version's lock version after a save.
type CheckResult struct {
	Visit       string          `json:"visit"`
	Change      planning.Change `json:"change"`
	Delta       planning.Delta  `json:"delta"`
	Saved       bool            `json:"saved"`
	LockVersion int             `json:"lock_version"`
}

// Allowed tells whether the change breaks no hard rule.
func (r CheckResult) Allowed() bool { return len(r.Delta.Violations) == 0 }

// Diff is the penalty change (after − before).
func (r CheckResult) Diff() float64 { return r.Delta.PenaltyAfter - r.Delta.PenaltyBefore }

// Components lists the penalty components in the order of planner-spec §5.
func Components() []string {
	return []string{"unscheduled", "window_day", "rotation", "joint_missing_body", "balance_day", "area_week"}
}

// editSession is the engine's incremental session on a draft, rebuilt from the
// stored instance and the version's current visits (never re-solved).
type editSession struct {
	version Version
	inst    *planning.Instance
	visits  []Visit
	session *planning.Session
}

func openSession(tx *gorm.DB, a authz.Actor, id int64) (*editSession, error) {
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return nil, err
	}
	if !v.Editable() {
		return nil, wrongStatus(v.Status)
	}
	inst, err := instanceOf(tx, id)
	if err != nil {
		return nil, err
	}
	visits, err := loadVisits(visitQuery(tx, a, id))
	if err != nil {
		return nil, err
	}
	ses, err := planning.NewSession(inst, enginePlan(visits))
	if err != nil {
		return nil, fmt.Errorf("re-check session of version %d: %w", id, err)
	}
	return &editSession{version: v, inst: inst, visits: visits, session: ses}, nil
}

func (e *editSession) visit(code string) (*Visit, error) {
	for i := range e.visits {
		if e.visits[i].Code == code {
			return &e.visits[i], nil
		}
	}
	return nil, fmt.Errorf("visit %q of version %d: %w", code, e.version.ID, apperr.ErrNotFound)
}

// change validates in against the visit and the instance and returns the
// engine's change. Hard rules are the engine's to judge; this only refuses
// input that names nothing (a bad date, an inspector not on the team…).
func (e *editSession) change(code string, in ChangeInput) (*Visit, planning.Change, error) {
	v, err := e.visit(code)
	if err != nil {
		return nil, planning.Change{}, err
	}
	if !v.Scheduled() {
		return nil, planning.Change{}, apperr.Fail(apperr.ErrConflict, "plans.err.not_scheduled")
	}
	c := planning.Change{Visit: code}
	ve := &apperr.ValidationError{}
	if start := strings.TrimSpace(in.Start); start != "" {
		d, err := models.ParseTyped(start) // the picker's ISO date, or dd/mm/yyyy as typed
		switch {
		case err != nil:
			ve.AddField("start", "date", "plans.err.start_format")
		case d.String() == v.StartDate.String(): // unchanged
		case d.Year != e.inst.Year:
			ve.AddField("start", "year", "plans.err.start_year", "Year", e.inst.Year)
		default:
			c.Start = d.String()
		}
	}
	if r := in.Replace; r != nil && (strings.TrimSpace(r.Out) != "" || strings.TrimSpace(r.In) != "") {
		out, inn := strings.TrimSpace(r.Out), strings.TrimSpace(r.In)
		onTeam := func(code string) bool {
			return slices.ContainsFunc(v.Team, func(m Member) bool { return m.Code == code })
		}
		known := slices.ContainsFunc(e.inst.Inspectors, func(i planning.Inspector) bool { return i.ID == inn })
		if !onTeam(out) {
			ve.AddField("replace_out", "team", "plans.err.replace_out")
		}
		switch {
		case inn == "":
			ve.AddField("replace_in", "required", "plans.err.replace_in_required")
		case !known:
			ve.AddField("replace_in", "unknown", "plans.err.replace_in_unknown", "Inspector", inn)
		case onTeam(inn):
			ve.AddField("replace_in", "team", "plans.err.replace_in_team", "Inspector", inn)
		}
		c.Replace = &planning.Swap{Out: out, In: inn}
	}
	if err := ve.Err(); err != nil {
		return nil, c, err
	}
	if c.Start == "" && c.Replace == nil {
		return nil, c, apperr.Field("start", "no_change", "plans.err.no_change")
	}
	return v, c, nil
}

// Check previews a change of visit code of draft id: the engine's incremental
// check, nothing written.
func (s *Service) Check(ctx context.Context, a authz.Actor, id int64, code string, in ChangeInput) (CheckResult, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return CheckResult{}, err
	}
	e, err := openSession(s.db.WithContext(ctx), a, id)
	if err != nil {
		return CheckResult{}, err
	}
	_, c, err := e.change(code, in)
	if err != nil {
		return CheckResult{}, err
	}
	d, err := e.session.Try(c)
	if err != nil {
		return CheckResult{}, fmt.Errorf("try %+v: %w", c, err)
	}
	return CheckResult{Visit: code, Change: c, Delta: d, LockVersion: e.version.LockVersion}, nil
}

// Adjust saves a change of visit code of draft id if the engine finds no hard
// violation, under optimistic locking: the version must still have
// in.LockVersion, else ErrConflict and nothing is written. A change that
// breaks a hard rule is a ValidationError (the result still carries the
// violations). The visit's dates, team and explanations and the version's
// penalty and metrics are updated and audited in one transaction.
func (s *Service) Adjust(ctx context.Context, a authz.Actor, id int64, code string, in ChangeInput) (CheckResult, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return CheckResult{}, err
	}
	var res CheckResult
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Claim the version first: a second save made from the same page waits
		// here for this transaction, then finds another lock version.
		if err := bumpVersion(tx, id, in.LockVersion, []models.PlanVersionStatus{models.VersionDraft}, nil); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return err
			}
			if _, lerr := loadVersion(tx, a, id); lerr != nil {
				return lerr // not found for a, rather than a conflict
			}
			return err
		}
		e, err := openSession(tx, a, id)
		if err != nil {
			return err
		}
		v, c, err := e.change(code, in)
		if err != nil {
			return err
		}
		res = CheckResult{Visit: code, Change: c, LockVersion: e.version.LockVersion}
		d, err := e.session.Apply(c)
		res.Delta = d
		if errors.Is(err, planning.ErrHardRule) {
			res.LockVersion = in.LockVersion // the transaction rolls back
			names, nerr := loadPageNames(tx, a, id)
			if nerr != nil {
				return nerr
			}
			return hardRules(d.Violations, names)
		}
		if err != nil {
			return fmt.Errorf("apply %+v: %w", c, err)
		}
		if err := s.saveChange(tx, a, e, v, c, d); err != nil {
			return err
		}
		res.Saved = true
		return nil
	})
	if err != nil {
		return res, s.rendered(err)
	}
	return res, nil
}

// hardRules is the refusal of a change that breaks hard rules: one message per violation.
func hardRules(vs []planning.Violation, names *Names) error {
	ve := &apperr.ValidationError{}
	for _, v := range vs {
		ve.AddField("change", v.Rule, "plans.err.hard_rule", "Rule", label("plansux.rule."+v.Rule),
			"Violation", namedMsg{names, v.Msg})
	}
	return ve
}

// namedMsg is an engine message as a parameter of an app message, rendered
// with names in the reader's language.
type namedMsg struct {
	names *Names
	m     planning.Message
}

func (n namedMsg) RenderIn(t *views.Translator) string { return n.names.Text(t, n.m) }

// saveChange writes the session's new placement of v and the version's new
// score. Members are rewritten (the database copies the visit's dates into
// them and refuses double booking on its own, as a last guard).
func (s *Service) saveChange(tx *gorm.DB, a authz.Actor, e *editSession, v *Visit, c planning.Change, d planning.Delta) error {
	plan := e.session.Plan()
	k := slices.IndexFunc(plan.Visits, func(pv planning.Visit) bool { return pv.ID == v.Code })
	if k < 0 {
		return fmt.Errorf("visit %s vanished from the session", v.Code)
	}
	nv := plan.Visits[k]
	start, err1 := models.ParseDate(nv.Start)
	end, err2 := models.ParseDate(nv.End)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("visit %s: %w", v.Code, err)
	}
	// The explanation is written again for the new dates and team: what was
	// merged stays, the planner's reasons for the old date and team go, the
	// change and the new team are said (older rows without messages keep
	// their sentences and get the change's).
	why, whyVi := slices.Clone(v.Why), slices.Clone(v.WhyVi)
	en, vi := s.renderers()
	if n := len(nv.WhyMsgs); n > len(v.WhyMsgs) && !v.msgsCover() {
		if len(whyVi) == len(why) {
			whyVi = append(whyVi, vi(nv.WhyMsgs[n-1]))
		}
		why = append(why, en(nv.WhyMsgs[n-1]))
	} else if n > 0 {
		nv.WhyMsgs = afterChange(nv, e.inst, nv.WhyMsgs[n-1], v.Days)
		why, whyVi = make([]string, len(nv.WhyMsgs)), make([]string, len(nv.WhyMsgs))
		for k, m := range nv.WhyMsgs {
			why[k], whyVi[k] = en(m), vi(m)
		}
	}
	if err := tx.Model(&models.Visit{}).Where("id = ?", v.ID).Updates(map[string]any{
		"start_date": start, "end_date": end, "why": models.MustJSON(nonNil(why)), "why_vi": models.MustJSON(nonNil(whyVi)),
		"why_msgs": models.MustJSON(nonNil(nv.WhyMsgs)), "updated_at": gorm.Expr("now()"),
	}).Error; err != nil {
		return fmt.Errorf("move visit %s: %w", v.Code, err)
	}
	codes := make([]string, len(nv.Team))
	for i, m := range nv.Team {
		codes[i] = m.Inspector
	}
	ids, err := idsOf(tx, "inspectors", codes)
	if err != nil {
		return err
	}
	if err := tx.Where("visit_id = ?", v.ID).Delete(&models.VisitMember{}).Error; err != nil {
		return fmt.Errorf("clear team of %s: %w", v.Code, err)
	}
	members := make([]models.VisitMember, len(nv.Team))
	for i, m := range nv.Team {
		iid, ok := ids[m.Inspector]
		if !ok {
			return fmt.Errorf("visit %s: inspector %s has no row", v.Code, m.Inspector)
		}
		members[i] = models.VisitMember{VisitID: v.ID, InspectorID: iid, Role: models.MemberRole(m.Role)}
	}
	if err := tx.Omit("CreatedAt").Create(&members).Error; err != nil {
		return fmt.Errorf("save team of %s: %w", v.Code, err)
	}
	metrics := plan.Metrics
	var old planning.Metrics
	if err := e.version.Metrics.Unmarshal(&old); err == nil {
		metrics.SolveMS = old.SolveMS
	}
	if err := tx.Model(&models.PlanVersion{}).Where("id = ?", e.version.ID).Updates(map[string]any{
		"penalty": metrics.Penalty, "metrics": models.MustJSON(metrics),
	}).Error; err != nil {
		return fmt.Errorf("score version %d: %w", e.version.ID, err)
	}
	before := map[string]any{"start": v.StartDate, "end": v.EndDate, "team": engineVisit(v).Team}
	after := map[string]any{"start": nv.Start, "end": nv.End, "team": nv.Team, "change": c,
		"penalty_before": d.PenaltyBefore, "penalty_after": d.PenaltyAfter, "plan_version_id": e.version.ID}
	return audit.Record(tx, a, "adjust", "visits", v.ID, before, after)
}

// Candidate is an inspector who may replace a member of a visit's team on its
// current dates without breaking a hard rule, with the penalty change.
type Candidate struct {
	Code          string  `json:"inspector"`
	Name          string  `json:"name"`
	BodyCode      string  `json:"body"`
	BodyName      string  `json:"body_name"`
	PenaltyChange float64 `json:"penalty_change"`
}

// Start is a start date the engine accepts for a visit with its current
// team, with the penalty change.
type Start struct {
	Date          string  `json:"date"`
	PenaltyChange float64 `json:"penalty_change"`
}

// Options are the hand changes of a visit that break no hard rule: the
// inspectors who may replace an ordinary member (the lead when the team is
// one person) on the current dates, best penalty first; and the start dates
// the current team may move to, in date order.
type Options struct {
	Candidates []Candidate
	Starts     []Start
}

// Options asks the engine's incremental check about every inspector and
// every day of the year for visit code of draft id (one session, many Try).
func (s *Service) Options(ctx context.Context, a authz.Actor, id int64, code string) (Options, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return Options{}, err
	}
	tx := s.db.WithContext(ctx)
	e, err := openSession(tx, a, id)
	if err != nil {
		return Options{}, err
	}
	v, err := e.visit(code)
	if err != nil {
		return Options{}, err
	}
	out := Options{Candidates: []Candidate{}, Starts: []Start{}}
	if !v.Scheduled() || len(v.Team) == 0 {
		return out, nil
	}
	slot := v.Team[len(v.Team)-1].Code // loadVisits orders the lead first
	for _, in := range e.inst.Inspectors {
		if slices.ContainsFunc(v.Team, func(m Member) bool { return m.Code == in.ID }) {
			continue
		}
		d, err := e.session.Try(planning.Change{Visit: code, Replace: &planning.Swap{Out: slot, In: in.ID}})
		if err != nil || len(d.Violations) > 0 {
			continue
		}
		out.Candidates = append(out.Candidates, Candidate{Code: in.ID, BodyCode: in.Body, PenaltyChange: d.PenaltyAfter - d.PenaltyBefore})
	}
	if err := nameCandidates(tx, out.Candidates); err != nil {
		return Options{}, err
	}
	slices.SortStableFunc(out.Candidates, func(x, y Candidate) int {
		if c := cmp.Compare(x.PenaltyChange, y.PenaltyChange); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
	current := v.StartDate.String()
	for day := time.Date(e.inst.Year, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == e.inst.Year; day = day.AddDate(0, 0, 1) {
		date := calendar.Format(day)
		if date == current || day.Weekday() == time.Sunday {
			continue
		}
		d, err := e.session.Try(planning.Change{Visit: code, Start: date})
		if err != nil || len(d.Violations) > 0 {
			continue
		}
		out.Starts = append(out.Starts, Start{Date: date, PenaltyChange: d.PenaltyAfter - d.PenaltyBefore})
	}
	return out, nil
}

// nameCandidates fills the names of the candidates and of their bodies.
func nameCandidates(tx *gorm.DB, cs []Candidate) error {
	if len(cs) == 0 {
		return nil
	}
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = c.Code
	}
	var names []struct{ Code, FullName, BodyName string }
	if err := tx.Raw(`SELECT i.code, i.full_name, b.name AS body_name FROM inspectors i JOIN bodies b ON b.id = i.body_id
		WHERE i.code IN ?`, codes).Scan(&names).Error; err != nil {
		return fmt.Errorf("name candidates: %w", err)
	}
	for _, n := range names {
		if k := slices.IndexFunc(cs, func(c Candidate) bool { return c.Code == n.Code }); k >= 0 {
			cs[k].Name, cs[k].BodyName = n.FullName, n.BodyName
		}
	}
	return nil
}

// afterChange is the explanation of visit nv after a hand change: the
// planner's sentences on what was merged, the lead (a change
// that breaks no hard rule keeps the lead free, eligible and without
// conflict of interest on every day), the members and the change. The planner's reasons
// for the former date and team are dropped: they no longer hold.
func afterChange(nv planning.Visit, inst *planning.Instance, change planning.Message, days int) []planning.Message {
	var out []planning.Message
	for _, m := range nv.WhyMsgs {
		switch m.ID {
		case "planning.why.merged", "planning.why.merged_joint", "planning.why.own_visit", "planning.why.only_proposal":
			out = append(out, m)
		}
	}
	bodyOf := map[string]string{}
	for _, in := range inst.Inspectors {
		bodyOf[in.ID] = in.Body
	}
	var members []any
	for _, tm := range nv.Team {
		if tm.Role == string(models.MemberLead) {
			out = append(out, planning.Msg("planning.why.lead", "Lead", tm.Inspector, "Body", bodyOf[tm.Inspector], "Count", days))
			continue
		}
		members = append(members, planning.Msg("planning.member_of", "Inspector", tm.Inspector, "Body", bodyOf[tm.Inspector]))
	}
	if len(members) > 0 {
		out = append(out, planning.Msg("planning.why.members", "Members", members))
	}
	return append(out, change)
}

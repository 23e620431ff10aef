package plans

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/calendar"
	"khung/app/planning"
	"khung/app/planning/plantext"
	"khung/models"
	"khung/views"
)

// RepairInput is what changed since a published version was issued
// (docs/planner-spec.md §7): leave of inspectors, urgent proposals to add
// (submitted or accepted proposals of the year that the plan does not hold),
// visits to cancel (all their proposals withdrawn), proposals to withdraw, and
// visits that must not move. Reason and LockVersion (of the published version
// as the page showed it) are needed to save the amendment only.
type RepairInput struct {
	Leaves            []LeaveInput `json:"leaves"`
	NewProposals      []int64      `json:"new_proposals"`
	CancelVisits      []string     `json:"cancel_visits"`
	WithdrawProposals []int64      `json:"withdraw_proposals"`
	PinVisits         []string     `json:"pin_visits"`
	Reason            string       `json:"reason"`
	LockVersion       int          `json:"-"`
}

// LeaveInput is an inspector's (by code) new leave, both days included.
type LeaveInput struct {
	Inspector string `json:"inspector"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// empty tells whether the input changes nothing (pinning alone changes nothing).
func (in RepairInput) empty() bool {
	return len(in.Leaves)+len(in.NewProposals)+len(in.CancelVisits)+len(in.WithdrawProposals) == 0
}

// RepairPreview is a repair of a published version before it is saved: what
// the engine moved, re-teamed, newly placed, took out or left unscheduled,
// each visit with the engine's explanation (names instead of codes).
type RepairPreview struct {
	Version     Version                `json:"version"`
	Today       string                 `json:"today"`
	NoticeSent  []string               `json:"notice_sent"` // visits frozen because their unit was told
	Report      *planning.RepairReport `json:"report"`
	Moved       []RepairedVisit        `json:"moved"`
	Reteamed    []RepairedVisit        `json:"reteamed"`
	Placed      []RepairedVisit        `json:"placed"`
	Dropped     []RepairedVisit        `json:"dropped"`
	Cancelled   []RepairedVisit        `json:"cancelled"`
	Unscheduled []RepairedVisit        `json:"unscheduled"` // every visit without dates after the repair
}

// Empty tells whether the repair changes no visit.
func (p RepairPreview) Empty() bool {
	return len(p.Moved)+len(p.Reteamed)+len(p.Placed)+len(p.Dropped)+len(p.Cancelled) == 0
}

// RepairGroup is one kind of change of a preview, for the page.
type RepairGroup struct {
	Name   string // moved, reteamed, placed, dropped, cancelled, unscheduled
	Visits []RepairedVisit
}

// Groups lists the preview's visits by kind of change, in the page's order.
func (p RepairPreview) Groups() []RepairGroup {
	return []RepairGroup{{"moved", p.Moved}, {"reteamed", p.Reteamed}, {"placed", p.Placed},
		{"dropped", p.Dropped}, {"cancelled", p.Cancelled}, {"unscheduled", p.Unscheduled}}
}

// RepairedVisit is one visit of a repair's preview: its dates and lead before
// and after (nil dates: unscheduled or absent) and why the engine changed it.
type RepairedVisit struct {
	Code        string             `json:"code"`
	UnitName    string             `json:"unit_name"`
	Form        models.Form        `json:"form"`
	BeforeStart *models.Date       `json:"before_start"`
	BeforeEnd   *models.Date       `json:"before_end"`
	AfterStart  *models.Date       `json:"after_start"`
	AfterEnd    *models.Date       `json:"after_end"`
	LeadBefore  string             `json:"lead_before"` // names
	LeadAfter   string             `json:"lead_after"`
	Notes       []planning.Message `json:"-"`
	// was is the visit before the repair: its stored reason stands in when
	// the engine gave no note.
	was *Visit
}

// NotesFor renders the visit's explanation in t's language.
func (v RepairedVisit) NotesFor(t *views.Translator) []string {
	out := make([]string, 0, len(v.Notes)+1)
	for _, m := range v.Notes {
		out = append(out, plantext.Of(t, m))
	}
	if len(out) == 0 && v.was != nil && !v.was.Scheduled() {
		if r := v.was.ReasonFor(t); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// RepairChoices is what the repair form offers: the inspectors of the
// version's instance, the scheduled visits (to cancel or pin), the proposals
// in the plan (to withdraw) and the year's proposals not in it (to add).
type RepairChoices struct {
	Version      Version
	Inspectors   []Choice
	Visits       []Choice // every visit (to cancel)
	Scheduled    []Choice // the scheduled ones (to pin)
	Proposals    []Choice
	NewProposals []Choice
}

// Choice is one option of the repair form; Form, when set, is the proposal's
// form of inspection (the page names it in the reader's language).
type Choice struct {
	Value string
	Label string
	Form  string
}

// Repair previews the repair of published version id under the changes in,
// as of today (the app's civil date): nothing is written.
func (s *Service) Repair(ctx context.Context, a authz.Actor, id int64, in RepairInput, today models.Date) (RepairPreview, error) {
	var out RepairPreview
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.repair(tx, a, id, in, today)
		if err != nil {
			return err
		}
		out, err = r.preview(tx)
		return err
	}, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return RepairPreview{}, s.rendered(err)
	}
	return out, nil
}

// SaveRepair repairs published version id like Repair and saves the result as
// an amendment: a new draft version with the reason, parented by id, holding
// the repaired visits (visit statuses carried over by code) and the changed
// instance, to be submitted, approved and published as any version. Only one
// version of a plan may be in progress; the published version must still
// have in.LockVersion.
func (s *Service) SaveRepair(ctx context.Context, a authz.Actor, id int64, in RepairInput, today models.Date) (Version, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return Version{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return Version{}, s.rendered(apperr.Field("reason", "required", "replan.err.reason"))
	}
	var newID int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		src, err := loadVersion(tx, a, id)
		if err != nil {
			return err
		}
		if _, err := planForUpdate(tx, a, src.Year, Title(s.locales.For("vi"), src.Year)); err != nil {
			return err
		}
		r, err := s.repair(tx, a, id, in, today) // reads the source again, under the plan's lock
		if err != nil {
			return err
		}
		if r.src.LockVersion != in.LockVersion {
			return errStale()
		}
		if err := noOpenVersion(tx, r.src); err != nil {
			return err
		}
		r.res.Render(func(lang string, m planning.Message) string { return plantext.Of(s.locales.For(lang), m) })
		var number int
		if err := tx.Model(&models.PlanVersion{}).Where("plan_id = ?", r.src.PlanID).
			Select("coalesce(max(number), 0) + 1").Scan(&number).Error; err != nil {
			return fmt.Errorf("next version number: %w", err)
		}
		metrics := r.res.Plan.Metrics
		v := models.PlanVersion{PlanID: r.src.PlanID, Number: number, Status: models.VersionDraft, Reason: in.Reason,
			ParentVersionID: &r.src.ID, Penalty: &metrics.Penalty, Metrics: models.MustJSON(metrics),
			Instance: models.MustJSON(r.res.Instance), CreatedBy: userRef(a)}
		if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&v).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errStale()
			}
			return fmt.Errorf("create repaired version of %d: %w", id, err)
		}
		newID = v.ID
		if err := saveVisits(tx, newID, r.res.Instance, r.res.Plan); err != nil {
			return err
		}
		// The leave is the inspector's from now on (the next build knows it),
		// and the proposals the amendment takes out are withdrawn when it is
		// published (applyWithdrawals).
		if err := saveLeaves(tx, a, r.changes.Unavailable, in.Reason); err != nil {
			return err
		}
		if err := saveWithdrawals(tx, newID, r.changes.WithdrawnProposals); err != nil {
			return err
		}
		// A visit already under way stays so in the amendment, as Amend copies it.
		if err := tx.Exec(`UPDATE visits nv SET status = ov.status FROM visits ov
			WHERE nv.plan_version_id = ? AND ov.plan_version_id = ? AND ov.code = nv.code AND nv.status <> ov.status`,
			newID, r.src.ID).Error; err != nil {
			return fmt.Errorf("carry visit statuses into version %d: %w", newID, err)
		}
		return audit.Record(tx, a, "repair", "plan_versions", newID, map[string]any{"from_version": id},
			map[string]any{"number": number, "reason": in.Reason, "parent_version_id": id, "changes": r.changes,
				"repair": r.res.Plan.Repair})
	})
	if err != nil {
		return Version{}, s.rendered(err)
	}
	return s.Version(ctx, a, newID)
}

// saveLeaves stores the leave entered with a repair in inspector_leaves, with
// the amendment's reason; a leave already stored with the same days is not
// stored twice.
func saveLeaves(tx *gorm.DB, a authz.Actor, leaves []planning.Unavailability, reason string) error {
	for _, l := range leaves {
		var row models.InspectorLeave
		res := tx.Raw(`INSERT INTO inspector_leaves (inspector_id, from_date, to_date, reason)
			SELECT i.id, ?::date, ?::date, ? FROM inspectors i
			WHERE i.code = ? AND NOT EXISTS (SELECT 1 FROM inspector_leaves l
				WHERE l.inspector_id = i.id AND l.from_date = ?::date AND l.to_date = ?::date)
			RETURNING id, inspector_id, from_date, to_date, reason`,
			l.From, l.To, reason, l.Inspector, l.From, l.To).Scan(&row)
		if res.Error != nil {
			return fmt.Errorf("store the leave of %s (%s–%s): %w", l.Inspector, l.From, l.To, res.Error)
		}
		if row.ID == 0 {
			continue // already stored
		}
		if err := audit.Record(tx, a, "create", "inspector_leaves", row.ID, nil, row); err != nil {
			return err
		}
	}
	return nil
}

// saveWithdrawals lists the proposals (engine refs "p42") that amendment
// version id takes out of the plan.
func saveWithdrawals(tx *gorm.DB, id int64, refs []string) error {
	for _, ref := range refs {
		pid, err := proposalID(ref)
		if err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO plan_version_withdrawals (plan_version_id, proposal_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, id, pid).Error; err != nil {
			return fmt.Errorf("note proposal %d withdrawn by version %d: %w", pid, id, err)
		}
	}
	return nil
}

// applyWithdrawals, in the transaction that publishes version id, marks the
// proposals it takes out of the plan (saveWithdrawals) as withdrawn with the
// version's reason: a proposal that is still open (draft, submitted or
// accepted) leaves the proposal lifecycle as its body's withdrawal would; one
// already closed stays as it is.
func applyWithdrawals(tx *gorm.DB, a authz.Actor, id int64) error {
	var rows []struct {
		ID     int64
		Status models.ProposalStatus
		Reason string
	}
	if err := tx.Raw(`SELECT p.id, p.status, v.reason FROM proposals p
		JOIN plan_version_withdrawals w ON w.proposal_id = p.id
		JOIN plan_versions v ON v.id = w.plan_version_id
		WHERE w.plan_version_id = ? AND p.status IN ? ORDER BY p.id FOR UPDATE OF p`,
		id, openProposalStatuses).Scan(&rows).Error; err != nil {
		return fmt.Errorf("proposals withdrawn by version %d: %w", id, err)
	}
	for _, r := range rows {
		if err := tx.Model(&models.Proposal{}).Where("id = ?", r.ID).Updates(map[string]any{
			"status": models.ProposalWithdrawn, "status_reason": r.Reason, "updated_at": gorm.Expr("now()")}).Error; err != nil {
			return fmt.Errorf("withdraw proposal %d: %w", r.ID, err)
		}
		if err := audit.Record(tx, a, "withdraw", "proposals", r.ID, map[string]any{"status": r.Status},
			map[string]any{"status": models.ProposalWithdrawn, "status_reason": r.Reason, "plan_version_id": id}); err != nil {
			return err
		}
	}
	return nil
}

// openProposalStatuses are the statuses a proposal may still leave.
var openProposalStatuses = []models.ProposalStatus{models.ProposalDraft, models.ProposalSubmitted, models.ProposalAccepted}

// RepairChoices returns what the repair form of published version id offers.
func (s *Service) RepairChoices(ctx context.Context, a authz.Actor, id int64) (RepairChoices, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return RepairChoices{}, err
	}
	tx := s.db.WithContext(ctx)
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return RepairChoices{}, err
	}
	if v.Status != models.VersionPublished {
		return RepairChoices{}, wrongStatus(v.Status)
	}
	inst, err := instanceOf(tx, id)
	if err != nil {
		return RepairChoices{}, err
	}
	visits, err := loadVisits(versionVisits(tx, id))
	if err != nil {
		return RepairChoices{}, err
	}
	names, err := loadNames(tx)
	if err != nil {
		return RepairChoices{}, err
	}
	out := RepairChoices{Version: v}
	for _, in := range inst.Inspectors {
		out.Inspectors = append(out.Inspectors, Choice{Value: in.ID, Label: names.inspector(in.ID) + " (" + names.bodies[in.Body] + ")"})
	}
	for _, vis := range visits {
		label := vis.UnitName
		if vis.Scheduled() {
			label += " · " + vis.StartDate.Time().Format("02/01/2006") + " – " + vis.EndDate.Time().Format("02/01/2006")
		}
		out.Visits = append(out.Visits, Choice{Value: vis.Code, Label: label})
		if vis.Scheduled() {
			out.Scheduled = append(out.Scheduled, Choice{Value: vis.Code, Label: label})
		}
		for _, p := range vis.Proposals {
			out.Proposals = append(out.Proposals, Choice{Value: strconv.FormatInt(p.ID, 10),
				Label: "#" + strconv.FormatInt(p.ID, 10) + " · " + vis.UnitName + " · " + p.BodyName})
		}
	}
	slices.SortFunc(out.Proposals, func(x, y Choice) int { return compareIDs(x.Value, y.Value) })
	cands, err := newProposalRows(tx, v.Year, inst)
	if err != nil {
		return RepairChoices{}, err
	}
	for _, c := range cands {
		out.NewProposals = append(out.NewProposals, Choice{Value: strconv.FormatInt(c.ID, 10),
			Label: fmt.Sprintf("#%d · %s · %s", c.ID, c.UnitName, c.BodyName), Form: c.Form})
	}
	return out, nil
}

func compareIDs(x, y string) int {
	a, _ := strconv.ParseInt(x, 10, 64)
	b, _ := strconv.ParseInt(y, 10, 64)
	return int(a - b)
}

// repairRun is one repair of a published version: the source, its visits,
// the changes given to the engine and the engine's result.
type repairRun struct {
	src     Version
	visits  []Visit
	changes planning.Changes
	res     *planning.RepairResult
}

// repair checks in against published version id and runs the engine.
func (s *Service) repair(tx *gorm.DB, a authz.Actor, id int64, in RepairInput, today models.Date) (*repairRun, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return nil, err
	}
	src, err := loadVersion(tx, a, id)
	if err != nil {
		return nil, err
	}
	if src.Status != models.VersionPublished {
		return nil, wrongStatus(src.Status)
	}
	inst, err := instanceOf(tx, id)
	if err != nil {
		return nil, err
	}
	visits, err := loadVisits(versionVisits(tx, id))
	if err != nil {
		return nil, err
	}
	ch, err := s.changesOf(tx, src, inst, visits, in, today)
	if err != nil {
		return nil, err
	}
	res, err := planning.Repair(inst, enginePlan(visits), &ch, planning.Options{Seed: SolveSeed})
	if err != nil {
		var ce *planning.ChangesError
		if errors.As(err, &ce) {
			names, nerr := loadNames(tx)
			if nerr != nil {
				return nil, nerr
			}
			return nil, changeProblems(ce, names)
		}
		return nil, instanceProblems(err)
	}
	return &repairRun{src: src, visits: visits, changes: ch, res: res}, nil
}

// changesOf checks the planner's input against the version and turns it into
// the engine's changes: each bad entry is named by its field; the new
// proposals (and the units they visit) join the instance inst.
func (s *Service) changesOf(tx *gorm.DB, src Version, inst *planning.Instance, visits []Visit, in RepairInput, today models.Date) (planning.Changes, error) {
	ch := planning.Changes{Today: today.String()}
	ve := &apperr.ValidationError{}
	if in.empty() {
		ve.AddField("changes", "required", "replan.err.no_change")
	}
	known := map[string]bool{}
	for _, i := range inst.Inspectors {
		known[i.ID] = true
	}
	for k, l := range in.Leaves {
		f := fmt.Sprintf("leaves[%d]", k)
		l.Inspector = strings.TrimSpace(l.Inspector)
		switch {
		case l.Inspector == "":
			ve.AddField(f+".inspector", "required", "replan.err.inspector_required")
		case !known[l.Inspector]:
			ve.AddField(f+".inspector", "unknown", "replan.err.inspector_unknown", "Inspector", l.Inspector)
		}
		// The picker's ISO date, or dd/mm/yyyy as typed.
		fromDay, errFrom := models.ParseTyped(l.From)
		toDay, errTo := models.ParseTyped(l.To)
		from, to := fromDay.Time(), toDay.Time()
		if errFrom != nil {
			ve.AddField(f+".from", "date", "replan.err.date")
		}
		if errTo != nil {
			ve.AddField(f+".to", "date", "replan.err.date")
		}
		if errFrom != nil || errTo != nil {
			continue
		}
		switch {
		case to.Before(from):
			ve.AddField(f+".to", "after_from", "replan.err.leave_order")
		case to.Year() < src.Year || from.Year() > src.Year:
			ve.AddField(f+".from", "year", "replan.err.leave_year", "Year", src.Year)
		default:
			ch.Unavailable = append(ch.Unavailable, planning.Unavailability{Inspector: l.Inspector,
				From: calendar.Format(from), To: calendar.Format(to)})
		}
	}
	byCode := make(map[string]*Visit, len(visits))
	for i := range visits {
		byCode[visits[i].Code] = &visits[i]
	}
	inPlan := map[int64]bool{}
	for _, p := range inst.Proposals {
		if id, err := proposalID(p.ID); err == nil {
			inPlan[id] = true
		}
	}
	withdrawn := map[string]bool{}
	for k, code := range in.CancelVisits {
		v := byCode[strings.TrimSpace(code)]
		if v == nil {
			ve.AddField(fmt.Sprintf("cancel_visits[%d]", k), "unknown", "replan.err.visit_unknown", "Visit", code)
			continue
		}
		for _, p := range v.Proposals {
			withdrawn[p.Ref()] = true
		}
	}
	for k, id := range in.WithdrawProposals {
		if !inPlan[id] {
			ve.AddField(fmt.Sprintf("withdraw_proposals[%d]", k), "unknown", "replan.err.proposal_not_in_plan", "Proposal", id)
			continue
		}
		withdrawn[proposalRef(id)] = true
	}
	for k, code := range in.PinVisits {
		if v := byCode[strings.TrimSpace(code)]; v == nil || !v.Scheduled() {
			ve.AddField(fmt.Sprintf("pin_visits[%d]", k), "unknown", "replan.err.pin_unknown", "Visit", code)
			continue
		}
		ch.PinnedVisits = append(ch.PinnedVisits, strings.TrimSpace(code))
	}
	if len(in.NewProposals) > 0 {
		added, err := s.newProposals(tx, src.Year, inst, in.NewProposals, ve)
		if err != nil {
			return ch, err
		}
		ch.NewProposals = added
	}
	if err := ve.Err(); err != nil {
		return ch, err
	}
	for ref := range withdrawn {
		ch.WithdrawnProposals = append(ch.WithdrawnProposals, ref)
	}
	slices.Sort(ch.WithdrawnProposals)
	sent, err := noticeSent(tx, src)
	if err != nil {
		return ch, err
	}
	ch.NoticeSent = sent
	return ch, nil
}

// newProposals returns the engine's proposals for ids, each a submitted or
// accepted proposal of the year that the plan does not hold yet, and adds the
// units they visit (with their ancestors) to inst when it lacks them.
func (s *Service) newProposals(tx *gorm.DB, year int, inst *planning.Instance, ids []int64, ve *apperr.ValidationError) ([]planning.Proposal, error) {
	cands, err := newProposalRows(tx, year, inst)
	if err != nil {
		return nil, err
	}
	eligible := map[int64]bool{}
	for _, c := range cands {
		eligible[c.ID] = true
	}
	seen := map[int64]bool{}
	var want []string
	for k, id := range ids {
		switch {
		case !eligible[id]:
			ve.AddField(fmt.Sprintf("new_proposals[%d]", k), "unknown", "replan.err.proposal_not_new", "Proposal", id)
		case !seen[id]:
			seen[id] = true
			want = append(want, proposalRef(id))
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	// The year's instance as the database holds it now gives the proposals
	// and their units in the engine's terms, exactly as a build would.
	now, err := loadInstance(tx, year)
	if err != nil {
		return nil, err
	}
	var out []planning.Proposal
	for _, p := range now.Proposals {
		if slices.Contains(want, p.ID) {
			out = append(out, p)
		}
	}
	has := map[string]bool{}
	for _, u := range inst.Units {
		has[u.ID] = true
	}
	for _, u := range now.Units {
		if !has[u.ID] {
			inst.Units = append(inst.Units, u)
		}
	}
	return out, nil
}

// newProposalRow is a proposal that may join a published plan.
type newProposalRow struct {
	ID                 int64
	UnitName, BodyName string
	Form               string
}

// newProposalRows lists the submitted or accepted proposals of year that inst
// does not hold.
func newProposalRows(tx *gorm.DB, year int, inst *planning.Instance) ([]newProposalRow, error) {
	held := []int64{0} // proposal ids are positive; NOT IN () is not SQL
	for _, p := range inst.Proposals {
		if id, err := proposalID(p.ID); err == nil {
			held = append(held, id)
		}
	}
	var rows []newProposalRow
	err := tx.Raw(`SELECT p.id, u.name AS unit_name, b.name AS body_name, p.form
		FROM proposals p JOIN units u ON u.id = p.unit_id JOIN bodies b ON b.id = p.body_id
		WHERE p.year = ? AND p.status IN ? AND p.id NOT IN ? ORDER BY p.id`,
		year, buildStatuses, held).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list proposals not in the plan of %d: %w", year, err)
	}
	return rows, nil
}

// noticeSentSQL lists the scheduled visits of a version whose unit was already
// sent the visit notice for their current dates. Notices are recorded under
// "visit:<visit id>:notice@<start>:user:<user id>" (followup.VisitNoticeDue,
// notify.DedupeKey), with the id of the visit in the version then published;
// an amendment copies visits under new ids, so a notice counts when any
// version of the plan had a visit with the same code and start that was
// announced. The keys are read once (a regular expression, no index needed:
// the table holds a few notices per visit and reminder).
const noticeSentSQL = `
WITH sent AS (
  SELECT DISTINCT substring(key from '^visit:([0-9]+):notice@')::bigint AS visit_id,
         substring(key from '^visit:[0-9]+:notice@([0-9]{4}-[0-9]{2}-[0-9]{2})')::date AS day
    FROM sent_notification_keys
   WHERE key ~ '^visit:[0-9]+:notice@[0-9]{4}-[0-9]{2}-[0-9]{2}')
SELECT DISTINCT s.code
  FROM visits s
  JOIN visits o ON o.code = s.code AND o.start_date = s.start_date
  JOIN plan_versions ov ON ov.id = o.plan_version_id AND ov.plan_id = ?
  JOIN sent ON sent.visit_id = o.id AND sent.day = o.start_date
 WHERE s.plan_version_id = ? AND s.start_date IS NOT NULL
 ORDER BY s.code`

// noticeSent lists the visits of v whose notice was sent (they must not move).
func noticeSent(tx *gorm.DB, v Version) ([]string, error) {
	var codes []string
	if err := tx.Raw(noticeSentSQL, v.PlanID, v.ID).Scan(&codes).Error; err != nil {
		return nil, fmt.Errorf("visits of version %d already announced: %w", v.ID, err)
	}
	return codes, nil
}

// noOpenVersion refuses a new version while another version of the plan is in
// progress (draft, submitted or approved).
func noOpenVersion(tx *gorm.DB, src Version) error {
	var open []models.PlanVersion
	if err := tx.Select("id", "number", "status").Where("plan_id = ? AND id <> ? AND status IN ?", src.PlanID, src.ID,
		[]models.PlanVersionStatus{models.VersionDraft, models.VersionSubmitted, models.VersionApproved}).
		Order("number").Find(&open).Error; err != nil {
		return fmt.Errorf("find open versions: %w", err)
	}
	if len(open) > 0 {
		return apperr.Fail(apperr.ErrConflict, "plans.err.open_version", "Number", open[0].Number, "Status", statusLabel(open[0].Status))
	}
	return nil
}

// changeProblems turns the engine's refusal into field errors under the
// names of RepairInput (leaves[0].from, pin_visits[1], notice_sent[0]…).
func changeProblems(ce *planning.ChangesError, n names) error {
	ve := &apperr.ValidationError{}
	for _, p := range ce.Problems {
		field := p.Field
		switch {
		case strings.HasPrefix(field, "unavailable"):
			field = "leaves" + strings.TrimPrefix(field, "unavailable")
		case strings.HasPrefix(field, "pinned_visits"):
			field = "pin_visits" + strings.TrimPrefix(field, "pinned_visits")
		}
		ve.AddField(field, "repair", "replan.err.problem", "Problem", plantext.Arg(n.message(p.Msg)))
	}
	return ve
}

// preview compares the repaired plan with the source version.
func (r *repairRun) preview(tx *gorm.DB) (RepairPreview, error) {
	n, err := loadNames(tx)
	if err != nil {
		return RepairPreview{}, err
	}
	rep := r.res.Plan.Repair
	out := RepairPreview{Version: r.src, Today: r.changes.Today, NoticeSent: nonNil(r.changes.NoticeSent), Report: rep,
		Moved: []RepairedVisit{}, Reteamed: []RepairedVisit{}, Placed: []RepairedVisit{}, Dropped: []RepairedVisit{},
		Cancelled: []RepairedVisit{}, Unscheduled: []RepairedVisit{}}
	before := make(map[string]*Visit, len(r.visits))
	for i := range r.visits {
		before[r.visits[i].Code] = &r.visits[i]
	}
	after := make(map[string]*planning.Visit, len(r.res.Plan.Visits))
	for i := range r.res.Plan.Visits {
		after[r.res.Plan.Visits[i].ID] = &r.res.Plan.Visits[i]
	}
	unsched := make(map[string]*planning.Unscheduled, len(r.res.Plan.Unscheduled))
	for i := range r.res.Plan.Unscheduled {
		unsched[r.res.Plan.Unscheduled[i].Visit] = &r.res.Plan.Unscheduled[i]
	}
	notes := map[string][]planning.Message{}
	for _, note := range r.res.Notes {
		for _, m := range note.Why {
			notes[note.Visit] = append(notes[note.Visit], n.message(m))
		}
	}
	units := unitNames(r.res.Instance)
	row := func(code string) RepairedVisit {
		rv := RepairedVisit{Code: code, Notes: notes[code]}
		if b := before[code]; b != nil {
			rv.UnitName, rv.Form, rv.BeforeStart, rv.BeforeEnd = b.UnitName, b.Form, b.StartDate, b.EndDate
			if l := b.Lead(); l != nil {
				rv.LeadBefore = l.Name
			}
			if b.UnscheduledMsg != nil && len(rv.Notes) == 0 {
				rv.Notes = []planning.Message{n.message(*b.UnscheduledMsg)}
			}
			rv.was = b
		}
		if a := after[code]; a != nil {
			if rv.UnitName == "" {
				rv.UnitName, rv.Form = units[a.Unit], models.Form(a.Form)
			}
			start, _ := models.ParseDate(a.Start)
			end, _ := models.ParseDate(a.End)
			rv.AfterStart, rv.AfterEnd = &start, &end
			for _, m := range a.Team {
				if m.Role == planning.RoleLead {
					rv.LeadAfter = n.inspector(m.Inspector)
				}
			}
		}
		return rv
	}
	for _, c := range rep.Moved {
		out.Moved = append(out.Moved, row(c))
	}
	for _, c := range rep.Reteamed {
		out.Reteamed = append(out.Reteamed, row(c))
	}
	for _, c := range rep.Placed {
		out.Placed = append(out.Placed, row(c))
	}
	for _, c := range rep.Dropped {
		out.Dropped = append(out.Dropped, row(c))
	}
	for _, c := range rep.Cancelled {
		out.Cancelled = append(out.Cancelled, row(c))
	}
	for _, u := range r.res.Plan.Unscheduled {
		rv := row(u.Visit)
		if rv.UnitName == "" {
			rv.UnitName = unitOfProposals(r.res.Instance, u.Proposals, units)
		}
		out.Unscheduled = append(out.Unscheduled, rv)
	}
	return out, nil
}

// unitNames maps the instance's unit codes to names.
func unitNames(inst *planning.Instance) map[string]string {
	out := make(map[string]string, len(inst.Units))
	for _, u := range inst.Units {
		out[u.ID] = u.Name
	}
	return out
}

// unitOfProposals names the unit of a new visit from its first proposal.
func unitOfProposals(inst *planning.Instance, refs []string, units map[string]string) string {
	for _, p := range inst.Proposals {
		if len(refs) > 0 && p.ID == refs[0] {
			return units[p.Unit]
		}
	}
	return ""
}

// names turns the engine's ids into what the pages show: inspectors' and
// bodies' names, proposals as "#42".
type names struct {
	inspectors, bodies map[string]string
}

func loadNames(tx *gorm.DB) (names, error) {
	n := names{inspectors: map[string]string{}, bodies: map[string]string{}}
	var rows []struct{ Code, Name string }
	if err := tx.Raw(`SELECT code, full_name AS name FROM inspectors`).Scan(&rows).Error; err != nil {
		return n, fmt.Errorf("read inspector names: %w", err)
	}
	for _, r := range rows {
		n.inspectors[r.Code] = r.Name
	}
	rows = rows[:0]
	if err := tx.Raw(`SELECT code, name FROM bodies`).Scan(&rows).Error; err != nil {
		return n, fmt.Errorf("read body names: %w", err)
	}
	for _, r := range rows {
		n.bodies[r.Code] = r.Name
	}
	return n, nil
}

func (n names) inspector(code string) string {
	if name := n.inspectors[code]; name != "" {
		return name
	}
	return code
}

// message returns m with its ids replaced by names, nested messages included.
func (n names) message(m planning.Message) planning.Message {
	if len(m.Args) == 0 {
		return m
	}
	args := make(map[string]any, len(m.Args))
	for k, v := range m.Args {
		switch x := v.(type) {
		case planning.Message:
			v = n.message(x)
		case string:
			switch k {
			case "Inspector", "In", "Out":
				v = n.inspector(x)
			case "Body":
				if name := n.bodies[x]; name != "" {
					v = name
				}
			case "Proposals", "Proposal":
				parts := strings.Split(x, ", ")
				for i, p := range parts {
					if id, err := proposalID(p); err == nil {
						parts[i] = "#" + strconv.FormatInt(id, 10)
					}
				}
				v = strings.Join(parts, ", ")
			}
		}
		args[k] = v
	}
	return planning.Message{ID: m.ID, Args: args}
}

package plans

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/app/planning"
	"khung/app/planning/plantext"
	"khung/models"
	"khung/views"
)

// BuildInput is what the planner sends to build a year's plan. LockVersion is
// the lock version of the draft the page showed (nil when there was none);
// Reason is required for any version after the first.
type BuildInput struct {
	Reason      string `json:"reason" form:"reason"`
	LockVersion *int   `json:"lock_version" form:"lock_version"`
}

// titleKinds are the kinds of inspection the framework plan's title names
// (Hanoi's framework plan joins public-service checks with the departments'
// specialised ones); their words are app/officialdoc's for the plan's year.
var titleKinds = []string{"public_service", "specialised"}

// Title returns the title of the framework plan of year in t's language, in
// the words of the law in force on 1 January of that year: "Kế hoạch kiểm tra
// công vụ, kiểm tra chuyên ngành năm 2027" (no "thanh tra" of a department
// after 30/6/2025). The plan's document is Vietnamese: it stores the title
// rendered in Vietnamese.
func Title(t *views.Translator, year int) string {
	var activity string // the embedded book is read once; its own tests fail when it is broken
	if book, err := officialdoc.Default(); err == nil {
		activity = book.Plan.PlanOf(titleKinds, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	return t.T("plans.document_title", "Activity", activity, "Year", year)
}

// Build runs the engine (merge, schedule, improve) on the year's submitted and
// accepted proposals and saves the result as a draft version, in one
// transaction: the visits with dates, lead body and explanations, their
// proposals and teams, the unscheduled visits with their reason, the penalty,
// the metrics and the instance (for later re-checks). A draft of the year is
// rebuilt in place; otherwise a new version is numbered after the last one.
// A version awaiting approval blocks a build. A bad instance is a
// ValidationError listing each problem; nothing is saved.
func (s *Service) Build(ctx context.Context, a authz.Actor, year int, in BuildInput) (Version, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return Version{}, err
	}
	if year < 2000 || year > 2100 {
		return Version{}, apperr.Field("year", "range", "plans.err.year_range")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		plan, err := planForUpdate(tx, a, year, Title(s.locales.For("vi"), year))
		if err != nil {
			return err
		}
		target, number, parent, err := buildTarget(tx, plan.ID, in)
		if err != nil {
			return err
		}
		inst, err := loadInstance(tx, year)
		if err != nil {
			return err
		}
		if len(inst.Proposals) == 0 {
			return apperr.Field("year", "no_proposals", "plans.err.no_proposals", "Year", year)
		}
		if err := planning.Validate(inst); err != nil {
			return instanceProblems(err)
		}
		started := time.Now() // the engine never reads a clock; the caller times it
		result, err := planning.Solve(inst, planning.Options{Seed: SolveSeed})
		if err != nil {
			return fmt.Errorf("solve %d: %w", year, err)
		}
		result.Metrics.SolveMS = time.Since(started).Milliseconds()
		result.Render(s.renderers())

		metrics, instance := models.MustJSON(result.Metrics), models.MustJSON(inst)
		action := "build"
		if target != nil {
			action = "rebuild"
			id = target.ID
			if err := tx.Where("plan_version_id = ?", id).Delete(&models.Visit{}).Error; err != nil {
				return fmt.Errorf("clear draft %d: %w", id, err)
			}
			if err := bumpVersion(tx, id, target.LockVersion, []models.PlanVersionStatus{models.VersionDraft},
				map[string]any{"penalty": result.Metrics.Penalty, "metrics": metrics, "instance": instance}); err != nil {
				return err
			}
		} else {
			v := models.PlanVersion{PlanID: plan.ID, Number: number, Status: models.VersionDraft, Reason: in.Reason,
				ParentVersionID: parent, Penalty: &result.Metrics.Penalty, Metrics: metrics, Instance: instance}
			if a.UserID != 0 {
				v.CreatedBy = &a.UserID
			}
			if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&v).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return errStale()
				}
				return fmt.Errorf("create version %d of %d: %w", number, year, err)
			}
			id = v.ID
		}
		if err := saveVisits(tx, id, inst, result); err != nil {
			return err
		}
		return audit.Record(tx, a, action, "plan_versions", id, nil, map[string]any{
			"year": year, "number": number, "reason": in.Reason, "proposals": result.Metrics.Proposals,
			"visits": result.Metrics.Visits, "unscheduled": result.Metrics.Unscheduled,
			"penalty": result.Metrics.Penalty, "solve_ms": result.Metrics.SolveMS,
		})
	})
	if err != nil {
		return Version{}, s.rendered(err)
	}
	return s.Version(ctx, a, id)
}

// planForUpdate returns the plan of year, created when missing (issued by the
// body of highest precedence, the city team of Sở Nội vụ, symbol KH-SNV), and
// locks its row so that versions of one plan are created one at a time.
func planForUpdate(tx *gorm.DB, a authz.Actor, year int, title string) (models.Plan, error) {
	var plan models.Plan
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("year = ?", year).Take(&plan).Error
	if err == nil {
		return plan, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return plan, fmt.Errorf("load plan %d: %w", year, err)
	}
	var issuer models.Body
	if err := tx.Where("active").Order("precedence, id").Take(&issuer).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return plan, apperr.Field("year", "no_body", "plans.err.no_body")
		}
		return plan, fmt.Errorf("find issuing body: %w", err)
	}
	plan = models.Plan{Year: year, Title: title, IssuingBodyID: issuer.ID, Symbol: "KH-SNV"}
	if a.UserID != 0 {
		plan.CreatedBy = &a.UserID
	}
	// Two first builds of a year at once: the second waits on the unique year, then fails.
	if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&plan).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return plan, errStale()
		}
		return plan, fmt.Errorf("create plan %d: %w", year, err)
	}
	if err := audit.Record(tx, a, "create", "plans", plan.ID, nil, plan); err != nil {
		return plan, err
	}
	return plan, nil
}

// buildTarget decides what a build writes: the draft to rebuild (target), or
// the number and parent of a new version. A submitted or approved version
// blocks it; a new version after the first needs a reason.
func buildTarget(tx *gorm.DB, planID int64, in BuildInput) (*models.PlanVersion, int, *int64, error) {
	var versions []models.PlanVersion
	if err := tx.Select("id", "number", "status", "lock_version").Where("plan_id = ?", planID).
		Order("number DESC").Find(&versions).Error; err != nil {
		return nil, 0, nil, fmt.Errorf("list versions: %w", err)
	}
	var parent *int64
	for i, v := range versions {
		switch v.Status {
		case models.VersionDraft:
			if in.LockVersion != nil && *in.LockVersion != v.LockVersion {
				return nil, 0, nil, errStale()
			}
			return &versions[i], v.Number, nil, nil
		case models.VersionSubmitted, models.VersionApproved:
			return nil, 0, nil, apperr.Fail(apperr.ErrConflict, "plans.err.pending", "Number", v.Number)
		case models.VersionPublished:
			if parent == nil {
				parent = &versions[i].ID
			}
		}
	}
	number := 1
	if len(versions) > 0 {
		number = versions[0].Number + 1
	}
	if number > 1 && in.Reason == "" {
		return nil, 0, nil, apperr.Field("reason", "required", "plans.err.version_reason")
	}
	return nil, number, parent, nil
}

// bumpVersion updates version id only if it still has lockVersion and one of
// statuses, and increments its lock version. No row updated means someone else
// changed it first (or it moved on): ErrConflict, and the caller's
// transaction rolls back.
func bumpVersion(tx *gorm.DB, id int64, lockVersion int, statuses []models.PlanVersionStatus, fields map[string]any) error {
	set := map[string]any{"lock_version": gorm.Expr("lock_version + 1"), "updated_at": gorm.Expr("now()")}
	for k, v := range fields {
		set[k] = v
	}
	res := tx.Model(&models.PlanVersion{}).Where("id = ? AND lock_version = ? AND status IN ?", id, lockVersion, statuses).
		Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update plan version %d: %w", id, res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var cur models.PlanVersion
	if err := tx.Select("id", "status", "lock_version").Take(&cur, id).Error; err != nil {
		return notFound(err, fmt.Sprintf("plan version %d", id))
	}
	if cur.LockVersion != lockVersion {
		return errStale()
	}
	return wrongStatus(cur.Status)
}

// wrongStatus says that the version's status does not allow the step.
func wrongStatus(st models.PlanVersionStatus) error {
	return apperr.Fail(apperr.ErrConflict, "plans.err.wrong_status", "Status", statusLabel(st))
}

// statusLabel names a version status inside a sentence ("the version is a draft").
func statusLabel(st models.PlanVersionStatus) label { return label("plans.state." + string(st)) }

// instanceProblems turns the engine's list of instance defects into a
// ValidationError (each problem under the engine's field name, e.g.
// "proposals[3] (p17).window.from"), capped so that a page stays readable.
func instanceProblems(err error) error {
	var ie *planning.InstanceError
	if !errors.As(err, &ie) {
		return fmt.Errorf("validate instance: %w", err)
	}
	const shown = 50
	ve := &apperr.ValidationError{}
	for i, p := range ie.Problems {
		if i == shown {
			ve.AddField("instance", "more", "plans.err.instance_more", "Count", len(ie.Problems)-shown)
			break
		}
		ve.AddField("instance", "instance", "plans.err.instance_problem", "Field", p.Field, "Problem", plantext.Arg(p.Msg))
	}
	return ve
}

// saveVisits writes the engine's plan as rows of version id: one visit per
// plan visit and per unscheduled visit, their proposals and their teams, in
// batches (a city plan is about 600 visits, 1,600 proposals, 2,000 members).
func saveVisits(tx *gorm.DB, versionID int64, inst *planning.Instance, plan *planning.Plan) error {
	merged, err := planning.Merge(inst)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	byID := make(map[string]*planning.MergedVisit, len(merged))
	for i := range merged {
		byID[merged[i].ID] = &merged[i]
	}
	ids, err := codeIDs(tx, inst, plan)
	if err != nil {
		return err
	}
	visits := make([]models.Visit, 0, len(plan.Visits)+len(plan.Unscheduled))
	proposalsOf := make([][]string, 0, cap(visits))
	teams := make([][]planning.TeamMember, 0, cap(visits))
	add := func(code string, mv *planning.MergedVisit, v models.Visit, proposals []string, team []planning.TeamMember) error {
		if mv == nil {
			return fmt.Errorf("visit %s is not among the merged visits", code)
		}
		unitID, ok1 := ids.units[mv.Unit]
		bodyID, ok2 := ids.bodies[mv.LeadBody]
		if !ok1 || !ok2 {
			return fmt.Errorf("visit %s: unit %q or body %q has no row", code, mv.Unit, mv.LeadBody)
		}
		v.PlanVersionID, v.Code, v.Year, v.UnitID, v.LeadBodyID = &versionID, code, inst.Year, unitID, bodyID
		v.Form, v.Days, v.TeamSize, v.Priority = models.Form(mv.Form), mv.Days, mv.TeamSize, mv.Priority
		v.Status = models.VisitPlanned
		visits = append(visits, v)
		proposalsOf = append(proposalsOf, proposals)
		teams = append(teams, team)
		return nil
	}
	for _, pv := range plan.Visits {
		start, err1 := models.ParseDate(pv.Start)
		end, err2 := models.ParseDate(pv.End)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("visit %s: %w", pv.ID, err)
		}
		v := models.Visit{StartDate: &start, EndDate: &end, Why: models.MustJSON(nonNil(pv.Why)), WhyVi: models.MustJSON(nonNil(pv.WhyVi)),
			WhyMsgs: models.MustJSON(nonNil(pv.WhyMsgs))}
		if err := add(pv.ID, byID[pv.ID], v, pv.Proposals, pv.Team); err != nil {
			return err
		}
	}
	for _, u := range plan.Unscheduled {
		v := models.Visit{UnscheduledReason: u.Reason, UnscheduledReasonVi: u.ReasonVi, Why: models.JSON(`[]`), WhyVi: models.JSON(`[]`),
			WhyMsgs: models.JSON(`[]`)}
		if u.ReasonMsg != nil {
			v.UnscheduledMsg = models.MustJSON(u.ReasonMsg)
		}
		if err := add(u.Visit, byID[u.Visit], v, u.Proposals, nil); err != nil {
			return err
		}
	}
	if len(visits) == 0 {
		return nil
	}
	if err := tx.Omit("CreatedAt", "UpdatedAt").CreateInBatches(&visits, 500).Error; err != nil {
		return fmt.Errorf("save visits: %w", err)
	}
	var links []models.VisitProposal
	var members []models.VisitMember
	for k, v := range visits {
		for _, ref := range proposalsOf[k] {
			pid, err := proposalID(ref)
			if err != nil {
				return fmt.Errorf("visit %s: %w", v.Code, err)
			}
			links = append(links, models.VisitProposal{VisitID: v.ID, ProposalID: pid})
		}
		for _, m := range teams[k] {
			iid, ok := ids.inspectors[m.Inspector]
			if !ok {
				return fmt.Errorf("visit %s: inspector %q has no row", v.Code, m.Inspector)
			}
			members = append(members, models.VisitMember{VisitID: v.ID, InspectorID: iid, Role: models.MemberRole(m.Role)})
		}
	}
	if err := tx.CreateInBatches(&links, 1000).Error; err != nil {
		return fmt.Errorf("save visit proposals: %w", err)
	}
	if len(members) > 0 {
		if err := tx.Omit("CreatedAt").CreateInBatches(&members, 1000).Error; err != nil {
			return fmt.Errorf("save visit teams: %w", err)
		}
	}
	return nil
}

// rowIDs map engine ids (codes) to row ids.
type rowIDs struct {
	units, bodies, inspectors map[string]int64
}

// codeIDs reads the row ids of the units, bodies and inspectors of inst.
func codeIDs(tx *gorm.DB, inst *planning.Instance, plan *planning.Plan) (rowIDs, error) {
	ids := rowIDs{}
	var err error
	units := make([]string, len(inst.Units))
	for i, u := range inst.Units {
		units[i] = u.ID
	}
	if ids.units, err = idsOf(tx, "units", units); err != nil {
		return ids, err
	}
	bodies := make([]string, len(inst.Bodies))
	for i, b := range inst.Bodies {
		bodies[i] = b.ID
	}
	if ids.bodies, err = idsOf(tx, "bodies", bodies); err != nil {
		return ids, err
	}
	seen := map[string]bool{}
	var inspectors []string
	for _, v := range plan.Visits {
		for _, m := range v.Team {
			if !seen[m.Inspector] {
				seen[m.Inspector] = true
				inspectors = append(inspectors, m.Inspector)
			}
		}
	}
	ids.inspectors, err = idsOf(tx, "inspectors", inspectors)
	return ids, err
}

// idsOf returns code → id of the rows of table (units, bodies or inspectors) with codes.
func idsOf(tx *gorm.DB, table string, codes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64
		Code string
	}
	if err := tx.Table(table).Select("id", "code").Where("code IN ?", codes).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read %s ids: %w", table, err)
	}
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

// nonNil returns list, or an empty list for nil, so that it is stored as a JSON
// array and never as null.
func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

package plans

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/planning"
	"khung/app/planning/plantext"
	"khung/app/units"
	"khung/models"
	"khung/views"
)

// Visit is a visit of a plan version with what the board, its page and the
// API show: the unit and its area, the lead body, dates, the proposals it
// serves, the team, the planner's explanations and the soft penalties.
type Visit struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	UnitID   int64  `json:"unit_id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	AreaCode string `json:"area_code"`
	AreaName string `json:"area_name"`
	// Area names the area for a person on the visit's date (the plan's year
	// start while unscheduled): a district that has ended is a former area.
	Area              units.Area   `gorm:"-" json:"-"`
	Form              models.Form  `json:"form"`
	LeadBodyCode      string       `json:"lead_body"`
	LeadBodyName      string       `json:"lead_body_name"`
	StartDate         *models.Date `json:"start"`
	EndDate           *models.Date `json:"end"`
	Days              int          `json:"days"`
	TeamSize          int          `json:"team_size"`
	Priority          int          `json:"priority"`
	UnscheduledReason string       `json:"unscheduled_reason,omitempty"`
	// UnscheduledReasonVi is UnscheduledReason in Vietnamese ("" in older rows).
	UnscheduledReasonVi string             `json:"unscheduled_reason_vi,omitempty"`
	Status              models.VisitStatus `json:"status"`
	Why                 []string           `gorm:"-" json:"why"`
	// WhyVi is Why in Vietnamese, same length and order (empty in older rows).
	WhyVi []string `gorm:"-" json:"why_vi"`
	// WhyMsgs and UnscheduledMsg are the planner's messages the sentences
	// were rendered from (empty in older rows); the pages render them in the
	// reader's language.
	WhyMsgs        []planning.Message `gorm:"-" json:"-"`
	UnscheduledMsg *planning.Message  `gorm:"-" json:"-"`
	Proposals      []ProposalRef      `gorm:"-" json:"proposals"`
	Team           []Member           `gorm:"-" json:"team"`
	Soft           Soft               `gorm:"-" json:"soft"`
	// names, when a page's service call set them, name the ids of WhyFor
	// and ReasonFor.
	names *Names
}

// Scheduled tells whether the visit has dates.
func (v Visit) Scheduled() bool { return v.StartDate != nil }

// WhyIn returns the planner's sentences in language lang ("vi" or "en"); rows
// written before the planner explained in Vietnamese fall back to English.
func (v Visit) WhyIn(lang string) []string {
	if lang == "en" || len(v.WhyVi) != len(v.Why) {
		return v.Why
	}
	return v.WhyVi
}

// WhyLang is the language WhyIn(lang) is written in, for the lang attribute.
func (v Visit) WhyLang(lang string) string {
	if lang == "en" || len(v.WhyVi) != len(v.Why) {
		return "en"
	}
	return "vi"
}

// ReasonIn returns why the visit is unscheduled in language lang, falling back
// to English when the row has no Vietnamese reason.
func (v Visit) ReasonIn(lang string) string {
	if lang == "en" || v.UnscheduledReasonVi == "" {
		return v.UnscheduledReason
	}
	return v.UnscheduledReasonVi
}

// ReasonLang is the language ReasonIn(lang) is written in.
func (v Visit) ReasonLang(lang string) string {
	if lang == "en" || v.UnscheduledReasonVi == "" {
		return "en"
	}
	return "vi"
}

// msgsCover tells whether the messages give every stored sentence (rows
// written since the planner stores messages; older rows, and older rows with
// hand changes, have fewer).
func (v Visit) msgsCover() bool { return len(v.WhyMsgs) > 0 && len(v.WhyMsgs) == len(v.Why) }

// WhyFor returns the planner's sentences in t's language, rendered from the
// messages; older rows give their stored sentences (WhyIn).
func (v Visit) WhyFor(t *views.Translator) []string {
	if v.names != nil {
		return v.names.WhyFor(t, v)
	}
	if !v.msgsCover() {
		return v.WhyIn(t.Lang)
	}
	out := make([]string, len(v.WhyMsgs))
	for k, m := range v.WhyMsgs {
		out[k] = plantext.Of(t, m)
	}
	return out
}

// WhyLangFor is the language WhyFor(t) is written in, for the lang attribute.
func (v Visit) WhyLangFor(t *views.Translator) string {
	if !v.msgsCover() {
		return v.WhyLang(t.Lang)
	}
	return t.Lang
}

// ReasonFor returns why the visit is unscheduled in t's language, rendered
// from the message; older rows give their stored reason (ReasonIn).
func (v Visit) ReasonFor(t *views.Translator) string {
	if v.names != nil {
		return v.names.ReasonFor(t, v)
	}
	if v.UnscheduledMsg == nil {
		return v.ReasonIn(t.Lang)
	}
	return plantext.Of(t, *v.UnscheduledMsg)
}

// ReasonLangFor is the language ReasonFor(t) is written in.
func (v Visit) ReasonLangFor(t *views.Translator) string {
	if v.UnscheduledMsg == nil {
		return v.ReasonLang(t.Lang)
	}
	return t.Lang
}

// ShortUnit is the unit's name without its type, for the board's chips:
// "Phường Phúc Xá" → "Phúc Xá".
func (v Visit) ShortUnit() string {
	for _, t := range []string{"Phường ", "Xã ", "Thị trấn ", "Quận ", "Huyện ", "Thị xã "} {
		if rest, ok := strings.CutPrefix(v.UnitName, t); ok && rest != "" {
			return rest
		}
	}
	return v.UnitName
}

// Joint tells whether bodies other than the lead body take part.
func (v Visit) Joint() bool { return len(v.Bodies()) > 1 }

// Bodies lists the codes of the bodies whose proposals the visit serves, the lead first.
func (v Visit) Bodies() []string {
	out := []string{v.LeadBodyCode}
	for _, p := range v.Proposals {
		if !slices.Contains(out, p.BodyCode) {
			out = append(out, p.BodyCode)
		}
	}
	return out
}

// BodyNames lists the names of the other bodies of a joint visit.
func (v Visit) BodyNames() []string {
	var out []string
	for _, p := range v.Proposals {
		if p.BodyCode != v.LeadBodyCode && !slices.Contains(out, p.BodyName) {
			out = append(out, p.BodyName)
		}
	}
	return out
}

// Lead returns the team leader (nil when there is none).
func (v Visit) Lead() *Member {
	for i := range v.Team {
		if v.Team[i].Role == models.MemberLead {
			return &v.Team[i]
		}
	}
	return nil
}

// ProposalRef is a proposal served by a visit.
type ProposalRef struct {
	ID         int64            `json:"id"`
	BodyCode   string           `json:"body"`
	BodyName   string           `json:"body_name"`
	Kind       string           `json:"kind"`
	KindVI     string           `json:"-"`
	KindEN     string           `json:"-"`
	Form       models.Form      `json:"form"`
	Topics     models.TextArray `json:"topics"`
	WindowFrom *models.Date     `json:"window_from"`
	WindowTo   *models.Date     `json:"window_to"`
	Days       int              `json:"days"`
	TeamSize   int              `json:"team_size"`
	Priority   int              `json:"priority"`
	LegalBasis string           `json:"legal_basis"`
}

// Ref is the engine's id of the proposal.
func (p ProposalRef) Ref() string { return proposalRef(p.ID) }

// KindName names the kind in lang ("vi" or "en").
func (p ProposalRef) KindName(lang string) string {
	if lang == "en" && p.KindEN != "" {
		return p.KindEN
	}
	if p.KindVI != "" {
		return p.KindVI
	}
	return p.Kind
}

// Member is an inspector on a visit's team.
type Member struct {
	InspectorID int64             `json:"inspector_id"`
	Code        string            `json:"inspector"`
	Name        string            `json:"name"`
	Title       string            `json:"title"`
	BodyCode    string            `json:"body"`
	BodyName    string            `json:"body_name"`
	Role        models.MemberRole `json:"role"`
}

// visitQuery selects the visits of a version (alias v) that a may see.
func visitQuery(tx *gorm.DB, a authz.Actor, versionID int64) *gorm.DB {
	return versionVisits(tx, versionID).Scopes(authz.VisitScopeOn(a, "v"))
}

// versionVisits selects every visit of a version (alias v), for callers that
// have checked who reads them.
func versionVisits(tx *gorm.DB, versionID int64) *gorm.DB {
	return tx.Table("visits v").
		Select(`v.id, v.code, v.unit_id, u.code AS unit_code, u.name AS unit_name, u.area_code,
			coalesce(ar.name, '') AS area_name, v.form, b.code AS lead_body_code, b.name AS lead_body_name,
			v.start_date, v.end_date, v.days, v.team_size, v.priority, v.unscheduled_reason, v.status, v.why,
			v.unscheduled_reason_vi, v.why_vi, v.why_msgs, v.unscheduled_msg,
			`+areaColumns).
		Joins("JOIN units u ON u.id = v.unit_id").
		Joins("LEFT JOIN units ar ON ar.code = u.area_code").
		Joins("JOIN bodies b ON b.id = v.lead_body_id").
		Where("v.plan_version_id = ?", versionID)
}

// areaColumns are what names a visit's area (alias ar) on a day: the area
// unit's type and end, and the plan's year.
const areaColumns = `coalesce(ar.type_label, '') AS area_type_label, ar.valid_to AS area_valid_to,
	(SELECT kpl.year FROM plan_versions kpv JOIN plans kpl ON kpl.id = kpv.plan_id WHERE kpv.id = v.plan_version_id) AS plan_year`

// visitRow is a visits row as visitQuery reads it.
type visitRow struct {
	Visit
	WhyJSON   models.JSON `gorm:"column:why"`
	WhyViJSON models.JSON `gorm:"column:why_vi"`
	WhyMsgs   models.JSON `gorm:"column:why_msgs"`
	Reason    models.JSON `gorm:"column:unscheduled_msg"`
	// AreaTypeLabel, AreaValidTo and PlanYear name the area (Visit.Area).
	AreaTypeLabel string
	AreaValidTo   *models.Date
	PlanYear      int
}

// yearStart is 1 January of year.
func yearStart(year int) models.Date { return models.Date{Year: year, Month: time.January, Day: 1} }

// loadVisits reads the visits q selects with their proposals and teams, in
// start order (unscheduled last).
func loadVisits(q *gorm.DB) ([]Visit, error) {
	var rows []visitRow
	if err := q.Order("v.start_date NULLS LAST, v.code").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load visits: %w", err)
	}
	out := make([]Visit, len(rows))
	index := make(map[int64]int, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.Visit
		out[i].Area = units.Area{Name: r.AreaName, TypeLabel: r.AreaTypeLabel, ValidTo: r.AreaValidTo, Day: yearStart(r.PlanYear)}
		if r.StartDate != nil {
			out[i].Area.Day = *r.StartDate
		}
		out[i].Why, out[i].WhyVi = []string{}, []string{}
		if len(r.WhyJSON) > 0 {
			if err := r.WhyJSON.Unmarshal(&out[i].Why); err != nil {
				return nil, fmt.Errorf("visit %s: why: %w", r.Code, err)
			}
		}
		if len(r.WhyViJSON) > 0 {
			if err := r.WhyViJSON.Unmarshal(&out[i].WhyVi); err != nil {
				return nil, fmt.Errorf("visit %s: why_vi: %w", r.Code, err)
			}
		}
		if len(r.WhyMsgs) > 0 {
			if err := r.WhyMsgs.Unmarshal(&out[i].WhyMsgs); err != nil {
				return nil, fmt.Errorf("visit %s: why_msgs: %w", r.Code, err)
			}
		}
		if len(r.Reason) > 0 && string(r.Reason) != "null" {
			if err := r.Reason.Unmarshal(&out[i].UnscheduledMsg); err != nil {
				return nil, fmt.Errorf("visit %s: unscheduled_msg: %w", r.Code, err)
			}
		}
		out[i].Proposals, out[i].Team = []ProposalRef{}, []Member{}
		index[r.ID] = i
		ids[i] = r.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	tx := q.Session(&gorm.Session{NewDB: true})
	var props []struct {
		VisitID int64
		ProposalRef
	}
	// A version has up to a few thousand visits: one query per table, not per visit.
	err := tx.Raw(`SELECT vp.visit_id, p.id, b.code AS body_code, b.name AS body_name, p.kind,
			coalesce(k.name_vi, '') AS kind_vi, coalesce(k.name_en, '') AS kind_en, p.form, p.topics,
			p.window_from, p.window_to, p.days, p.team_size, p.priority, p.legal_basis
		FROM visit_proposals vp JOIN proposals p ON p.id = vp.proposal_id JOIN bodies b ON b.id = p.body_id
		LEFT JOIN inspection_kinds k ON k.code = p.kind
		WHERE vp.visit_id IN ? ORDER BY vp.visit_id, p.id`, ids).Scan(&props).Error
	if err != nil {
		return nil, fmt.Errorf("load visit proposals: %w", err)
	}
	for _, p := range props {
		v := &out[index[p.VisitID]]
		v.Proposals = append(v.Proposals, p.ProposalRef)
	}
	var members []struct {
		VisitID int64
		Member
	}
	err = tx.Raw(`SELECT m.visit_id, m.inspector_id, i.code, i.full_name AS name, i.title, b.code AS body_code,
			b.name AS body_name, m.role
		FROM visit_members m JOIN inspectors i ON i.id = m.inspector_id JOIN bodies b ON b.id = i.body_id
		WHERE m.visit_id IN ? ORDER BY m.visit_id, m.role, i.code`, ids).Scan(&members).Error
	if err != nil {
		return nil, fmt.Errorf("load visit teams: %w", err)
	}
	for _, m := range members {
		v := &out[index[m.VisitID]]
		v.Team = append(v.Team, m.Member)
	}
	return out, nil
}

// enginePlan turns visits back into the engine's plan (lead first in each team).
func enginePlan(visits []Visit) *planning.Plan {
	plan := &planning.Plan{Visits: []planning.Visit{}, Unscheduled: []planning.Unscheduled{}}
	for i := range visits {
		plan.Visits, plan.Unscheduled = appendEngineVisit(plan.Visits, plan.Unscheduled, &visits[i])
	}
	return plan
}

func appendEngineVisit(vs []planning.Visit, us []planning.Unscheduled, v *Visit) ([]planning.Visit, []planning.Unscheduled) {
	props := make([]string, len(v.Proposals))
	for k, p := range v.Proposals {
		props[k] = p.Ref()
	}
	slices.Sort(props)
	if !v.Scheduled() {
		return vs, append(us, planning.Unscheduled{Visit: v.Code, Proposals: props,
			Reason: v.UnscheduledReason, ReasonVi: v.UnscheduledReasonVi, ReasonMsg: v.UnscheduledMsg})
	}
	ev := planning.Visit{ID: v.Code, Unit: v.UnitCode, Form: string(v.Form), Proposals: props, LeadBody: v.LeadBodyCode,
		Start: v.StartDate.String(), End: v.EndDate.String(), Days: v.Days, Why: v.Why, WhyVi: v.WhyVi, WhyMsgs: v.WhyMsgs}
	for _, m := range v.Team {
		ev.Team = append(ev.Team, planning.TeamMember{Inspector: m.Code, Role: string(m.Role)})
	}
	return append(vs, ev), us
}

// engineVisit is appendEngineVisit for one scheduled visit.
func engineVisit(v *Visit) planning.Visit {
	vs, _ := appendEngineVisit(nil, nil, v)
	if len(vs) == 0 {
		return planning.Visit{ID: v.Code}
	}
	return vs[0]
}

// instanceOf decodes the planner input stored with version id.
func instanceOf(tx *gorm.DB, id int64) (*planning.Instance, error) {
	var raw []models.JSON
	if err := tx.Model(&models.PlanVersion{}).Where("id = ?", id).Pluck("instance", &raw).Error; err != nil {
		return nil, fmt.Errorf("load the instance of version %d: %w", id, err)
	}
	if len(raw) == 0 || len(raw[0]) == 0 {
		return nil, apperr.Fail(apperr.ErrConflict, "plans.err.no_instance")
	}
	var inst planning.Instance
	if err := raw[0].Unmarshal(&inst); err != nil {
		return nil, fmt.Errorf("decode the instance of version %d: %w", id, err)
	}
	return &inst, nil
}

// withSoft fills the soft penalties of visits from their version's rules.
func withSoft(r *softRules, visits []Visit) {
	for i := range visits {
		if visits[i].Scheduled() {
			visits[i].Soft = r.of(engineVisit(&visits[i]))
		}
	}
}

// softVersions is how many versions' soft rules the service keeps decoded
// (a national instance is 27 MB of JSON; its rules a few MB in memory).
const softVersions = 4

// softOf returns the soft rules of version id. The instance a version was
// built from never changes once stored, so they are decoded once per version
// and kept (the few most recently decoded), instead of on every board, visit
// page and API read: decoding a national instance takes seconds.
func (s *Service) softOf(tx *gorm.DB, id int64) (*softRules, error) {
	s.softMu.Lock()
	r, ok := s.soft[id]
	s.softMu.Unlock()
	if ok {
		return r, nil
	}
	inst, err := instanceOf(tx, id)
	if err != nil {
		return nil, err
	}
	if r, err = newSoftRules(inst); err != nil {
		return nil, err
	}
	s.softMu.Lock()
	defer s.softMu.Unlock()
	if _, ok := s.soft[id]; !ok {
		s.softOrder = append(s.softOrder, id)
		if len(s.softOrder) > softVersions {
			delete(s.soft, s.softOrder[0])
			s.softOrder = s.softOrder[1:]
		}
	}
	s.soft[id] = r
	return r, nil
}

// VersionDetail is a version with all its visits, as the API returns it.
type VersionDetail struct {
	Version     Version `json:"version"`
	Visits      []Visit `json:"visits"`
	Unscheduled []Visit `json:"unscheduled"`
}

// Detail returns version id with the visits a may see, scheduled and not.
func (s *Service) Detail(ctx context.Context, a authz.Actor, id int64) (VersionDetail, error) {
	tx := s.db.WithContext(ctx)
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return VersionDetail{}, err
	}
	visits, err := loadVisits(visitQuery(tx, a, id))
	if err != nil {
		return VersionDetail{}, err
	}
	if r, err := s.softOf(tx, id); err == nil {
		withSoft(r, visits)
	}
	out := VersionDetail{Version: v, Visits: []Visit{}, Unscheduled: []Visit{}}
	for _, vis := range visits {
		if vis.Scheduled() {
			out.Visits = append(out.Visits, vis)
		} else {
			out.Unscheduled = append(out.Unscheduled, vis)
		}
	}
	return out, nil
}

// VisitPage is one visit of a version with its version and its topic names.
type VisitPage struct {
	Version Version
	Visit   Visit
	Topics  map[string][2]string // code → {vi, en}
	Names   *Names
}

// Visit returns the visit code of version id as a may see it.
func (s *Service) Visit(ctx context.Context, a authz.Actor, id int64, code string) (VisitPage, error) {
	tx := s.db.WithContext(ctx)
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return VisitPage{}, err
	}
	visit, err := oneVisit(tx, a, id, code)
	if err != nil {
		return VisitPage{}, err
	}
	if r, err := s.softOf(tx, id); err == nil {
		vs := []Visit{visit}
		withSoft(r, vs)
		visit = vs[0]
	}
	topics, err := topicNames(tx)
	if err != nil {
		return VisitPage{}, err
	}
	if visit.names, err = loadPageNames(tx, a, id); err != nil {
		return VisitPage{}, err
	}
	return VisitPage{Version: v, Visit: visit, Topics: topics, Names: visit.names}, nil
}

func oneVisit(tx *gorm.DB, a authz.Actor, versionID int64, code string) (Visit, error) {
	vs, err := loadVisits(visitQuery(tx, a, versionID).Where("v.code = ?", strings.TrimSpace(code)))
	if err != nil {
		return Visit{}, err
	}
	if len(vs) == 0 {
		return Visit{}, fmt.Errorf("visit %q of version %d: %w", code, versionID, apperr.ErrNotFound)
	}
	return vs[0], nil
}

// topicNames maps topic codes to their names in Vietnamese and English.
func topicNames(tx *gorm.DB) (map[string][2]string, error) {
	var rows []models.Topic
	if err := tx.Select("code", "name_vi", "name_en").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load topics: %w", err)
	}
	out := make(map[string][2]string, len(rows))
	for _, t := range rows {
		out[t.Code] = [2]string{t.NameVI, t.NameEN}
	}
	return out, nil
}

// Summary is what a version's page lists besides its score: the visits merged
// from several proposals (what was merged and why) and the unscheduled ones.
type Summary struct {
	Version     Version
	Joint       []Visit
	Unscheduled []Visit
	Names       *Names
}

// Summary returns version id with its joint and unscheduled visits, without
// loading the whole plan.
func (s *Service) Summary(ctx context.Context, a authz.Actor, id int64) (Summary, error) {
	tx := s.db.WithContext(ctx)
	v, err := loadVersion(tx, a, id)
	if err != nil {
		return Summary{}, err
	}
	visits, err := loadVisits(visitQuery(tx, a, id).
		Where("v.start_date IS NULL OR (SELECT count(*) FROM visit_proposals vp WHERE vp.visit_id = v.id) > 1"))
	if err != nil {
		return Summary{}, err
	}
	names, err := loadPageNames(tx, a, id)
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Version: v, Joint: []Visit{}, Unscheduled: []Visit{}, Names: names}
	for _, vis := range visits {
		vis.names = names
		if len(vis.Proposals) > 1 {
			out.Joint = append(out.Joint, vis)
		}
		if !vis.Scheduled() {
			out.Unscheduled = append(out.Unscheduled, vis)
		}
	}
	slices.SortFunc(out.Joint, func(x, y Visit) int { return strings.Compare(x.Code, y.Code) })
	return out, nil
}

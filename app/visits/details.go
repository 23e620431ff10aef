package visits

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"

	"khung/models"
)

// details turns visit rows (already allowed by Visible) into Visits with their
// unit, trail, bodies, kinds, topics, team and plan, in a fixed number of
// queries whatever the number of rows.
func (s *Service) details(ctx context.Context, rows []models.Visit) ([]Visit, error) {
	out := make([]Visit, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	db := s.db.WithContext(ctx)
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}

	units, err := loadUnits(db, rows)
	if err != nil {
		return nil, err
	}
	props, err := loadProposals(db, ids)
	if err != nil {
		return nil, err
	}
	bodies, err := loadBodies(db, rows, props)
	if err != nil {
		return nil, err
	}
	kinds, topics, err := loadCatalogs(db, props)
	if err != nil {
		return nil, err
	}
	teams, err := loadTeams(db, ids)
	if err != nil {
		return nil, err
	}
	plans, err := loadPlans(db, rows)
	if err != nil {
		return nil, err
	}
	decisions, err := loadDecisions(db, ids)
	if err != nil {
		return nil, err
	}

	for i, r := range rows {
		v := Visit{ID: r.ID, Code: r.Code, Year: r.Year, Form: r.Form, Status: r.Status,
			StartDate: r.StartDate, EndDate: r.EndDate, Days: r.Days, UnscheduledReason: r.UnscheduledReason,
			Unit: units.byID[r.UnitID], LeadBody: bodies[r.LeadBodyID].Body, UpdatedAt: r.UpdatedAt,
			JointBodies: []Body{}, Kinds: []Kind{}, Topics: []Topic{}, Team: teams[r.ID]}
		if v.Team == nil {
			v.Team = []Member{}
		}
		v.Trail = units.trail(v.Unit.Path)
		if d, ok := decisions[r.ID]; ok {
			v.Decision = &d
		}
		if r.PlanVersionID != nil {
			if p, ok := plans[*r.PlanVersionID]; ok {
				v.Plan = &p
			}
		}
		// The joint bodies, kinds and topics are those of the visit's
		// proposals, each once, in a stable order.
		var joint []body
		seenBody, seenKind, seenTopic := map[int64]bool{r.LeadBodyID: true}, map[string]bool{}, map[string]bool{}
		var kindCodes []string
		for _, p := range props[r.ID] {
			if !seenBody[p.BodyID] {
				seenBody[p.BodyID] = true
				joint = append(joint, bodies[p.BodyID])
			}
			if !seenKind[p.Kind] {
				seenKind[p.Kind] = true
				kindCodes = append(kindCodes, p.Kind)
			}
			for _, t := range p.Topics {
				if !seenTopic[t] {
					seenTopic[t] = true
					v.Topics = append(v.Topics, topics.named(t))
				}
			}
		}
		sort.Slice(joint, func(a, b int) bool {
			if joint[a].Precedence != joint[b].Precedence {
				return joint[a].Precedence < joint[b].Precedence
			}
			return joint[a].Name < joint[b].Name
		})
		for _, b := range joint {
			v.JointBodies = append(v.JointBodies, b.Body)
		}
		sort.Strings(kindCodes)
		for _, k := range kindCodes {
			n := kinds.named(k)
			v.Kinds = append(v.Kinds, Kind(n))
		}
		v.Prepare = Preparation(r.Form, kindCodes)
		out[i] = v
	}
	return out, nil
}

// unitIndex holds the visits' units and their ancestors.
type unitIndex struct {
	byID   map[int64]Unit
	byCode map[string]Unit
}

// trail returns the ancestors of the unit at path, from the root down.
func (u unitIndex) trail(path string) []Unit {
	codes := strings.Split(strings.Trim(path, "/"), "/")
	out := []Unit{}
	for _, c := range codes[:max(len(codes)-1, 0)] {
		if a, ok := u.byCode[c]; ok {
			out = append(out, a)
		}
	}
	return out
}

// loadUnits reads the visits' units and all their ancestors in one query: the
// ancestors' codes are the segments of the units' paths ("/01/001/00001/").
func loadUnits(db *gorm.DB, rows []models.Visit) (unitIndex, error) {
	idx := unitIndex{byID: map[int64]Unit{}, byCode: map[string]Unit{}}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.UnitID)
	}
	var units []struct {
		Unit
		Visited bool
	}
	err := db.Raw(`
		WITH visited AS (SELECT id, path FROM units WHERE id IN ?)
		SELECT u.id, u.code, u.name, u.path, u.id IN (SELECT id FROM visited) AS visited
		  FROM units u
		 WHERE u.id IN (SELECT id FROM visited)
		    OR u.code IN (SELECT unnest(string_to_array(trim(BOTH '/' FROM path), '/')) FROM visited)`, ids).
		Scan(&units).Error
	if err != nil {
		return idx, fmt.Errorf("units of visits: %w", err)
	}
	for _, u := range units {
		if u.Visited {
			idx.byID[u.ID] = u.Unit
		}
		idx.byCode[u.Code] = u.Unit
	}
	return idx, nil
}

// proposal is what a visit shows of one of its proposals.
type proposal struct {
	VisitID int64
	BodyID  int64
	Kind    string
	Topics  models.TextArray
}

func loadProposals(db *gorm.DB, visitIDs []int64) (map[int64][]proposal, error) {
	var ps []proposal
	err := db.Table("visit_proposals vp").
		Select("vp.visit_id, p.body_id, p.kind, p.topics").
		Joins("JOIN proposals p ON p.id = vp.proposal_id").
		Where("vp.visit_id IN ?", visitIDs).Order("vp.visit_id, p.id").Find(&ps).Error
	if err != nil {
		return nil, fmt.Errorf("proposals of visits: %w", err)
	}
	out := map[int64][]proposal{}
	for _, p := range ps {
		out[p.VisitID] = append(out[p.VisitID], p)
	}
	return out, nil
}

// body is a Body with its precedence (a lower one leads joint visits).
type body struct {
	Body
	Precedence int
}

func loadBodies(db *gorm.DB, rows []models.Visit, props map[int64][]proposal) (map[int64]body, error) {
	need := map[int64]bool{}
	for _, r := range rows {
		need[r.LeadBodyID] = true
		for _, p := range props[r.ID] {
			need[p.BodyID] = true
		}
	}
	ids := make([]int64, 0, len(need))
	for id := range need {
		ids = append(ids, id)
	}
	var bs []body
	err := db.Model(&models.Body{}).Select("id, code, name, short_name, precedence").Where("id IN ?", ids).Find(&bs).Error
	if err != nil {
		return nil, fmt.Errorf("bodies of visits: %w", err)
	}
	out := make(map[int64]body, len(bs))
	for _, b := range bs {
		out[b.ID] = b
	}
	return out, nil
}

// names maps catalog codes (of kinds or topics) to their names.
type names map[string]Topic

func (n names) named(code string) Topic {
	if t, ok := n[code]; ok {
		return t
	}
	return Topic{Code: code, NameVI: code, NameEN: code} // a code no longer in the catalog
}

// loadCatalogs names the kinds and topics of the proposals from their
// catalogs, both in one query.
func loadCatalogs(db *gorm.DB, props map[int64][]proposal) (kindNames, topicNames names, err error) {
	kindSet, topicSet := map[string]bool{}, map[string]bool{}
	for _, ps := range props {
		for _, p := range ps {
			kindSet[p.Kind] = true
			for _, t := range p.Topics {
				topicSet[t] = true
			}
		}
	}
	kindNames, topicNames = names{}, names{}
	if len(kindSet) == 0 && len(topicSet) == 0 {
		return kindNames, topicNames, nil
	}
	var rows []struct {
		Topic
		Catalog string
	}
	err = db.Raw(`SELECT 'kind' AS catalog, code, name_vi, name_en FROM inspection_kinds WHERE code IN ?
		UNION ALL
		SELECT 'topic', code, name_vi, name_en FROM topics WHERE code IN ?`,
		keysOf(kindSet), keysOf(topicSet)).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("names of kinds and topics: %w", err)
	}
	for _, r := range rows {
		if r.Catalog == "kind" {
			kindNames[r.Code] = r.Topic
		} else {
			topicNames[r.Code] = r.Topic
		}
	}
	return kindNames, topicNames, nil
}

// keysOf lists the keys of set; never empty, so that "IN ?" stays valid SQL.
func keysOf(set map[string]bool) []string {
	out := make([]string, 0, max(len(set), 1))
	for k := range set {
		out = append(out, k)
	}
	if len(out) == 0 {
		out = append(out, "")
	}
	return out
}

func loadTeams(db *gorm.DB, visitIDs []int64) (map[int64][]Member, error) {
	var rows []struct {
		VisitID int64
		Member
	}
	err := db.Table("visit_members m").
		Select("m.visit_id, m.role, i.id AS inspector_id, i.code, i.full_name, i.title").
		Joins("JOIN inspectors i ON i.id = m.inspector_id").
		Where("m.visit_id IN ?", visitIDs).
		Order("m.visit_id, m.role = 'lead' DESC, i.full_name, i.id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("teams of visits: %w", err)
	}
	out := map[int64][]Member{}
	for _, r := range rows {
		out[r.VisitID] = append(out[r.VisitID], r.Member)
	}
	return out, nil
}

func loadPlans(db *gorm.DB, rows []models.Visit) (map[int64]PlanRef, error) {
	var ids []int64
	for _, r := range rows {
		if r.PlanVersionID != nil {
			ids = append(ids, *r.PlanVersionID)
		}
	}
	out := map[int64]PlanRef{}
	if len(ids) == 0 {
		return out, nil
	}
	var refs []PlanRef
	err := db.Table("plan_versions pv").
		Select("pv.id AS version_id, p.year, pv.number, pv.status, pv.document_number, p.symbol").
		Joins("JOIN plans p ON p.id = pv.plan_id").Where("pv.id IN ?", ids).Find(&refs).Error
	if err != nil {
		return nil, fmt.Errorf("plan versions of visits: %w", err)
	}
	for _, r := range refs {
		out[r.VersionID] = r
	}
	return out, nil
}

// loadDecisions reads the visits' inspection decisions (one per visit at most).
func loadDecisions(db *gorm.DB, ids []int64) (map[int64]DecisionRef, error) {
	var refs []DecisionRef
	if err := db.Raw(`SELECT visit_id, number, symbol, signed_on FROM decisions
		WHERE kind = ? AND visit_id IN ?`, models.DecisionInspection, ids).Scan(&refs).Error; err != nil {
		return nil, fmt.Errorf("decisions of visits: %w", err)
	}
	out := make(map[int64]DecisionRef, len(refs))
	for _, r := range refs {
		out[r.VisitID] = r
	}
	return out, nil
}

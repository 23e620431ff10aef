package inspections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
)

// Work is everything the work page of a visit shows: the visit, its team,
// its inspection decision, findings, conclusion with recommendations and its
// full history.
type Work struct {
	Visit           models.Visit         `json:"visit"`
	UnitName        string               `json:"unit_name"`
	LeadBodyName    string               `json:"lead_body_name"`
	Team            []TeamEntry          `json:"team"`
	Decision        *Decision            `json:"decision"`
	Findings        []FindingView        `json:"findings"`
	Conclusion      *ConclusionView      `json:"conclusion"`
	Recommendations []RecommendationView `json:"recommendations"`
	Events          []EventView          `json:"events"`
	// Draft is the receipt of the draft conclusion and the time to sign it;
	// DirectiveLimit the time to issue the implementing directive.
	Draft          *DraftView `json:"draft"`
	DirectiveLimit *Limit     `json:"directive_limit"`
	// Checked are the recommendations a check on implementation looks at.
	Checked []CheckableRec `json:"checked_recommendations,omitempty"`
	// Next is the visit's next step ("" when none).
	Next models.VisitStatus `json:"next_status,omitempty"`
	// Units are the units a recommendation may name: the visited unit and those below it.
	Units []Option `json:"-"`
	// Topics is the catalog of topics for findings.
	Topics []Option `json:"-"`
	// Inspectors are the active inspectors for the decision's team.
	Inspectors []InspectorOption `json:"-"`
}

// FindingView is a finding with its topic's name and its evidence files.
type FindingView struct {
	models.Finding
	TopicVI string       `json:"topic_name_vi"`
	TopicEN string       `json:"topic_name_en"`
	Files   []Attachment `gorm:"-" json:"files"`
}

// ConclusionView is a conclusion with its printed number.
type ConclusionView struct {
	models.Conclusion
	NumberText string `json:"number_text"` // "Số: 12/KL-SNV"
}

// RecommendationView is a recommendation with its owner unit's name.
type RecommendationView struct {
	models.Recommendation
	OwnerUnitName string `json:"owner_unit_name"`
}

// LiableCode is whom a recommendation of responsibility concerns
// (collective, individual, both); "" for a remedial one.
func (r RecommendationView) LiableCode() string {
	if r.Liable == nil {
		return ""
	}
	return string(*r.Liable)
}

// KindCode is the recommendation's kind, remedial when not set.
func (r RecommendationView) KindCode() string {
	if r.Kind == "" {
		return string(models.RecommendationRemedial)
	}
	return string(r.Kind)
}

// EventView is an entry of the visit's history with who recorded it.
type EventView struct {
	models.VisitEvent
	UserName string `json:"user_name"`
}

// NewStatus is the status a status change moved the visit to ("" for other
// events), as a value the pages can name ("visits.status." + NewStatus).
func (e EventView) NewStatus() string {
	if e.ToStatus == nil {
		return ""
	}
	return string(*e.ToStatus)
}

// Option is a choice of a select list.
type Option struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Label string `json:"label"`
	Alt   string `json:"-"` // the English label, when it differs
}

// InspectorOption is an inspector for the team selection.
type InspectorOption struct {
	ID       int64
	Code     string
	FullName string
	Title    string
	BodyName string // the body the inspector works for
	CanLead  bool
	OnTeam   bool
	Lead     bool
}

// Label is how a person tells inspectors apart in a picker: the name, then
// the title and the body ("Nguyễn Văn A — Thanh tra viên, Thanh tra Sở"),
// never the internal code.
func (o InspectorOption) Label() string {
	var rest []string
	for _, s := range []string{o.Title, o.BodyName} {
		if s != "" {
			rest = append(rest, s)
		}
	}
	if len(rest) == 0 {
		return o.FullName
	}
	return o.FullName + " — " + strings.Join(rest, ", ")
}

// activeInspectors are the inspectors offered for a team, with their bodies.
func activeInspectors(db *gorm.DB) ([]InspectorOption, error) {
	var rows []InspectorOption
	if err := db.Raw(`SELECT i.id, i.code, i.full_name, i.title, coalesce(b.name, '') AS body_name, i.can_lead
		FROM inspectors i LEFT JOIN bodies b ON b.id = i.body_id WHERE i.active
		ORDER BY i.full_name, i.code LIMIT 1000`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("inspectors: %w", err)
	}
	return rows, nil
}

// Work returns the work of visit id as a may read it.
func (s *Service) Work(ctx context.Context, a authz.Actor, id int64) (Work, error) {
	db := s.db.WithContext(ctx)
	v, err := loadReadable(db, a, id)
	if err != nil {
		return Work{}, err
	}
	w := Work{Visit: v, Findings: []FindingView{}, Recommendations: []RecommendationView{}, Events: []EventView{}, Team: []TeamEntry{}}
	var head struct{ UnitName, LeadBodyName string }
	if err := db.Raw(`SELECT u.name AS unit_name, b.name AS lead_body_name FROM visits v
		JOIN units u ON u.id = v.unit_id JOIN bodies b ON b.id = v.lead_body_id WHERE v.id = ?`, v.ID).Scan(&head).Error; err != nil {
		return w, fmt.Errorf("heading of visit %d: %w", v.ID, err)
	}
	w.UnitName, w.LeadBodyName = head.UnitName, head.LeadBodyName
	if err := db.Raw(`SELECT i.id AS inspector_id, i.full_name, i.title, m.role FROM visit_members m
		JOIN inspectors i ON i.id = m.inspector_id WHERE m.visit_id = ?
		ORDER BY m.role = 'lead' DESC, i.full_name`, v.ID).Scan(&w.Team).Error; err != nil {
		return w, fmt.Errorf("team of visit %d: %w", v.ID, err)
	}
	if w.Decision, err = loadDecision(db, v.ID); err != nil {
		return w, err
	}
	if err := loadFindings(db, &w); err != nil {
		return w, err
	}
	if err := loadConclusion(db, &w); err != nil {
		return w, err
	}
	if err := db.Raw(`SELECT e.*, coalesce(u.full_name, '') AS user_name FROM visit_events e
		LEFT JOIN users u ON u.id = e.user_id WHERE e.visit_id = ? ORDER BY e.at, e.id`, v.ID).Scan(&w.Events).Error; err != nil {
		return w, fmt.Errorf("history of visit %d: %w", v.ID, err)
	}
	if err := s.loadLimits(db, &w, a.Today); err != nil {
		return w, err
	}
	if v.Kind != nil && *v.Kind == ImplementationCheck {
		if w.Checked, err = s.checkedBy(db, v.ID); err != nil {
			return w, err
		}
	}
	w.Next = Next(v.Form, v.Status)
	return w, nil
}

// WithChoices adds what the forms offer: owner units, topics and inspectors.
func (s *Service) WithChoices(ctx context.Context, w *Work) error {
	db := s.db.WithContext(ctx)
	if err := db.Raw(`SELECT u.id, u.code, u.name AS label FROM units u, units visited
		WHERE visited.id = ? AND u.path LIKE visited.path || '%' AND u.valid_to IS NULL
		ORDER BY u.path = visited.path DESC, u.name LIMIT 500`, w.Visit.UnitID).Scan(&w.Units).Error; err != nil {
		return fmt.Errorf("units below visit %d: %w", w.Visit.ID, err)
	}
	if err := db.Raw(`SELECT code, name_vi AS label, name_en AS alt FROM topics ORDER BY name_vi`).Scan(&w.Topics).Error; err != nil {
		return fmt.Errorf("topics: %w", err)
	}
	if w.Decision == nil {
		team := map[int64]models.MemberRole{}
		for _, m := range w.Team {
			team[m.InspectorID] = m.Role
		}
		all, err := activeInspectors(db)
		if err != nil {
			return err
		}
		for _, r := range all {
			role, on := team[r.ID]
			r.OnTeam, r.Lead = on, role == models.MemberLead
			w.Inspectors = append(w.Inspectors, r)
		}
	}
	return nil
}

func loadFindings(db *gorm.DB, w *Work) error {
	if err := db.Raw(`SELECT f.*, coalesce(t.name_vi, '') AS topic_vi, coalesce(t.name_en, '') AS topic_en
		FROM findings f LEFT JOIN topics t ON t.code = f.topic_code
		WHERE f.visit_id = ? ORDER BY f.id`, w.Visit.ID).Scan(&w.Findings).Error; err != nil {
		return fmt.Errorf("findings of visit %d: %w", w.Visit.ID, err)
	}
	if len(w.Findings) == 0 {
		return nil
	}
	var files []struct {
		Attachment
		FindingID int64
	}
	if err := db.Raw(`SELECT id, filename, content_type, size_bytes, finding_id FROM attachments
		WHERE finding_id IN (SELECT id FROM findings WHERE visit_id = ?) ORDER BY id`, w.Visit.ID).Scan(&files).Error; err != nil {
		return fmt.Errorf("evidence of visit %d: %w", w.Visit.ID, err)
	}
	idx := map[int64]int{}
	for i, f := range w.Findings {
		idx[f.ID] = i
		w.Findings[i].Files = []Attachment{}
	}
	for _, f := range files {
		i := idx[f.FindingID]
		w.Findings[i].Files = append(w.Findings[i].Files, f.Attachment)
	}
	return nil
}

func loadConclusion(db *gorm.DB, w *Work) error {
	var c models.Conclusion
	err := db.Where("visit_id = ?", w.Visit.ID).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("conclusion of visit %d: %w", w.Visit.ID, err)
	}
	w.Conclusion = &ConclusionView{Conclusion: c, NumberText: NumberLine(c.Number, c.Symbol)}
	if err := db.Raw(`SELECT r.*, u.name AS owner_unit_name FROM recommendations r
		JOIN units u ON u.id = r.owner_unit_id WHERE r.conclusion_id = ? ORDER BY r.id`, c.ID).Scan(&w.Recommendations).Error; err != nil {
		return fmt.Errorf("recommendations of conclusion %d: %w", c.ID, err)
	}
	return nil
}

// ConclusionVisit returns the visit of conclusion id, when a may read it.
func (s *Service) ConclusionVisit(ctx context.Context, a authz.Actor, id int64) (int64, error) {
	db := s.db.WithContext(ctx)
	if !canRead(a) {
		// Refused before reading the row: the answer says nothing of whether it exists.
		_, err := loadReadable(db, a, 0)
		return 0, err
	}
	var c models.Conclusion
	if err := db.Select("id", "visit_id").Where("id = ?", id).Take(&c).Error; err != nil {
		return 0, fmt.Errorf("conclusion %d: %w", id, errNotFound)
	}
	if _, err := loadReadable(db, a, c.VisitID); err != nil {
		return 0, err
	}
	return c.VisitID, nil
}

func jsonInto(j models.JSON, dst any) error {
	if len(j) == 0 {
		return nil
	}
	return json.Unmarshal(j, dst)
}

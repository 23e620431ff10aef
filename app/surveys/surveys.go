// Package surveys is the inspected units' voice about the teams: after the
// work on site ends, the head of the inspected unit answers a short survey on
// the team's conduct (the questions are data). A response keeps the visit and
// the unit, never who answered; nobody on a team reads responses, and
// leadership (approver, viewer) reads them only as averages by team leader
// and period once at least MinResponses exist, so no single unit's answer can
// be singled out.
package surveys

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/notify"
	"khung/models"
)

// MinResponses is how many responses a team leader's period needs before
// leadership sees its averages.
const MinResponses = 3

// endedWork: the visit's work on site has ended (its survey is open).
const endedWork = `%s.status IN ('on_site_ended', 'conclusion_issued', 'follow_up', 'closed')`

// Service records and reads the surveys.
type Service struct {
	db   *gorm.DB
	site notify.Site    // renders the notifications
	loc  *time.Location // the zone of the dates in them
}

// New returns the service; site renders its notifications, loc is the
// platform's zone (Asia/Ho_Chi_Minh).
func New(db *gorm.DB, site notify.Site, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: db, site: site, loc: loc}
}

// Question is one question of the survey, answered on a scale of 1 to 5.
type Question struct {
	ID       int64  `json:"id"`
	Position int    `json:"position"`
	TextVI   string `json:"text_vi"`
	TextEN   string `json:"text_en"`
}

// Questions are the active questions, in order.
func (s *Service) Questions(ctx context.Context) ([]Question, error) {
	var qs []Question
	if err := s.db.WithContext(ctx).Raw(`SELECT id, position, text_vi, text_en FROM survey_questions
		WHERE active ORDER BY position, id`).Scan(&qs).Error; err != nil {
		return nil, fmt.Errorf("survey questions: %w", err)
	}
	return qs, nil
}

// OpenVisit is a visit of the unit whose survey waits for its answer.
type OpenVisit struct {
	VisitID   int64       `json:"visit_id"`
	StartDate models.Date `json:"start_date"`
	EndDate   models.Date `json:"end_date"`
	LeadBody  string      `json:"lead_body"`
}

// mayAnswer: the office of the inspected unit answers for its own unit.
func mayAnswer(a authz.Actor) error {
	if a.LoggedIn() && a.Role == models.RoleUnit && a.UnitID != 0 {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("answer a survey: %w", apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("answer a survey as %s: %w", a.Role, apperr.ErrForbidden)
}

// visitOfUnit is the condition keeping the visits a may answer for: of a's own
// unit, known to it (the visibility rule), not cancelled, work on site ended.
func visitOfUnit(a authz.Actor) (string, []any) {
	cond, args := authz.VisitCondition(a, "v")
	return "v.unit_id = ? AND v.status <> 'cancelled' AND (" + cond + ") AND " + fmt.Sprintf(endedWork, "v"),
		append([]any{a.UnitID}, args...)
}

// Open lists the visits of a's unit whose work on site ended and whose survey
// it has not answered, newest first.
func (s *Service) Open(ctx context.Context, a authz.Actor) ([]OpenVisit, error) {
	if err := mayAnswer(a); err != nil {
		return nil, err
	}
	cond, args := visitOfUnit(a)
	var out []OpenVisit
	if err := s.db.WithContext(ctx).Raw(`SELECT v.id AS visit_id, v.start_date, v.end_date, b.name AS lead_body
		FROM visits v JOIN bodies b ON b.id = v.lead_body_id
		WHERE `+cond+` AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.visit_id = v.id AND r.unit_id = ?)
		ORDER BY v.end_date DESC, v.id DESC LIMIT 200`, append(args, a.UnitID)...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("open surveys: %w", err)
	}
	return out, nil
}

// Answer records a's unit's answer about visit: scores by question id, each
// active question answered 1–5. The response keeps the day, not the person.
func (s *Service) Answer(ctx context.Context, a authz.Actor, visit int64, scores map[int64]int) error {
	if err := mayAnswer(a); err != nil {
		return err
	}
	qs, err := s.Questions(ctx)
	if err != nil {
		return err
	}
	ve := &apperr.ValidationError{}
	for _, q := range qs {
		if n := scores[q.ID]; n < 1 || n > 5 {
			ve.AddField(fmt.Sprintf("q%d", q.ID), "required", "surveys.check.score")
		}
	}
	if err := ve.Err(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cond, args := visitOfUnit(a)
		var found []int64
		if err := tx.Raw(`SELECT v.id FROM visits v WHERE v.id = ? AND `+cond, append([]any{visit}, args...)...).
			Scan(&found).Error; err != nil {
			return fmt.Errorf("survey visit %d: %w", visit, err)
		}
		if len(found) == 0 {
			return fmt.Errorf("survey visit %d: %w", visit, apperr.ErrNotFound)
		}
		var id int64
		if err := tx.Raw(`INSERT INTO survey_responses (visit_id, unit_id, submitted_on) VALUES (?, ?, ?)
			ON CONFLICT ON CONSTRAINT survey_responses_once DO NOTHING RETURNING id`, visit, a.UnitID, a.Today).
			Scan(&id).Error; err != nil {
			return fmt.Errorf("survey response: %w", err)
		}
		if id == 0 {
			return apperr.Fail(apperr.ErrConflict, "surveys.err.answered")
		}
		for _, q := range qs {
			if err := tx.Exec(`INSERT INTO survey_answers (response_id, question_id, score) VALUES (?, ?, ?)`,
				id, q.ID, scores[q.ID]).Error; err != nil {
				return fmt.Errorf("survey answer: %w", err)
			}
		}
		return nil
	})
}

// TeamResult is one team leader's averages over a period.
type TeamResult struct {
	LeaderID  int64     `json:"leader_id"`
	Leader    string    `json:"leader"`
	Responses int       `json:"responses"`
	Averages  []float64 `json:"averages"` // by question, in the order of Results.Questions
	Overall   float64   `json:"overall"`
}

// Results are the survey's results of a period, by team leader.
type Results struct {
	From, To  models.Date  `json:"-"`
	Questions []Question   `json:"questions"`
	Teams     []TeamResult `json:"teams"`
	// Withheld counts the team leaders with responses, but fewer than MinResponses.
	Withheld int `json:"withheld"`
}

// Results reads the averages by team leader of the visits that ended in
// from–to, for leadership only, each leader's only once MinResponses exist.
func (s *Service) Results(ctx context.Context, a authz.Actor, from, to models.Date) (Results, error) {
	r := Results{From: from, To: to}
	if !a.Is(models.RoleApprover, models.RoleViewer) {
		return r, fmt.Errorf("survey results as %q: %w", a.Role, apperr.ErrForbidden)
	}
	qs, err := s.Questions(ctx)
	if err != nil {
		return r, err
	}
	r.Questions = qs
	var rows []struct {
		LeaderID int64
		Leader   string
		N        int
		Question int64
		Avg      float64
	}
	// A response belongs to the team its visit's leader led; a leader's
	// averages appear only with MinResponses responses or more.
	if err := s.db.WithContext(ctx).Raw(`WITH r AS (
			SELECT sr.id, vm.inspector_id AS leader
			  FROM survey_responses sr JOIN visits v ON v.id = sr.visit_id
			  JOIN visit_members vm ON vm.visit_id = v.id AND vm.role = 'lead'
			 WHERE v.end_date BETWEEN ? AND ?),
		teams AS (SELECT leader, count(*) AS n FROM r GROUP BY leader)
		SELECT t.leader AS leader_id, i.full_name AS leader, t.n, sa.question_id AS question, avg(sa.score)::float8 AS avg
		  FROM teams t JOIN inspectors i ON i.id = t.leader
		  JOIN r ON r.leader = t.leader JOIN survey_answers sa ON sa.response_id = r.id
		 WHERE t.n >= ?
		 GROUP BY i.full_name, t.leader, t.n, sa.question_id`, from, to, MinResponses).Scan(&rows).Error; err != nil {
		return r, fmt.Errorf("survey results: %w", err)
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM (
			SELECT vm.inspector_id FROM survey_responses sr JOIN visits v ON v.id = sr.visit_id
			  JOIN visit_members vm ON vm.visit_id = v.id AND vm.role = 'lead'
			 WHERE v.end_date BETWEEN ? AND ? GROUP BY vm.inspector_id HAVING count(*) < ?) x`,
		from, to, MinResponses).Scan(&r.Withheld).Error; err != nil {
		return r, fmt.Errorf("survey results withheld: %w", err)
	}
	index := map[int64]int{}
	for i, q := range qs {
		index[q.ID] = i
	}
	byLeader := map[int64]*TeamResult{}
	for _, row := range rows {
		t := byLeader[row.LeaderID]
		if t == nil {
			t = &TeamResult{LeaderID: row.LeaderID, Leader: row.Leader, Responses: row.N, Averages: make([]float64, len(qs))}
			byLeader[row.LeaderID] = t
		}
		if i, ok := index[row.Question]; ok {
			t.Averages[i] = row.Avg
		}
	}
	for _, t := range byLeader {
		sum := 0.0
		for _, x := range t.Averages {
			sum += x
		}
		if len(t.Averages) > 0 {
			t.Overall = sum / float64(len(t.Averages))
		}
		r.Teams = append(r.Teams, *t)
	}
	sort.Slice(r.Teams, func(i, j int) bool {
		if r.Teams[i].Leader != r.Teams[j].Leader {
			return r.Teams[i].Leader < r.Teams[j].Leader
		}
		return r.Teams[i].LeaderID < r.Teams[j].LeaderID
	})
	return r, nil
}

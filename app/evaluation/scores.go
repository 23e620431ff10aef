package evaluation

import (
	"context"
	"fmt"
	"sort"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/reports"
	"khung/models"
)

// Part is one criterion's share of a score: the figure of the scored unit or
// team (Num of Of, or the survey's average), and the points it earns
// (weight × share). A criterion whose figure has nothing to count (no visit,
// no recommendation, fewer survey answers than surveys.MinResponses) does not
// apply: it earns nothing and its weight leaves the total.
type Part struct {
	Criterion Criterion `json:"criterion"`
	Applies   bool      `json:"applies"`
	Num       int       `json:"num"`   // e.g. visits without a violation, recommendations done
	Of        int       `json:"of"`    // e.g. visits, recommendations not cancelled; survey: responses
	Extra     int       `json:"extra"` // violations found (violation_free); otherwise 0
	Value     float64   `json:"value"` // the share Num/Of (0–1); survey: the average answer (1–5)
	Share     float64   `json:"share"` // the share of the weight earned (0–1)
	Points    float64   `json:"points"`
}

// Score is a unit's or a team's score: its parts, the points earned, the
// weights of the criteria that apply, and Score = 100 × points / weights.
type Score struct {
	Subject string  `json:"subject"`
	ID      int64   `json:"id"` // the unit, or the team's leader (an inspector)
	Name    string  `json:"name"`
	Parts   []Part  `json:"parts"`
	Points  float64 `json:"points"`
	Weight  int     `json:"weight"`
	Score   float64 `json:"score"`
	Applies bool    `json:"applies"`
}

// Scores are the scores of a period.
type Scores struct {
	Filter   reports.Filter `json:"filter"`
	AsOf     models.Date    `json:"as_of"` // the day recommendations are counted on
	Criteria []Criterion    `json:"criteria"`
	Units    []Score        `json:"units"`
	Teams    []Score        `json:"teams"` // leadership only; empty for a unit
}

// MayRead tells whether a reads scores: leadership (approver, viewer) every
// unit's and team's; a unit office its own subtree's units'.
func MayRead(a authz.Actor) bool {
	return a.LoggedIn() && (a.Is(models.RoleApprover, models.RoleViewer) || (a.Role == models.RoleUnit && a.UnitID != 0))
}

// Scores scores the units and, for leadership, the teams of the period of f
// by the criteria in force on its last day. The figures are the report's
// (reports.Periodic's recommendations by owner, reports.FindingsByUnit,
// reports.ConclusionsOfLeaders) read as a, so a unit reads only its
// subtree's and nobody counts a visit they may not know of; the survey's are
// surveys.Results' (leadership only, from the third answer).
func (s *Service) Scores(ctx context.Context, a authz.Actor, f reports.Filter) (Scores, error) {
	out := Scores{Filter: f, Criteria: []Criterion{}, Units: []Score{}, Teams: []Score{}}
	if !MayRead(a) {
		if !a.LoggedIn() {
			return out, fmt.Errorf("scores: %w", apperr.ErrUnauthenticated)
		}
		return out, fmt.Errorf("scores as %s: %w", a.Role, apperr.ErrForbidden)
	}
	crit, err := s.InForceOn(ctx, f.To)
	if err != nil {
		return out, err
	}
	if crit != nil {
		out.Criteria = crit
	}
	var unitCrit, teamCrit []Criterion
	for _, c := range crit {
		if c.Subject == SubjectUnit {
			unitCrit = append(unitCrit, c)
		} else {
			teamCrit = append(teamCrit, c)
		}
	}
	if out.Units, out.AsOf, err = s.unitScores(ctx, a, f, unitCrit); err != nil {
		return out, err
	}
	if a.Is(models.RoleApprover, models.RoleViewer) {
		if out.Teams, err = s.teamScores(ctx, a, f, teamCrit); err != nil {
			return out, err
		}
	}
	return out, nil
}

// scoreSet gathers the scores of one subject by id, in the order first met.
type scoreSet struct {
	subject string
	crit    []Criterion
	at      map[int64]int
	list    []Score
}

func newScoreSet(subject string, crit []Criterion) *scoreSet {
	return &scoreSet{subject: subject, crit: crit, at: map[int64]int{}}
}

// get returns the score of id, adding it (every criterion not applying yet).
func (s *scoreSet) get(id int64, name string) *Score {
	i, ok := s.at[id]
	if !ok {
		i = len(s.list)
		s.at[id] = i
		sc := Score{Subject: s.subject, ID: id, Name: name}
		for _, c := range s.crit {
			sc.Parts = append(sc.Parts, Part{Criterion: c})
		}
		s.list = append(s.list, sc)
	}
	return &s.list[i]
}

// set fills the part of measure m of score sc with num of of.
func (sc *Score) set(m string, num, of, extra int) {
	for i := range sc.Parts {
		p := &sc.Parts[i]
		if p.Criterion.Measure != m || of <= 0 {
			continue
		}
		p.Applies, p.Num, p.Of, p.Extra = true, num, of, extra
		p.Value = float64(num) / float64(of)
		p.Share = p.Value
	}
}

// done totals the scores and orders them: best first, those with nothing to
// score last, then by name.
func (s *scoreSet) done() []Score {
	for i := range s.list {
		sc := &s.list[i]
		for j := range sc.Parts {
			p := &sc.Parts[j]
			if !p.Applies {
				continue
			}
			p.Points = round2(p.Share * float64(p.Criterion.Weight))
			sc.Points += p.Points
			sc.Weight += p.Criterion.Weight
		}
		sc.Points = round2(sc.Points)
		if sc.Weight > 0 {
			sc.Applies = true
			sc.Score = round2(sc.Points / float64(sc.Weight) * 100)
		}
	}
	sort.SliceStable(s.list, func(i, j int) bool {
		x, y := s.list[i], s.list[j]
		if x.Applies != y.Applies {
			return x.Applies
		}
		if x.Score != y.Score {
			return x.Score > y.Score
		}
		return x.Name < y.Name
	})
	if s.list == nil {
		return []Score{}
	}
	return s.list
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// unitScores scores the units: the inspected units on their visits'
// findings, the owner units on their recommendations.
func (s *Service) unitScores(ctx context.Context, a authz.Actor, f reports.Filter, crit []Criterion) ([]Score, models.Date, error) {
	set := newScoreSet(SubjectUnit, crit)
	if len(crit) == 0 {
		return set.done(), models.Date{}, nil
	}
	found, err := s.reports.FindingsByUnit(ctx, a, f)
	if err != nil {
		return nil, models.Date{}, err
	}
	for _, u := range found {
		set.get(u.UnitID, u.Name).set(ViolationFree, u.Visits-u.WithViolation, u.Visits, u.Violations)
	}
	rep, err := s.reports.Periodic(ctx, a, f)
	if err != nil {
		return nil, models.Date{}, err
	}
	for _, o := range rep.Recommendations.ByOwner {
		sc := set.get(o.UnitID, o.Name)
		counted := o.Issued - o.Cancelled
		sc.set(RemediationRate, o.Done, counted, 0)
		sc.set(RemediationOnTime, counted-o.Overdue, counted, 0)
	}
	return set.done(), rep.Recommendations.AsOf, nil
}

// teamScores scores the teams by their leaders: conclusions on time, and the
// survey's average from its third answer.
func (s *Service) teamScores(ctx context.Context, a authz.Actor, f reports.Filter, crit []Criterion) ([]Score, error) {
	set := newScoreSet(SubjectTeam, crit)
	if len(crit) == 0 {
		return set.done(), nil
	}
	rows, err := s.reports.ConclusionsOfLeaders(ctx, a, f, 0)
	if err != nil {
		return nil, err
	}
	for _, l := range reports.ByLeader(rows) {
		set.get(l.LeaderID, l.Leader).set(ConclusionsOnTime, l.OnTime, l.OnTime+l.Late, 0)
	}
	res, err := s.surveys.Results(ctx, a, f.From, f.To)
	if err != nil {
		return nil, err
	}
	for _, t := range res.Teams {
		sc := set.get(t.LeaderID, t.Leader)
		for i := range sc.Parts {
			p := &sc.Parts[i]
			if p.Criterion.Measure != Survey {
				continue
			}
			// An average of 1 earns nothing, 5 the whole weight.
			p.Applies, p.Of, p.Value, p.Share = true, t.Responses, t.Overall, (t.Overall-1)/4
		}
	}
	return set.done(), nil
}

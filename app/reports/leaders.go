package reports

import (
	"context"
	"fmt"

	"khung/app/authz"
	"khung/app/followup"
	"khung/app/holidays"
	"khung/app/rules"
	"khung/models"
)

// LeaderConclusion is a conclusion signed in the period, with the leader of
// its visit's team and whether it was signed in the rule's time after the
// draft was received (OnTime nil: no draft date, not measurable).
type LeaderConclusion struct {
	LeaderID        int64        `json:"leader_id"`
	Leader          string       `json:"leader"`
	VisitID         int64        `json:"visit_id"`
	UnitName        string       `json:"unit_name"`
	Conclusion      string       `json:"conclusion"`
	DraftReceivedOn *models.Date `json:"draft_received_on"`
	SignedOn        models.Date  `json:"signed_on"`
	Due             *models.Date `json:"due"`
	OnTime          *bool        `json:"on_time"`
}

// LeaderConclusions counts one team leader's conclusions of the period as
// the report's Conclusions does.
type LeaderConclusions struct {
	LeaderID    int64  `json:"leader_id"`
	Leader      string `json:"leader"`
	Issued      int    `json:"issued"`
	OnTime      int    `json:"on_time"`
	Late        int    `json:"late"`
	NoDraftDate int    `json:"no_draft_date"`
}

// ConclusionsOfLeaders reads the conclusions the report counts (signed in
// the period, of the visits a's statistics count) that have a team leader,
// each with its deadline under rules.ConclusionDays in force on the period's
// last day; leader 0 reads every leader's. Oldest first.
func (s *Service) ConclusionsOfLeaders(ctx context.Context, a authz.Actor, f Filter, leader int64) ([]LeaderConclusion, error) {
	if err := requireReader(a); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	set, err := rules.Load(ctx, db, f.To)
	if err != nil {
		return nil, fmt.Errorf("leaders' conclusions rules: %w", err)
	}
	limit, err := rules.Get(set, rules.ConclusionDays)
	if err != nil {
		return nil, fmt.Errorf("leaders' conclusions rule: %w", err)
	}
	vcond, vargs := authz.StatsVisitCondition(a, "v")
	vf := visitFilter(f, "v")
	where := sqlPart{sql: "c.signed_on BETWEEN ? AND ? AND (" + vcond + ") AND (" + vf.sql + ")",
		args: append(append([]any{f.From, f.To}, vargs...), vf.args...)}
	if leader != 0 {
		where.and("vm.inspector_id = ?", leader)
	}
	var rows []LeaderConclusion
	if err := db.Raw(`SELECT vm.inspector_id AS leader_id, i.full_name AS leader, v.id AS visit_id, u.name AS unit_name,
		c.number || '/' || c.symbol AS conclusion, c.draft_received_on, c.signed_on
		FROM conclusions c JOIN visits v ON v.id = c.visit_id JOIN units u ON u.id = v.unit_id
		JOIN visit_members vm ON vm.visit_id = v.id AND vm.role = 'lead'
		JOIN inspectors i ON i.id = vm.inspector_id
		WHERE `+where.sql+` ORDER BY c.signed_on, c.id`, where.args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("leaders' conclusions: %w", err)
	}
	var w *followup.Workdays
	if limit.WorkingDays && len(rows) > 0 {
		if w, err = holidays.Workdays(ctx, db, f.From.Year-1, f.To.Year+1); err != nil {
			return nil, err
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.DraftReceivedOn == nil {
			continue
		}
		due := r.DraftReceivedOn.AddDays(limit.Days)
		if w != nil {
			t, err := w.Add(r.DraftReceivedOn.Time(), limit.Days)
			if err != nil {
				return nil, fmt.Errorf("conclusion deadline: %w", err)
			}
			due = models.DateOf(t)
		}
		onTime := !r.SignedOn.After(due)
		r.Due, r.OnTime = &due, &onTime
	}
	return rows, nil
}

// ByLeader counts the conclusions of ConclusionsOfLeaders by leader, in the
// order the leaders first appear.
func ByLeader(rows []LeaderConclusion) []LeaderConclusions {
	var out []LeaderConclusions
	at := map[int64]int{}
	for _, r := range rows {
		i, ok := at[r.LeaderID]
		if !ok {
			i = len(out)
			at[r.LeaderID] = i
			out = append(out, LeaderConclusions{LeaderID: r.LeaderID, Leader: r.Leader})
		}
		l := &out[i]
		l.Issued++
		switch {
		case r.OnTime == nil:
			l.NoDraftDate++
		case *r.OnTime:
			l.OnTime++
		default:
			l.Late++
		}
	}
	return out
}

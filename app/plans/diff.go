package plans

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"khung/app/apperr"
	"khung/app/authz"
)

// Diff is what changed from version A to version B of one plan, visit by
// visit (visits are matched by code): added, removed, moved (dates, or placed
// or unplaced) and team changed.
type Diff struct {
	A           Version      `json:"a"`
	B           Version      `json:"b"`
	Added       []Visit      `json:"added"`
	Removed     []Visit      `json:"removed"`
	Moved       []Move       `json:"moved"`
	TeamChanged []TeamChange `json:"team_changed"`
}

// Empty tells whether the two versions have the same visits.
func (d Diff) Empty() bool {
	return len(d.Added)+len(d.Removed)+len(d.Moved)+len(d.TeamChanged) == 0
}

// Move is a visit whose dates differ.
type Move struct {
	Code     string  `json:"code"`
	UnitName string  `json:"unit_name"`
	Before   *Visit  `json:"-"`
	After    *Visit  `json:"-"`
	From     *string `json:"from"` // "start..end", nil when unscheduled
	To       *string `json:"to"`
}

// TeamChange is a visit whose team differs: who left, who joined, lead changes.
type TeamChange struct {
	Code       string   `json:"code"`
	UnitName   string   `json:"unit_name"`
	Left       []Member `json:"left"`
	Joined     []Member `json:"joined"`
	LeadBefore string   `json:"lead_before"`
	LeadAfter  string   `json:"lead_after"`
}

// Diff compares versions a and b, which must belong to the same plan.
func (s *Service) Diff(ctx context.Context, act authz.Actor, a, b int64) (Diff, error) {
	tx := s.db.WithContext(ctx)
	va, err := loadVersion(tx, act, a)
	if err != nil {
		return Diff{}, err
	}
	vb, err := loadVersion(tx, act, b)
	if err != nil {
		return Diff{}, err
	}
	if va.PlanID != vb.PlanID {
		return Diff{}, apperr.Field("b", "plan", "plans.err.diff_plan")
	}
	before, err := loadVisits(visitQuery(tx, act, a))
	if err != nil {
		return Diff{}, err
	}
	after, err := loadVisits(visitQuery(tx, act, b))
	if err != nil {
		return Diff{}, err
	}
	d := Diff{A: va, B: vb, Added: []Visit{}, Removed: []Visit{}, Moved: []Move{}, TeamChanged: []TeamChange{}}
	old := make(map[string]*Visit, len(before))
	for i := range before {
		old[before[i].Code] = &before[i]
	}
	seen := map[string]bool{}
	for i := range after {
		nv := &after[i]
		seen[nv.Code] = true
		ov, ok := old[nv.Code]
		if !ok {
			d.Added = append(d.Added, *nv)
			continue
		}
		if span(ov) != span(nv) {
			d.Moved = append(d.Moved, Move{Code: nv.Code, UnitName: nv.UnitName, Before: ov, After: nv,
				From: spanPtr(ov), To: spanPtr(nv)})
		}
		if tc, changed := teamChange(ov, nv); changed {
			d.TeamChanged = append(d.TeamChanged, tc)
		}
	}
	for i := range before {
		if !seen[before[i].Code] {
			d.Removed = append(d.Removed, before[i])
		}
	}
	byCode := func(x, y Visit) int { return strings.Compare(x.Code, y.Code) }
	slices.SortFunc(d.Added, byCode)
	slices.SortFunc(d.Removed, byCode)
	slices.SortFunc(d.Moved, func(x, y Move) int { return strings.Compare(x.Code, y.Code) })
	slices.SortFunc(d.TeamChanged, func(x, y TeamChange) int { return strings.Compare(x.Code, y.Code) })
	return d, nil
}

// span is "start..end", or "" for an unscheduled visit.
func span(v *Visit) string {
	if !v.Scheduled() {
		return ""
	}
	return fmt.Sprintf("%s..%s", v.StartDate, v.EndDate)
}

func spanPtr(v *Visit) *string {
	if s := span(v); s != "" {
		return &s
	}
	return nil
}

func teamChange(ov, nv *Visit) (TeamChange, bool) {
	tc := TeamChange{Code: nv.Code, UnitName: nv.UnitName, Left: []Member{}, Joined: []Member{}}
	has := func(team []Member, code string) bool {
		return slices.ContainsFunc(team, func(m Member) bool { return m.Code == code })
	}
	for _, m := range ov.Team {
		if !has(nv.Team, m.Code) {
			tc.Left = append(tc.Left, m)
		}
	}
	for _, m := range nv.Team {
		if !has(ov.Team, m.Code) {
			tc.Joined = append(tc.Joined, m)
		}
	}
	if l := ov.Lead(); l != nil {
		tc.LeadBefore = l.Code
	}
	if l := nv.Lead(); l != nil {
		tc.LeadAfter = l.Code
	}
	changed := len(tc.Left) > 0 || len(tc.Joined) > 0 || tc.LeadBefore != tc.LeadAfter
	return tc, changed
}

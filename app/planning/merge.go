package planning

import (
	"cmp"
	"slices"
)

// MergedVisit is a visit after merging (planner-spec §2): no dates, no team yet.
// Proposals, Bodies, Topics and Skills are sorted unions. Windows is aligned with
// Proposals: Windows[k] is the window of Proposals[k], empty when it has none.
type MergedVisit struct {
	ID        string
	Unit      string
	Form      string
	LeadBody  string
	Proposals []string
	Bodies    []string
	Topics    []string
	Skills    []string
	Days      int
	TeamSize  int
	Priority  int
	Windows   []Interval
}

// VisitID names the visit a proposal belongs to: v-<unit> for planned
// proposals, v-<proposal> for unannounced and verification ones.
func VisitID(p Proposal) string {
	if p.Form == FormPlanned {
		return "v-" + p.Unit
	}
	return "v-" + p.ID
}

// Merge applies planner-spec §2 and returns the visits ordered by id:
// all planned proposals of a unit become one visit; every unannounced or
// verification proposal is a visit of its own. It validates the instance first.
func Merge(inst *Instance) ([]MergedVisit, error) {
	if err := Validate(inst); err != nil {
		return nil, err
	}
	return merge(inst), nil
}

// merge is Merge on an instance already validated.
func merge(inst *Instance) []MergedVisit {
	rules := EffectiveRules(inst.Rules)
	precedence := make(map[string]int, len(inst.Bodies))
	for _, b := range inst.Bodies {
		precedence[b.ID] = b.Precedence
	}
	groups := map[string][]Proposal{}
	for _, p := range inst.Proposals {
		id := VisitID(p)
		groups[id] = append(groups[id], p)
	}
	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	out := make([]MergedVisit, 0, len(ids))
	for _, id := range ids {
		ps := groups[id]
		slices.SortFunc(ps, func(a, b Proposal) int { return cmp.Compare(a.ID, b.ID) })
		v := MergedVisit{ID: id, Unit: ps[0].Unit, Form: ps[0].Form}
		maxDays, maxTeam := 0, 0
		bodyDays := map[string]int{}
		for _, p := range ps {
			v.Proposals = append(v.Proposals, p.ID)
			v.Topics = append(v.Topics, p.Topics...)
			v.Skills = append(v.Skills, p.Skills...)
			var w Interval
			if p.Window != nil {
				w = *p.Window
			}
			v.Windows = append(v.Windows, w)
			maxDays = max(maxDays, p.Days)
			maxTeam = max(maxTeam, p.TeamSize)
			v.Priority = max(v.Priority, p.Priority)
			bodyDays[p.Body] += p.Days
		}
		for b := range bodyDays {
			v.Bodies = append(v.Bodies, b)
		}
		v.Bodies = sortedUnique(v.Bodies)
		v.Topics = sortedUnique(v.Topics)
		v.Skills = sortedUnique(v.Skills)
		extra := len(v.Bodies) - 1
		v.Days = min(rules.MaxVisitDays, maxDays+rules.ExtraDaysPerExtraBody*extra)
		v.TeamSize = min(rules.MaxTeamSize, max(maxTeam, len(v.Bodies)))
		// Lead body: lowest precedence, then more proposal days, then smaller id.
		lead := v.Bodies[0]
		for _, b := range v.Bodies[1:] {
			pb, pl := precedence[b], precedence[lead]
			if pb < pl || (pb == pl && bodyDays[b] > bodyDays[lead]) {
				lead = b
			}
		}
		v.LeadBody = lead
		out = append(out, v)
	}
	return out
}

// sortedUnique sorts s and drops repeats and empty strings.
func sortedUnique(s []string) []string {
	slices.Sort(s)
	s = slices.Compact(s)
	if len(s) > 0 && s[0] == "" {
		s = s[1:]
	}
	return s
}

package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"khung/app/planning"
)

// Expected is a visit that planner-spec §2 says must exist, with the values the
// plan has to use for it.
type Expected struct {
	// ID is the checker's own name for the visit ("v-" + unit for a planned
	// visit, "v-" + proposal id otherwise); plans may name visits differently,
	// they are matched by their proposals.
	ID        string
	Unit      string
	Form      string
	Proposals []string // sorted
	Bodies    []string // distinct bodies of the proposals, sorted
	LeadBody  string
	Days      int
	TeamSize  int
	Priority  int
	Skills    []string // union, sorted
}

// key identifies a visit by its sorted proposal ids.
func key(proposals []string) string {
	s := append([]string(nil), proposals...)
	sort.Strings(s)
	return strings.Join(s, "\x00")
}

// ExpectedVisits merges the proposals per planner-spec §2, on its own (it does not
// use the engine). It fails when a proposal refers to an unknown unit or body or
// has an impossible field; the error names every such problem.
func ExpectedVisits(inst *planning.Instance) ([]Expected, error) {
	rules := planning.EffectiveRules(inst.Rules)
	units := map[string]bool{}
	for _, u := range inst.Units {
		units[u.ID] = true
	}
	precedence := map[string]int{}
	for _, b := range inst.Bodies {
		precedence[b.ID] = b.Precedence
	}

	var problems []string
	seen := map[string]bool{}
	groups := map[string][]planning.Proposal{} // visit id → proposals
	for _, p := range inst.Proposals {
		where := fmt.Sprintf("proposal %q", p.ID)
		switch {
		case p.ID == "":
			problems = append(problems, "a proposal has no id")
			continue
		case seen[p.ID]:
			problems = append(problems, where+": id appears twice")
			continue
		}
		seen[p.ID] = true
		if !units[p.Unit] {
			problems = append(problems, fmt.Sprintf("%s: unit %q is not in units", where, p.Unit))
		}
		if _, ok := precedence[p.Body]; !ok {
			problems = append(problems, fmt.Sprintf("%s: body %q is not in bodies", where, p.Body))
		}
		if p.Days < 1 {
			problems = append(problems, fmt.Sprintf("%s: days %d must be at least 1", where, p.Days))
		}
		if p.TeamSize < 1 {
			problems = append(problems, fmt.Sprintf("%s: team_size %d must be at least 1", where, p.TeamSize))
		}
		if p.Priority < 1 || p.Priority > 3 {
			problems = append(problems, fmt.Sprintf("%s: priority %d must be 1, 2 or 3", where, p.Priority))
		}
		if p.Window != nil {
			if _, _, err := parseInterval(*p.Window, where+" window"); err != nil {
				problems = append(problems, err.Error())
			}
		}
		switch p.Form {
		case planning.FormPlanned:
			groups["v-"+p.Unit] = append(groups["v-"+p.Unit], p)
		case planning.FormUnannounced, planning.FormVerification:
			groups["v-"+p.ID] = append(groups["v-"+p.ID], p)
		default:
			problems = append(problems, fmt.Sprintf("%s: form %q is not planned, unannounced or verification", where, p.Form))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}

	ids := make([]string, 0, len(groups))
	for id := range groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]Expected, 0, len(ids))
	for _, id := range ids {
		out = append(out, mergeGroup(id, groups[id], precedence, rules))
	}
	return out, nil
}

// mergeGroup applies rules §2.1 and §2.3 to the proposals of one visit (a single
// unannounced or verification proposal gives the same result as the formula).
func mergeGroup(id string, ps []planning.Proposal, precedence map[string]int, rules planning.Rules) Expected {
	e := Expected{ID: id, Unit: ps[0].Unit, Form: ps[0].Form}
	bodyDays := map[string]int{}
	skills := map[string]bool{}
	maxDays, maxTeam := 0, 0
	for _, p := range ps {
		e.Proposals = append(e.Proposals, p.ID)
		bodyDays[p.Body] += p.Days
		for _, s := range p.Skills {
			skills[s] = true
		}
		maxDays = max(maxDays, p.Days)
		maxTeam = max(maxTeam, p.TeamSize)
		e.Priority = max(e.Priority, p.Priority)
	}
	sort.Strings(e.Proposals)
	for b := range bodyDays {
		e.Bodies = append(e.Bodies, b)
	}
	sort.Strings(e.Bodies)
	for s := range skills {
		e.Skills = append(e.Skills, s)
	}
	sort.Strings(e.Skills)

	nBodies := len(e.Bodies)
	e.Days = min(rules.MaxVisitDays, maxDays+rules.ExtraDaysPerExtraBody*(nBodies-1))
	e.TeamSize = min(rules.MaxTeamSize, max(maxTeam, nBodies))

	// Lead body: lowest precedence, then more proposal days (summed over the
	// body's proposals for this unit), then the smaller id. e.Bodies is sorted,
	// so a strict comparison keeps the smaller id on a full tie.
	for _, b := range e.Bodies {
		if e.LeadBody == "" {
			e.LeadBody = b
			continue
		}
		pb, pl := precedence[b], precedence[e.LeadBody]
		if pb < pl || (pb == pl && bodyDays[b] > bodyDays[e.LeadBody]) {
			e.LeadBody = b
		}
	}
	return e
}

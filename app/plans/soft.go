package plans

import (
	"fmt"
	"slices"
	"time"

	"khung/app/calendar"
	"khung/app/planning"
)

// Soft lists the soft penalties of one scheduled visit (planner-spec §5) as a
// planner reads them: the working days outside each proposal's window, a lead
// who led the unit's last visit (rotation), and bodies with nobody on a joint
// team. Points weighs them with the version's rules. The engine scores the
// plan; these are the per-visit facts behind three of its components, and a
// test keeps their sums equal to the engine's.
type Soft struct {
	Windows       []WindowMiss `json:"windows,omitempty"`
	WindowDays    int          `json:"window_days"`
	Rotation      bool         `json:"rotation"`
	MissingBodies []string     `json:"missing_bodies,omitempty"`
	Points        float64      `json:"points"`
}

// WindowMiss is one proposal's preferred window and the visit days outside it.
type WindowMiss struct {
	Proposal string `json:"proposal"`
	From     string `json:"from"`
	To       string `json:"to"`
	Days     int    `json:"days"`
}

// Any tells whether the visit has a soft penalty.
func (s Soft) Any() bool { return s.WindowDays > 0 || s.Rotation || len(s.MissingBodies) > 0 }

// softRules computes Soft for the visits of one instance.
type softRules struct {
	cal       *calendar.Year
	proposals map[string]softProposal
	lastLeads map[string]map[string]bool // unit → leads of its most recent year in history
	bodyOf    map[string]string          // inspector → body
	weights   planning.Weights
}

// softProposal is what the soft rules read of a proposal: the rules of a
// version are kept in memory (Service.softOf), so they keep no more.
type softProposal struct {
	Body   string
	Window *planning.Interval
}

func newSoftRules(inst *planning.Instance) (*softRules, error) {
	var hol, extra []time.Time
	for _, s := range inst.Calendar.Holidays {
		t, err := calendar.Parse(s)
		if err != nil {
			return nil, err
		}
		hol = append(hol, t)
	}
	for _, s := range inst.Calendar.ExtraWorkingDays {
		t, err := calendar.Parse(s)
		if err != nil {
			return nil, err
		}
		extra = append(extra, t)
	}
	cal, err := calendar.New(inst.Year, hol, extra)
	if err != nil {
		return nil, fmt.Errorf("calendar %d: %w", inst.Year, err)
	}
	r := &softRules{cal: cal, proposals: make(map[string]softProposal, len(inst.Proposals)),
		lastLeads: map[string]map[string]bool{}, bodyOf: make(map[string]string, len(inst.Inspectors)),
		weights: planning.EffectiveRules(inst.Rules).Weights}
	for _, p := range inst.Proposals {
		r.proposals[p.ID] = softProposal{Body: p.Body, Window: p.Window}
	}
	for _, in := range inst.Inspectors {
		r.bodyOf[in.ID] = in.Body
	}
	last := map[string]int{}
	for _, h := range inst.History {
		last[h.Unit] = max(last[h.Unit], h.Year)
	}
	for _, h := range inst.History {
		if h.Year == last[h.Unit] && h.LeadInspector != "" {
			if r.lastLeads[h.Unit] == nil {
				r.lastLeads[h.Unit] = map[string]bool{}
			}
			r.lastLeads[h.Unit][h.LeadInspector] = true
		}
	}
	return r, nil
}

// of returns the soft penalties of a scheduled visit (zero for an unscheduled one).
func (r *softRules) of(v planning.Visit) Soft {
	var s Soft
	if v.Start == "" {
		return s
	}
	start, err := calendar.Parse(v.Start)
	if err != nil {
		return s
	}
	first, ok := r.cal.Index(start)
	if !ok {
		return s
	}
	var bodies []string
	for _, ref := range v.Proposals {
		p, ok := r.proposals[ref]
		if !ok {
			continue
		}
		bodies = append(bodies, p.Body)
		if p.Window == nil {
			continue
		}
		from, err1 := calendar.Parse(p.Window.From)
		to, err2 := calendar.Parse(p.Window.To)
		if err1 != nil || err2 != nil {
			continue
		}
		out := 0
		for d := first; d < first+v.Days && d < r.cal.Len(); d++ {
			if day := r.cal.Day(d); day.Before(from) || day.After(to) {
				out++
			}
		}
		if out > 0 {
			s.Windows = append(s.Windows, WindowMiss{Proposal: ref, From: p.Window.From, To: p.Window.To, Days: out})
			s.WindowDays += out
		}
	}
	held := map[string]bool{}
	for _, m := range v.Team {
		held[r.bodyOf[m.Inspector]] = true
		if m.Role == planning.RoleLead && r.lastLeads[v.Unit][m.Inspector] {
			s.Rotation = true
		}
	}
	slices.Sort(bodies)
	for _, b := range slices.Compact(bodies) {
		if !held[b] {
			s.MissingBodies = append(s.MissingBodies, b)
		}
	}
	w := r.weights
	points := w.WindowDay * int64(s.WindowDays)
	if s.Rotation {
		points += w.Rotation
	}
	points += w.JointMissingBody * int64(len(s.MissingBodies))
	s.Points = float64(points)
	return s
}

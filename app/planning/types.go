// Package planning builds the yearly framework plan (kế hoạch khung): it merges
// inspection proposals into visits, schedules them on working days with real
// inspectors, and explains every decision. The problem, its JSON formats and the
// score are defined in docs/planner-spec.md. The package is pure: standard library
// only, no clock, no global state.
package planning

// Instance is the input of the planner (planner-spec §1).
type Instance struct {
	Year       int          `json:"year"`
	Calendar   Calendar     `json:"calendar"`
	Units      []Unit       `json:"units"`
	Bodies     []Body       `json:"bodies"`
	Inspectors []Inspector  `json:"inspectors"`
	History    []HistoryRow `json:"history,omitempty"`
	Proposals  []Proposal   `json:"proposals"`
	Rules      *Rules       `json:"rules,omitempty"`
}

// Calendar lists the exceptions to the Monday–Friday working week.
type Calendar struct {
	Holidays         []string `json:"holidays"`
	ExtraWorkingDays []string `json:"extra_working_days"`
}

// Interval is an inclusive date range in ISO YYYY-MM-DD.
type Interval struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Unit is an inspected unit; Parent builds the tree, Area groups units for travel.
type Unit struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Parent    string     `json:"parent"`
	Area      string     `json:"area"`
	Blackouts []Interval `json:"blackouts,omitempty"`
}

// Body is an inspecting body; a lower Precedence leads joint visits.
type Body struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Precedence int    `json:"precedence"`
}

// Inspector is a person who can sit on inspection teams.
type Inspector struct {
	ID            string     `json:"id"`
	Body          string     `json:"body"`
	HomeUnit      string     `json:"home_unit"`
	FormerUnits   []string   `json:"former_units,omitempty"`
	ConflictUnits []string   `json:"conflict_units,omitempty"`
	Skills        []string   `json:"skills,omitempty"`
	CanLead       bool       `json:"can_lead"`
	Unavailable   []Interval `json:"unavailable,omitempty"`
	MaxDays       int        `json:"max_days,omitempty"`
}

// HistoryRow records who led the last visit of a unit in a past year.
type HistoryRow struct {
	Unit          string `json:"unit"`
	Year          int    `json:"year"`
	LeadInspector string `json:"lead_inspector"`
}

// Form values of a proposal.
const (
	FormPlanned      = "planned"
	FormUnannounced  = "unannounced"
	FormVerification = "verification"
)

// Proposal is one body's wish to inspect one unit.
type Proposal struct {
	ID       string    `json:"id"`
	Body     string    `json:"body"`
	Unit     string    `json:"unit"`
	Kind     string    `json:"kind"`
	Form     string    `json:"form"`
	Topics   []string  `json:"topics,omitempty"`
	Skills   []string  `json:"skills,omitempty"`
	Window   *Interval `json:"window,omitempty"`
	Days     int       `json:"days"`
	TeamSize int       `json:"team_size"`
	Priority int       `json:"priority"`
}

// Rules are the tunable limits and penalty weights; zero fields take defaults.
type Rules struct {
	MaxVisitDays          int     `json:"max_visit_days"`
	MaxTeamSize           int     `json:"max_team_size"`
	ExtraDaysPerExtraBody int     `json:"extra_days_per_extra_body"`
	Weights               Weights `json:"weights"`
}

// Weights of the penalty components (planner-spec §5).
type Weights struct {
	Unscheduled      int64 `json:"unscheduled"`
	WindowDay        int64 `json:"window_day"`
	Rotation         int64 `json:"rotation"`
	JointMissingBody int64 `json:"joint_missing_body"`
	BalanceDay       int64 `json:"balance_day"`
	AreaWeek         int64 `json:"area_week"`
	// Disruption weights of a repair (see Repair); 0 takes RepairWeights' defaults.
	MovedVisit    int64 `json:"moved_visit,omitempty"`
	ChangedMember int64 `json:"changed_member,omitempty"`
}

// DefaultRules returns the rules of planner-spec §1.
func DefaultRules() Rules {
	return Rules{
		MaxVisitDays:          10,
		MaxTeamSize:           8,
		ExtraDaysPerExtraBody: 1,
		Weights: Weights{
			Unscheduled: 10000, WindowDay: 10, Rotation: 50,
			JointMissingBody: 30, BalanceDay: 1, AreaWeek: 5,
		},
	}
}

// EffectiveRules fills omitted (zero) fields of r with the defaults.
func EffectiveRules(r *Rules) Rules {
	d := DefaultRules()
	if r == nil {
		return d
	}
	out := *r
	if out.MaxVisitDays == 0 {
		out.MaxVisitDays = d.MaxVisitDays
	}
	if out.MaxTeamSize == 0 {
		out.MaxTeamSize = d.MaxTeamSize
	}
	if out.ExtraDaysPerExtraBody == 0 {
		out.ExtraDaysPerExtraBody = d.ExtraDaysPerExtraBody
	}
	w, dw := &out.Weights, d.Weights
	if w.Unscheduled == 0 {
		w.Unscheduled = dw.Unscheduled
	}
	if w.WindowDay == 0 {
		w.WindowDay = dw.WindowDay
	}
	if w.Rotation == 0 {
		w.Rotation = dw.Rotation
	}
	if w.JointMissingBody == 0 {
		w.JointMissingBody = dw.JointMissingBody
	}
	if w.BalanceDay == 0 {
		w.BalanceDay = dw.BalanceDay
	}
	if w.AreaWeek == 0 {
		w.AreaWeek = dw.AreaWeek
	}
	return out
}

// Team roles.
const (
	RoleLead   = "lead"
	RoleMember = "member"
)

// Plan is the output of the planner (planner-spec §3).
type Plan struct {
	Visits      []Visit       `json:"visits"`
	Unscheduled []Unscheduled `json:"unscheduled"`
	Metrics     Metrics       `json:"metrics"`
	Repair      *RepairReport `json:"repair,omitempty"` // set by Repair only
}

// Visit is one scheduled (possibly joint) visit to a unit.
type Visit struct {
	ID        string       `json:"id"`
	Unit      string       `json:"unit"`
	Form      string       `json:"form"`
	Proposals []string     `json:"proposals"`
	LeadBody  string       `json:"lead_body"`
	Start     string       `json:"start"`
	End       string       `json:"end"`
	Days      int          `json:"days"`
	Team      []TeamMember `json:"team"`
	Why       []string     `json:"why"`
	WhyVi     []string     `json:"why_vi,omitempty"` // Why in Vietnamese, same length and order
	// WhyMsgs are the explanations as the engine gives them (message ids with
	// parameters); Why and WhyVi are their sentences, filled by Plan.Render.
	WhyMsgs []Message `json:"why_msgs,omitempty"`
}

// TeamMember is one inspector on a visit's team.
type TeamMember struct {
	Inspector string `json:"inspector"`
	Role      string `json:"role"`
}

// Unscheduled is a visit the planner could not place, with the reason.
type Unscheduled struct {
	Visit     string   `json:"visit"`
	Proposals []string `json:"proposals"`
	Reason    string   `json:"reason"`
	ReasonVi  string   `json:"reason_vi,omitempty"` // Reason in Vietnamese
	// ReasonMsg is the reason as the engine gives it; Reason and ReasonVi are
	// its sentences, filled by Plan.Render.
	ReasonMsg *Message `json:"reason_msg,omitempty"`
}

// Metrics summarise a plan. PenaltyBy keys are the Weights JSON names.
type Metrics struct {
	Proposals               int                `json:"proposals"`
	Visits                  int                `json:"visits"`
	Unscheduled             int                `json:"unscheduled"`
	HardViolations          int                `json:"hard_violations"`
	Penalty                 float64            `json:"penalty"`
	PenaltyBy               map[string]float64 `json:"penalty_by"`
	MaxPlannedVisitsPerUnit int                `json:"max_planned_visits_per_unit"`
	SolveMS                 int64              `json:"solve_ms"`
}

package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"khung/app/adminunits"
	"khung/app/planning"
)

// Small instances plan the eight weeks from 17 February to 11 April 2025 only:
// every other weekday is listed as a holiday, leaving 39 working days (Hùng
// Kings' day, 7 April, is a real holiday) over three months.
const (
	smallYear = 2025
	smallFrom = "2025-02-17"
	smallTo   = "2025-04-11"
)

// district is one of the two pre-reform Hanoi districts of a small instance
// (the goldens of app/planning/mip were proven on these instances, so they
// keep the units of before 1 July 2025).
type district struct {
	id, code, name, office string
	wards                  []string
}

// GenerateSmall returns a tiny instance for exact comparison with a MIP solver:
// at most 12 visits, at most 8 inspectors and 39 working days, in two real
// Hanoi districts, with joint proposals, an occasional unannounced or
// verification visit, conflicts of interest, leave, day limits, blackouts,
// windows and last year's leads. It is deterministic for seed.
func GenerateSmall(seed uint64) *planning.Instance {
	g := &province{rng: rand.New(rand.NewPCG(seed, 0x5111a11)), year: smallYear, code: "01", name: "Thành phố Hà Nội"}
	all, err := adminunits.Official()
	if err != nil {
		panic(fmt.Sprintf("embedded unit list: %v", err)) // embedded data, checked by adminunits' tests
	}
	hanoi, _ := adminunits.Find(all, "01")
	first := time.Date(smallYear, 1, 1, 0, 0, 0, 0, time.UTC)
	from, to := g.doy(time.February, 17), g.doy(time.April, 11)

	yc, _ := calendarOf(smallYear)
	holidays := slices.Clone(yc.holidays)
	for d := range 365 {
		day := first.AddDate(0, 0, d)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && (d < from || d > to) {
			holidays = append(holidays, day.Format("2006-01-02"))
		}
	}
	holidays = slices.Compact(slices.Sorted(slices.Values(holidays)))
	rules := planning.DefaultRules()
	inst := &planning.Instance{
		Year:     smallYear,
		Calendar: planning.Calendar{Holidays: holidays, ExtraWorkingDays: []string{}},
		Rules:    &rules,
	}

	// Units: the city, Sở Nội vụ and one other department, two districts with
	// three or four wards each (and each district's Home Affairs office).
	depts := adminunits.HanoiDepartments()
	other := depts[g.rng.IntN(len(depts))]
	for other.Code == "01-SNV" {
		other = depts[g.rng.IntN(len(depts))]
	}
	inst.Units = append(inst.Units,
		planning.Unit{ID: "01", Name: hanoi.Name},
		planning.Unit{ID: "01-SNV", Name: "Sở Nội vụ", Parent: "01"},
		planning.Unit{ID: other.Code, Name: other.Name, Parent: "01"})
	targets := []string{other.Code}
	var wards []string
	perm := g.rng.Perm(len(hanoi.Districts))
	var districts []district
	for _, k := range perm[:2] {
		d := hanoi.Districts[k]
		dd := district{id: "01." + d.Code, code: d.Code, name: d.Name, office: "01." + d.Code + "-PNV"}
		inst.Units = append(inst.Units,
			planning.Unit{ID: dd.id, Name: d.Name, Parent: "01", Area: d.Code},
			planning.Unit{ID: dd.office, Name: "Phòng Nội vụ " + d.Name, Parent: dd.id, Area: d.Code})
		targets = append(targets, dd.id)
		n := min(len(d.Wards), 3+g.rng.IntN(2))
		for _, w := range g.rng.Perm(len(d.Wards))[:n] {
			id := dd.id + "." + d.Wards[w].Code
			dd.wards = append(dd.wards, id)
			inst.Units = append(inst.Units, planning.Unit{ID: id, Name: d.Wards[w].Name, Parent: dd.id, Area: d.Code})
			targets = append(targets, id)
			wards = append(wards, id)
		}
		districts = append(districts, dd)
	}
	// One or two inspected units are closed for a week.
	for range 1 + g.rng.IntN(2) {
		i := 3 + g.rng.IntN(len(inst.Units)-3)
		for strings.HasSuffix(inst.Units[i].ID, "-PNV") {
			i = 3 + g.rng.IntN(len(inst.Units)-3)
		}
		start := g.between(from, to-6)
		inst.Units[i].Blackouts = append(inst.Units[i].Blackouts,
			planning.Interval{From: g.date(start), To: g.date(start + 6)})
	}

	district := districts[0]
	inst.Bodies = []planning.Body{
		{ID: "city-team", Name: "Đoàn kiểm tra công vụ Thành phố", Precedence: 1},
		{ID: "inspectorate", Name: "Thanh tra Sở Nội vụ", Precedence: 2},
		{ID: "district", Name: "Phòng Nội vụ " + district.name, Precedence: 3},
	}
	skills := map[string][]string{
		"city-team":    {"cong_vu", "ky_luat_hanh_chinh"},
		"inspectorate": {"thanh_tra", "cong_vu"},
		"district":     {"chinh_quyen_co_so"},
	}

	// Inspectors: 2–3 of the city team and of the inspectorate (two of them can
	// lead), 2 of the district.
	sizes := map[string]int{"city-team": 2 + g.rng.IntN(2), "inspectorate": 2 + g.rng.IntN(2), "district": 2}
	for _, b := range inst.Bodies {
		for k := range sizes[b.ID] {
			in := planning.Inspector{ID: fmt.Sprintf("i%d", len(inst.Inspectors)+1), Body: b.ID,
				CanLead: k < 2 || g.chance(0.3), HomeUnit: "01-SNV"}
			switch {
			case b.ID == "district":
				in.HomeUnit = district.office
			case b.ID == "city-team" && g.chance(0.5):
				in.HomeUnit = other.Code
			}
			// Leads' conflicts are with single wards, so that a district-wide
			// conflict does not leave a visit without any possible lead.
			coi := targets
			if in.CanLead {
				coi = wards
			}
			if g.chance(0.3) {
				in.FormerUnits = []string{pick(g, coi)}
			}
			if g.chance(0.15) {
				in.ConflictUnits = []string{pick(g, coi)}
			}
			in.Skills = []string{pick(g, skills[b.ID])}
			if s := pick(g, []string{"cong_vu", "thanh_tra", "chinh_quyen_co_so", "to_chuc_can_bo"}); g.chance(0.3) && s != in.Skills[0] {
				in.Skills = append(in.Skills, s)
				slices.Sort(in.Skills)
			}
			if g.chance(0.4) {
				start := g.between(from, to-3)
				in.Unavailable = []planning.Interval{{From: g.date(start), To: g.date(start + g.between(2, 7))}}
			}
			if g.chance(0.25) {
				in.MaxDays = g.between(10, 20)
			}
			inst.Inspectors = append(inst.Inspectors, in)
		}
	}

	// Proposals: 9–12 visits, one of them perhaps unannounced or verification;
	// a third of the planned units get a second proposal from another body.
	nVisits := 9 + g.rng.IntN(4)
	nSeparate := g.rng.IntN(2)
	units := slices.Clone(targets)
	g.rng.Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })
	units = units[:min(len(units), nVisits-nSeparate)]
	window := func(weeks int) *planning.Interval {
		start := g.between(from, to-7*weeks)
		return &planning.Interval{From: g.date(start), To: g.date(start + 7*weeks - 3)}
	}
	bodyFor := func(unit string, not string) string {
		cands := []string{"city-team", "inspectorate"}
		if slices.Contains(district.wards, unit) {
			cands = append(cands, "district", "district")
		}
		cands = slices.DeleteFunc(cands, func(b string) bool { return b == not })
		return pick(g, cands)
	}
	add := func(unit, body, form string) {
		p := planning.Proposal{ID: fmt.Sprintf("p%02d", len(inst.Proposals)+1), Body: body, Unit: unit,
			Kind: "public_service", Form: form, Days: g.between(1, 4), TeamSize: g.between(2, 3), Priority: 1 + g.rng.IntN(3)}
		if body == "inspectorate" {
			p.Kind = "specialised"
		}
		if held := heldByTwo(inst.Inspectors, skills[body]); g.chance(0.5) && len(held) > 0 {
			p.Skills = []string{pick(g, held)}
		}
		switch {
		case form != planning.FormPlanned:
			p.Days, p.Priority, p.Window = min(p.Days, 2), 3, window(2)
		case g.chance(0.5):
			p.Window = window(3 + g.rng.IntN(2))
		}
		inst.Proposals = append(inst.Proposals, p)
	}
	for _, u := range units {
		b := bodyFor(u, "")
		add(u, b, planning.FormPlanned)
		if g.chance(0.35) {
			add(u, bodyFor(u, b), planning.FormPlanned)
		}
	}
	for range nSeparate {
		form := planning.FormUnannounced
		if g.chance(0.5) {
			form = planning.FormVerification
		}
		u := pick(g, targets)
		add(u, bodyFor(u, "district"), form)
	}

	// Last year's leads of a few units, from the body that leads them again.
	precedence := map[string]int{"city-team": 1, "inspectorate": 2, "district": 3}
	for _, u := range units {
		lead := "district"
		for _, p := range inst.Proposals {
			if p.Unit == u && p.Form == planning.FormPlanned && precedence[p.Body] < precedence[lead] {
				lead = p.Body
			}
		}
		var leads []string
		for _, in := range inst.Inspectors {
			if in.CanLead && in.Body == lead {
				leads = append(leads, in.ID)
			}
		}
		if g.chance(0.4) {
			inst.History = append(inst.History, planning.HistoryRow{Unit: u, Year: smallYear - 1, LeadInspector: pick(g, leads)})
		}
	}
	return inst
}

// heldByTwo keeps the skills that at least two inspectors have, so that a
// proposal's skill never makes its visit impossible on its own.
func heldByTwo(inspectors []planning.Inspector, skills []string) []string {
	var out []string
	for _, s := range skills {
		n := 0
		for _, in := range inspectors {
			if slices.Contains(in.Skills, s) {
				n++
			}
		}
		if n >= 2 {
			out = append(out, s)
		}
	}
	return out
}

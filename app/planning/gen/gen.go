// Package gen generates realistic planning instances (planner-spec §1) from the
// embedded official list of administrative units, for tests, benchmarks and the
// `khung plan gen` command. Generation is deterministic for given Options.
//
// Unit ids: the province's statistics code ("01"), then district "01.001" and
// ward "01.001.00001" (each level appends its official code, so ids are unique
// across levels); departments use adminunits' codes ("01-SNV"); each district's
// Home Affairs office, the home unit of its inspectors, is "01.001-PNV". A unit's
// area is its district code; departments have no area.
package gen

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"khung/app/adminunits"
	"khung/app/planning"
)

// Options choose the instance to generate.
type Options struct {
	// Province is an official province code ("01" is Hà Nội); "" means all 63.
	Province string
	// Year of the plan; 0 means 2025. The holidays of 2024–2027 are known.
	Year int
	// Proposals to generate; 0 means 1,600 for a province (Hanoi's 2023
	// volume) and 100,000 for the whole country.
	Proposals int
	// Seed makes different instances of the same size.
	Seed uint64
	// Inspectors in total; 0 means max(12, proposals/8) in each province.
	Inspectors int
}

// Defaults of Options.
const (
	DefaultYear              = 2025
	DefaultProvinceProposals = 1600
	DefaultNationalProposals = 100_000
	MinInspectors            = 12
)

// Generate builds an instance: the units of the province(s) with their
// departments, the inspecting bodies (the provincial public-service inspection
// team, the Home Affairs inspectorate, the Home Affairs divisions and every
// district's Home Affairs office), inspectors with homes, former units, conflicts,
// skills, leave and day limits, last years' leads, and proposals with windows and
// priorities; about 3 % of them unannounced or verification.
func Generate(opt Options) (*planning.Instance, error) {
	if opt.Year == 0 {
		opt.Year = DefaultYear
	}
	if opt.Proposals < 0 {
		return nil, fmt.Errorf("proposals: %d is negative (số đề xuất âm)", opt.Proposals)
	}
	if opt.Inspectors < 0 {
		return nil, fmt.Errorf("inspectors: %d is negative (số cán bộ âm)", opt.Inspectors)
	}
	yc, err := calendarOf(opt.Year)
	if err != nil {
		return nil, err
	}
	all, err := adminunits.Official()
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	provinces := all
	if opt.Province != "" {
		p, ok := adminunits.Find(all, opt.Province)
		if !ok {
			return nil, fmt.Errorf("province: no province with code %q (không có tỉnh, thành phố mã %q)", opt.Province, opt.Province)
		}
		provinces = []adminunits.Province{p}
	}
	total := opt.Proposals
	if total == 0 {
		total = DefaultProvinceProposals
		if opt.Province == "" {
			total = DefaultNationalProposals
		}
	}

	// Proposals (and a given inspector total) are shared in proportion to the
	// number of units of each province.
	weights := make([]int, len(provinces))
	for i, p := range provinces {
		weights[i] = 1 + len(p.Districts)
		for _, d := range p.Districts {
			weights[i] += len(d.Wards)
		}
	}
	proposals := apportion(total, weights)
	inspectors := make([]int, len(provinces))
	if opt.Inspectors > 0 {
		inspectors = apportion(opt.Inspectors, weights)
	} else {
		for i, n := range proposals {
			inspectors[i] = max(MinInspectors, n/8)
		}
	}

	rules := planning.DefaultRules()
	inst := &planning.Instance{
		Year:     opt.Year,
		Calendar: planning.Calendar{Holidays: yc.holidays, ExtraWorkingDays: yc.extraWorking},
		Rules:    &rules,
	}
	if inst.Calendar.ExtraWorkingDays == nil {
		inst.Calendar.ExtraWorkingDays = []string{}
	}
	for i, p := range provinces {
		g := newProvince(p, opt.Year, opt.Seed)
		g.build(inst, proposals[i], inspectors[i])
	}
	return inst, nil
}

// apportion splits total in proportion to weights (largest remainder, ties to
// the earlier entry).
func apportion(total int, weights []int) []int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if sum == 0 {
		return out
	}
	type rem struct{ i, r int }
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		out[i] = total * w / sum
		given += out[i]
		rems[i] = rem{i, total * w % sum}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// body is an inspecting body and what it inspects.
type body struct {
	planning.Body
	kind     string   // default kind of its proposals
	skills   []string // skills its inspectors and proposals draw from
	district int      // index of its district, -1 for provincial bodies
	share    float64  // share of the province's proposals
}

type district struct {
	id, code, name, office string
	wards                  []string
	wardNames              []string
}

// province generates one province's part of an instance.
type province struct {
	rng        *rand.Rand
	year       int
	code, name string
	city       bool     // a centrally governed city (thành phố trực thuộc trung ương)
	depts      []string // department unit ids
	snv        string   // the Department of Home Affairs
	districts  []district
	wards      []string // all wards
	bodies     []body
}

// allSkills lists the skills of the generated inspectors and proposals.
func allSkills() []string {
	return []string{
		"cong_vu", "ky_luat_hanh_chinh", "van_hoa_cong_so", "thanh_tra", "to_chuc_can_bo",
		"cong_chuc_vien_chuc", "to_chuc_bien_che", "cai_cach_hanh_chinh", "thi_dua_khen_thuong",
		"van_thu_luu_tru", "chinh_quyen_co_so",
	}
}

// topicsOf lists the topics of a kind of inspection.
func topicsOf(kind string) []string {
	return map[string][]string{
		"public_service": {"ky_luat_hanh_chinh", "van_hoa_cong_vu", "dao_duc_cong_vu", "giai_quyet_thu_tuc_hanh_chinh", "thuc_hien_nhiem_vu_duoc_giao"},
		"specialised":    {"tuyen_dung", "bo_nhiem", "quan_ly_bien_che", "che_do_chinh_sach", "nang_luong"},
		"professional":   {"vi_tri_viec_lam", "danh_gia_xep_loai", "cai_cach_hanh_chinh", "thi_dua_khen_thuong", "luu_tru_ho_so"},
		"internal":       {"thuc_hien_ket_luan", "quy_che_noi_bo", "tiep_cong_dan"},
	}[kind]
}

// seedFor derives a province's random stream from the seed and its code.
func seedFor(seed uint64, code string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(code))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func newProvince(p adminunits.Province, year int, seed uint64) *province {
	g := &province{rng: seedFor(seed, p.Code), year: year, code: p.Code, name: p.Name, city: p.Type == "Thành phố Trung ương"}
	for _, d := range adminunits.HanoiDepartments() {
		if p.Code != "01" && d.Code == "01-SQHKT" {
			continue // only Hanoi has a planning and architecture department
		}
		g.depts = append(g.depts, p.Code+strings.TrimPrefix(d.Code, "01"))
	}
	g.snv = p.Code + "-SNV"
	for _, d := range p.Districts {
		dd := district{id: p.Code + "." + d.Code, code: d.Code, name: d.Name, office: p.Code + "." + d.Code + "-PNV"}
		for _, w := range d.Wards {
			dd.wards = append(dd.wards, dd.id+"."+w.Code)
			dd.wardNames = append(dd.wardNames, w.Name)
		}
		g.wards = append(g.wards, dd.wards...)
		g.districts = append(g.districts, dd)
	}

	prov := p.Code + "-"
	g.bodies = []body{
		{Body: planning.Body{ID: prov + "city-team", Name: "Đoàn kiểm tra công vụ " + p.Name, Precedence: 1},
			kind: "public_service", skills: []string{"cong_vu", "ky_luat_hanh_chinh", "van_hoa_cong_so"}, district: -1, share: 0.03},
		{Body: planning.Body{ID: prov + "inspectorate", Name: "Thanh tra Sở Nội vụ " + p.Name, Precedence: 2},
			kind: "specialised", skills: []string{"thanh_tra", "cong_vu", "to_chuc_can_bo"}, district: -1, share: 0.15},
	}
	divisions := []struct{ id, name, skill string }{
		{"snv-ccvc", "Phòng Công chức, viên chức", "cong_chuc_vien_chuc"},
		{"snv-tcbc", "Phòng Tổ chức, biên chế và Tổ chức phi chính phủ", "to_chuc_bien_che"},
		{"snv-cchc", "Phòng Cải cách hành chính", "cai_cach_hanh_chinh"},
		{"snv-tdkt", "Ban Thi đua - Khen thưởng", "thi_dua_khen_thuong"},
		{"snv-vtlt", "Chi cục Văn thư - Lưu trữ", "van_thu_luu_tru"},
	}
	for _, d := range divisions {
		g.bodies = append(g.bodies, body{
			Body: planning.Body{ID: prov + d.id, Name: d.name + " (Sở Nội vụ " + p.Name + ")", Precedence: 3},
			kind: "professional", skills: []string{d.skill}, district: -1, share: 0.30 / float64(len(divisions))})
	}
	for i, d := range g.districts {
		g.bodies = append(g.bodies, body{
			Body: planning.Body{ID: prov + d.code + "-pnv", Name: "Phòng Nội vụ " + d.name, Precedence: 4},
			kind: "public_service", skills: []string{"cong_vu", "chinh_quyen_co_so"}, district: i,
			share: 0.52 * float64(len(d.wards)) / float64(max(1, len(g.wards)))})
	}
	return g
}

// date returns the ISO date of day-of-year doy (0-based), clipped to the year.
func (g *province) date(doy int) string {
	first := time.Date(g.year, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(g.year, 12, 31, 0, 0, 0, 0, time.UTC)
	d := first.AddDate(0, 0, max(0, doy))
	if d.After(last) {
		d = last
	}
	return d.Format("2006-01-02")
}

// doy returns the 0-based day of year of a month and day.
func (g *province) doy(month time.Month, day int) int {
	return time.Date(g.year, month, day, 0, 0, 0, 0, time.UTC).YearDay() - 1
}

// between returns a uniform integer in [lo, hi].
func (g *province) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func (g *province) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](g *province, s []T) T { return s[g.rng.IntN(len(s))] }

func (g *province) build(inst *planning.Instance, nProposals, nInspectors int) {
	g.addUnits(inst)
	for _, b := range g.bodies {
		inst.Bodies = append(inst.Bodies, b.Body)
	}
	proposals := g.proposals(nProposals)
	inspectors := g.inspectors(nInspectors, proposals)
	inst.Proposals = append(inst.Proposals, proposals...)
	inst.Inspectors = append(inst.Inspectors, inspectors...)
	inst.History = append(inst.History, g.history(proposals, inspectors)...)
}

// addUnits adds the province, its departments, districts, district offices and
// wards, with their blackouts: the year-end closing for every inspected unit, a
// mid-year People's Council session for districts, and a local event for a few wards.
func (g *province) addUnits(inst *planning.Instance) {
	yearEnd := planning.Interval{From: g.date(g.doy(time.December, 22)), To: g.date(g.doy(time.December, 31))}
	inst.Units = append(inst.Units, planning.Unit{ID: g.code, Name: g.name})
	names := map[string]string{}
	for _, d := range adminunits.HanoiDepartments() {
		name := d.Name
		if !g.city {
			name = strings.ReplaceAll(name, "Thành phố", "Tỉnh")
		}
		names[strings.TrimPrefix(d.Code, "01")] = name
	}
	for _, id := range g.depts {
		inst.Units = append(inst.Units, planning.Unit{ID: id, Name: names[strings.TrimPrefix(id, g.code)],
			Parent: g.code, Blackouts: []planning.Interval{yearEnd}})
	}
	for _, d := range g.districts {
		session := g.doy(time.July, g.between(1, 12))
		inst.Units = append(inst.Units, planning.Unit{ID: d.id, Name: d.name, Parent: g.code, Area: d.code,
			Blackouts: []planning.Interval{{From: g.date(session), To: g.date(session + 3)}, yearEnd}})
		inst.Units = append(inst.Units, planning.Unit{ID: d.office, Name: "Phòng Nội vụ " + d.name, Parent: d.id, Area: d.code})
	}
	for _, d := range g.districts {
		for i, w := range d.wards {
			blackouts := []planning.Interval{yearEnd}
			if g.chance(0.05) {
				from := g.between(g.doy(time.March, 1), g.doy(time.November, 15))
				blackouts = []planning.Interval{{From: g.date(from), To: g.date(from + 13)}, yearEnd}
			}
			inst.Units = append(inst.Units, planning.Unit{ID: w, Name: d.wardNames[i], Parent: d.id, Area: d.code, Blackouts: blackouts})
		}
	}
}

// proposals draws n proposals, shared between the bodies by their share.
func (g *province) proposals(n int) []planning.Proposal {
	shares := make([]int, len(g.bodies))
	for i, b := range g.bodies {
		shares[i] = int(b.share * 1e6)
	}
	counts := apportion(n, shares)
	var out []planning.Proposal
	for bi, b := range g.bodies {
		for range counts[bi] {
			out = append(out, g.proposal(b))
		}
	}
	// Interleave bodies in the id order, as proposals arrive from all of them.
	g.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	width := len(fmt.Sprint(len(out)))
	for i := range out {
		out[i].ID = fmt.Sprintf("p%s-%0*d", g.code, width, i+1)
	}
	return out
}

func (g *province) proposal(b body) planning.Proposal {
	p := planning.Proposal{Body: b.ID, Kind: b.kind, Form: planning.FormPlanned}
	r := g.rng.Float64()
	switch {
	case b.Precedence == 1:
		p.Unit = g.provincialTarget(false)
		p.Days, p.TeamSize = g.between(3, 5), g.between(3, 5)
		switch {
		case r < 0.07:
			p.Form = planning.FormUnannounced
		case r < 0.22:
			p.Form = planning.FormVerification
		}
	case b.Precedence == 2:
		p.Unit = g.provincialTarget(true)
		p.Days, p.TeamSize = g.between(3, 5), g.between(3, 4)
		switch {
		case r < 0.03:
			p.Form = planning.FormUnannounced
		case r < 0.09:
			p.Form = planning.FormVerification
		}
	case b.district < 0:
		p.Unit = g.provincialTarget(true)
		p.Days, p.TeamSize = g.between(1, 3), g.between(2, 3)
	default:
		p.Unit = pick(g, g.districts[b.district].wards)
		p.Days, p.TeamSize = g.between(1, 3), g.between(2, 3)
		if g.chance(0.3) {
			p.Kind = "internal"
		}
		switch {
		case r < 0.005:
			p.Form = planning.FormUnannounced
		case r < 0.015:
			p.Form = planning.FormVerification
		}
	}
	topics := topicsOf(p.Kind)
	p.Topics = []string{pick(g, topics)}
	if t := pick(g, topics); g.chance(0.5) && t != p.Topics[0] {
		p.Topics = append(p.Topics, t)
		slices.Sort(p.Topics)
	}
	if g.chance(0.6) {
		p.Skills = []string{pick(g, b.skills)}
	}
	switch p.Form {
	case planning.FormPlanned:
		p.Priority = 1
		if r := g.rng.Float64(); r < 0.08 {
			p.Priority = 3
		} else if r < 0.30 {
			p.Priority = 2
		}
		switch r := g.rng.Float64(); {
		case r < 0.50: // a quarter
			q := g.rng.IntN(4)
			p.Window = &planning.Interval{
				From: g.date(g.doy(time.Month(3*q+1), 1)),
				To:   g.date(g.doy(time.Month(3*q+3), 1) + daysIn(g.year, time.Month(3*q+3)) - 1)}
		case r < 0.65: // a half-year
			if g.chance(0.5) {
				p.Window = &planning.Interval{From: g.date(0), To: g.date(g.doy(time.June, 30))}
			} else {
				p.Window = &planning.Interval{From: g.date(g.doy(time.July, 1)), To: g.date(g.doy(time.December, 31))}
			}
		}
	default: // unannounced and verification come with about six weeks to act
		p.Priority = 3
		if p.Form == planning.FormVerification && g.chance(0.5) {
			p.Priority = 2
		}
		from := g.between(g.doy(time.February, 15), g.doy(time.October, 31))
		p.Window = &planning.Interval{From: g.date(from), To: g.date(from + 41)}
		p.Days = min(p.Days, 3)
		p.TeamSize = min(p.TeamSize, 3)
	}
	return p
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// provincialTarget draws a unit for a provincial body: a department, a district
// or a ward; the Home Affairs bodies do not inspect their own department.
func (g *province) provincialTarget(homeAffairs bool) string {
	for {
		var u string
		switch r := g.rng.Float64(); {
		case r < 0.2:
			u = pick(g, g.depts)
		case r < 0.4 || len(g.wards) == 0:
			u = pick(g, g.districts).id
		default:
			u = pick(g, g.wards)
		}
		if !homeAffairs || u != g.snv {
			return u
		}
	}
}

// inspectors creates n inspectors, shared between the bodies in proportion to
// the inspector-days their proposals ask for; every body with proposals gets at
// least one (a lead) while n allows.
func (g *province) inspectors(n int, proposals []planning.Proposal) []planning.Inspector {
	demand := map[string]int{}
	for _, p := range proposals {
		demand[p.Body] += p.Days * p.TeamSize
	}
	order := make([]int, 0, len(g.bodies))
	for i, b := range g.bodies {
		if demand[b.ID] > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(demand[g.bodies[b].ID], demand[g.bodies[a].ID]) })
	counts := make([]int, len(g.bodies))
	base := min(n, len(order))
	for _, i := range order[:base] {
		counts[i] = 1
	}
	weights := make([]int, len(g.bodies))
	for i, b := range g.bodies {
		weights[i] = demand[b.ID]
	}
	for i, extra := range apportion(n-base, weights) {
		counts[i] += extra
	}

	targets := append(append(append([]string(nil), g.depts...), g.wards...), districtIDs(g.districts)...)
	var out []planning.Inspector
	for bi, b := range g.bodies {
		for k := range counts[bi] {
			in := planning.Inspector{
				ID:      fmt.Sprintf("i%s-%04d", g.code, len(out)+1),
				Body:    b.ID,
				CanLead: k == 0 || g.chance(0.3),
			}
			switch {
			case b.district >= 0:
				in.HomeUnit = g.districts[b.district].office
			case b.Precedence == 1 && g.chance(0.5):
				in.HomeUnit = pick(g, g.depts) // city-team members come from several departments
			default:
				in.HomeUnit = g.snv
			}
			if g.chance(0.25) {
				in.FormerUnits = []string{pick(g, targets)}
			}
			if g.chance(0.10) {
				in.ConflictUnits = []string{pick(g, targets)}
			}
			for _, s := range b.skills {
				if g.chance(0.6) {
					in.Skills = append(in.Skills, s)
				}
			}
			if len(in.Skills) == 0 {
				in.Skills = []string{pick(g, b.skills)}
			}
			if s := pick(g, allSkills()); g.chance(0.15) && !slices.Contains(in.Skills, s) {
				in.Skills = append(in.Skills, s)
			}
			slices.Sort(in.Skills)
			if g.chance(0.6) { // summer leave
				from := g.between(g.doy(time.June, 1), g.doy(time.August, 20))
				in.Unavailable = append(in.Unavailable, planning.Interval{From: g.date(from), To: g.date(from + g.between(4, 13))})
			}
			if g.chance(0.08) { // training course or long leave
				from := g.between(g.doy(time.March, 1), g.doy(time.October, 1))
				in.Unavailable = append(in.Unavailable, planning.Interval{From: g.date(from), To: g.date(from + g.between(29, 59))})
				slices.SortFunc(in.Unavailable, func(a, b planning.Interval) int { return cmp.Compare(a.From, b.From) })
			}
			if g.chance(0.6) {
				in.MaxDays = g.between(40, 120)
			}
			out = append(out, in)
		}
	}
	return out
}

func districtIDs(ds []district) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.id
	}
	return out
}

// history gives about a third of the units with planned proposals a lead
// inspector last year (from the body that will lead them again), some also the
// year before.
func (g *province) history(proposals []planning.Proposal, inspectors []planning.Inspector) []planning.HistoryRow {
	precedence := map[string]int{}
	for _, b := range g.bodies {
		precedence[b.ID] = b.Precedence
	}
	lead := map[string]string{} // unit → probable lead body
	var units []string
	for _, p := range proposals {
		if p.Form != planning.FormPlanned {
			continue
		}
		cur, seen := lead[p.Unit]
		if !seen {
			units = append(units, p.Unit)
		}
		if !seen || precedence[p.Body] < precedence[cur] || (precedence[p.Body] == precedence[cur] && p.Body < cur) {
			lead[p.Unit] = p.Body
		}
	}
	slices.Sort(units)
	leaders := map[string][]string{}
	for _, in := range inspectors {
		if in.CanLead {
			leaders[in.Body] = append(leaders[in.Body], in.ID)
		}
	}
	var out []planning.HistoryRow
	for _, u := range units {
		cands := leaders[lead[u]]
		if len(cands) == 0 || !g.chance(0.35) {
			continue
		}
		out = append(out, planning.HistoryRow{Unit: u, Year: g.year - 1, LeadInspector: pick(g, cands)})
		if g.chance(0.15) {
			out = append(out, planning.HistoryRow{Unit: u, Year: g.year - 2, LeadInspector: pick(g, cands)})
		}
	}
	return out
}

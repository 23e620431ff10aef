// Package gen generates realistic planning instances (planner-spec §1) from the
// embedded official list of the administrative units in force since 1 July 2025
// (34 provinces and centrally-run cities, 3,321 communes, wards and special
// zones; districts no longer exist), for tests, benchmarks and the
// `khung plan gen` command. Generation is deterministic for given Options.
//
// Unit ids: the province's statistics code ("01"), then each commune, ward or
// special zone "01.00004" (the province code, a dot and the unit's own
// statistics code); under each commune its People's Committee office
// "01.00004-VP" (Văn phòng HĐND và UBND, the home of the commune's own
// inspectors) and three public-service units it runs and checks: the public
// administrative service centre "01.00004-HCC", the health station
// "01.00004-TYT" and the primary school "01.00004-TH". Departments use the
// province code and a mnemonic ("01-SNV"; the list after the reorganisation of
// 1 March 2025, see departments). A unit's area is its travel cluster
// (planner-spec §1): the communes that took their statistics code from the
// same former district form one cluster, named by that district's code ("001"),
// exactly as the app's unit import sets it (app/seed); the units under a commune
// share its area; the province and departments have none.
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
	// Province is an official province code of 1 July 2025 ("01" is Hà Nội);
	// "" means all 34.
	Province string
	// Year of the plan; 0 means 2025. The holidays of 2024–2027 are known.
	Year int
	// Proposals to generate; 0 means 1,600 for a province (Hanoi's 2023
	// volume) and 100,000 for the whole country.
	Proposals int
	// Seed makes different instances of the same size.
	Seed uint64
	// Inspectors in total; 0 means max(12, proposals/8) in each province plus
	// one for each commune (a commune People's Committee checks with its own
	// staff, while the provincial bodies' teams are the province's pool).
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
// departments, communes and the communes' offices and public-service units;
// the inspecting bodies of the Law on Inspection 84/2025/QH15 (the provincial
// inspectorate, the public-service inspection team and the divisions of the
// Department of Home Affairs, other departments' specialised checks, and every
// commune People's Committee's own checks); inspectors with homes, former
// units, conflicts, skills, leave and day limits; last years' leads; and
// proposals with windows and priorities, about 3 % of them unannounced or
// verification.
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
	all, err := adminunits.Reformed()
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	links, err := adminunits.Conversions()
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	provinces := all
	if opt.Province != "" {
		p, ok := adminunits.FindNew(all, opt.Province)
		if !ok {
			return nil, fmt.Errorf("province: no province with code %q since 1 July 2025 (không có tỉnh, thành phố mã %q)", opt.Province, opt.Province)
		}
		provinces = []adminunits.NewProvince{p}
	}
	total := opt.Proposals
	if total == 0 {
		total = DefaultProvinceProposals
		if opt.Province == "" {
			total = DefaultNationalProposals
		}
	}
	clusters := clustersOf(links)

	// Proposals (and a given inspector total) are shared in proportion to the
	// number of communes of each province (plus one for the province itself).
	weights := make([]int, len(provinces))
	for i, p := range provinces {
		weights[i] = 1 + len(p.Communes)
	}
	proposals := apportion(total, weights)
	inspectors := make([]int, len(provinces))
	if opt.Inspectors > 0 {
		inspectors = apportion(opt.Inspectors, weights)
	} else {
		for i, n := range proposals {
			inspectors[i] = max(MinInspectors, n/8) + len(provinces[i].Communes)
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
		g := newProvince(p, clusters, opt.Year, opt.Seed)
		g.build(inst, proposals[i], inspectors[i])
	}
	return inst, nil
}

// clustersOf maps each commune of 1 July 2025 to its travel cluster: the code
// of the former district of the predecessor whose statistics code it took
// (every new code is one of its predecessors'), else of its first predecessor
// in the conversion table; the same rule as app/seed's unit import.
func clustersOf(links []adminunits.Link) map[string]string {
	out := map[string]string{}
	for _, l := range links {
		if _, ok := out[l.NewCode]; !ok || l.OldCode == l.NewCode {
			out[l.NewCode] = l.OldDistrictCode
		}
	}
	return out
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

// target says which units a body's proposals visit.
type target int

const (
	targetProvincial target = iota // departments, communes and the communes' public-service units
	targetCommunes                 // communes and wards themselves
	targetSchools                  // the communes' primary schools
	targetHealth                   // the communes' health stations
	targetOwn                      // the public-service units of the body's own commune
)

// body is an inspecting body and what it inspects.
type body struct {
	planning.Body
	kind    string   // default kind of its proposals
	skills  []string // skills its inspectors and proposals draw from
	home    string   // home unit of its inspectors ("" for the city team: several)
	target  target
	commune int     // index of its commune for targetOwn, else -1
	share   float64 // share of the province's proposals
}

// commune is a commune, ward or special zone of 1 July 2025 with the units
// under it.
type commune struct {
	id, name, area string
	office         string   // Văn phòng HĐND và UBND: home of its own inspectors
	services       []string // its public-service units: service centre, health station, school
}

// The suffixes of the units under a commune, in the order of commune.services.
const (
	suffixOffice  = "-VP"
	suffixCentre  = "-HCC"
	suffixHealth  = "-TYT"
	suffixSchool  = "-TH"
	serviceCentre = 0
	serviceHealth = 1
	serviceSchool = 2
)

// department is a provincial department or equivalent body (sở, ngành).
type department struct{ code, name string }

// departments lists a province's specialised agencies after the
// reorganisation of 1 March 2025 (Decree 45/2025/NĐ-CP: one Department of
// Home Affairs that absorbed labour and social affairs, agriculture and
// environment joined, culture, sport and tourism joined); Hà Nội and Hồ Chí
// Minh City keep culture and sport apart from tourism and have a planning and
// architecture department. The inspectorate (Thanh tra) is both a body and a
// unit that others may check. Codes are "<province>-<mnemonic>".
func departments(province string, city bool) []department {
	level := "Tỉnh"
	if city {
		level = "Thành phố"
	}
	out := []department{
		{"SVP", "Văn phòng Ủy ban nhân dân " + level},
		{"SNV", "Sở Nội vụ"},
		{"STP", "Sở Tư pháp"},
		{"STC", "Sở Tài chính"},
		{"SCT", "Sở Công Thương"},
		{"SNNMT", "Sở Nông nghiệp và Môi trường"},
		{"SXD", "Sở Xây dựng"},
		{"SKHCN", "Sở Khoa học và Công nghệ"},
	}
	big := province == "01" || province == "79"
	if big {
		out = append(out, department{"SVHTT", "Sở Văn hóa và Thể thao"}, department{"SDL", "Sở Du lịch"},
			department{"SQHKT", "Sở Quy hoạch - Kiến trúc"})
	} else {
		out = append(out, department{"SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"})
	}
	out = append(out,
		department{"SGDDT", "Sở Giáo dục và Đào tạo"},
		department{"SYT", "Sở Y tế"},
		department{"SDTTG", "Sở Dân tộc và Tôn giáo"},
		department{"TT", "Thanh tra " + level},
	)
	for i := range out {
		out[i].code = province + "-" + out[i].code
	}
	return out
}

// province generates one province's part of an instance.
type province struct {
	rng        *rand.Rand
	year       int
	code, name string
	city       bool // a centrally-run city (thành phố trực thuộc trung ương)
	depts      []department
	communes   []commune
	bodies     []body
}

// allSkills lists the skills of the generated inspectors and proposals.
func allSkills() []string {
	return []string{
		"cong_vu", "ky_luat_hanh_chinh", "van_hoa_cong_so", "thanh_tra", "tiep_cong_dan", "to_chuc_can_bo",
		"cong_chuc_vien_chuc", "to_chuc_bien_che", "cai_cach_hanh_chinh", "thi_dua_khen_thuong",
		"van_thu_luu_tru", "lao_dong_tien_luong", "chinh_quyen_co_so", "tu_phap", "tai_chinh", "giao_duc", "y_te",
	}
}

// topicsOf lists the topics of a kind of inspection.
func topicsOf(kind string) []string {
	return map[string][]string{
		"inspection":     {"thuc_hien_chinh_sach_phap_luat", "phong_chong_tham_nhung", "tiep_cong_dan_khieu_nai_to_cao", "quan_ly_tai_chinh"},
		"public_service": {"ky_luat_hanh_chinh", "van_hoa_cong_vu", "dao_duc_cong_vu", "giai_quyet_thu_tuc_hanh_chinh", "thuc_hien_nhiem_vu_duoc_giao"},
		"specialised":    {"chap_hanh_phap_luat_chuyen_nganh", "quan_ly_ngan_sach", "ho_tich_chung_thuc", "chat_luong_giao_duc", "kham_chua_benh"},
		"professional":   {"tuyen_dung", "bo_nhiem", "quan_ly_bien_che", "vi_tri_viec_lam", "danh_gia_xep_loai", "cai_cach_hanh_chinh", "thi_dua_khen_thuong", "luu_tru_ho_so"},
		"internal":       {"thuc_hien_ket_luan", "quy_che_noi_bo", "tiep_cong_dan"},
	}[kind]
}

// seedFor derives a province's random stream from the seed and its code.
func seedFor(seed uint64, code string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(code))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

func newProvince(p adminunits.NewProvince, clusters map[string]string, year int, seed uint64) *province {
	g := &province{rng: seedFor(seed, p.Code), year: year, code: p.Code, name: p.Name, city: p.Type == "Thành phố"}
	g.depts = departments(p.Code, g.city)
	for _, c := range p.Communes {
		id := p.Code + "." + c.Code
		g.communes = append(g.communes, commune{id: id, name: c.Name, area: clusters[c.Code], office: id + suffixOffice,
			services: []string{id + suffixCentre, id + suffixHealth, id + suffixSchool}})
	}

	prov := p.Code + "-"
	snv, tt := prov+"SNV", prov+"TT"
	g.bodies = []body{
		{Body: planning.Body{ID: prov + "city-team", Name: "Đoàn kiểm tra công vụ " + p.Name, Precedence: 1},
			kind: "public_service", skills: []string{"cong_vu", "ky_luat_hanh_chinh", "van_hoa_cong_so"}, commune: -1, share: 0.03},
		{Body: planning.Body{ID: prov + "inspectorate", Name: "Thanh tra " + p.Name, Precedence: 2},
			kind: "inspection", skills: []string{"thanh_tra", "tiep_cong_dan", "tai_chinh"}, home: tt, commune: -1, share: 0.10},
	}
	divisions := []struct{ id, name, skill string }{
		{"snv-ccvc", "Phòng Công chức, viên chức", "cong_chuc_vien_chuc"},
		{"snv-tcbc", "Phòng Tổ chức bộ máy, biên chế và Tổ chức phi chính phủ", "to_chuc_bien_che"},
		{"snv-cchc", "Phòng Cải cách hành chính", "cai_cach_hanh_chinh"},
		{"snv-ldtl", "Phòng Lao động, Tiền lương và Bảo hiểm xã hội", "lao_dong_tien_luong"},
		{"snv-tdkt", "Ban Thi đua - Khen thưởng", "thi_dua_khen_thuong"},
		{"snv-vtlt", "Chi cục Văn thư - Lưu trữ", "van_thu_luu_tru"},
	}
	for _, d := range divisions {
		g.bodies = append(g.bodies, body{
			Body: planning.Body{ID: prov + d.id, Name: d.name + " (Sở Nội vụ " + p.Name + ")", Precedence: 3},
			kind: "professional", skills: []string{d.skill}, home: snv, commune: -1, share: 0.25 / float64(len(divisions))})
	}
	checks := []struct {
		dept, skill string
		target      target
	}{
		{"STP", "tu_phap", targetCommunes},
		{"STC", "tai_chinh", targetProvincial},
		{"SGDDT", "giao_duc", targetSchools},
		{"SYT", "y_te", targetHealth},
	}
	for _, c := range checks {
		d := g.dept(prov + c.dept)
		g.bodies = append(g.bodies, body{
			Body: planning.Body{ID: strings.ToLower(d.code) + "-kt", Name: d.name + " " + p.Name + " (kiểm tra chuyên ngành)", Precedence: 3},
			kind: "specialised", skills: []string{c.skill}, home: d.code, target: c.target, commune: -1, share: 0.12 / float64(len(checks))})
	}
	for i, c := range g.communes {
		g.bodies = append(g.bodies, body{
			Body: planning.Body{ID: c.id + "-ubnd", Name: "Ủy ban nhân dân " + c.name, Precedence: 4},
			kind: "public_service", skills: []string{"cong_vu", "chinh_quyen_co_so"}, home: c.office, target: targetOwn,
			commune: i, share: 0.50 / float64(len(g.communes))})
	}
	return g
}

// dept returns the department with the given code.
func (g *province) dept(code string) department {
	for _, d := range g.depts {
		if d.code == code {
			return d
		}
	}
	panic("gen: no department " + code) // the codes are this file's
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

// addUnits adds the province, its departments, its communes and the units
// under each commune, with their blackouts: the year-end closing for every
// inspected unit, a mid-year People's Council session for communes, and a local
// event for a few communes' public-service units.
func (g *province) addUnits(inst *planning.Instance) {
	yearEnd := planning.Interval{From: g.date(g.doy(time.December, 22)), To: g.date(g.doy(time.December, 31))}
	inst.Units = append(inst.Units, planning.Unit{ID: g.code, Name: g.name})
	for _, d := range g.depts {
		inst.Units = append(inst.Units, planning.Unit{ID: d.code, Name: d.name, Parent: g.code, Blackouts: []planning.Interval{yearEnd}})
	}
	short := func(name string) string {
		for _, t := range []string{"Phường ", "Xã ", "Đặc khu "} {
			if s, ok := strings.CutPrefix(name, t); ok {
				return s
			}
		}
		return name
	}
	for _, c := range g.communes {
		session := g.doy(time.July, g.between(1, 12))
		inst.Units = append(inst.Units,
			planning.Unit{ID: c.id, Name: c.name, Parent: g.code, Area: c.area,
				Blackouts: []planning.Interval{{From: g.date(session), To: g.date(session + 3)}, yearEnd}},
			planning.Unit{ID: c.office, Name: "Văn phòng HĐND và UBND " + c.name, Parent: c.id, Area: c.area})
		names := [...]string{
			serviceCentre: "Trung tâm Phục vụ hành chính công " + c.name,
			serviceHealth: "Trạm Y tế " + c.name,
			serviceSchool: "Trường Tiểu học " + short(c.name),
		}
		for k, id := range c.services {
			blackouts := []planning.Interval{yearEnd}
			if g.chance(0.05) {
				from := g.between(g.doy(time.March, 1), g.doy(time.November, 15))
				blackouts = []planning.Interval{{From: g.date(from), To: g.date(from + 13)}, yearEnd}
			}
			inst.Units = append(inst.Units, planning.Unit{ID: id, Name: names[k], Parent: c.id, Area: c.area, Blackouts: blackouts})
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
	p := planning.Proposal{Body: b.ID, Kind: b.kind, Form: planning.FormPlanned, Unit: g.target(b)}
	r := g.rng.Float64()
	switch {
	case b.Precedence == 1:
		p.Days, p.TeamSize = g.between(3, 5), g.between(3, 5)
		switch {
		case r < 0.07:
			p.Form = planning.FormUnannounced
		case r < 0.22:
			p.Form = planning.FormVerification
		}
	case b.Precedence == 2:
		p.Days, p.TeamSize = g.between(3, 5), g.between(3, 4)
		switch {
		case r < 0.03:
			p.Form = planning.FormUnannounced
		case r < 0.09:
			p.Form = planning.FormVerification
		}
	case b.target == targetOwn:
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
	default:
		p.Days, p.TeamSize = g.between(1, 3), g.between(2, 3)
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

// target draws the unit of one of b's proposals. A provincial body visits a
// department, a commune or a commune's public-service unit, never the unit its
// inspectors work in (they could not inspect it: planner-spec H4).
func (g *province) target(b body) string {
	switch b.target {
	case targetOwn:
		return pick(g, g.communes[b.commune].services)
	case targetCommunes:
		return pick(g, g.communes).id
	case targetSchools:
		return pick(g, g.communes).services[serviceSchool]
	case targetHealth:
		return pick(g, g.communes).services[serviceHealth]
	}
	for {
		var u string
		switch r := g.rng.Float64(); {
		case r < 0.2:
			u = pick(g, g.depts).code
		case r < 0.6:
			u = pick(g, g.communes).id
		default:
			u = pick(g, pick(g, g.communes).services)
		}
		if u != b.home && (b.home != "" || u != g.code+"-SNV") {
			return u
		}
	}
}

// inspectors creates n inspectors, shared between the bodies in proportion to
// the inspector-days of the visits each would lead (planned proposals for one
// unit merge into one visit led by the body of lowest precedence,
// planner-spec §2); every body with proposals gets at least one (a lead) while
// n allows.
func (g *province) inspectors(n int, proposals []planning.Proposal) []planning.Inspector {
	precedence := map[string]int{}
	for _, b := range g.bodies {
		precedence[b.ID] = b.Precedence
	}
	demand := map[string]int{}
	type merged struct {
		lead       string
		days, team int
	}
	visits := map[string]*merged{}
	var order []string
	for _, p := range proposals {
		if p.Form != planning.FormPlanned {
			demand[p.Body] += p.Days * p.TeamSize
			continue
		}
		v := visits[p.Unit]
		if v == nil {
			v = &merged{lead: p.Body}
			visits[p.Unit] = v
			order = append(order, p.Unit)
		}
		if pb, lb := precedence[p.Body], precedence[v.lead]; pb < lb || (pb == lb && p.Body < v.lead) {
			v.lead = p.Body
		}
		v.days, v.team = max(v.days, p.Days), max(v.team, p.TeamSize)
		if _, ok := demand[p.Body]; !ok {
			demand[p.Body] = 0
		}
	}
	for _, u := range order {
		demand[visits[u].lead] += visits[u].days * visits[u].team
	}
	bodies := make([]int, 0, len(g.bodies))
	for i, b := range g.bodies {
		if _, ok := demand[b.ID]; ok {
			bodies = append(bodies, i)
		}
	}
	slices.SortStableFunc(bodies, func(a, b int) int { return cmp.Compare(demand[g.bodies[b].ID], demand[g.bodies[a].ID]) })
	counts := make([]int, len(g.bodies))
	base := min(n, len(bodies))
	for _, i := range bodies[:base] {
		counts[i] = 1
	}
	weights := make([]int, len(g.bodies))
	for i, b := range g.bodies {
		weights[i] = demand[b.ID]
	}
	for i, extra := range apportion(n-base, weights) {
		counts[i] += extra
	}

	targets := make([]string, 0, len(g.depts)+4*len(g.communes))
	for _, d := range g.depts {
		targets = append(targets, d.code)
	}
	for _, c := range g.communes {
		targets = append(append(targets, c.id), c.services...)
	}
	var out []planning.Inspector
	for bi, b := range g.bodies {
		for k := range counts[bi] {
			in := planning.Inspector{
				ID:       fmt.Sprintf("i%s-%04d", g.code, len(out)+1),
				Body:     b.ID,
				CanLead:  k == 0 || g.chance(0.3),
				HomeUnit: b.home,
			}
			if in.HomeUnit == "" { // city-team members come from several departments
				in.HomeUnit = g.code + "-SNV"
				if g.chance(0.5) {
					in.HomeUnit = pick(g, g.depts).code
				}
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

package seed

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/proposals"
	"khung/models"
)

// The demo city's proposals: about 1,600 for about 600 visits, as in Hanoi's
// 2023 figures (1,586 public-service inspections, 41 by the city team of which
// 3 unannounced and 6 verifications).
const (
	demoTotal            = 1600
	demoCityTeamPlanned  = 31
	demoCityUnannounced  = 3
	demoCityVerification = 6
	demoUnplannedPercent = 3            // unannounced and verification, of all proposals
	proposalsSeed        = 0x6b68756e67 // "khung"
	demoMaxBodies        = 6            // bodies on one joint visit, at most
)

// proposalTopics are the topics each demo body proposes, by body code; other
// bodies take the topics of the kinds that fit their sort of body.
var proposalTopics = map[string][]string{
	"city-team":         {"ky_luat_hanh_chinh", "dao_duc_van_hoa_cong_vu", "thoi_gio_lam_viec", "giai_quyet_tthc", "thuc_hien_ket_luan"},
	"dept-inspectorate": {"tuyen_dung_su_dung", "bo_nhiem_luan_chuyen", "vi_tri_viec_lam", "che_do_tien_luong"},
	"snv-ccvc":          {"tuyen_dung_su_dung", "vi_tri_viec_lam", "che_do_tien_luong"},
	"snv-tcbm":          {"to_chuc_bo_may"},
	"snv-xdcq":          {"chinh_quyen_co_so"},
	"snv-cchc":          {"cai_cach_hanh_chinh"},
	"snv-vtlt":          {"van_thu_luu_tru"},
	"snv-tdkt":          {"thi_dua_khen_thuong"},
	"snv-tg":            {"tin_nguong_ton_giao"},
}

// districtTopics are what a district's Phòng Nội vụ looks at in its communes.
var districtTopics = []string{"ky_luat_hanh_chinh", "thoi_gio_lam_viec", "giai_quyet_tthc", "dao_duc_van_hoa_cong_vu", "chinh_quyen_co_so"}

// demoWeights say how likely a body is to lead (or join) a visit to a unit of
// each kind: districts, departments, communes. Bodies not listed use their
// sort of body's weights.
var demoWeights = map[string][3]float64{
	"city-team":         {3, 3, 0.3},
	"dept-inspectorate": {4, 4, 1},
	"snv-xdcq":          {3, 0, 4},
	"snv-cchc":          {2, 2, 3},
	"snv-tcbm":          {2, 3, 0.5},
	"snv-ccvc":          {2, 3, 1},
	"snv-vtlt":          {1, 2, 2},
	"snv-tdkt":          {1, 1, 2},
	"snv-tg":            {1, 0.2, 2},
}

// demoBody is a body with what the generator needs to know of it.
type demoBody struct {
	models.Body
	unitCode string
	// district is the district a district's Phòng Nội vụ serves: its own unit
	// (the office) sits under that district.
	district string
	topics   []string // the topics it proposes, all of one kind or more
	leadDays float64  // the lead-days its leaders can give to the plan
	used     float64  // lead-days of the visits it leads so far
}

// demoUnit is an inspected unit with the proposals made for it.
type demoUnit struct {
	models.Unit
	parentCode string
	bodies     []*demoBody // proposing bodies, each once; bodies[0] leads (lowest precedence)
	maxDays    int
	rows       []proposals.FileRow
}

// visitDays is the merged visit's length: the longest proposal plus a day per
// extra body, capped (planner-spec §2).
func (u *demoUnit) visitDays(maxVisit int) int {
	return min(maxVisit, u.maxDays+len(u.bodies)-1)
}

// DemoProposals offers the demo city's proposals file on the import page.
type DemoProposals struct{ db *gorm.DB }

// NewDemoProposals returns the demo proposals service on db.
func NewDemoProposals(db *gorm.DB) *DemoProposals { return &DemoProposals{db: db} }

// File returns the demo city's proposals file of year (DemoProposalsFile) and its name.
func (d *DemoProposals) File(ctx context.Context, year int) (name string, data []byte, err error) {
	data, err = DemoProposalsFile(ctx, d.db, year)
	if err != nil {
		return "", nil, err
	}
	return DemoProposalsFileName(year), data, nil
}

// DemoProposalsFile generates the demo city's proposals for year from the database
// (bodies, units, catalogs, inspectors) as an .xlsx in the template's format:
// about 1,600 proposals, about 3 % of them unannounced or verification; the
// city team proposes about 40 visits, the inspectorate and the divisions more,
// each district's Phòng Nội vụ inspects its own communes, and many units get
// proposals from several bodies, which the planner merges into about 600
// visits. The same database and year always give the same file.
func DemoProposalsFile(ctx context.Context, db *gorm.DB, year int) ([]byte, error) {
	rows, g, err := demoRows(ctx, db, year)
	if err != nil {
		return nil, err
	}
	return proposals.WriteFile(rows, g)
}

// ImportDemoProposals imports the demo city's proposals for year
// (DemoProposalsFile) as actor, for seeding; it returns how many were added. A
// second run is refused, as the proposal refs are already taken.
func ImportDemoProposals(ctx context.Context, db *gorm.DB, year int, actor authz.Actor) (int, error) {
	file, err := DemoProposalsFile(ctx, db, year)
	if err != nil {
		return 0, err
	}
	res, err := proposals.New(db).Import(ctx, actor, year,
		proposals.Upload{Name: DemoProposalsFileName(year), Size: int64(len(file)), Body: bytes.NewReader(file)})
	if err != nil {
		return 0, fmt.Errorf("import demo proposals %d: %w", year, err)
	}
	return res.Added, nil
}

// DemoProposalsFileName is the demo file's name for year.
func DemoProposalsFileName(year int) string {
	return fmt.Sprintf("de-xuat-kiem-tra-%d-thanh-pho-mau.xlsx", year)
}

// errNoDemoCity refuses to generate proposals on an empty database.
var errNoDemoCity = apperr.Fail(apperr.ErrNotFound, "seed.demo_city_missing")

func demoRows(ctx context.Context, db *gorm.DB, year int) ([]proposals.FileRow, proposals.Reference, error) {
	g, err := proposals.LoadReference(ctx, db, year)
	if err != nil {
		return nil, g, err
	}
	if len(g.Bodies) == 0 || len(g.Topics) == 0 || len(g.Units) == 0 {
		return nil, g, errNoDemoCity
	}
	gen, err := newDemoGen(ctx, db, g, year)
	if err != nil {
		return nil, g, err
	}
	rows := gen.run()
	if len(rows) == 0 { // no body has an inspector who can lead
		return nil, g, errNoDemoCity
	}
	return rows, g, nil
}

// demoGen holds the generator's state; rng is seeded from the year.
type demoGen struct {
	year     int
	rng      *rand.Rand
	maxVisit int
	maxTeam  int
	bodies   []*demoBody // by precedence, then code
	topics   map[string]models.Topic
	kindLaw  map[string]string
	units    []*demoUnit // planned targets, in tree order
	seq      int         // the last proposal ref's number
	// showcase is the first commune of the tree (Phường Phúc Xá in Hanoi, the
	// demo commune login's unit): it always gets a planned visit and an
	// unannounced one.
	showcase *demoUnit
	// cityPlanned counts the city team's planned proposals (demoCityTeamPlanned at most).
	cityPlanned int
}

func newDemoGen(ctx context.Context, db *gorm.DB, g proposals.Reference, year int) (*demoGen, error) {
	gen := &demoGen{year: year, rng: rand.New(rand.NewPCG(proposalsSeed, uint64(year))),
		topics: map[string]models.Topic{}, kindLaw: map[string]string{}}
	var err error
	if gen.maxVisit, gen.maxTeam, err = proposals.Limits(ctx, db, year); err != nil {
		return nil, err
	}
	db = db.WithContext(ctx)
	for _, t := range g.Topics {
		gen.topics[t.Code] = t
	}
	for _, k := range g.Kinds {
		gen.kindLaw[k.Code] = k.LegalBasis
	}

	// Units: every unit of the city's tree below the root in force on 1 January
	// of the year, with its parent's code. A unit under one that has ended (a
	// district's Phòng Nội vụ, after the districts) has ended with it.
	var units []struct {
		models.Unit
		ParentCode string
	}
	first := models.NewDate(year, 1, 1)
	if err := db.Table("units AS u").Select("u.*, coalesce(p.code, '') AS parent_code").
		Joins("LEFT JOIN units p ON p.id = u.parent_id").
		Where("u.kind IN ?", []models.UnitKind{models.UnitDistrict, models.UnitCommune, models.UnitDepartment}).
		Where("(u.valid_to IS NULL OR u.valid_to >= ?)", first).
		Where("NOT EXISTS (SELECT 1 FROM units a WHERE u.path LIKE a.path || '%' AND a.valid_to < ?)", first).
		Order("u.path").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("demo proposals: read units: %w", err)
	}
	unitCode := map[int64]string{}
	parentOf := map[string]string{}
	kindOf := map[string]models.UnitKind{}
	for _, u := range units {
		unitCode[u.ID] = u.Code
		parentOf[u.Code] = u.ParentCode
		kindOf[u.Code] = u.Kind
	}

	// Lead capacity: three quarters of the days the body's leaders may spend
	// on visits (they sit on other teams too).
	var leads []struct {
		BodyID int64
		Days   float64
	}
	if err := db.Model(&models.Inspector{}).
		Select("body_id, sum(CASE WHEN max_days_per_year = 0 THEN 200 ELSE least(max_days_per_year, 200) END) AS days").
		Where("active AND can_lead").Group("body_id").Find(&leads).Error; err != nil {
		return nil, fmt.Errorf("demo proposals: read inspectors: %w", err)
	}
	leadDays := map[int64]float64{}
	for _, l := range leads {
		leadDays[l.BodyID] = l.Days * 3 / 4
	}
	ownUnits := map[string]bool{}
	for _, b := range g.Bodies {
		db := &demoBody{Body: b, leadDays: leadDays[b.ID]}
		if b.UnitID != nil {
			db.unitCode = unitCode[*b.UnitID]
			ownUnits[db.unitCode] = true
			if b.Kind == models.BodyDistrictInternal {
				db.district = db.unitCode
				if kindOf[db.unitCode] != models.UnitDistrict {
					db.district = parentOf[db.unitCode]
				}
			}
		}
		db.topics = gen.topicsFor(db)
		if len(db.topics) > 0 {
			gen.bodies = append(gen.bodies, db)
		}
	}
	if len(gen.bodies) == 0 {
		return nil, errNoDemoCity
	}
	slices.SortStableFunc(gen.bodies, func(a, b *demoBody) int {
		if a.Precedence != b.Precedence {
			return a.Precedence - b.Precedence
		}
		return strings.Compare(a.Code, b.Code)
	})
	for _, u := range units {
		// The department that the inspecting bodies belong to is not a target.
		if u.Kind == models.UnitDepartment && ownUnits[u.Code] {
			continue
		}
		du := &demoUnit{Unit: u.Unit, parentCode: u.ParentCode}
		gen.units = append(gen.units, du)
		if gen.showcase == nil && u.Kind == models.UnitCommune {
			gen.showcase = du
		}
	}
	if len(gen.units) == 0 {
		return nil, errNoDemoCity
	}
	return gen, nil
}

// topicsFor is the topics b proposes: its own list, else by its sort of body.
func (gen *demoGen) topicsFor(b *demoBody) []string {
	list := proposalTopics[b.Code]
	if list == nil {
		switch b.Kind {
		case models.BodyCityTeam:
			list = proposalTopics["city-team"]
		case models.BodyInspectorate:
			list = proposalTopics["dept-inspectorate"]
		case models.BodyDistrictInternal:
			list = districtTopics
		case models.BodyDepartment: // a department's specialised checks
			for code, t := range gen.topics {
				if t.KindCode != nil && *t.KindCode == "specialised" {
					list = append(list, code)
				}
			}
			slices.Sort(list)
		default:
			for code, t := range gen.topics {
				if t.KindCode != nil && *t.KindCode == "professional" {
					list = append(list, code)
				}
			}
			slices.Sort(list)
		}
	}
	var out []string
	for _, t := range list {
		if _, ok := gen.topics[t]; ok {
			out = append(out, t)
		}
	}
	if len(out) == 0 { // a catalog edited beyond recognition: any topic will do
		for code := range gen.topics {
			out = append(out, code)
		}
		slices.Sort(out)
	}
	return out
}

// weight is how likely b is to propose a visit to u (0: never).
func (gen *demoGen) weight(b *demoBody, u *demoUnit) float64 {
	if b.Kind == models.BodyDistrictInternal {
		// A district's Phòng Nội vụ inspects its own communes only.
		if u.Kind == models.UnitCommune && u.parentCode == b.district {
			return 1
		}
		return 0
	}
	if b.Kind == models.BodyUnitInternal || b.Kind == models.BodyCommune || u.Code == b.unitCode {
		return 0 // a unit's or commune's own checks of its offices are not in the city's plan
	}
	w, ok := demoWeights[b.Code]
	if !ok {
		switch b.Kind {
		case models.BodyCityTeam:
			w = demoWeights["city-team"]
		case models.BodyInspectorate:
			w = demoWeights["dept-inspectorate"]
		case models.BodyDepartment: // its own sector's units: departments and communes
			w = [3]float64{0.5, 0.5, 0.5}
		default:
			w = [3]float64{1, 1, 1}
		}
	}
	switch u.Kind {
	case models.UnitDistrict:
		return w[0]
	case models.UnitDepartment:
		return w[1]
	case models.UnitCommune:
		return w[2]
	}
	return 0
}

// cityTeam is the city's public-service inspection team, if there is one.
func (gen *demoGen) cityTeam() *demoBody {
	for _, b := range gen.bodies {
		if isCityTeam(b) {
			return b
		}
	}
	return nil
}

// isCityTeam tells whether b is the city's public-service inspection team,
// whose visits follow the 2023 figures.
func isCityTeam(b *demoBody) bool { return b.Kind == models.BodyCityTeam }

// canLead tells whether b may lead days more, using at most share of its capacity.
func (b *demoBody) canLead(days int, share float64) bool {
	return b.used+float64(days) <= b.leadDays*share
}

// pick draws one body among those with a positive weight for u that pass ok.
func (gen *demoGen) pick(u *demoUnit, ok func(*demoBody) bool) *demoBody {
	var total float64
	ws := make([]float64, len(gen.bodies))
	for i, b := range gen.bodies {
		if w := gen.weight(b, u); w > 0 && ok(b) {
			ws[i] = w
			total += w
		}
	}
	if total == 0 {
		return nil
	}
	x := gen.rng.Float64() * total
	for i, w := range ws {
		if w == 0 {
			continue
		}
		if x < w {
			return gen.bodies[i]
		}
		x -= w
	}
	for i := len(ws) - 1; i >= 0; i-- {
		if ws[i] > 0 {
			return gen.bodies[i]
		}
	}
	return nil
}

// run generates the rows: the visits each body leads, then the bodies that
// join them, then the unannounced and verification proposals.
func (gen *demoGen) run() []proposals.FileRow {
	unplanned := demoTotal * demoUnplannedPercent / 100
	planned := gen.cityTeamVisits()
	planned = append(planned, gen.otherVisits()...)
	if len(planned) == 0 {
		return nil // no body has an inspector who can lead
	}
	gen.districtChecks(planned)
	gen.joinVisits(planned, demoTotal-unplanned)
	var rows []proposals.FileRow
	for _, u := range gen.units {
		rows = append(rows, u.rows...)
	}
	return append(rows, gen.unplanned(unplanned)...)
}

// cityTeamVisits gives the city team its visits, as in 2023: about a dozen
// districts, eight departments and a few communes.
func (gen *demoGen) cityTeamVisits() []*demoUnit {
	city := gen.cityTeam()
	if city == nil {
		return nil
	}
	quota := map[models.UnitKind]int{models.UnitDistrict: 12, models.UnitDepartment: 8, models.UnitCommune: demoCityTeamPlanned - 20}
	var planned []*demoUnit
	for _, i := range gen.rng.Perm(len(gen.units)) {
		u := gen.units[i]
		if quota[u.Kind] == 0 || gen.weight(city, u) == 0 {
			continue
		}
		days := gen.days(u)
		if !city.canLead(days, 0.6) {
			break
		}
		quota[u.Kind]--
		gen.cityPlanned++
		gen.propose(u, city, days)
		planned = append(planned, u)
	}
	return planned
}

// otherVisits gives every other unit a lead body, within each body's lead
// capacity: a commune is led by its district's Phòng Nội vụ unless a division
// or the inspectorate takes it (about one in four); a few communes, inspected
// last year, get no visit.
func (gen *demoGen) otherVisits() []*demoUnit {
	var planned []*demoUnit
	order := gen.rng.Perm(len(gen.units))
	// The showcase commune comes first, while every body still has room to lead.
	for k, i := range order {
		if gen.units[i] == gen.showcase {
			order[0], order[k] = order[k], order[0]
		}
	}
	for _, i := range order {
		u := gen.units[i]
		skip := u.Kind == models.UnitCommune && gen.rng.Float64() < 0.04
		if len(u.bodies) > 0 || skip && u != gen.showcase {
			continue
		}
		days := gen.days(u)
		var lead *demoBody
		if u.Kind == models.UnitCommune && gen.rng.Float64() < 0.75 {
			lead = gen.pick(u, func(b *demoBody) bool { return b.Kind == models.BodyDistrictInternal && b.canLead(days, 1) })
		}
		if lead == nil {
			lead = gen.pick(u, func(b *demoBody) bool {
				// Half the capacity, so that other bodies can still join its visits.
				return b.Kind != models.BodyDistrictInternal && !isCityTeam(b) && b.canLead(days, 0.5)
			})
		}
		if lead == nil {
			continue
		}
		gen.propose(u, lead, days)
		planned = append(planned, u)
	}
	return planned
}

// districtChecks adds the second and third checks a district's Phòng Nội vụ
// often proposes for one commune (public service, local government…): the
// same visit and the same body, so no extra day. In a year without districts
// (since 1 July 2025) the body leading a commune's visit does so.
func (gen *demoGen) districtChecks(planned []*demoUnit) {
	districts := slices.ContainsFunc(gen.bodies, func(b *demoBody) bool { return b.Kind == models.BodyDistrictInternal })
	for _, u := range planned {
		lead := u.bodies[0]
		if lead.Kind != models.BodyDistrictInternal && (districts || u.Kind != models.UnitCommune || isCityTeam(lead)) {
			continue
		}
		extra := 0
		switch x := gen.rng.Float64(); {
		case x < 0.25:
			extra = 2
		case x < 0.8:
			extra = 1
		}
		for range extra {
			gen.propose(u, lead, gen.days(u))
		}
	}
}

// joinVisits lets other bodies join the planned visits (a body with a higher
// precedence number never takes the lead of an existing visit) until there are
// target planned proposals, within the lead bodies' capacity.
func (gen *demoGen) joinVisits(planned []*demoUnit, target int) {
	count := 0
	for _, u := range planned {
		count += len(u.rows)
	}
	for tries := 0; count < target && tries < 50*demoTotal; tries++ {
		u := planned[gen.rng.IntN(len(planned))]
		lead := u.bodies[0]
		if len(u.bodies) >= demoMaxBodies {
			continue
		}
		days := gen.days(u)
		grow := min(gen.maxVisit, max(u.maxDays, days)+len(u.bodies)) - u.visitDays(gen.maxVisit)
		if !lead.canLead(grow, 1) {
			continue
		}
		b := gen.pick(u, func(b *demoBody) bool {
			if b.Precedence <= lead.Precedence || slices.Contains(u.bodies, b) {
				return false
			}
			return !isCityTeam(b) || gen.cityPlanned < demoCityTeamPlanned
		})
		if b == nil {
			continue
		}
		if isCityTeam(b) {
			gen.cityPlanned++
		}
		gen.propose(u, b, days)
		count++
	}
}

// days draws the working days on site a body proposes for u.
func (gen *demoGen) days(u *demoUnit) int {
	switch u.Kind {
	case models.UnitDistrict:
		return 4 + gen.rng.IntN(3)
	case models.UnitDepartment:
		return 3 + gen.rng.IntN(3)
	}
	return 2 + gen.rng.IntN(3)
}

// propose adds b's planned proposal of days for u and charges the lead body.
func (gen *demoGen) propose(u *demoUnit, b *demoBody, days int) {
	before := 0
	if len(u.bodies) > 0 {
		before = u.visitDays(gen.maxVisit)
	}
	if !slices.Contains(u.bodies, b) {
		u.bodies = append(u.bodies, b)
	}
	u.maxDays = max(u.maxDays, days)
	u.bodies[0].used += float64(u.visitDays(gen.maxVisit) - before)
	team := 2 + gen.rng.IntN(3)
	if u.Kind != models.UnitCommune {
		team++
	}
	in := gen.input(b, u, models.FormPlanned, days, min(team, gen.maxTeam))
	if gen.rng.Float64() < 0.6 {
		in.WindowFrom, in.WindowTo = gen.window()
	}
	u.rows = append(u.rows, proposals.FileRow{Input: in, UnitName: u.Name})
}

// input fills what every demo proposal has: topics of one kind, the period
// under review, the legal basis and a reference.
func (gen *demoGen) input(b *demoBody, u *demoUnit, form models.Form, days, team int) proposals.Input {
	first := b.topics[gen.rng.IntN(len(b.topics))]
	kind := ""
	if k := gen.topics[first].KindCode; k != nil {
		kind = *k
	}
	if kind == "" {
		kind = "public_service"
	}
	topics := []string{first}
	for _, t := range b.topics {
		if t != first && len(topics) < 3 && gen.rng.IntN(3) == 0 {
			if k := gen.topics[t].KindCode; k != nil && *k == kind {
				topics = append(topics, t)
			}
		}
	}
	priority := 1
	switch x := gen.rng.IntN(20); {
	case x == 0:
		priority = 3
	case x < 4:
		priority = 2
	}
	gen.seq++
	in := proposals.Input{
		Year: gen.year, Body: b.Code, Unit: u.Code, Kind: kind, Form: string(form), Topics: topics,
		PeriodFrom: models.NewDate(gen.year-1-gen.rng.IntN(2), 1, 1), PeriodTo: models.NewDate(gen.year-1, 12, 31),
		Days: days, TeamSize: team, Priority: priority,
		LegalBasis:  demoLegalBasis(gen.kindLaw[kind], gen.year),
		ExternalRef: fmt.Sprintf("DX%d-%s-%04d", gen.year%100, gen.refCode(b), gen.seq), // unique: one sequence
	}
	if form != models.FormPlanned {
		in.Priority = 2 + gen.rng.IntN(2)
		in.PeriodFrom = models.NewDate(gen.year-1, 1, 1)
	}
	return in
}

// refCode is a short code of b for proposal refs: "KTCV" for the city team,
// "TTS" for the inspectorate, the division's or district's code otherwise.
func (gen *demoGen) refCode(b *demoBody) string {
	switch b.Kind {
	case models.BodyCityTeam:
		return "KTCV"
	case models.BodyInspectorate:
		return "TTS"
	}
	code := strings.ToUpper(b.Code)
	for _, prefix := range []string{"SNV-", "PNV-"} {
		if c, ok := strings.CutPrefix(code, prefix); ok {
			return c
		}
	}
	return code
}

// demoLegalBasis is the kind's legal basis and the year's plan.
func demoLegalBasis(kindLaw string, year int) string {
	s := fmt.Sprintf("Kế hoạch thanh tra, kiểm tra năm %d của Sở Nội vụ", year)
	if kindLaw != "" {
		s = kindLaw + "; " + s
	}
	if r := []rune(s); len(r) > 1000 {
		s = string(r[:1000])
	}
	return s
}

// window draws a preferred window of one to four months between March and
// November (away from Tết and the year-end reports).
func (gen *demoGen) window() (models.Date, models.Date) {
	from := 3 + gen.rng.IntN(8)
	to := min(11, from+gen.rng.IntN(4))
	start := models.NewDate(gen.year, time.Month(from), 1)
	end := models.NewDate(gen.year, time.Month(to)+1, 1).AddDays(-1)
	return start, end
}

// unplanned adds n unannounced and verification proposals: the city team's
// three and six of 2023, a quarter of the rest by the inspectorate, the rest
// by the districts' Phòng Nội vụ in their communes.
func (gen *demoGen) unplanned(n int) []proposals.FileRow {
	var city, inspectorate *demoBody
	var districts []*demoBody
	for _, b := range gen.bodies {
		switch {
		case isCityTeam(b) && city == nil:
			city = b
		case b.Kind == models.BodyInspectorate && inspectorate == nil:
			inspectorate = b
		case b.Kind == models.BodyDistrictInternal:
			districts = append(districts, b)
		}
	}
	var rows []proposals.FileRow
	add := func(b *demoBody, u *demoUnit, form models.Form) {
		if b == nil {
			return
		}
		if u == nil {
			var targets []*demoUnit
			for _, t := range gen.units {
				if gen.weight(b, t) > 0 {
					targets = append(targets, t)
				}
			}
			if len(targets) == 0 {
				return
			}
			u = targets[gen.rng.IntN(len(targets))]
		}
		days := 1 + gen.rng.IntN(3)
		in := gen.input(b, u, form, days, 2+gen.rng.IntN(2))
		// A short window: soon after the signs of violation were reported.
		start := models.NewDate(gen.year, time.Month(2+gen.rng.IntN(10)), 1+gen.rng.IntN(20))
		in.WindowFrom, in.WindowTo = start, start.AddDays(30)
		if in.WindowTo.Year != gen.year {
			in.WindowTo = models.NewDate(gen.year, 12, 31)
		}
		in.Note = "Có dấu hiệu vi phạm qua phản ánh, kiến nghị; không thông báo trước cho đơn vị."
		if form == models.FormVerification {
			in.Note = "Xác minh theo yêu cầu của Ủy ban nhân dân Thành phố."
		}
		rows = append(rows, proposals.FileRow{Input: in, UnitName: u.Name})
		b.used += float64(days)
	}
	// The showcase commune also gets an unannounced check by its district
	// (by the inspectorate in a year without districts), which its own office
	// must not see before the team arrives.
	if u := gen.showcase; u != nil {
		by := inspectorate
		for _, b := range districts {
			if b.district == u.parentCode {
				by = b
			}
		}
		add(by, u, models.FormUnannounced)
	}
	for range demoCityUnannounced {
		add(city, nil, models.FormUnannounced)
	}
	for range demoCityVerification {
		add(city, nil, models.FormVerification)
	}
	for i := 0; len(rows) < n && i < 4*n; i++ {
		b := inspectorate
		form := models.FormVerification
		if len(districts) == 0 && gen.rng.IntN(3) > 0 {
			form = models.FormUnannounced
		}
		if len(districts) > 0 && (b == nil || gen.rng.IntN(4) > 0) {
			b = districts[gen.rng.IntN(len(districts))]
			form = models.FormUnannounced
			if gen.rng.IntN(3) == 0 {
				form = models.FormVerification
			}
		}
		add(b, nil, form)
	}
	return rows
}

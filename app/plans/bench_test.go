package plans_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"khung/app/adminunits"
	"khung/app/planning"
	"khung/app/planning/gen"
	"khung/app/plans"
	"khung/app/seed"
	"khung/models"
)

// BenchmarkBuildDemoCity builds the 2027 plan of the demo city (the demo
// proposals file, about 1,600 proposals) the way the page's button does:
// load the instance from the database, solve, save a draft with its visits,
// proposals and teams. Each iteration rebuilds the draft in place.
//
//	scripts/with-db.sh test -- go test ./app/plans/ -run '^$' -bench BuildDemoCity -benchtime 5x
func BenchmarkBuildDemoCity(b *testing.B) {
	d := newDemo(b)
	n, err := seed.ImportDemoProposals(ctx, d.db, year, d.planner)
	if err != nil {
		b.Fatalf("import the demo proposals: %v", err)
	}
	var v plans.Version
	for b.Loop() {
		if v, err = d.svc.Build(ctx, d.planner, year, plans.BuildInput{}); err != nil {
			b.Fatal(err)
		}
	}
	var m planning.Metrics
	if err := v.Metrics.Unmarshal(&m); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n), "proposals")
	b.ReportMetric(float64(m.Visits), "visits")
	b.ReportMetric(float64(m.Unscheduled), "unscheduled")
	b.ReportMetric(float64(m.SolveMS), "solve-ms")
}

// BenchmarkCheckDemoCity is one preview of a hand change on the demo city's
// draft: rebuild the engine's session from the stored instance and the
// version's visits, then Try the move.
func BenchmarkCheckDemoCity(b *testing.B) {
	d := newDemo(b)
	if _, err := seed.ImportDemoProposals(ctx, d.db, year, d.planner); err != nil {
		b.Fatal(err)
	}
	v, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
	if err != nil {
		b.Fatal(err)
	}
	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil || len(detail.Visits) == 0 {
		b.Fatalf("detail: %v", err)
	}
	vis := detail.Visits[len(detail.Visits)/2]
	start := vis.StartDate.Time().AddDate(0, 0, 7).Format(time.DateOnly)
	for b.Loop() {
		if _, err := d.svc.Check(ctx, d.planner, v.ID, vis.Code, plans.ChangeInput{Start: start, LockVersion: v.LockVersion}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildCity1600 is BenchmarkBuildDemoCity with exactly 1,600
// proposals, whatever the demo file holds: the engine's generator draws
// Hanoi's proposals (gen.Generate, seed 1) and they are stored against the
// demo city's units and bodies.
//
//	scripts/with-db.sh test -- go test ./app/plans/ -run '^$' -bench BuildCity1600 -benchtime 5x
func BenchmarkBuildCity1600(b *testing.B) {
	d := newDemo(b)
	n := d.generatedProposals(1600)
	var v plans.Version
	var err error
	for b.Loop() {
		if v, err = d.svc.Build(ctx, d.planner, year, plans.BuildInput{}); err != nil {
			b.Fatal(err)
		}
	}
	var m planning.Metrics
	if err := v.Metrics.Unmarshal(&m); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n), "proposals")
	b.ReportMetric(float64(m.Visits), "visits")
	b.ReportMetric(float64(m.Unscheduled), "unscheduled")
	b.ReportMetric(float64(m.SolveMS), "solve-ms")
}

// generatedProposals stores n proposals of gen.Generate's Hanoi as submitted
// proposals of year, mapping the generator's ids onto the codes of the demo
// city of seed.Demo (the units and bodies of before 1 July 2025: this
// package's fixture does not run seed.Today) and
// returns how many it stored. Units: a commune "01.00004" and the units under it
// ("01.00004-HCC") go to the demo's unit of that commune (its code of 1 July
// 2025, seed.ReformedCode, when the demo has it, else the ward whose code it
// took); departments keep their code where the demo has it. Bodies: the Home
// Affairs bodies by code, other departments' checks to the inspectorate, and a
// commune People's Committee's own checks to the Home Affairs office of the
// earlier district of the ward they visit.
func (d *demo) generatedProposals(n int) int {
	d.t.Helper()
	inst, err := gen.Generate(gen.Options{Province: "01", Year: year, Proposals: n, Seed: 1})
	if err != nil {
		d.t.Fatal(err)
	}
	bodies := map[string]string{"01-city-team": "city-team", "01-inspectorate": "dept-inspectorate", "01-snv-tcbc": "snv-tcbm",
		"01-snv-ldtl": "snv-ccvc"}
	depts := map[string]string{"01-TT": "01-TTTP", "01-SNNMT": "01-SNN", "01-SDTTG": "01-BDT"}
	skills := map[string]string{"ky_luat_hanh_chinh": "cong_vu", "van_hoa_cong_so": "cong_vu", "thanh_tra": "to_chuc_can_bo",
		"tiep_cong_dan": "cong_vu", "cong_chuc_vien_chuc": "to_chuc_can_bo", "to_chuc_bien_che": "to_chuc_can_bo",
		"lao_dong_tien_luong": "to_chuc_can_bo", "chinh_quyen_co_so": "chinh_quyen_dia_phuong", "tu_phap": "cong_vu",
		"giao_duc": "cong_vu", "y_te": "cong_vu"}
	var bodyRows []models.Body
	var unitRows []models.Unit
	d.db.Select("id", "code").Find(&bodyRows)
	d.db.Select("id", "code").Find(&unitRows)
	bodyID, unitID := map[string]int64{}, map[string]int64{}
	for _, b := range bodyRows {
		bodyID[b.Code] = b.ID
	}
	for _, u := range unitRows {
		unitID[u.Code] = u.ID
	}
	links, err := adminunits.Conversions()
	if err != nil {
		d.t.Fatal(err)
	}
	before := map[string][]string{} // a commune of 2025 → the earlier wards it took in
	district := map[string]string{} // an earlier ward → its district
	for _, l := range links {
		if l.NewProvinceCode == "01" && !slices.Contains(before[l.NewCode], l.OldCode) {
			before[l.NewCode] = append(before[l.NewCode], l.OldCode)
			district[l.OldCode] = l.OldDistrictCode
		}
	}
	services := []string{"", "HCC", "TYT", "TH"}
	unitOf := func(id string) string {
		if strings.HasPrefix(id, "01-") {
			if m, ok := depts[id]; ok {
				return m
			}
			return id
		}
		base, suffix, _ := strings.Cut(id, "-")
		code := strings.TrimPrefix(base, "01.")
		if unitID[seed.ReformedCode(code)] != 0 && suffix == "" {
			return seed.ReformedCode(code)
		}
		// The demo of earlier units: the commune and each unit under it
		// go to one of the wards it took in.
		old := before[code]
		return old[slices.Index(services, suffix)%len(old)]
	}
	var rows []models.Proposal
	for _, p := range inst.Proposals {
		body, ok := bodies[p.Body]
		switch {
		case ok:
		case strings.HasSuffix(p.Body, "-ubnd"): // the district office of the ward it visits
			body = "pnv-" + district[unitOf(p.Unit)]
		case strings.HasSuffix(p.Body, "-kt"):
			body = "dept-inspectorate"
		default:
			body = strings.TrimPrefix(p.Body, "01-")
		}
		unit := unitOf(p.Unit)
		if bodyID[body] == 0 || unitID[unit] == 0 {
			d.t.Fatalf("proposal %s: body %q (id %d) or unit %q (id %d) is not in the demo", p.ID, body, bodyID[body], unit, unitID[unit])
		}
		ref := "gen-" + p.ID
		kind := p.Kind
		if kind == "inspection" { // the demo's catalog has no kind for the inspectorate's own yet
			kind = "specialised"
		}
		row := models.Proposal{Year: year, BodyID: bodyID[body], UnitID: unitID[unit], Kind: kind, Form: models.Form(p.Form),
			Topics: models.TextArray{}, Skills: models.TextArray{}, Days: p.Days, TeamSize: p.TeamSize, Priority: p.Priority,
			Status: models.ProposalSubmitted, ExternalRef: &ref}
		for _, sk := range p.Skills {
			if m, ok := skills[sk]; ok {
				sk = m
			}
			row.Skills = append(row.Skills, sk)
		}
		if p.Window != nil {
			from, to := models.MustParseDate(p.Window.From), models.MustParseDate(p.Window.To)
			row.WindowFrom, row.WindowTo = &from, &to
		}
		rows = append(rows, row)
	}
	if err := d.db.Omit("CreatedAt", "UpdatedAt").CreateInBatches(&rows, 500).Error; err != nil {
		d.t.Fatal(err)
	}
	return len(rows)
}

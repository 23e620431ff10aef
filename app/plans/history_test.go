package plans_test

import (
	"testing"

	"khung/app/planning"
	"khung/app/plans"
	"khung/models"
)

// mergeAfterThePlan publishes the year's plan (visits to Phường Phúc Xá and
// Phường Trúc Bạch among others), then merges both wards whole into a new
// ward from 1 January of the next year, and returns the new ward's code and
// the leads of the two wards' planned visits.
func mergeAfterThePlan(t *testing.T, d *demo) (string, map[string]string) {
	t.Helper()
	d.addProposals(smallCity()...)
	v := d.publish(d.build())
	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	leads := map[string]string{}
	for _, vis := range detail.Visits {
		if vis.Form == models.FormPlanned && vis.Lead() != nil {
			leads[vis.UnitCode] = vis.Lead().Code
		}
	}
	if leads["00001"] == "" || leads["00004"] == "" {
		t.Fatalf("the plan has no led visit of both wards: %v", leads)
	}
	lastDay, firstDay := models.NewDate(year, 12, 31), models.NewDate(year+1, 1, 1)
	city := d.id("units", "01")
	ward := models.Unit{Code: "00004-2028", Name: "Phường Ba Đình", Kind: models.UnitCommune, TypeLabel: "Phường",
		ParentID: &city, AreaCode: "00004-2028", Path: "/01/00004-2028/", ValidFrom: &firstDay}
	must(t, d.db.Omit("CreatedAt", "UpdatedAt").Create(&ward).Error)
	for _, old := range []string{"00001", "00004"} {
		must(t, d.db.Exec("UPDATE units SET valid_to = ? WHERE code = ?", lastDay, old).Error)
		must(t, d.db.Create(&models.UnitSuccession{PredecessorID: d.id("units", old), SuccessorID: ward.ID,
			How: "whole", EffectiveOn: firstDay}).Error)
	}
	return ward.Code, leads
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// nextYearProposal adds a submitted planned proposal of the next year.
func nextYearProposal(t *testing.T, d *demo, body, unit string) {
	t.Helper()
	p := models.Proposal{Year: year + 1, BodyID: d.id("bodies", body), UnitID: d.id("units", unit), Kind: "public_service",
		Form: models.FormPlanned, Topics: models.TextArray{}, Skills: models.TextArray{}, Days: 2, TeamSize: 2, Priority: 1,
		Status: models.ProposalSubmitted}
	must(t, d.db.Omit("CreatedAt", "UpdatedAt").Create(&p).Error)
}

func TestRotationCountsTheVisitsOfAUnitsPredecessors(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ward, leads := mergeAfterThePlan(t, d)
	nextYearProposal(t, d, "city-team", ward)
	inst, err := plans.LoadInstance(ctx, d.db, year+1)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, h := range inst.History {
		if h.Unit == ward && h.Year == year {
			got[h.LeadInspector] = true
		}
	}
	for old, lead := range leads {
		if (old == "00001" || old == "00004") && !got[lead] {
			t.Errorf("the new ward's history lacks %s, who led %s (merged into it) in %d: %+v", lead, old, year, inst.History)
		}
	}
	// Positive control: a unit that took nobody over has no inherited history.
	for _, h := range inst.History {
		if h.Unit == "01-STP" && h.LeadInspector != leads["01-STP"] {
			t.Errorf("Sở Tư pháp inherited a lead: %+v", h)
		}
	}
	plan, err := planning.Solve(inst, planning.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range plan.Visits {
		for _, m := range v.Team {
			if v.Unit == ward && m.Role == "lead" && got[m.Inspector] {
				t.Errorf("the new ward's visit is led again by %s, who led a merged ward last year", m.Inspector)
			}
		}
	}
}

func TestOnePlannedVisitAYearCountsAUnitsPredecessors(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ward, _ := mergeAfterThePlan(t, d)
	// Proposals of the next year left on both old wards and one on the new ward.
	nextYearProposal(t, d, "city-team", "00001")
	nextYearProposal(t, d, "dept-inspectorate", "00004")
	nextYearProposal(t, d, "snv-xdcq", ward)
	nextYearProposal(t, d, "snv-ccvc", "01-STP")
	inst, err := plans.LoadInstance(ctx, d.db, year+1)
	if err != nil {
		t.Fatal(err)
	}
	if err := planning.Validate(inst); err != nil {
		t.Fatalf("the instance is not valid: %v", err)
	}
	onUnit := map[string]int{}
	for _, p := range inst.Proposals {
		onUnit[p.Unit]++
	}
	if onUnit[ward] != 3 || onUnit["00001"] != 0 || onUnit["00004"] != 0 || onUnit["01-STP"] != 1 {
		t.Errorf("proposals by unit %v, want the three of the merged wards on %s", onUnit, ward)
	}
	merged, err := planning.Merge(inst)
	if err != nil {
		t.Fatal(err)
	}
	visits := map[string]int{}
	for _, v := range merged {
		visits[v.Unit]++
	}
	if visits[ward] != 1 || len(merged) != 2 {
		t.Errorf("planned visits by unit %v, want one for %s and one for Sở Tư pháp", visits, ward)
	}
}

package plans_test

import (
	"slices"
	"testing"

	"khung/app/planning"
	"khung/app/plans"
	"khung/models"
)

func TestTheInstanceIsReadFromTheDatabase(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	// One draft proposal and one of another year are left out.
	d.addProposals(proposal{body: "snv-tg", unit: "00006", kind: "specialised", form: models.FormPlanned, days: 2, team: 2})
	d.db.Exec("UPDATE proposals SET status = 'draft' WHERE unit_id = ?", d.id("units", "00006"))
	d.db.Exec("UPDATE rules SET value = ? WHERE key = 'planning.weights'",
		`{"unscheduled": 10000, "window_day": 20, "rotation": 50, "joint_missing_body": 30, "balance_day": 1, "area_week": 5}`)

	inst, err := plans.LoadInstance(ctx, d.db, year)
	if err != nil {
		t.Fatal(err)
	}
	if err := planning.Validate(inst); err != nil {
		t.Fatalf("the instance is not valid: %v", err)
	}
	if len(inst.Proposals) != 5 {
		t.Errorf("%d proposals, want the 5 submitted ones", len(inst.Proposals))
	}
	if !slices.Contains(inst.Calendar.Holidays, "2027-01-01") || len(inst.Calendar.Holidays) < 8 {
		t.Errorf("holidays of 2027: %v", inst.Calendar.Holidays)
	}
	units := map[string]planning.Unit{}
	for _, u := range inst.Units {
		units[u.ID] = u
	}
	// The proposals' units and their ancestors, with the district as area.
	for code, want := range map[string][2]string{"01": {"", ""}, "001": {"01", "001"}, "00001": {"001", "001"},
		"00004": {"001", "001"}, "01-STP": {"01", ""}} {
		u, ok := units[code]
		if !ok || u.Parent != want[0] || u.Area != want[1] {
			t.Errorf("unit %s = %+v (present %v), want parent %q area %q", code, u, ok, want[0], want[1])
		}
	}
	if _, ok := units["00006"]; ok {
		t.Error("the unit of a draft proposal is in the instance")
	}
	if inst.Rules == nil || inst.Rules.Weights.WindowDay != 20 || inst.Rules.MaxVisitDays != 10 {
		t.Errorf("rules = %+v, want the rules table's (window_day 20)", inst.Rules)
	}
	// Conflicts: relatives with a key post count for everybody, parents-in-law only for leaders.
	var relatives []struct {
		Code     string
		Unit     string
		Relation string
		CanLead  bool
	}
	d.db.Raw(`SELECT i.code, u.code AS unit, r.relation, i.can_lead FROM inspector_relatives r
		JOIN inspectors i ON i.id = r.inspector_id JOIN units u ON u.id = r.unit_id WHERE i.active`).Scan(&relatives)
	if len(relatives) == 0 {
		t.Fatal("the demo has no relatives")
	}
	byCode := map[string]planning.Inspector{}
	for _, in := range inst.Inspectors {
		byCode[in.ID] = in
	}
	for _, r := range relatives {
		has := slices.Contains(byCode[r.Code].ConflictUnits, r.Unit)
		want := r.Relation != string(models.RelationParentInLaw) || r.CanLead
		if has != want && !(r.Relation == string(models.RelationParentInLaw) && has) {
			t.Errorf("%s (%s, can lead %v) conflict with %s: %v, want %v", r.Code, r.Relation, r.CanLead, r.Unit, has, want)
		}
	}
	// The demo has 285 inspectors: about 200 of Sở Nội vụ and the districts, 20 of Thanh tra Thành phố, 65 of the departments.
	if len(inst.Inspectors) != 285 || byCode["i001"].Body != "city-team" {
		t.Errorf("%d inspectors; i001 = %+v", len(inst.Inspectors), byCode["i001"])
	}
}

func TestLeadsOfEarlierPublishedPlansAreTheHistory(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.publish(d.build())
	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	leads := map[string]string{}
	for _, vis := range detail.Visits {
		if vis.Form == models.FormPlanned {
			leads[vis.UnitCode] = vis.Lead().Code
		}
	}
	inst, err := plans.LoadInstance(ctx, d.db, year+1)
	if err != nil {
		t.Fatal(err)
	}
	if len(inst.History) != len(leads) || len(leads) == 0 {
		t.Fatalf("history %+v, want the %d planned visits' leads", inst.History, len(leads))
	}
	for _, h := range inst.History {
		if h.Year != year || leads[h.Unit] != h.LeadInspector {
			t.Errorf("history row %+v, want %s led by %s in %d", h, h.Unit, leads[h.Unit], year)
		}
	}
	// Without the rotation rule there is no history.
	d.db.Exec("UPDATE rules SET value = 'false' WHERE key = 'planning.rotate_team_leaders'")
	if inst, err = plans.LoadInstance(ctx, d.db, year+1); err != nil || len(inst.History) != 0 {
		t.Errorf("history without rotation: %+v, %v", inst.History, err)
	}
}

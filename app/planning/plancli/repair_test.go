package plancli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"khung/app/planning"
)

func TestRepairRoundTripThroughTheChecker(t *testing.T) {
	dir := t.TempDir()
	code, inst, stderr := run(t, nil, "gen", "--province", "01", "--proposals", "300", "--seed", "4")
	if code != 0 {
		t.Fatalf("gen exit %d: %s", code, stderr)
	}
	code, planJSON, stderr := run(t, inst, "solve")
	if code != 0 {
		t.Fatalf("solve exit %d: %s", code, stderr)
	}
	var plan planning.Plan
	if err := json.Unmarshal(planJSON, &plan); err != nil {
		t.Fatal(err)
	}
	// The lead of the first visit from today on goes on leave for its days.
	var target planning.Visit
	for _, v := range plan.Visits {
		if v.Start >= "2025-06-02" {
			target = v
			break
		}
	}
	changes, _ := json.Marshal(planning.Changes{Today: "2025-06-02",
		Unavailable: []planning.Unavailability{{Inspector: target.Team[0].Inspector, From: target.Start, To: target.End}}})
	instFile, planFile := write(t, dir, "instance.json", inst), write(t, dir, "plan.json", planJSON)
	changesFile := write(t, dir, "changes.json", changes)
	changedFile := filepath.Join(dir, "changed.json")

	code, out, stderr := run(t, nil, "repair", instFile, planFile, changesFile, "--instance-out", changedFile)
	if code != 0 {
		t.Fatalf("repair exit %d: %s", code, stderr)
	}
	var repaired planning.Plan
	if err := json.Unmarshal(out, &repaired); err != nil {
		t.Fatal(err)
	}
	if repaired.Repair == nil || len(repaired.Repair.Moved)+len(repaired.Repair.Reteamed) == 0 {
		t.Fatalf("the repair changed nothing: %+v", repaired.Repair)
	}
	for _, v := range repaired.Visits {
		if v.ID != target.ID {
			continue
		}
		if len(v.Why) == 0 || !strings.Contains(v.Why[0], "is on leave "+target.Start) ||
			len(v.WhyVi) != len(v.Why) || !strings.Contains(v.WhyVi[0], "nghỉ phép") {
			t.Errorf("why %q, why_vi %q", v.Why, v.WhyVi)
		}
	}
	code, report, stderr := run(t, nil, "check", changedFile, write(t, dir, "repaired.json", out))
	if code != 0 {
		t.Fatalf("check of the repaired plan exit %d: %s\n%.400s", code, stderr, report)
	}
}

func TestRepairReportsRefusedChangesInBothLanguages(t *testing.T) {
	dir := t.TempDir()
	_, inst, _ := run(t, nil, "gen", "--province", "01", "--proposals", "100", "--seed", "2")
	_, planJSON, _ := run(t, inst, "solve", "--iterations", "1000")
	changes := []byte(`{"today": "2025-06-02", "withdrawn_proposals": ["nope"]}`)
	code, _, stderr := run(t, nil, "repair", write(t, dir, "i.json", inst), write(t, dir, "p.json", planJSON), write(t, dir, "c.json", changes))
	if code != 1 || !strings.Contains(stderr, "withdrawn_proposals[0]: unknown proposal nope (không có đề xuất nope)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := run(t, nil, "repair", "only-one.json"); code != 2 {
		t.Errorf("a missing argument exits %d, want 2", code)
	}
}

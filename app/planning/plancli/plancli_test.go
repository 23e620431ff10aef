package plancli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"khung/app/planning"
)

// run calls Run in-process and returns its exit code, stdout and stderr.
func run(t *testing.T, stdin []byte, args ...string) (int, []byte, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, bytes.NewReader(stdin), &out, &errOut)
	return code, out.Bytes(), errOut.String()
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenSolveCheckRoundTrip(t *testing.T) {
	dir := t.TempDir()
	code, inst, stderr := run(t, nil, "gen", "--province", "01", "--proposals", "300", "--seed", "4")
	if code != 0 {
		t.Fatalf("gen exit %d: %s", code, stderr)
	}
	instFile := write(t, dir, "instance.json", inst)

	// The instance comes on stdin here, flags after the subcommand.
	code, planJSON, stderr := run(t, inst, "solve", "--seed", "2")
	if code != 0 {
		t.Fatalf("solve exit %d: %s", code, stderr)
	}
	var plan planning.Plan
	if err := json.Unmarshal(planJSON, &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Visits) == 0 || !bytes.Contains(planJSON, []byte("\n  \"visits\"")) {
		t.Fatalf("plan is empty or not indented: %.200s", planJSON)
	}
	planFile := write(t, dir, "plan.json", planJSON)

	code, out, stderr := run(t, nil, "check", instFile, planFile)
	if code != 0 {
		t.Fatalf("check exit %d: %s\n%.500s", code, stderr, out)
	}
	var rep checkOutput
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Valid || rep.Metrics.Penalty != plan.Metrics.Penalty || len(rep.Notes) > 0 {
		t.Errorf("check: valid %v, penalty %v (plan says %v), notes %q", rep.Valid, rep.Metrics.Penalty, plan.Metrics.Penalty, rep.Notes)
	}

	// Solving from a file with a budget gives the same plan twice (no clock inside).
	_, a, _ := run(t, nil, "solve", instFile, "--budget-ms", "1")
	_, b, _ := run(t, nil, "solve", "--budget-ms", "1", instFile)
	if !bytes.Equal(stripSolveMS(t, a), stripSolveMS(t, b)) {
		t.Error("--budget-ms 1 gave two different plans")
	}
}

func stripSolveMS(t *testing.T, planJSON []byte) []byte {
	t.Helper()
	var p planning.Plan
	if err := json.Unmarshal(planJSON, &p); err != nil {
		t.Fatal(err)
	}
	p.Metrics.SolveMS = 0
	b, _ := json.Marshal(p)
	return b
}

func TestCheckExitsOneOnAnInvalidPlan(t *testing.T) {
	dir := t.TempDir()
	_, inst, _ := run(t, nil, "gen", "--small", "--seed", "3")
	_, planJSON, _ := run(t, inst, "solve", "--greedy")
	var plan planning.Plan
	if err := json.Unmarshal(planJSON, &plan); err != nil {
		t.Fatal(err)
	}
	plan.Visits[0].Team = plan.Visits[0].Team[:1] // too small a team
	bad, _ := json.Marshal(plan)
	code, out, _ := run(t, nil, "check", write(t, dir, "i.json", inst), write(t, dir, "p.json", bad))
	if code != 1 || !strings.Contains(string(out), `"rule": "H3"`) {
		t.Errorf("exit %d, output %.400s; want 1 and an H3 violation", code, out)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	dir := t.TempDir()
	inst := write(t, dir, "i.json", []byte(`{}`))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"optimise"}, "unknown command"},
		{"unknown flag", []string{"solve", "--fast"}, "fast"},
		{"iterations and budget together", []string{"solve", "--iterations", "5", "--budget-ms", "5"}, "together"},
		{"greedy with a budget", []string{"solve", "--greedy", "--budget-ms", "5"}, "greedy"},
		{"two instance files", []string{"solve", inst, inst}, "at most one"},
		{"check with one file", []string{"check", inst}, "INSTANCE and PLAN"},
		{"gen of an unknown province", []string{"gen", "--province", "99"}, "province"},
		{"gen of a year without holidays", []string{"gen", "--year", "2031"}, "2031"},
		{"bad number", []string{"gen", "--proposals", "many"}, "proposals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, nil, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestBadInputExitsOneWithTheReason(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		want  string
	}{
		{"not JSON", "{", "read stdin"},
		{"unknown field", `{"yaer": 2025}`, "yaer"},
		{"invalid instance", `{"year": 2025, "proposals": [{"id": "p1", "unit": "nowhere", "days": 1, "team_size": 1, "priority": 1, "form": "planned"}]}`, "nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, []byte(tt.stdin), "solve")
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	code, out, _ := run(t, nil, "-h")
	if code != 0 || !strings.Contains(string(out), "--budget-ms") {
		t.Errorf("exit %d, %q", code, out)
	}
}

package mip

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"khung/app/planning"
)

// Golden is a small instance with its proven optimal penalty, kept in testdata
// so that ordinary test runs can measure the engine without a MIP solver.
type Golden struct {
	Seed        uint64             `json:"seed"`
	Optimum     float64            `json:"optimum"`
	Objective   int64              `json:"objective"` // optimum × scale, exact
	Scale       int64              `json:"scale"`     // working days
	Visits      int                `json:"visits"`
	Unscheduled int                `json:"unscheduled"`
	PenaltyBy   map[string]float64 `json:"penalty_by"`
	Variables   int                `json:"variables"`
	Constraints int                `json:"constraints"`
	HighsMS     int64              `json:"highs_ms"`
	Instance    *planning.Instance `json:"instance"`
	// Plan is one optimal plan, to compare with the engine's when it falls short.
	Plan *planning.Plan `json:"plan,omitempty"`
}

// GoldenFile names the golden file of a seed.
func GoldenFile(dir string, seed uint64) string {
	return filepath.Join(dir, fmt.Sprintf("small-%03d.json", seed))
}

// NewGolden records a result for seed.
func NewGolden(seed uint64, inst *planning.Instance, r *Result) Golden {
	return Golden{
		Seed: seed, Optimum: r.Optimum, Objective: r.Objective, Scale: r.Scale,
		Visits: len(r.Plan.Visits) + len(r.Plan.Unscheduled), Unscheduled: len(r.Plan.Unscheduled),
		PenaltyBy: r.Plan.Metrics.PenaltyBy, Variables: r.Model.Variables, Constraints: r.Model.Constraints,
		HighsMS: r.HighsMS, Instance: inst, Plan: r.Plan,
	}
}

// Save writes the golden file (indented JSON).
func (g Golden) Save(dir string) error {
	b, err := json.MarshalIndent(g, "", " ")
	if err != nil {
		return fmt.Errorf("encode golden %d: %w", g.Seed, err)
	}
	if err := os.WriteFile(GoldenFile(dir, g.Seed), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write golden %d: %w", g.Seed, err)
	}
	return nil
}

// LoadGoldens reads every small-*.json of dir, in file-name order.
func LoadGoldens(dir string) ([]Golden, error) {
	files, err := filepath.Glob(filepath.Join(dir, "small-*.json"))
	if err != nil {
		return nil, fmt.Errorf("list goldens: %w", err)
	}
	slices.Sort(files)
	var out []Golden
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read golden: %w", err)
		}
		var g Golden
		if err := json.Unmarshal(b, &g); err != nil {
			return nil, fmt.Errorf("read golden %s: %w", f, err)
		}
		if g.Instance == nil {
			return nil, fmt.Errorf("golden %s has no instance", f)
		}
		out = append(out, g)
	}
	return out, nil
}

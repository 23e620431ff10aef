package gen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"khung/app/planning"
	"khung/app/planning/check"
)

// instanceProblems returns the checker's instance violations for inst (an empty
// plan otherwise only misses visits).
func instanceProblems(inst *planning.Instance) []string {
	var out []string
	for _, v := range check.Check(inst, &planning.Plan{}).Violations {
		if v.Rule != check.RuleOnce {
			out = append(out, v.Rule+": "+v.Message)
		}
	}
	return out
}

func TestHanoiInstanceLooksLikeTheCity(t *testing.T) {
	inst, err := Generate(Options{Province: "01", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p := instanceProblems(inst); len(p) > 0 {
		t.Fatalf("instance problems: %v", p)
	}
	visits, err := check.ExpectedVisits(inst)
	if err != nil {
		t.Fatal(err)
	}
	separate := 0
	for _, p := range inst.Proposals {
		if p.Form != planning.FormPlanned {
			separate++
		}
	}
	counts := map[string]int{}
	areas := map[string]bool{}
	for _, u := range inst.Units {
		switch {
		case u.ID == "01":
			counts["city"]++
		case strings.HasPrefix(u.ID, "01-"):
			counts["department"]++
		case strings.HasSuffix(u.ID, "-VP"):
			counts["commune office"]++
		case strings.Contains(u.ID, "-"):
			counts["public-service unit"]++
		default:
			counts["commune"]++
			areas[u.Area] = true
		}
		if u.Area != "" && u.Parent != "01" && !strings.HasPrefix(u.ID, u.Parent+"-") {
			t.Errorf("unit %s has area %q but hangs under %s, not under a commune", u.ID, u.Area, u.Parent)
		}
	}
	leads := map[string]bool{}
	for _, in := range inst.Inspectors {
		if in.CanLead {
			leads[in.Body] = true
		}
	}
	t.Logf("%d proposals → %d visits (%d unannounced or verification), %d units, %d inspectors (%d bodies), %d history rows",
		len(inst.Proposals), len(visits), separate, len(inst.Units), len(inst.Inspectors), len(inst.Bodies), len(inst.History))
	tests := []struct {
		name     string
		got      int
		lo, hi   int
		whyRange string
	}{
		{"1,600 proposals by default", len(inst.Proposals), 1600, 1600, ""},
		{"about 530 visits", len(visits), 480, 600, "≈530 merged visits"},
		{"about 3 % unannounced or verification", separate, 32, 64, "2–4 % of 1,600"},
		{"326 inspectors (proposals/8 + one per commune)", len(inst.Inspectors), 326, 326, ""},
		{"126 communes and wards since 1 July 2025, no districts", counts["commune"], 126, 126, ""},
		{"an office and three public-service units under each commune", counts["commune office"] + counts["public-service unit"], 4 * 126, 4 * 126, ""},
		{"15 departments after the reorganisation of March 2025", counts["department"], 15, 15, ""},
		{"communes in travel clusters of a few each", len(areas), 20, 40, "≈30 clusters (former districts' codes)"},
		{"one commune People's Committee body per commune", len(inst.Bodies), 126 + 12, 126 + 12, ""},
		{"every body with inspectors has a lead", len(leads), len(inst.Bodies), len(inst.Bodies), ""},
		{"history of last year's leads", len(inst.History), 100, 300, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got < tt.lo || tt.got > tt.hi {
				t.Errorf("got %d, want %d…%d %s", tt.got, tt.lo, tt.hi, tt.whyRange)
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	encode := func(opt Options) []byte {
		inst, err := Generate(opt)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(inst)
		return b
	}
	a := encode(Options{Province: "01", Proposals: 300, Seed: 7})
	if b := encode(Options{Province: "01", Proposals: 300, Seed: 7}); !bytes.Equal(a, b) {
		t.Error("same options gave different instances")
	}
	if c := encode(Options{Province: "01", Proposals: 300, Seed: 8}); bytes.Equal(a, c) {
		t.Error("another seed gave the same instance")
	}
}

func TestGenerateOptions(t *testing.T) {
	tests := []struct {
		name    string
		opt     Options
		wantErr string
	}{
		{"another province", Options{Province: "79", Proposals: 500, Year: 2026}, ""},
		{"explicit inspectors", Options{Province: "48", Proposals: 100, Inspectors: 30, Year: 2024}, ""},
		{"unknown province", Options{Province: "00"}, "province"},
		{"a province merged on 1 July 2025 (Hà Giang into Tuyên Quang)", Options{Province: "02"}, "province"},
		{"year without holidays", Options{Province: "01", Year: 2030}, "2030"},
		{"negative proposals", Options{Province: "01", Proposals: -1}, "proposals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, err := Generate(tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p := instanceProblems(inst); len(p) > 0 {
				t.Fatalf("instance problems: %v", p)
			}
			if len(inst.Proposals) != tt.opt.Proposals {
				t.Errorf("%d proposals, want %d", len(inst.Proposals), tt.opt.Proposals)
			}
			if tt.opt.Inspectors > 0 && len(inst.Inspectors) != tt.opt.Inspectors {
				t.Errorf("%d inspectors, want %d", len(inst.Inspectors), tt.opt.Inspectors)
			}
		})
	}
}

func TestHolidaysAreWeekdaysAndExtraDaysSaturdays(t *testing.T) {
	for year := 2024; year <= 2027; year++ {
		inst, err := Generate(Options{Province: "01", Proposals: 1, Year: year})
		if err != nil {
			t.Fatal(err)
		}
		cal, err := check.NewCalendar(inst)
		if err != nil {
			t.Fatal(err)
		}
		// 261 or 262 weekdays, 11–13 weekday holidays, 0–2 working Saturdays.
		if n := len(cal.Days); n < 248 || n > 252 {
			t.Errorf("%d has %d working days, want 248…252", year, n)
		}
		for _, d := range inst.Calendar.Holidays {
			if cal.Index(d) >= 0 {
				t.Errorf("%d: holiday %s is still a working day (not a weekday?)", year, d)
			}
		}
	}
}

func TestNationalScaleCoversEveryProvince(t *testing.T) {
	if testing.Short() {
		t.Skip("national instance")
	}
	inst, err := Generate(Options{Proposals: 20_000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	roots := map[string]bool{}
	for _, u := range inst.Units {
		if u.Parent == "" {
			roots[u.ID] = true
		}
	}
	communes := 0
	for _, u := range inst.Units {
		if roots[u.Parent] && !strings.Contains(u.ID, "-") {
			communes++
		}
	}
	if len(roots) != 34 || communes != 3321 || len(inst.Proposals) != 20_000 {
		t.Errorf("%d provinces, %d communes, %d proposals; want 34, 3321 and 20000", len(roots), communes, len(inst.Proposals))
	}
	if p := instanceProblems(inst); len(p) > 0 {
		t.Fatalf("instance problems: %v", p[:min(5, len(p))])
	}
}

func TestSmallInstancesFitTheMIP(t *testing.T) {
	for seed := uint64(1); seed <= 24; seed++ { // the seeds of the goldens
		inst := GenerateSmall(seed)
		if p := instanceProblems(inst); len(p) > 0 {
			t.Fatalf("seed %d: instance problems: %v", seed, p)
		}
		visits, _ := check.ExpectedVisits(inst)
		cal, _ := check.NewCalendar(inst)
		if len(visits) > 12 || len(visits) < 6 || len(inst.Inspectors) > 8 || len(cal.Days) > 40 {
			t.Errorf("seed %d: %d visits, %d inspectors, %d working days; want 6…12, ≤ 8, ≤ 40",
				seed, len(visits), len(inst.Inspectors), len(cal.Days))
		}
	}
	a, _ := json.Marshal(GenerateSmall(5))
	b, _ := json.Marshal(GenerateSmall(5))
	if !bytes.Equal(a, b) {
		t.Error("GenerateSmall(5) differs between two calls")
	}
}

package seed

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"khung/app/adminunits"
	"khung/models"
)

func hanoi(t *testing.T) adminunits.Province {
	t.Helper()
	ps, err := adminunits.Official()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := adminunits.Find(ps, "01")
	if !ok {
		t.Fatal("Hà Nội missing from the official list")
	}
	return p
}

// testData is the embedded demo data.
func testData(t *testing.T) *demoData {
	t.Helper()
	d, err := loadDemoData(dataFiles)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDemoInspectorsAreTheSameEveryRun(t *testing.T) {
	p, d := hanoi(t), testData(t)
	a := d.demoInspectors(p, d.demoBodies(p), 2026)
	b := d.demoInspectors(p, d.demoBodies(p), 2026)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two draws differ (-first +second):\n%s", diff)
	}
}

func TestDemoInspectorsAreSpreadOverTheBodiesAndUsable(t *testing.T) {
	p, d := hanoi(t), testData(t)
	bodies := d.demoBodies(p)
	got := d.demoInspectors(p, bodies, 2026)
	if len(got) != 200 {
		t.Fatalf("want 200 inspectors, got %d", len(got))
	}
	codes, names := map[string]bool{}, map[string]bool{}
	perBody, leadsPerBody := map[string]int{}, map[string]int{}
	leads, leaves := 0, 0
	for _, s := range got {
		switch {
		case codes[s.Code]:
			t.Fatalf("code %s twice", s.Code)
		case names[s.FullName]:
			t.Fatalf("name %s twice", s.FullName)
		case len(s.Skills) == 0:
			t.Fatalf("%s has no skill", s.Code)
		case s.HomeUnit == "":
			t.Fatalf("%s has no home unit", s.Code)
		case len(strings.Fields(s.FullName)) < 3:
			t.Fatalf("%s: %q is not family + middle + given name", s.Code, s.FullName)
		case !strings.HasSuffix(s.Email, "@khung.vn") || strings.ContainsAny(s.Email, "ăâđêôơưáàảãạ "):
			t.Fatalf("%s: bad e-mail %q", s.Code, s.Email)
		}
		codes[s.Code], names[s.FullName] = true, true
		perBody[s.Body]++
		if s.CanLead {
			leads++
			leadsPerBody[s.Body]++
		}
		leaves += len(s.Leaves)
		for _, l := range s.Leaves {
			if l.To.Before(l.From) || (l.From.Year != 2026 && l.From.Year != 2027) {
				t.Fatalf("%s: leave %s–%s", s.Code, l.From, l.To)
			}
		}
	}
	for _, b := range bodies {
		if perBody[b.Code] != b.Inspectors || leadsPerBody[b.Code] == 0 {
			t.Errorf("body %s: %d inspectors (want %d), %d can lead", b.Code, perBody[b.Code], b.Inspectors, leadsPerBody[b.Code])
		}
	}
	if leads < 50 || leads > 75 {
		t.Errorf("want about 30%% who can lead, got %d of 200", leads)
	}
	if leaves < 10 {
		t.Errorf("want some leave periods, got %d", leaves)
	}
}

func TestDemoInspectorsHaveRealConflictsOfInterest(t *testing.T) {
	p, d := hanoi(t), testData(t)
	districtOf := map[string]string{}
	for _, d := range p.Districts {
		for _, w := range d.Wards {
			districtOf[w.Code] = d.Code
		}
	}
	units := map[string]bool{}
	rows, err := provinceUnits(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		units[r.Code] = true
	}
	conflicts, leaderOnly := 0, 0
	for _, s := range d.demoInspectors(p, d.demoBodies(p), 2026) {
		for _, r := range s.Relatives {
			if !units[r.Unit] || r.Unit == s.HomeUnit {
				t.Fatalf("%s: relative in %q, not a real unit other than home", s.Code, r.Unit)
			}
			if r.Relation == models.RelationParentInLaw {
				leaderOnly++
				continue
			}
			conflicts++
			// A district's own inspectors are tied to communes of their district.
			if strings.HasPrefix(s.Body, "pnv-") && districtOf[r.Unit]+"-PNV" != s.HomeUnit {
				t.Fatalf("%s of %s: relative in %s, outside the district", s.Code, s.Body, r.Unit)
			}
		}
		for _, f := range s.FormerUnits {
			if !units[f.Unit] || f.To.Before(f.From) {
				t.Fatalf("%s: bad former unit %+v", s.Code, f)
			}
		}
	}
	if conflicts < 30 {
		t.Fatalf("want at least 30 relatives with key posts, got %d", conflicts)
	}
	if leaderOnly == 0 {
		t.Fatalf("want some parents-in-law of leaders (a conflict for leaders only)")
	}
}

func TestAsciiFoldsVietnamese(t *testing.T) {
	tests := map[string]string{
		"Nguyễn Văn An":  "nguyenvanan",
		"Đỗ Thị Hằng":    "dothihang",
		"Phường Phúc Xá": "phuongphucxa",
	}
	for in, want := range tests {
		if got := ascii(in); got != want {
			t.Errorf("ascii(%q) = %q, want %q", in, got, want)
		}
	}
	if got := emailLocal(personName{"Đặng", "Thùy", "Linh"}); got != "linhdt" {
		t.Errorf("emailLocal = %q, want linhdt", got)
	}
}

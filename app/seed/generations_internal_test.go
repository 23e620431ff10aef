package seed

import (
	"errors"
	"strings"
	"testing"
)

// The two sources disagree on one commune: the 2025 list gives Xã Ba Chẽ
// (Quảng Ninh) the code 06978, the conversion table 06970. Such a province is
// refused as a whole, naming the code, until the data is corrected.
func TestEveryProvinceOfTheEmbeddedListsCanBeImportedButOneWithConflictingCodes(t *testing.T) {
	gen, err := embeddedGenerations()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range gen.After {
		plan, err := planGenerations(gen, p.Code)
		if p.Code == "22" {
			if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "new_code 06970 (Xã Ba Chẽ)") {
				t.Errorf("Quảng Ninh: want the conflicting code 06970 named, got %v", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s: %v", p.Code, p.Name, err)
			continue
		}
		if len(plan.links) == 0 || len(plan.oldRoots) == 0 {
			t.Errorf("%s %s: %d links from %d earlier provinces", p.Code, p.Name, len(plan.links), len(plan.oldRoots))
		}
	}
}

func TestAnEarlierProvinceCodeImportsTheProvinceItWasMergedInto(t *testing.T) {
	gen, err := embeddedGenerations()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planGenerations(gen, "02") // Hà Giang, merged into Tuyên Quang
	if err != nil {
		t.Fatal(err)
	}
	if plan.province.Code != "08" || plan.asked != "02" {
		t.Fatalf("02 imported %s (asked %q)", plan.province.Code, plan.asked)
	}
	var haGiang *succession
	for i, l := range plan.links {
		if l.From == "02" {
			haGiang = &plan.links[i]
		}
	}
	// Tuyên Quang kept its code and name: the new province is the same unit.
	if haGiang == nil || haGiang.To != "08" || haGiang.How != "whole" {
		t.Fatalf("Hà Giang → %+v", haGiang)
	}
}

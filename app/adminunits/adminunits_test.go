package adminunits

import (
	"strings"
	"testing"
)

func TestOfficialListHasHanoiAsPublished(t *testing.T) {
	ps, err := Official()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 63 {
		t.Fatalf("want 63 provinces, got %d", len(ps))
	}
	hn, ok := Find(ps, "01")
	if !ok || hn.Name != "Thành phố Hà Nội" {
		t.Fatalf("Hà Nội not found: %+v", hn.Name)
	}
	wards := 0
	for _, d := range hn.Districts {
		wards += len(d.Wards)
	}
	if len(hn.Districts) != 30 || wards != 526 {
		t.Fatalf("Hà Nội: want 30 districts and 526 communes/wards, got %d and %d", len(hn.Districts), wards)
	}
	if hn.Districts[0].Code != "001" || hn.Districts[0].Name != "Quận Ba Đình" {
		t.Fatalf("first district: %+v", hn.Districts[0])
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not json", `{"data": [`, "read unit list"},
		{"no provinces", `{"data": []}`, "no provinces"},
		{"missing code", `{"data": [{"level1_id": "", "name": "X"}]}`, "has no code"},
		{"missing name", `{"data": [{"level1_id": "01", "name": ""}]}`, "has no name"},
		{"duplicate ward", `{"data": [{"level1_id": "01", "name": "A", "level2s": [{"level2_id": "001", "name": "B",
			"level3s": [{"level3_id": "00001", "name": "C"}, {"level3_id": "00001", "name": "D"}]}]}]}`, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want error containing %q, got %v", tt.want, err)
			}
		})
	}
}

func TestDepartmentCodesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range HanoiDepartments() {
		if seen[d.Code] || !strings.HasPrefix(d.Code, "01-") {
			t.Fatalf("bad or duplicate code %q", d.Code)
		}
		seen[d.Code] = true
	}
}

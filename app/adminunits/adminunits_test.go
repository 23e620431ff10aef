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

func TestReformedListHasHanoisCommunesAndWards(t *testing.T) {
	ps, err := Reformed()
	if err != nil {
		t.Fatal(err)
	}
	communes := 0
	for _, p := range ps {
		communes += len(p.Communes)
	}
	if len(ps) != 34 || communes != 3321 {
		t.Fatalf("want 34 provinces and 3,321 communes, got %d and %d", len(ps), communes)
	}
	hn, ok := FindNew(ps, "01")
	if !ok || hn.Name != "Thành phố Hà Nội" {
		t.Fatalf("Hà Nội not found: %+v", hn.Name)
	}
	wards := 0
	for _, c := range hn.Communes {
		if c.Type == "Phường" {
			wards++
		}
	}
	if len(hn.Communes) != 126 || wards != 51 {
		t.Fatalf("Hà Nội: want 126 communes of which 51 wards, got %d and %d", len(hn.Communes), wards)
	}
}

func TestConversionTableLinksEveryOldHanoiUnit(t *testing.T) {
	links, err := Conversions()
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 10565 {
		t.Fatalf("want 10,565 rows, got %d", len(links))
	}
	old, news := map[string]bool{}, map[string]bool{}
	rows := 0
	for _, l := range links {
		if l.NewProvinceCode == "01" {
			rows++
			old[l.OldCode], news[l.NewCode] = true, true
		}
		if l.OldCode == "00001" && (l.NewCode != "00097" || l.NewName != "Phường Hồng Hà" || l.How != HowWhole) {
			t.Errorf("Phúc Xá: %+v", l)
		}
	}
	if rows != 795 || len(old) != 526 || len(news) != 126 {
		t.Fatalf("Hà Nội: want 795 rows, 526 old and 126 new units, got %d, %d, %d", rows, len(old), len(news))
	}
}

func TestParseConversionsRejectsBadTables(t *testing.T) {
	head := "new_province_code,new_code,new_name,old_code,old_name,old_district_code,old_district_name,old_province_code,old_province_name,how,how_vi\n"
	good := "01,00097,Phường Hồng Hà,00001,Phường Phúc Xá,001,Quận Ba Đình,01,Thành phố Hà Nội,whole,Nhập toàn bộ\n"
	tests := []struct{ name, csv, want string }{
		{"empty", "", "EOF"},
		{"wrong header", "a,b,c,d,e,f,g,h,i,j,k\n" + good, "header must be"},
		{"too few columns", head + "01,00097,Phường Hồng Hà\n", "wrong number of fields"},
		{"no rows", head, "no rows"},
		{"unknown how", head + strings.Replace(good, ",whole,", ",swallowed,", 1), `how "swallowed"`},
		{"code not digits", head + strings.Replace(good, ",00001,", ",0000x,", 1), `old_code "0000x"`},
		{"pair twice", head + good + good, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConversions(strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want an error containing %q, got %v", tt.want, err)
			}
		})
	}
	if _, err := ParseConversions(strings.NewReader(head + good)); err != nil {
		t.Fatalf("a good table is refused: %v", err)
	}
}

func TestParseReformedRejectsBadLists(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not json", `{"provinces": [`, "read 2025 unit list"},
		{"no provinces", `{"provinces": []}`, "no provinces"},
		{"bad code", `{"provinces": [{"code": "1x", "name": "A"}]}`, "not 2–5 digits"},
		{"no name", `{"provinces": [{"code": "01", "name": " "}]}`, "has no name"},
		{"commune twice", `{"provinces": [{"code": "01", "name": "A", "communes": [{"code": "00004", "name": "B"}, {"code": "00004", "name": "C"}]}]}`, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReformed(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want an error containing %q, got %v", tt.want, err)
			}
		})
	}
}

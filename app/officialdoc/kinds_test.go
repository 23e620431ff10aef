package officialdoc

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Each kind of inspection gets its own words: a thanh tra is never called a
// check, a check's conclusion is a notice (THÔNG BÁO, symbol TB), and the
// bases cited are those in force on the day of signing.
func TestPickGivesTheWordsOfTheKind(t *testing.T) {
	b, err := LoadBook()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                   string
		v                      Visit
		code, team, heading    string
		conclusionType, action string
		citesLaw               string // a basis that must be cited
		notCites               string // one that must not
	}{
		{"the department's inspectorate before 1 July 2025 does thanh tra",
			Visit{Form: "planned", VisitKinds: []string{"specialised"}, BodyKind: "inspectorate", On: day("2025-03-10")},
			"thanh_tra", "Đoàn thanh tra", "KẾT LUẬN THANH TRA", "KL", "thanh tra", "11/2022/QH15", "217/2025"},
		{"the same inspectorate from 1 July 2025 only checks (no departmental inspectorate)",
			Visit{Form: "planned", VisitKinds: []string{"specialised"}, BodyKind: "inspectorate", On: day("2025-07-01")},
			"kiem_tra", "Đoàn kiểm tra", "THÔNG BÁO", "TB", "kiểm tra", "217/2025/NĐ-CP", "11/2022"},
		{"a public-service visit is kiểm tra công vụ",
			Visit{Form: "planned", VisitKinds: []string{"public_service"}, BodyKind: "city_team", On: day("2027-03-01")},
			"kiem_tra_cong_vu", "Đoàn kiểm tra công vụ", "THÔNG BÁO", "TB", "kiểm tra công vụ", "Luật Cán bộ, công chức", "217/2025"},
		{"an unannounced professional visit is a check",
			Visit{Form: "unannounced", VisitKinds: []string{"professional"}, BodyKind: "division", On: day("2027-03-01")},
			"kiem_tra", "Đoàn kiểm tra", "THÔNG BÁO", "TB", "kiểm tra", "217/2025/NĐ-CP", "Luật Cán bộ"},
		{"a verification is a verification whatever its kind",
			Visit{Form: "verification", VisitKinds: []string{"public_service"}, BodyKind: "city_team", On: day("2027-03-01")},
			"xac_minh", "Đoàn kiểm tra, xác minh", "BÁO CÁO", "BC", "kiểm tra, xác minh", "chức năng, nhiệm vụ", "217/2025"},
		{"a check on implementation is its own kind",
			Visit{Form: "planned", VisitKinds: []string{"implementation_check"}, BodyKind: "division", On: day("2027-03-01")},
			"kiem_tra_thuc_hien", "Đoàn kiểm tra", "THÔNG BÁO", "TB", "kiểm tra việc thực hiện kết luận", "84/2025/QH15", "11/2022"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := b.Pick(tt.v)
			got := []string{k.Code, k.Team, k.ConclusionHeading, k.ConclusionType, k.Action}
			want := []string{tt.code, tt.team, tt.heading, tt.conclusionType, tt.action}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("got %q, want %q", got[i], want[i])
				}
			}
			var cited []string
			for _, bs := range k.Bases {
				cited = append(cited, bs.Text)
			}
			all := strings.Join(cited, "\n")
			if !strings.Contains(all, tt.citesLaw) {
				t.Errorf("bases %q do not cite %q", all, tt.citesLaw)
			}
			if strings.Contains(all, tt.notCites) {
				t.Errorf("bases %q cite %q, not in force or not of the kind", all, tt.notCites)
			}
			if !strings.HasPrefix(k.Archive, "Lưu: VT") {
				t.Errorf("archive line %q", k.Archive)
			}
		})
	}
}

func TestNumbersHaveTwoDigitsAtLeast(t *testing.T) {
	for n, want := range map[int]string{1: "01", 9: "09", 10: "10", 125: "125"} {
		if got := NumberLine(Number(n), Symbol(DecisionType, "SNV")); got != "Số: "+want+"/QĐ-SNV" {
			t.Errorf("%d: %q", n, got)
		}
	}
}

func TestProposerIsTheHeadOfTheLeadBodyNotTheTeamLeader(t *testing.T) {
	b, err := LoadBook()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ kind, name, want string }{
		{"division", "Phòng Công chức, viên chức", "Trưởng phòng Công chức, viên chức"},
		{"inspectorate", "Thanh tra Sở Nội vụ", "Chánh Thanh tra Sở Nội vụ"},
		{"city_team", "Đoàn kiểm tra công vụ Thành phố", "Trưởng Đoàn kiểm tra công vụ Thành phố"},
		{"other", "Ban X", ""},
	}
	for _, tt := range tests {
		if got := b.ProposerOf(tt.kind, tt.name); got != tt.want {
			t.Errorf("%s %q: got %q, want %q", tt.kind, tt.name, got, tt.want)
		}
	}
}

// The book refuses a kind without its words or its legal basis (a positive
// control of the check that the embedded book passes).
func TestBookRefusesAKindWithoutItsWords(t *testing.T) {
	bad := strings.Replace(kindsTOML, `team = "Đoàn thanh tra"`, `team = ""`, 1)
	if _, err := parseBook(bad); err == nil || !strings.Contains(err.Error(), "thanh_tra") {
		t.Errorf("a kind without its team's name passed: %v", err)
	}
	noDefault := kindsTOML[:strings.LastIndex(kindsTOML, "[[kind]]")]
	if _, err := parseBook(noDefault); err == nil {
		t.Error("a book whose last kind does not match every visit passed")
	}
}

func TestAPlanIsAPlanOfTheKindsOfItsVisits(t *testing.T) {
	b, err := LoadBook()
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		name  string
		kinds []string
		on    string
		want  string
	}{
		{"public service only: no thanh tra", []string{"public_service"}, "2027-01-05", "kiểm tra công vụ"},
		{"public service and specialised checks, in the book's order", []string{"specialised", "public_service", "specialised"}, "2027-01-05", "kiểm tra công vụ, kiểm tra chuyên ngành"},
		{"specialised inspection before 1 July 2025", []string{"specialised"}, "2025-01-10", "thanh tra, kiểm tra chuyên ngành"},
		{"no kind the book lists", []string{"cong_vu"}, "2027-01-05", "kiểm tra"},
		{"no visits", nil, "2027-01-05", "kiểm tra"},
	} {
		if got := b.Plan.PlanOf(tc.kinds, day(tc.on)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

package seed

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// familyNames are Vietnam's common family names with rough weights (per mille of
// the population, rounded), so that a sample looks like a real staff list.
var familyNames = []struct {
	name   string
	weight int
}{
	{"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Hoàng", 35}, {"Huỳnh", 15},
	{"Phan", 45}, {"Vũ", 25}, {"Võ", 15}, {"Đặng", 20}, {"Bùi", 20}, {"Đỗ", 14},
	{"Hồ", 13}, {"Ngô", 13}, {"Dương", 10}, {"Lý", 5}, {"Đinh", 8}, {"Trịnh", 7},
}

var (
	maleMiddle   = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Ngọc", "Xuân", "Mạnh", "Trung", "Công", "Hoàng"}
	femaleMiddle = []string{"Thị", "Thu", "Thanh", "Hồng", "Ngọc", "Thùy", "Minh", "Phương", "Kim", "Diệu", "Bích", "Hải"}
	maleGiven    = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Kiên",
		"Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Lâm"}
	femaleGiven = []string{"Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Lan", "Linh",
		"Loan", "Mai", "Nga", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết", "Vân", "Yến", "Oanh", "Huyền"}
)

// personName is a Vietnamese full name in its three usual parts.
type personName struct {
	Family, Middle, Given string
}

func (n personName) String() string { return n.Family + " " + n.Middle + " " + n.Given }

// randomName draws a plausible name from rng.
func randomName(rng *rand.Rand) personName {
	total := 0
	for _, f := range familyNames {
		total += f.weight
	}
	pick := rng.IntN(total)
	family := familyNames[len(familyNames)-1].name
	for _, f := range familyNames {
		if pick < f.weight {
			family = f.name
			break
		}
		pick -= f.weight
	}
	middles, givens := maleMiddle, maleGiven
	if rng.IntN(2) == 1 {
		middles, givens = femaleMiddle, femaleGiven
	}
	n := personName{Family: family, Middle: middles[rng.IntN(len(middles))]}
	for n.Given == "" || n.Given == n.Middle { // "Trần Trung Trung" reads like a typo
		n.Given = givens[rng.IntN(len(givens))]
	}
	return n
}

// ascii folds Vietnamese text to lower-case ASCII letters and digits
// ("Nguyễn Đức" → "nguyenduc"), for e-mail addresses.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// emailLocal builds the usual civil-service address form: given name then the
// initials of family and middle names ("Nguyễn Văn An" → "annv").
func emailLocal(n personName) string {
	initial := func(s string) string {
		a := ascii(s)
		if a == "" {
			return ""
		}
		return a[:1]
	}
	return ascii(n.Given) + initial(n.Family) + initial(n.Middle)
}

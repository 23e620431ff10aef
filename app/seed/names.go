package seed

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// personName is a Vietnamese full name in its three usual parts.
type personName struct {
	Family, Middle, Given string
}

func (n personName) String() string { return n.Family + " " + n.Middle + " " + n.Given }

// randomName draws a plausible name from rng, out of data/names.toml.
func (d *demoData) randomName(rng *rand.Rand) personName {
	names := d.names
	total := 0
	for _, f := range names.Family {
		total += f.Weight
	}
	pick := rng.IntN(total)
	family := names.Family[len(names.Family)-1].Name
	for _, f := range names.Family {
		if pick < f.Weight {
			family = f.Name
			break
		}
		pick -= f.Weight
	}
	middles, givens := names.MaleMiddle, names.MaleGiven
	if rng.IntN(2) == 1 {
		middles, givens = names.FemaleMiddle, names.FemaleGiven
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

// Package officialdoc formats the heading of an official document the way
// Decree 30/2020/NĐ-CP (Annex I) lays it out: the superior body, the issuing
// body, "Số: …/…", and "<place>, ngày … tháng … năm …". Plans and inspection
// decisions print the same heading through the partial "partials/doc_head".
// Its words ("Số:", "ngày … tháng … năm …", "UBND") are the fixed Vietnamese
// form of the decree, printed the same whatever the reader's language, so they
// are not messages of the catalogs.
package officialdoc

import (
	"fmt"
	"strings"
	"time"
)

// Heading is what the partial "partials/doc_head" prints.
type Heading struct {
	Superior   string // "UBND THÀNH PHỐ HÀ NỘI"
	Issuer     string // "SỞ NỘI VỤ", printed in capitals
	NumberLine string // "Số: 15/QĐ-SNV"
	DateLine   string // "Hà Nội, ngày 05 tháng 03 năm 2027"
}

// Superior is the heading's first line for a body whose unit hangs under the
// People's Committee of parentName: "UBND THÀNH PHỐ HÀ NỘI"; "" without a parent.
func Superior(parentName string) string {
	parentName = strings.TrimSpace(parentName)
	if parentName == "" {
		return ""
	}
	return "UBND " + strings.ToUpper(parentName)
}

// Place is the city's or province's name without its type: "Thành phố Hà Nội" → "Hà Nội".
func Place(cityName string) string {
	for _, t := range []string{"Thành phố ", "Tỉnh "} {
		if s, ok := strings.CutPrefix(cityName, t); ok {
			return s
		}
	}
	return cityName
}

// NumberLine is "Số: 125/KH-SNV"; an empty number leaves room to write it by
// hand (no-break spaces, which HTML keeps).
func NumberLine(number, symbol string) string {
	if number == "" {
		number = strings.Repeat("\u00a0", 8)
	}
	return "Số: " + number + "/" + symbol
}

// DateLine is "Hà Nội, ngày 05 tháng 12 năm 2026": days below 10 and months
// below 3 take a leading zero.
func DateLine(place string, year int, month time.Month, day int) string {
	d := fmt.Sprint(day)
	if day < 10 {
		d = "0" + d
	}
	m := fmt.Sprint(int(month))
	if month < 3 {
		m = "0" + m
	}
	return fmt.Sprintf("%s, ngày %s tháng %s năm %d", place, d, m, year)
}

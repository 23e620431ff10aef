package units_test

import (
	"testing"
	"time"

	"khung/app/units"
	"khung/models"
	"khung/views"
)

// An area is named for the day in question: the district's own name while it
// is in force, the former district's area once it has ended.
func TestAreaIsNamedForTheDay(t *testing.T) {
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	vi, en := loc.For("vi"), loc.For("en")
	ended := &models.Date{Year: 2025, Month: time.June, Day: 30}
	baDinh := units.Area{Name: "Quận Ba Đình", TypeLabel: "Quận", ValidTo: ended}
	socSon := units.Area{Name: "Huyện Sóc Sơn", TypeLabel: "Huyện", ValidTo: ended}
	ward := units.Area{Name: "Phường Hồng Hà", TypeLabel: "Phường"} // in force
	at := func(a units.Area, y int, m, d int) units.Area {
		a.Day = models.Date{Year: y, Month: time.Month(m), Day: d}
		return a
	}
	for _, tc := range []struct {
		name             string
		area             units.Area
		vi, en, sentence string
	}{
		{"a district in force in 2025-H1 keeps its name", at(baDinh, 2025, 3, 1), "Quận Ba Đình", "Quận Ba Đình", "Quận Ba Đình"},
		{"on its last day it is still in force", at(baDinh, 2025, 6, 30), "Quận Ba Đình", "Quận Ba Đình", "Quận Ba Đình"},
		{"in 2027 it is the former district's area", at(baDinh, 2027, 1, 1), "Địa bàn Quận Ba Đình cũ", "Former Ba Đình district area", "Quận Ba Đình cũ"},
		{"a rural district too", at(socSon, 2027, 1, 1), "Địa bàn Huyện Sóc Sơn cũ", "Former Sóc Sơn district area", "Huyện Sóc Sơn cũ"},
		{"a unit in force is named as it is", at(ward, 2027, 1, 1), "Phường Hồng Hà", "Phường Hồng Hà", "Phường Hồng Hà"},
		{"no day means no judgement", baDinh, "Quận Ba Đình", "Quận Ba Đình", "Quận Ba Đình"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.area.In(vi); got != tc.vi {
				t.Errorf("vi = %q, want %q", got, tc.vi)
			}
			if got := tc.area.In(en); got != tc.en {
				t.Errorf("en = %q, want %q", got, tc.en)
			}
			if got := tc.area.InSentence(vi); got != tc.sentence {
				t.Errorf("vi in a sentence = %q, want %q", got, tc.sentence)
			}
		})
	}
}

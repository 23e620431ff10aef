package units

import (
	"strings"

	"khung/models"
	"khung/views"
)

// Area is a travel cluster (a unit's area_code) as a person reads it on a
// day. Today's wards keep the code of the district they came from as their
// cluster; after that district ended (30/06/2025 in Hanoi) its name would
// speak of a unit that no longer exists, so the area is then named as the
// former district's area ("Địa bàn Quận Ba Đình cũ"); before, by its name.
type Area struct {
	Name      string       // the area unit's name: "Quận Ba Đình"
	TypeLabel string       // its type: "Quận"
	ValidTo   *models.Date // its last day; nil while in force
	Day       models.Date  // the day in question (a plan's year start, a visit's date)
}

// Former tells whether the area's unit had ended before the day.
func (a Area) Former() bool {
	return a.ValidTo != nil && !a.Day.IsZero() && a.ValidTo.Before(a.Day)
}

// In names the area in t's language, as a label ("Địa bàn Quận Ba Đình cũ").
func (a Area) In(t *views.Translator) string { return a.text(t, "areas.former") }

// InSentence names the area inside a sentence that already says "địa bàn"
// ("… trên địa bàn Quận Ba Đình cũ").
func (a Area) InSentence(t *views.Translator) string { return a.text(t, "areas.former_in_sentence") }

func (a Area) text(t *views.Translator, id string) string {
	if a.Name == "" || !a.Former() {
		return a.Name
	}
	short := strings.TrimSpace(strings.TrimPrefix(a.Name, a.TypeLabel))
	return t.T(id, "Name", a.Name, "Short", short)
}

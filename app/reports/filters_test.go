package reports

import (
	"testing"

	"khung/app/apperr"
	"khung/models"
)

func TestAPresetPeriodSetsBothDatesAndAnUnknownOneIsAFieldError(t *testing.T) {
	for _, c := range []struct {
		name       string
		q          map[string]string
		from, to   models.Date
		badField   string
		wantPreset string
	}{
		{"a year", map[string]string{"period": "2027"}, models.NewDate(2027, 1, 1), models.NewDate(2027, 12, 31), "", "2027"},
		{"the first six months", map[string]string{"period": "2027-h1"}, models.NewDate(2027, 1, 1), models.NewDate(2027, 6, 30), "", "2027-h1"},
		{"the last six months", map[string]string{"period": "2027-h2", "from": "2000-01-01"}, models.NewDate(2027, 7, 1), models.NewDate(2027, 12, 31), "", "2027-h2"},
		{"dates that make a preset are named as it", map[string]string{"from": "2026-07-01", "to": "2026-12-31"}, models.NewDate(2026, 7, 1), models.NewDate(2026, 12, 31), "", "2026-h2"},
		{"any range", map[string]string{"from": "2026-03-02", "to": "2026-12-31"}, models.NewDate(2026, 3, 2), models.NewDate(2026, 12, 31), "", ""},
		{"an unknown preset", map[string]string{"period": "2027-h3"}, models.Date{}, models.Date{}, "period", ""},
		{"no period and no dates", map[string]string{}, models.Date{}, models.Date{}, "from", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFilter(func(k string) string { return c.q[k] })
			if c.badField != "" {
				if err == nil || !hasField(err, c.badField) {
					t.Fatalf("want a field error on %s, got %v", c.badField, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.From != c.from || f.To != c.to || f.Period != c.wantPreset {
				t.Errorf("got %s–%s (%q), want %s–%s (%q)", f.From, f.To, f.Period, c.from, c.to, c.wantPreset)
			}
		})
	}
}

func hasField(err error, field string) bool {
	ve, ok := apperr.AsValidation(err)
	return ok && ve.Has(field)
}

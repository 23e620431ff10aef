package models_test

import (
	"encoding/json"
	"testing"
	"time"

	"khung/models"
)

func TestDateFormatsAndParsesISO(t *testing.T) {
	d := models.NewDate(2025, time.July, 1)
	if d.String() != "2025-07-01" {
		t.Fatalf("String = %q", d.String())
	}
	b, err := json.Marshal(struct {
		D models.Date  `json:"d"`
		N *models.Date `json:"n"`
		Z models.Date  `json:"z"`
	}{D: d})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"d":"2025-07-01","n":null,"z":null}`; got != want {
		t.Fatalf("JSON = %s, want %s", got, want)
	}
	var back struct{ D models.Date }
	if err := json.Unmarshal([]byte(`{"D":"2025-07-01"}`), &back); err != nil || back.D != d {
		t.Fatalf("unmarshal = %v, %v", back.D, err)
	}
	for _, bad := range []string{`{"D":"01/07/2025"}`, `{"D":"2025-02-30"}`, `{"D":20250701}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("unmarshal %s accepted", bad)
		}
	}
}

func TestDateArithmeticIgnoresTimeZones(t *testing.T) {
	hanoi := time.FixedZone("ICT", 7*3600)
	// 23:30 on 30 June in Hanoi is 16:30 UTC the same day; the civil date is local.
	if got := models.DateOf(time.Date(2025, 6, 30, 23, 30, 0, 0, hanoi)); got != models.NewDate(2025, 6, 30) {
		t.Fatalf("DateOf = %v", got)
	}
	d := models.MustParseDate("2024-12-30")
	cases := []struct {
		name string
		got  any
		want any
	}{
		{"adding days crosses the year", d.AddDays(3).String(), "2025-01-02"},
		{"adding days handles leap years", models.MustParseDate("2024-02-28").AddDays(1).String(), "2024-02-29"},
		{"negative days go back", d.AddDays(-30).String(), "2024-11-30"},
		{"days until counts calendar days", d.DaysUntil(models.MustParseDate("2025-03-01")), 61},
		{"weekday", d.Weekday(), time.Monday},
		{"before", d.Before(d.AddDays(1)), true},
		{"after", d.After(d.AddDays(1)), false},
		{"compare equal", d.Compare(models.NewDate(2024, 12, 30)), 0},
		{"in a zone is local midnight", models.NewDate(2025, 7, 1).In(hanoi).Format(time.RFC3339), "2025-07-01T00:00:00+07:00"},
		{"normalises overflow", models.NewDate(2025, 2, 30).String(), "2025-03-02"},
		{"zero is empty", models.Date{}.String(), ""},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestDateScansWhatDriversReturn(t *testing.T) {
	want := models.NewDate(2025, 9, 2)
	for _, src := range []any{
		time.Date(2025, 9, 2, 0, 0, 0, 0, time.UTC),
		"2025-09-02",
		[]byte("2025-09-02"),
		"2025-09-02 00:00:00",
	} {
		var d models.Date
		if err := d.Scan(src); err != nil || d != want {
			t.Errorf("Scan(%#v) = %v, %v", src, d, err)
		}
	}
	var d models.Date
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(42) accepted")
	}
	if v, _ := (models.Date{}).Value(); v != nil {
		t.Errorf("zero Date writes %v, want NULL", v)
	}
}

func TestTextArrayRoundTripsThroughTheArrayLiteral(t *testing.T) {
	cases := []models.TextArray{
		{},
		{"a"},
		{"ky_luat", "tai_chinh"},
		{`with "quotes"`, `back\slash`, "comma, inside", "{braces}", "  spaces  ", "", "NULL", "tiếng Việt"},
	}
	for _, in := range cases {
		v, err := in.Value()
		if err != nil {
			t.Fatal(err)
		}
		var out models.TextArray
		if err := out.Scan(v); err != nil {
			t.Fatalf("Scan(%v): %v", v, err)
		}
		if len(out) != len(in) {
			t.Fatalf("%q -> %v -> %q", in, v, out)
		}
		for i := range in {
			if out[i] != in[i] {
				t.Fatalf("%q -> %v -> %q", in, v, out)
			}
		}
	}
	// PostgreSQL leaves simple elements unquoted.
	var out models.TextArray
	if err := out.Scan("{ky_luat,tai_chinh,\"a b\"}"); err != nil || len(out) != 3 || out[2] != "a b" {
		t.Fatalf("unquoted scan = %q, %v", out, err)
	}
	for _, bad := range []string{"ky_luat", "{a,NULL}", "{{a},{b}}", `{"open}`} {
		if err := out.Scan(bad); err == nil {
			t.Errorf("Scan(%q) accepted", bad)
		}
	}
}

func TestJSONEqualIgnoresKeyOrderAndSpacing(t *testing.T) {
	if !models.JSON(`{"a":1,"b":[1,2]}`).Equal(models.JSON(`{"b": [1, 2], "a": 1}`)) {
		t.Error("same JSON reported different")
	}
	if models.JSON(`{"a":1}`).Equal(models.JSON(`{"a":2}`)) {
		t.Error("different JSON reported equal")
	}
	if v, _ := models.JSON(nil).Value(); v != nil {
		t.Errorf("empty JSON writes %v, want NULL", v)
	}
	if _, err := models.JSON(`{bad`).Value(); err == nil {
		t.Error("invalid JSON written")
	}
}

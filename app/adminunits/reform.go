package adminunits

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// The two-level reform of 1 July 2025: the units in force since then and the
// official conversion table from the earlier units to them.
//
// Sources: the list of 34 provinces and 3,321 communes, wards and special zones
// as published by the national statistics office, gathered by the public
// dataset thanglequoc/vietnamese-provinces-database (its JSON export), copied
// to data/vn-admin-units-2025-07.json; and the official conversion table
// ("Bảng chuyển đổi ĐVHC mới – cũ") kept in the public repository
// sunshine-tech/VietnamProvinces (dev/seed-data/2025-07), copied to
// data/vn-admin-units-conversion-2025-07.csv.

// SourceReform names where the embedded 2025 list and conversion table come from.
const SourceReform = "Danh mục đơn vị hành chính từ 01/07/2025 (Tổng cục Thống kê) qua bộ dữ liệu công khai thanglequoc/vietnamese-provinces-database; bảng chuyển đổi ĐVHC mới – cũ qua sunshine-tech/VietnamProvinces"

// Reform dates: the earlier units' last day and the new units' first.
const (
	LastDayBeforeReform = "2025-06-30"
	ReformDay           = "2025-07-01"
)

//go:embed data/vn-admin-units-2025-07.json
var reformed []byte

//go:embed data/vn-admin-units-conversion-2025-07.csv
var conversion []byte

// NewProvince is a province or centrally-run city in force since 1 July 2025;
// its communes hang directly under it (districts no longer exist).
type NewProvince struct {
	Code     string       `json:"code"`
	Name     string       `json:"name"`
	NameEN   string       `json:"name_en"`
	Type     string       `json:"type"`
	Communes []NewCommune `json:"communes"`
}

// NewCommune is a commune, ward or special zone in force since 1 July 2025.
type NewCommune struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Type   string `json:"type"`
}

// How says what became of an old unit in one new unit.
type How string

// The values of the conversion table's column `how`.
const (
	HowWhole       How = "whole"        // merged whole into the new unit
	HowPart        How = "part"         // part of its area or population went to the new unit
	HowUnchanged   How = "unchanged"    // continued as the new unit
	HowRenamed     How = "renamed"      // continued under another name
	HowTypeChanged How = "type_changed" // continued as another type (thị trấn → xã)
	HowOther       How = "other"
)

// Hows lists every value of How.
func Hows() []How {
	return []How{HowWhole, HowPart, HowUnchanged, HowRenamed, HowTypeChanged, HowOther}
}

// Link is one row of the conversion table: the old unit OldCode went (whole or
// in part, as How says) into the new unit NewCode.
type Link struct {
	NewProvinceCode, NewCode, NewName string
	OldCode, OldName                  string
	OldDistrictCode, OldDistrictName  string
	OldProvinceCode, OldProvinceName  string
	How                               How
	HowVI                             string // the table's own words
}

// Reformed parses the embedded list of units in force since 1 July 2025.
func Reformed() ([]NewProvince, error) { return ParseReformed(bytes.NewReader(reformed)) }

// Conversions parses the embedded conversion table.
func Conversions() ([]Link, error) { return ParseConversions(bytes.NewReader(conversion)) }

var digits = regexp.MustCompile(`^[0-9]{2,5}$`)

// ParseReformed reads a list in the shape of vn-admin-units-2025-07.json and
// checks it: every unit has a code of digits and a name, no code appears twice.
func ParseReformed(r io.Reader) ([]NewProvince, error) {
	var doc struct {
		Provinces []NewProvince `json:"provinces"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("read 2025 unit list: %w", err)
	}
	if len(doc.Provinces) == 0 {
		return nil, errors.New("read 2025 unit list: no provinces in \"provinces\"")
	}
	c := newUnitChecker(func(level, code, name string) string {
		if digits.MatchString(code) {
			return ""
		}
		return fmt.Sprintf("%s %q: code %q is not 2–5 digits", level, name, code)
	})
	for _, p := range doc.Provinces {
		c.check("province", p.Code, p.Name)
		for _, cm := range p.Communes {
			c.check("commune", cm.Code, cm.Name)
		}
	}
	if err := joinProblems("read 2025 unit list", c.problems); err != nil {
		return nil, err
	}
	return doc.Provinces, nil
}

// conversionHeader is the conversion table's first row.
var conversionHeader = []string{"new_province_code", "new_code", "new_name", "old_code", "old_name",
	"old_district_code", "old_district_name", "old_province_code", "old_province_name", "how", "how_vi"}

// ParseConversions reads a conversion table in the shape of
// vn-admin-units-conversion-2025-07.csv (header row first) and checks each
// row: codes of digits, a known `how`, no (old, new) pair twice.
func ParseConversions(r io.Reader) ([]Link, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(conversionHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read conversion table: %w", err)
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	if strings.Join(head, ",") != strings.Join(conversionHeader, ",") {
		return nil, fmt.Errorf("read conversion table: the header must be %s", strings.Join(conversionHeader, ","))
	}
	known := map[How]bool{}
	for _, h := range Hows() {
		known[h] = true
	}
	var links []Link
	var problems []string
	seen := map[[2]string]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read conversion table: %w", err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		l := Link{NewProvinceCode: rec[0], NewCode: rec[1], NewName: rec[2], OldCode: rec[3], OldName: rec[4],
			OldDistrictCode: rec[5], OldDistrictName: rec[6], OldProvinceCode: rec[7], OldProvinceName: rec[8],
			How: How(rec[9]), HowVI: rec[10]}
		for _, c := range []struct{ col, v string }{{"new_province_code", l.NewProvinceCode}, {"new_code", l.NewCode},
			{"old_code", l.OldCode}, {"old_province_code", l.OldProvinceCode}} {
			if !digits.MatchString(c.v) {
				problems = append(problems, fmt.Sprintf("line %d: %s %q is not 2–5 digits", line, c.col, c.v))
			}
		}
		if !known[l.How] {
			problems = append(problems, fmt.Sprintf("line %d: how %q is not one of %v", line, l.How, Hows()))
		}
		pair := [2]string{l.OldCode, l.NewCode}
		if seen[pair] {
			problems = append(problems, fmt.Sprintf("line %d: %s → %s appears twice", line, l.OldCode, l.NewCode))
		}
		seen[pair] = true
		links = append(links, l)
	}
	if len(links) == 0 {
		problems = append(problems, "no rows")
	}
	if err := joinProblems("read conversion table", problems); err != nil {
		return nil, err
	}
	return links, nil
}

// FindNew returns the province in force since 1 July 2025 with the given code.
func FindNew(ps []NewProvince, code string) (NewProvince, bool) {
	for _, p := range ps {
		if p.Code == code {
			return p, true
		}
	}
	return NewProvince{}, false
}

// unitChecker collects the problems of an official unit list: a bad code
// (badCode says why, "" when the code is fine), a missing name, or a code
// listed twice at one level.
type unitChecker struct {
	badCode  func(level, code, name string) string
	seen     map[string]bool
	problems []string
}

func newUnitChecker(badCode func(level, code, name string) string) *unitChecker {
	return &unitChecker{badCode: badCode, seen: map[string]bool{}}
}

func (c *unitChecker) check(level, code, name string) {
	if why := c.badCode(level, code, name); why != "" {
		c.problems = append(c.problems, why)
	} else if strings.TrimSpace(name) == "" {
		c.problems = append(c.problems, fmt.Sprintf("%s %s has no name", level, code))
	} else if c.seen[level+code] {
		c.problems = append(c.problems, fmt.Sprintf("%s code %s appears twice", level, code))
	}
	c.seen[level+code] = true
}

func joinProblems(what string, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	if len(problems) > 10 {
		problems = append(problems[:10], fmt.Sprintf("… and %d more", len(problems)-10))
	}
	return fmt.Errorf("%s: %s", what, strings.Join(problems, "; "))
}

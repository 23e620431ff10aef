// Package adminunits reads the official list of Vietnam's administrative units
// (provinces, districts, communes and wards, with their statistics codes) that is
// embedded in the binary. Source: the national statistics office's list as of
// 01/03/2025, as gathered by the public dataset daohoangson/dvhcvn
// (data/dvhcvn.json); copied unchanged to data/vn-admin-units-2025-03.json.
// Next to it, the units in force since the reform of 1 July 2025 and the
// official old → new conversion table (reform.go names their sources).
package adminunits

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Source names where the embedded data comes from, for pages and exports.
const Source = "Danh mục đơn vị hành chính Việt Nam (Tổng cục Thống kê, 01/03/2025), qua bộ dữ liệu công khai daohoangson/dvhcvn"

//go:embed data/vn-admin-units-2025-03.json
var official []byte

// Province is a level-1 unit (tỉnh / thành phố trung ương).
type Province struct {
	Code      string     `json:"level1_id"`
	Name      string     `json:"name"`
	Type      string     `json:"type"`
	Districts []District `json:"level2s"`
}

// District is a level-2 unit (quận, huyện, thị xã, thành phố thuộc tỉnh).
type District struct {
	Code  string `json:"level2_id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Wards []Ward `json:"level3s"`
}

// Ward is a level-3 unit (xã, phường, thị trấn).
type Ward struct {
	Code string `json:"level3_id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Official parses the embedded official list.
func Official() ([]Province, error) { return Parse(bytes.NewReader(official)) }

// Parse reads a list in the dvhcvn shape and checks it: every unit has a code and
// a name, and no code appears twice at its level.
func Parse(r io.Reader) ([]Province, error) {
	var doc struct {
		Data []Province `json:"data"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("read unit list: %w", err)
	}
	if len(doc.Data) == 0 {
		return nil, errors.New("read unit list: no provinces in \"data\"")
	}
	c := newUnitChecker(func(level, code, name string) string {
		if strings.TrimSpace(code) != "" {
			return ""
		}
		return fmt.Sprintf("%s %q has no code", level, name)
	})
	for _, p := range doc.Data {
		c.check("province", p.Code, p.Name)
		for _, d := range p.Districts {
			c.check("district", d.Code, d.Name)
			for _, w := range d.Wards {
				c.check("ward", w.Code, w.Name)
			}
		}
	}
	if err := joinProblems("read unit list", c.problems); err != nil {
		return nil, err
	}
	return doc.Data, nil
}

// Find returns the province with the given code.
func Find(ps []Province, code string) (Province, bool) {
	for _, p := range ps {
		if p.Code == code {
			return p, true
		}
	}
	return Province{}, false
}

// Department is a city department or equivalent body under the City People's
// Committee (sở, ban, ngành); these have no statistics code, so Khung gives them
// a stable code of its own: the province code, "-S", and a short mnemonic.
type Department struct {
	Code  string
	Name  string
	Short string
}

// HanoiDepartments lists the departments of the Hanoi People's Committee as
// organised before the merger of 1 March 2025 (Decision 10/2021/QĐ-UBND and
// later changes): the built-in list the demo city and tests use.
func HanoiDepartments() []Department {
	return []Department{
		{"01-SVP", "Văn phòng Ủy ban nhân dân Thành phố", "VP UBND TP"},
		{"01-SNV", "Sở Nội vụ", "SNV"},
		{"01-STP", "Sở Tư pháp", "STP"},
		{"01-SKHDT", "Sở Kế hoạch và Đầu tư", "SKHĐT"},
		{"01-STC", "Sở Tài chính", "STC"},
		{"01-SCT", "Sở Công Thương", "SCT"},
		{"01-SNN", "Sở Nông nghiệp và Phát triển nông thôn", "SNN&PTNT"},
		{"01-SGTVT", "Sở Giao thông vận tải", "SGTVT"},
		{"01-SXD", "Sở Xây dựng", "SXD"},
		{"01-STNMT", "Sở Tài nguyên và Môi trường", "STN&MT"},
		{"01-STTTT", "Sở Thông tin và Truyền thông", "STT&TT"},
		{"01-SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SLĐTB&XH"},
		{"01-SVHTT", "Sở Văn hóa và Thể thao", "SVH&TT"},
		{"01-SDL", "Sở Du lịch", "SDL"},
		{"01-SKHCN", "Sở Khoa học và Công nghệ", "SKH&CN"},
		{"01-SGDDT", "Sở Giáo dục và Đào tạo", "SGD&ĐT"},
		{"01-SYT", "Sở Y tế", "SYT"},
		{"01-SQHKT", "Sở Quy hoạch - Kiến trúc", "SQH-KT"},
		{"01-SNGV", "Sở Ngoại vụ", "SNgV"},
		{"01-TTTP", "Thanh tra Thành phố", "TTTP"},
		{"01-BDT", "Ban Dân tộc", "BDT"},
	}
}

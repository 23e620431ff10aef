package officialdoc

import "testing"

func TestHeadingLines(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"day below 10 and month below 3 take a zero", DateLine("Hà Nội", 2027, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2027"},
		{"months from March have no zero", DateLine("Hà Nội", 2026, 12, 20), "Hà Nội, ngày 20 tháng 12 năm 2026"},
		{"a number and its symbol", NumberLine("15", "QĐ-SNV"), "Số: 15/QĐ-SNV"},
		{"no number leaves room to write it (no-break spaces HTML keeps)", NumberLine("", "KH-SNV"), "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-SNV"},
		{"the superior is the parent's People's Committee", Superior(" Thành phố Hà Nội "), "UBND THÀNH PHỐ HÀ NỘI"},
		{"no parent, no superior", Superior(""), ""},
		{"the place drops the type", Place("Thành phố Hà Nội"), "Hà Nội"},
		{"a province too", Place("Tỉnh Bắc Ninh"), "Bắc Ninh"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

package plans_test

import (
	"testing"

	"khung/app/plans"
)

// The plan's title speaks the law of its year: a department's specialised
// inspection (thanh tra chuyên ngành) ended on 30/6/2025 (Law on Inspection
// 84/2025/QH15), so plans from 2026 on are plans of checks.
func TestThePlansTitleUsesTheTermsInForceInItsYear(t *testing.T) {
	loc := locales(t)
	for _, tc := range []struct {
		lang string
		year int
		want string
	}{
		{"vi", 2025, "Kế hoạch kiểm tra công vụ, thanh tra, kiểm tra chuyên ngành năm 2025 (kế hoạch khung)"},
		{"vi", 2026, "Kế hoạch kiểm tra công vụ, kiểm tra chuyên ngành năm 2026 (kế hoạch khung)"},
		{"vi", 2027, "Kế hoạch kiểm tra công vụ, kiểm tra chuyên ngành năm 2027 (kế hoạch khung)"},
		{"en", 2027, "Framework plan for 2027 (kiểm tra công vụ, kiểm tra chuyên ngành)"},
	} {
		if got := plans.Title(loc.For(tc.lang), tc.year); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.lang, tc.year, got, tc.want)
		}
	}
}

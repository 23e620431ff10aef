package plans_test

import (
	"slices"
	"testing"

	"khung/app/plans"
)

func TestPagesShowExplanationsInTheUsersLanguage(t *testing.T) {
	en, vi := []string{"start 2025-03-10: no window was asked"}, []string{"Bắt đầu ngày 10/03/2025: không đề xuất nào nêu thời gian đề xuất"}
	tests := []struct {
		name                  string
		visit                 plans.Visit
		lang                  string
		wantWhy               []string
		wantWhyLang           string
		wantReason, wantRLang string
	}{
		{"Vietnamese page shows the Vietnamese sentences", plans.Visit{Why: en, WhyVi: vi, UnscheduledReason: "r", UnscheduledReasonVi: "lý do"},
			"vi", vi, "vi", "lý do", "vi"},
		{"English page shows the English sentences", plans.Visit{Why: en, WhyVi: vi, UnscheduledReason: "r", UnscheduledReasonVi: "lý do"},
			"en", en, "en", "r", "en"},
		{"an old row without Vietnamese falls back to English, marked as English", plans.Visit{Why: en, WhyVi: []string{}, UnscheduledReason: "r"},
			"vi", en, "en", "r", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.visit.WhyIn(tc.lang); !slices.Equal(got, tc.wantWhy) {
				t.Errorf("WhyIn(%s) = %q, want %q", tc.lang, got, tc.wantWhy)
			}
			if got := tc.visit.WhyLang(tc.lang); got != tc.wantWhyLang {
				t.Errorf("WhyLang(%s) = %q, want %q", tc.lang, got, tc.wantWhyLang)
			}
			if got := tc.visit.ReasonIn(tc.lang); got != tc.wantReason {
				t.Errorf("ReasonIn(%s) = %q, want %q", tc.lang, got, tc.wantReason)
			}
			if got := tc.visit.ReasonLang(tc.lang); got != tc.wantRLang {
				t.Errorf("ReasonLang(%s) = %q, want %q", tc.lang, got, tc.wantRLang)
			}
		})
	}
}

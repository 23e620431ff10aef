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

func TestStoredMessagesRenderTheStoredSentencesInBothLanguages(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	detail, err := d.svc.Detail(ctx, d.planner, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	loc := locales(t)
	vi, en := loc.For("vi"), loc.For("en")
	for _, vis := range append(detail.Visits, detail.Unscheduled...) {
		if vis.Scheduled() {
			if len(vis.WhyMsgs) == 0 || len(vis.WhyMsgs) != len(vis.Why) {
				t.Fatalf("visit %s: %d messages for %d sentences", vis.Code, len(vis.WhyMsgs), len(vis.Why))
			}
			if got := vis.WhyFor(en); !slices.Equal(got, vis.Why) || vis.WhyLangFor(en) != "en" {
				t.Errorf("visit %s: English from messages %q, stored %q", vis.Code, got, vis.Why)
			}
			if got := vis.WhyFor(vi); !slices.Equal(got, vis.WhyVi) || vis.WhyLangFor(vi) != "vi" {
				t.Errorf("visit %s: Vietnamese from messages %q, stored %q", vis.Code, got, vis.WhyVi)
			}
			continue
		}
		if vis.UnscheduledMsg == nil {
			t.Fatalf("unscheduled visit %s has no message", vis.Code)
		}
		if vis.ReasonFor(en) != vis.UnscheduledReason || vis.ReasonFor(vi) != vis.UnscheduledReasonVi {
			t.Errorf("visit %s: reason from message %q / %q, stored %q / %q", vis.Code,
				vis.ReasonFor(en), vis.ReasonFor(vi), vis.UnscheduledReason, vis.UnscheduledReasonVi)
		}
	}
	// A row written before messages were stored shows its sentences.
	old := plans.Visit{Why: []string{"merged p1 and p2"}, WhyVi: []string{"Gộp"}, UnscheduledReason: "r"}
	if got := old.WhyFor(vi); !slices.Equal(got, []string{"Gộp"}) || old.ReasonFor(en) != "r" {
		t.Errorf("an older row shows %q, %q", got, old.ReasonFor(en))
	}
}

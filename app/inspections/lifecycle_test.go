package inspections

import (
	"errors"
	"testing"

	"khung/app/apperr"
	"khung/app/msg"
	"khung/models"
	"khung/views"
)

// inBothLanguages tells whether m has a text in Vietnamese and in English.
func inBothLanguages(t *testing.T, m msg.Message) bool {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	vi, en := loc.For("vi"), loc.For("en")
	return m.ID != "" && vi.Has(m.ID) && en.Has(m.ID) && vi.Msg(m) != "" && en.Msg(m) != ""
}

func TestLifecycleGuards(t *testing.T) {
	planned := Facts{Form: models.FormPlanned}
	withDecision := Facts{Form: models.FormPlanned, HasDecision: true}
	concluded := Facts{Form: models.FormPlanned, HasDecision: true, HasConclusion: true}
	openRecs := Facts{Form: models.FormPlanned, HasDecision: true, HasConclusion: true, OpenRecs: 2}
	secret := Facts{Form: models.FormUnannounced, HasDecision: true}
	tests := []struct {
		name     string
		facts    Facts
		from, to models.VisitStatus
		ok       bool
	}{
		{"a signed decision lets a planned visit move on", withDecision, models.VisitPlanned, models.VisitDecisionSigned, true},
		{"no decision, no decision_signed", planned, models.VisitPlanned, models.VisitDecisionSigned, false},
		{"a step cannot be skipped", withDecision, models.VisitPlanned, models.VisitOnSite, false},
		{"a visit never moves backwards", withDecision, models.VisitOnSite, models.VisitAnnounced, false},
		{"a planned visit is announced after its decision", withDecision, models.VisitDecisionSigned, models.VisitAnnounced, true},
		{"an unannounced visit is never announced", secret, models.VisitDecisionSigned, models.VisitAnnounced, false},
		{"an unannounced visit goes from its decision straight on site", secret, models.VisitDecisionSigned, models.VisitOnSite, true},
		{"on site ends", withDecision, models.VisitOnSite, models.VisitOnSiteEnded, true},
		{"no conclusion, no conclusion_issued", withDecision, models.VisitOnSiteEnded, models.VisitConclusionIssued, false},
		{"a conclusion lets the visit be concluded", concluded, models.VisitOnSiteEnded, models.VisitConclusionIssued, true},
		{"follow-up after the conclusion", concluded, models.VisitConclusionIssued, models.VisitFollowUp, true},
		{"open recommendations keep a visit from closing", openRecs, models.VisitFollowUp, models.VisitClosed, false},
		{"a visit closes when every recommendation is done or cancelled", concluded, models.VisitFollowUp, models.VisitClosed, true},
		{"nothing after closed", concluded, models.VisitClosed, models.VisitClosed, false},
		{"a cancelled visit goes nowhere", withDecision, models.VisitCancelled, models.VisitOnSite, false},
		{"a suspended visit must be resumed first", withDecision, models.VisitSuspended, models.VisitOnSite, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckStep(tc.facts, tc.from, tc.to)
			if tc.ok && err != nil {
				t.Fatalf("CheckStep(%s → %s) = %v, want allowed", tc.from, tc.to, err)
			}
			if !tc.ok {
				var ae *apperr.Error
				if err == nil || !errors.Is(err, apperr.ErrConflict) || !errors.As(err, &ae) || !inBothLanguages(t, ae.Msg) {
					t.Fatalf("CheckStep(%s → %s) = %v, want a conflict with a message in both languages", tc.from, tc.to, err)
				}
			}
		})
	}
}

package followup

import (
	"slices"
	"testing"
)

func TestTheTimeToSignAConclusion(t *testing.T) {
	w := testWorkdays(t)
	draft := Draft{VisitID: 7, ReceivedOn: day("2026-11-02")}
	tests := []struct {
		name     string
		working  bool
		remind   int
		today    string
		want     string
		audience []Audience
	}{
		{"nothing in the first days after the draft is received", false, 3, "2026-11-13", "", nil},
		{"the signer is reminded three days before the 15th day", false, 3, "2026-11-14", "draft:7:soon@2026-11-17", []Audience{AudienceSigner}},
		{"…with the same key until the last day", false, 3, "2026-11-17", "draft:7:soon@2026-11-17", []Audience{AudienceSigner}},
		{"the day after, the signer, the leadership and the team lead are told", false, 3, "2026-11-18", "draft:7:overdue@2026-11-17",
			[]Audience{AudienceSigner, AudienceLeadership, AudienceTeam}},
		{"without a reminder before, only the escalation", false, 0, "2026-11-17", "", nil},
		{"in working days when the rule says so", true, 3, "2026-11-23", "draft:7:soon@2026-11-23", []Audience{AudienceSigner}},
		{"…overdue the day after the 15th working day", true, 3, "2026-11-24", "draft:7:overdue@2026-11-23",
			[]Audience{AudienceSigner, AudienceLeadership, AudienceTeam}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			p.ConclusionInWorkingDays, p.LimitReminderDays = tt.working, tt.remind
			n, ok, err := ConclusionDue(draft, p, w, day(tt.today))
			if err != nil {
				t.Fatal(err)
			}
			if got := map[bool]string{true: n.Key}[ok]; got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
			if ok && !slices.Equal(n.Audiences, tt.audience) {
				t.Errorf("audiences %v, want %v", n.Audiences, tt.audience)
			}
		})
	}
}

func TestTheDirectiveIsRemindedBeforeItFallsDue(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy() // 15 calendar days, reminded 3 days before
	c := Conclusion{ID: 12, SignedOn: day("2026-11-02")}
	for _, tt := range []struct {
		name, today, want string
		c                 Conclusion
	}{
		{"not before the last three days", "2026-11-13", "", c},
		{"the leadership is reminded three days before", "2026-11-14", "conclusion:12:directive-soon@2026-11-17", c},
		{"not once the deadline has passed (the escalation takes over)", "2026-11-18", "", c},
		{"not once the directive is issued", "2026-11-15", "", Conclusion{ID: 12, SignedOn: day("2026-11-02"), DirectiveIssued: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, ok, err := DirectiveDueSoon(tt.c, p, w, day(tt.today))
			if err != nil {
				t.Fatal(err)
			}
			if got := map[bool]string{true: n.Key}[ok]; got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
		})
	}
}

package followup

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"khung/app/calendar"
)

func keys(ns []Notice) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.Key)
	}
	return out
}

func rec(id int64, deadline, recorded string) Recommendation {
	return Recommendation{ID: id, Deadline: day(deadline), Status: "open", RecordedOn: day(recorded)}
}

func TestRecommendationReminders(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy()
	// Deadline Friday 2026-12-04; recorded long before.
	r := rec(42, "2026-12-04", "2026-10-01")
	tests := []struct {
		name  string
		r     Recommendation
		today string
		want  []string
	}{
		{"nothing is due long before the deadline", r, "2026-11-19", []string{}},
		{"14 days before the deadline the first reminder is due", r, "2026-11-20", []string{"rec:42:before:14@2026-12-04"}},
		{"a reminder stays due for the catch-up window", r, "2026-11-26", []string{"rec:42:before:14@2026-12-04"}},
		{"7 days before, the 14-day reminder is still inside the catch-up window", r, "2026-11-27",
			[]string{"rec:42:before:14@2026-12-04", "rec:42:before:7@2026-12-04"}},
		{"a reminder older than the catch-up window is dropped", r, "2026-11-28", []string{"rec:42:before:7@2026-12-04"}},
		{"1 day before", r, "2026-12-03", []string{"rec:42:before:7@2026-12-04", "rec:42:before:1@2026-12-04"}},
		{"on the deadline the day-of reminder is due", r, "2026-12-04",
			[]string{"rec:42:before:7@2026-12-04", "rec:42:before:1@2026-12-04", "rec:42:due@2026-12-04"}},
		{"the day after the deadline the weekly overdue reminder and the office escalation are due", r, "2026-12-05",
			[]string{"rec:42:before:1@2026-12-04", "rec:42:due@2026-12-04", "rec:42:overdue:2026-W49", "rec:42:escalate:office@2026-12-04"}},
		{"a new ISO week brings a new overdue reminder; the head is told after 5 overdue working days", r, "2026-12-11",
			[]string{"rec:42:due@2026-12-04", "rec:42:overdue:2026-W49", "rec:42:overdue:2026-W50",
				"rec:42:escalate:office@2026-12-04", "rec:42:escalate:head@2026-12-04"}},
		{"four overdue working days are not enough for the head", r, "2026-12-10",
			[]string{"rec:42:before:1@2026-12-04", "rec:42:due@2026-12-04", "rec:42:overdue:2026-W49", "rec:42:overdue:2026-W50",
				"rec:42:escalate:office@2026-12-04"}},
		{"department leadership is told after 10 overdue working days", r, "2026-12-18",
			[]string{"rec:42:overdue:2026-W51", "rec:42:escalate:head@2026-12-04", "rec:42:escalate:leadership@2026-12-04"}},
		{"an escalation is due only for the catch-up window after its level is reached", r, "2026-12-24",
			[]string{"rec:42:overdue:2026-W52", "rec:42:escalate:leadership@2026-12-04"}},
		{"months later only the weekly reminder is due", r, "2027-03-03", []string{"rec:42:overdue:2027-W09"}},
		{"a recommendation recorded 3 days before its deadline gets no 14- or 7-day reminder",
			rec(43, "2026-12-04", "2026-12-01"), "2026-12-03", []string{"rec:43:before:1@2026-12-04"}},
		{"a recommendation recorded overdue is escalated but gets no reminder from before it was recorded",
			rec(44, "2026-12-04", "2026-12-08"), "2026-12-08", []string{"rec:44:escalate:office@2026-12-04"}},
		{"…and climbs the next levels when it reaches them", rec(44, "2026-12-04", "2026-12-08"), "2026-12-16",
			[]string{"rec:44:overdue:2026-W51", "rec:44:escalate:head@2026-12-04"}},
		{"a moved deadline gives new keys", rec(42, "2026-12-18", "2026-10-01"), "2026-12-11",
			[]string{"rec:42:before:14@2026-12-18", "rec:42:before:7@2026-12-18"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RecommendationDue(tt.r, p, w, day(tt.today))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Fatalf("due keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOnlyRecommendationsWaitingForTheUnitAreReminded(t *testing.T) {
	w := testWorkdays(t)
	for _, status := range []string{"reported", "done", "cancelled"} {
		t.Run("a "+status+" recommendation gets nothing", func(t *testing.T) {
			r := rec(1, "2026-12-04", "2026-10-01")
			r.Status = status
			got, err := RecommendationDue(r, DefaultPolicy(), w, day("2026-12-20"))
			if err != nil || len(got) != 0 {
				t.Fatalf("got %v, %v; want nothing", keys(got), err)
			}
		})
	}
	t.Run("a returned recommendation is reminded like an open one", func(t *testing.T) {
		r := rec(1, "2026-12-04", "2026-10-01")
		r.Status = "returned"
		got, err := RecommendationDue(r, DefaultPolicy(), w, day("2026-12-04"))
		if err != nil || len(got) == 0 {
			t.Fatalf("got %v, %v; want reminders", keys(got), err)
		}
	})
}

func TestNoticeDetails(t *testing.T) {
	w := testWorkdays(t)
	got, err := RecommendationDue(rec(42, "2026-12-04", "2026-10-01"), DefaultPolicy(), w, day("2026-12-18"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range got {
		switch n.Kind {
		case KindOverdue:
			if n.Mail {
				t.Errorf("%s: weekly overdue reminders are in-app only (the digest mails them)", n.Key)
			}
			if n.OverdueWorkingDays != 10 { // as of today, whichever day it was scheduled on
				t.Errorf("%s: overdue working days = %d, want 10", n.Key, n.OverdueWorkingDays)
			}
		case KindEscalation:
			if !n.Mail || n.OverdueWorkingDays != 10 || n.DaysLeft != -14 || len(n.Audiences) != 1 {
				t.Errorf("%s: %+v", n.Key, n)
			}
			if !strings.Contains(n.Key, ":escalate:"+string(n.Audiences[0])+"@") {
				t.Errorf("%s: audience %q", n.Key, n.Audiences[0])
			}
		}
	}
}

// sim runs the decision on each of the given days in order, like a job with a
// ledger of sent keys, and returns the day each key was first due.
func sim(t *testing.T, w *Workdays, p Policy, recs []Recommendation, runDays []time.Time) map[string]time.Time {
	t.Helper()
	sent := map[string]time.Time{}
	for _, today := range runDays {
		for _, r := range recs {
			ns, err := RecommendationDue(r, p, w, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if _, done := sent[n.Key]; !done {
					sent[n.Key] = today
				}
			}
		}
	}
	return sent
}

func everyDay(from, to time.Time, skip func(time.Time) bool) []time.Time {
	var out []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if !skip(d) {
			out = append(out, d)
		}
	}
	return out
}

func sortedKeys(m map[string]time.Time) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestAfterThreeDaysOfDowntimeAllMissedRemindersAreDueOnce(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy()
	// Down from Friday 27 to Sunday 29 November 2026, back on Monday 30.
	down := func(d time.Time) bool { return !d.Before(day("2026-11-27")) && !d.After(day("2026-11-29")) }
	recs := []Recommendation{
		rec(1, "2026-12-04", "2026-10-01"), // 7 days before on the 27th: missed
		rec(2, "2026-11-28", "2026-10-01"), // 1 day before on the 27th and the deadline on the 28th: missed
		rec(3, "2026-11-26", "2026-10-01"), // overdue from the 27th: office escalation and weekly reminder missed
		rec(4, "2026-12-13", "2026-10-01"), // 14 days before on the 29th: missed
		rec(5, "2026-12-31", "2026-10-01"), // nothing in the downtime
	}
	from, to := day("2026-11-01"), day("2026-11-30")
	always := sim(t, w, p, recs, everyDay(from, to, func(time.Time) bool { return false }))
	withDowntime := sim(t, w, p, recs, everyDay(from, to, down))
	if diff := cmp.Diff(sortedKeys(always), sortedKeys(withDowntime)); diff != "" {
		t.Fatalf("notifications after the downtime differ from uninterrupted runs (-always +downtime):\n%s", diff)
	}
	var missed []string
	for k, d := range always {
		if down(d) {
			missed = append(missed, k)
			if got := withDowntime[k]; !got.Equal(day("2026-11-30")) {
				t.Errorf("%s: missed on %s, sent on %s; want on the day back", k, calendar.Format(d), calendar.Format(got))
			}
		}
	}
	slices.Sort(missed)
	want := []string{
		"rec:1:before:7@2026-12-04",
		"rec:2:before:1@2026-11-28", "rec:2:due@2026-11-28", "rec:2:escalate:office@2026-11-28", "rec:2:overdue:2026-W48",
		"rec:3:escalate:office@2026-11-26", "rec:3:overdue:2026-W48",
		"rec:4:before:14@2026-12-13",
	}
	if diff := cmp.Diff(want, missed); diff != "" {
		t.Fatalf("missed reminders (-want +got):\n%s", diff)
	}
}

func TestAnyDowntimeWithinTheCatchUpWindowLosesNothing(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy()
	var recs []Recommendation
	for i := range 30 { // deadlines on every other day of Oct–Nov, recorded early or late
		d := day("2026-10-01").AddDate(0, 0, 2*i+i%2)
		recorded := day("2026-09-01")
		if i%3 == 0 {
			recorded = d.AddDate(0, 0, -5)
		}
		recs = append(recs, Recommendation{ID: int64(i + 1), Deadline: d, Status: "open", RecordedOn: recorded})
	}
	from, to := day("2026-09-20"), day("2026-12-20")
	always := sortedKeys(sim(t, w, p, recs, everyDay(from, to, func(time.Time) bool { return false })))
	for start := day("2026-10-01"); start.Before(day("2026-12-01")); start = start.AddDate(0, 0, 5) {
		for length := 1; length <= p.CatchUpDays; length++ {
			end := start.AddDate(0, 0, length)
			got := sortedKeys(sim(t, w, p, recs, everyDay(from, to, func(d time.Time) bool {
				return !d.Before(start) && d.Before(end)
			})))
			if diff := cmp.Diff(always, got); diff != "" {
				t.Fatalf("down %s for %d days (-always +downtime):\n%s", calendar.Format(start), length, diff)
			}
		}
	}
}

func TestRunningTwiceOnTheSameDayDecidesTheSameKeys(t *testing.T) {
	w := testWorkdays(t)
	r := rec(7, "2026-12-04", "2026-10-01")
	for d := day("2026-11-15"); d.Before(day("2026-12-31")); d = d.AddDate(0, 0, 1) {
		a, errA := RecommendationDue(r, DefaultPolicy(), w, d)
		b, errB := RecommendationDue(r, DefaultPolicy(), w, d)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("%s: two runs differ:\n%s", calendar.Format(d), diff)
		}
	}
}

func TestPolicyOffsetsAndLadderAreData(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy()
	p.ReminderOffsetsDays = []int{3}
	p.Escalation = []Escalation{{AudienceHead, 2}}
	got, err := RecommendationDue(rec(9, "2026-12-04", "2026-10-01"), p, w, day("2026-12-08"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rec:9:before:3@2026-12-04", "rec:9:due@2026-12-04", "rec:9:overdue:2026-W49", "rec:9:overdue:2026-W50",
		"rec:9:escalate:head@2026-12-04"}
	if diff := cmp.Diff(want, keys(got)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	got, _ = RecommendationDue(rec(9, "2026-12-04", "2026-10-01"), p, w, day("2026-12-01"))
	if diff := cmp.Diff([]string{"rec:9:before:3@2026-12-04"}, keys(got)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestVisitNotices(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy()                                                                                     // 5 working days
	published := Visit{ID: 7, Form: "planned", Published: true, Status: "planned", Start: day("2026-12-07")} // Monday
	with := func(f func(*Visit)) Visit { v := published; f(&v); return v }
	tests := []struct {
		name  string
		v     Visit
		today string
		want  bool
	}{
		{"a published visit gets no notice before its notice day", published, "2026-11-27", false},
		{"a published visit's unit is told 5 working days before it starts", published, "2026-11-30", true},
		{"the notice stays due until the visit starts", published, "2026-12-06", true},
		{"no notice once the visit has started", published, "2026-12-07", false},
		{"an unannounced visit never gets a notice", with(func(v *Visit) { v.Form = "unannounced" }), "2026-12-01", false},
		{"a verification visit never gets a notice", with(func(v *Visit) { v.Form = "verification" }), "2026-12-01", false},
		{"a visit of a draft plan gets no notice", with(func(v *Visit) { v.Published = false }), "2026-12-01", false},
		{"a cancelled visit gets no notice", with(func(v *Visit) { v.Status = "cancelled" }), "2026-12-01", false},
		{"a suspended visit gets no notice", with(func(v *Visit) { v.Status = "suspended" }), "2026-12-01", false},
		{"an unscheduled visit gets no notice", with(func(v *Visit) { v.Start = time.Time{} }), "2026-12-01", false},
		{"a visit with a signed decision still gets its notice", with(func(v *Visit) { v.Status = "decision_signed" }), "2026-12-01", true},
		{"the notice counts working days over holidays", with(func(v *Visit) { v.Start = day("2026-09-07") }), "2026-08-26", true},
		{"…and not one day earlier", with(func(v *Visit) { v.Start = day("2026-09-07") }), "2026-08-25", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok, err := VisitNoticeDue(tt.v, p, w, day(tt.today))
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.want {
				t.Fatalf("due = %v, want %v (%+v)", ok, tt.want, n)
			}
			if ok && n.Key != fmt.Sprintf("visit:7:notice@%s", calendar.Format(tt.v.Start)) {
				t.Fatalf("key = %s", n.Key)
			}
		})
	}
}

func TestAnUnannouncedVisitNeverGetsANotice(t *testing.T) {
	w := testWorkdays(t)
	for _, form := range []string{"unannounced", "verification"} {
		for _, status := range []string{"planned", "decision_signed", "announced"} {
			v := Visit{ID: 1, Form: form, Published: true, Status: status, Start: day("2026-12-07")}
			for d := day("2026-10-01"); d.Before(day("2026-12-31")); d = d.AddDate(0, 0, 1) {
				if _, ok, err := VisitNoticeDue(v, DefaultPolicy(), w, d); ok || err != nil {
					t.Fatalf("%s visit (%s) got a notice on %s (err %v)", form, status, calendar.Format(d), err)
				}
			}
		}
	}
}

func TestMissingDirectiveReminders(t *testing.T) {
	w := testWorkdays(t)
	p := DefaultPolicy() // 15 calendar days
	signed := Conclusion{ID: 12, SignedOn: day("2026-11-02")}
	tests := []struct {
		name    string
		c       Conclusion
		working bool
		today   string
		want    string
	}{
		{"no reminder within 15 days of signing", signed, false, "2026-11-17", ""},
		{"a reminder once 15 days pass without a directive", signed, false, "2026-11-18", "conclusion:12:directive@2026-11-17"},
		{"the reminder keeps its key later on", signed, false, "2026-12-20", "conclusion:12:directive@2026-11-17"},
		{"no reminder once the directive is issued", Conclusion{ID: 12, SignedOn: day("2026-11-02"), DirectiveIssued: true}, false, "2026-12-20", ""},
		{"in working days when the rule says so", signed, true, "2026-11-23", ""},
		{"…due the day after the 15th working day", signed, true, "2026-11-24", "conclusion:12:directive@2026-11-23"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := p
			p.DirectiveInWorkingDays = tt.working
			n, ok, err := MissingDirectiveDue(tt.c, p, w, day(tt.today))
			if err != nil {
				t.Fatal(err)
			}
			if got := map[bool]string{true: n.Key}[ok]; got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
			// The directive is the managing body's head's to issue: the
			// reminder goes to leadership and the team, never to the unit.
			if ok && (!slices.Equal(n.Audiences, []Audience{AudienceLeadership, AudienceTeam})) {
				t.Errorf("audiences %v, want leadership and team", n.Audiences)
			}
		})
	}
}

func TestWeeklyDigest(t *testing.T) {
	p := DefaultPolicy() // Monday
	tests := []struct {
		name  string
		day   string
		want  bool
		wkKey string
	}{
		{"the digest is due on the digest weekday", "2026-11-23", true, "digest:2026-W48"},
		{"a digest missed on Monday is due later that week", "2026-11-25", true, "digest:2026-W48"},
		{"…until Sunday, in the same week", "2026-11-29", true, "digest:2026-W48"},
		{"a Friday digest is not due on Thursday", "2026-11-26", false, "digest:2026-W48"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := p
			if i == 3 {
				p.DigestWeekday = time.Friday
			}
			key, ok := DigestDue(p, day(tt.day))
			if ok != tt.want || key != tt.wkKey {
				t.Fatalf("DigestDue = %s, %v; want %s, %v", key, ok, tt.wkKey, tt.want)
			}
		})
	}
}

func TestPolicyValidation(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("the default policy is valid: %v", err)
	}
	bad := Policy{
		ReminderOffsetsDays: []int{7, 7, 0},
		Escalation:          []Escalation{{AudienceHead, 5}, {"boss", 2}, {AudienceHead, -1}},
		DigestWeekday:       9,
	}
	err := bad.Validate()
	if err == nil {
		t.Fatal("a bad policy must be refused")
	}
	for _, want := range []string{"offset 7 days: given twice", "offset 0 days", `position "boss"`, "level 2: must not come before level 1",
		`level 3: position "head": given twice`, "-1 overdue working days", "digest weekday", "visit notice", "directive deadline"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if d, err := ParseWeekday("monday"); err != nil || d != time.Monday {
		t.Fatalf("ParseWeekday(monday) = %v, %v", d, err)
	}
	if _, err := ParseWeekday("lundi"); err == nil {
		t.Fatal("ParseWeekday(lundi) must fail")
	}
}

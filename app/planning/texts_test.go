package planning

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"khung/app/planning/plantext"
	"khung/views"
)

// testLocales is the message bundle the app and the CLI render with.
var testLocales = sync.OnceValues(func() (*views.Locales, error) {
	return views.LoadLocales(views.LocaleFiles())
})

func translators(t testing.TB) (en, vi *views.Translator) {
	t.Helper()
	loc, err := testLocales()
	if err != nil {
		t.Fatal(err)
	}
	return loc.For("en"), loc.For("vi")
}

// renderPlan writes the plan's sentences from its messages, as the CLI does.
func renderPlan(t testing.TB, plan *Plan) *Plan {
	t.Helper()
	en, vi := translators(t)
	plan.Render(plantext.Renderer[Message](en), plantext.Renderer[Message](vi))
	return plan
}

// renderError writes the sentences of an *InstanceError in err, if any.
func renderError(t testing.TB, err error) error {
	t.Helper()
	var ie *InstanceError
	if errors.As(err, &ie) {
		en, vi := translators(t)
		ie.Render(plantext.Renderer[Message](en), plantext.Renderer[Message](vi))
	}
	return err
}

// engineIDs finds the message ids written in the engine's source.
var engineID = regexp.MustCompile(`"(planning\.[a-z_.]+[a-z_])"`)

func TestEveryMessageIDOfTheEngineIsInBothCatalogs(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	en, vi := translators(t)
	ids := map[string]bool{"planning.list": true}
	for _, form := range []string{FormPlanned, FormUnannounced, FormVerification} {
		ids[formMsg(form).ID] = true
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range engineID.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") { // "planning.form." + form
				ids[m[1]] = true
			}
		}
	}
	if len(ids) < 50 {
		t.Fatalf("found only %d message ids in the engine's source", len(ids))
	}
	for id := range ids {
		for _, tr := range []*views.Translator{en, vi} {
			if !tr.Has(id) {
				t.Errorf("%s: no message %q", tr.Lang, id)
			}
		}
	}
}

// walk calls f on m and on every message nested in its parameters.
func walk(m Message, f func(Message)) {
	f(m)
	for _, v := range m.Args {
		switch x := v.(type) {
		case Message:
			walk(x, f)
		case []any:
			for _, item := range x {
				if n, ok := item.(Message); ok {
					walk(n, f)
				}
			}
		}
	}
}

func TestEveryMessageTheEngineGivesRendersInBothLanguages(t *testing.T) {
	en, vi := translators(t)
	var msgs []Message
	// Plans of tight random instances: merges, windows, leave, unscheduled visits.
	for seed := range uint64(8) {
		inst := randomInstance(seed, 60, 6+int(seed))
		for _, opt := range []Options{{Seed: seed, Iterations: 2000}, {Greedy: true}} {
			plan, err := Solve(inst, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range plan.Visits {
				msgs = append(msgs, v.WhyMsgs...)
			}
			for _, u := range plan.Unscheduled {
				msgs = append(msgs, *u.ReasonMsg)
			}
			// Refused and accepted hand changes of the first visits.
			s, err := NewSession(inst, plan)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range plan.Visits {
				if k == 6 {
					break
				}
				for _, c := range []Change{{Visit: v.ID, Start: inst.Calendar.Holidays[0]},
					{Visit: v.ID, Start: plan.Visits[(k+1)%len(plan.Visits)].Start},
					{Visit: v.ID, Lead: inst.Inspectors[k%len(inst.Inspectors)].ID}} {
					d, err := s.Try(c)
					if err != nil {
						continue
					}
					for _, x := range d.Violations {
						msgs = append(msgs, x.Msg)
					}
				}
			}
		}
	}
	// Problems of a bad instance.
	bad := baseInstance()
	bad.Proposals = []Proposal{prop("p1", "nobody", "99", "surprise", 0, 0, 7)}
	bad.Proposals[0].Window = &Interval{From: "2025-02-30", To: "2024-01-01"}
	var ie *InstanceError
	if !errors.As(Validate(bad), &ie) {
		t.Fatal("the bad instance is valid")
	}
	for _, p := range ie.Problems {
		msgs = append(msgs, p.Msg)
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		walk(m, func(n Message) { seen[n.ID] = true })
		for _, tr := range []*views.Translator{en, vi} {
			s := plantext.Of(tr, m)
			if s == "" || strings.Contains(s, "planning.") || strings.Contains(s, "<no value>") || strings.Contains(s, "%!") {
				t.Errorf("%s: %+v renders as %q", tr.Lang, m, s)
			}
		}
	}
	if len(seen) < 30 {
		t.Errorf("the scenarios give only %d distinct messages: %v", len(seen), seen)
	}
	t.Logf("%d messages, %d distinct ids", len(msgs), len(seen))
}

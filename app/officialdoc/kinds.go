package officialdoc

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
)

// kindsTOML holds the words of the documents per kind of inspection, each
// with its legal basis and the dates it holds (kinds.toml says how to read it).
//
//go:embed kinds.toml
var kindsTOML string

// Validity is when a kind or a basis holds: from ValidFrom to ValidTo, both
// inclusive; an empty ValidTo is still in force.
type Validity struct {
	ValidFrom string `toml:"valid_from"` // "2025-07-01"
	ValidTo   string `toml:"valid_to"`
}

// Holds tells whether the validity covers day (a "2006-01-02" string compares
// as a date).
func (v Validity) Holds(day time.Time) bool {
	d := day.Format(time.DateOnly)
	return v.ValidFrom <= d && (v.ValidTo == "" || d <= v.ValidTo)
}

// Basis is one "Căn cứ …;" line of a decision.
type Basis struct {
	Text       string `toml:"text"`
	LegalBasis string `toml:"legal_basis"`
	Validity
}

// Kind is what the documents of one kind of inspection are called.
type Kind struct {
	Code              string   `toml:"code"`
	Name              string   `toml:"name"`
	MatchForms        []string `toml:"match_forms"`
	MatchVisitKinds   []string `toml:"match_visit_kinds"`
	MatchBodyKinds    []string `toml:"match_body_kinds"`
	Action            string   `toml:"action"`    // "thanh tra", in running text
	Team              string   `toml:"team"`      // "Đoàn thanh tra"
	TeamHead          string   `toml:"team_head"` // "Trưởng đoàn thanh tra"
	DecisionSubject   string   `toml:"decision_subject"`
	ConclusionHeading string   `toml:"conclusion_heading"` // "KẾT LUẬN THANH TRA"; "THÔNG BÁO"
	ConclusionSubject string   `toml:"conclusion_subject"` // "Kết luận kiểm tra tại"
	ConclusionType    string   `toml:"conclusion_type"`    // "KL", "TB", "BC"
	ConclusionLead    string   `toml:"conclusion_lead"`    // "thông báo kết luận như sau"
	MaxWorkingDays    int      `toml:"max_working_days"`
	ReportTo          []string `toml:"report_to"`
	Archive           string   `toml:"archive"` // "Lưu: VT, …"
	LegalBasis        string   `toml:"legal_basis"`
	Bases             []Basis  `toml:"basis"`
	Validity
}

// Simple is a document of one fixed type: the plan, the notice, the acceptance.
type Simple struct {
	DocType    string     `toml:"doc_type"`
	Heading    string     `toml:"heading"`
	Subject    string     `toml:"subject"`
	LegalBasis string     `toml:"legal_basis"`
	ReportTo   []string   `toml:"report_to"`
	Archive    string     `toml:"archive"`
	Activities []Activity `toml:"activity"`
	Other      string     `toml:"other_activity"` // a plan of no listed kind: "kiểm tra"
	Validity
}

// Activity is what a plan calls the visits of one kind, in running text.
type Activity struct {
	VisitKind  string `toml:"visit_kind"`
	Words      string `toml:"words"`
	LegalBasis string `toml:"legal_basis"`
	Validity
}

// PlanOf is what a plan of visits of the given kinds is a plan of, on day:
// the words of each kind that holds, in the book's order, each once, joined
// by ", " ("kiểm tra công vụ, kiểm tra chuyên ngành"); Other when none.
func (s Simple) PlanOf(visitKinds []string, day time.Time) string {
	var words []string
	for _, a := range s.Activities {
		if a.Holds(day) && slices.Contains(visitKinds, a.VisitKind) && !slices.Contains(words, a.Words) {
			words = append(words, a.Words)
		}
	}
	if len(words) == 0 {
		return s.Other
	}
	return strings.Join(words, ", ")
}

// Proposer names the head of a lead body, who proposes the decision.
type Proposer struct {
	BodyKind   string `toml:"body_kind"`
	NamePrefix string `toml:"name_prefix"`
	Head       string `toml:"head"`
}

// Book is every kind and fixed document, read from kinds.toml.
type Book struct {
	Plan       Simple     `toml:"plan"`
	Notice     Simple     `toml:"notice"`
	Acceptance Simple     `toml:"acceptance"`
	Proposers  []Proposer `toml:"proposer"`
	Kinds      []Kind     `toml:"kind"`
	Discipline []Measure  `toml:"discipline"`
}

// Measure is what may be decided about those a recommendation of
// responsibility names: "Khiển trách", for a collective or an individual.
type Measure struct {
	Code       string   `toml:"code"`
	Name       string   `toml:"name"`
	NameEN     string   `toml:"name_en"`
	Applies    []string `toml:"applies"` // collective, individual
	LegalBasis string   `toml:"legal_basis"`
	Validity
}

// Measure returns the measure called code that holds on day.
func (b *Book) Measure(code string, day time.Time) (Measure, bool) {
	for _, m := range b.Discipline {
		if m.Code == code && m.Holds(day) {
			return m, true
		}
	}
	return Measure{}, false
}

// Decision's document type in its symbol (Decree 30/2020, Annex III).
const DecisionType = "QĐ"

// LoadBook reads the embedded kinds.toml and checks it: every kind has its
// words, a legal basis and a valid date, and the last kind matches every visit.
func LoadBook() (*Book, error) { return parseBook(kindsTOML) }

func parseBook(src string) (*Book, error) {
	var b Book
	md, err := toml.Decode(src, &b)
	if err != nil {
		return nil, fmt.Errorf("officialdoc: kinds: %w", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("officialdoc: kinds: unknown keys %v", und)
	}
	var problems []string
	check := func(where string, ok bool, what string) {
		if !ok {
			problems = append(problems, where+": "+what)
		}
	}
	date := func(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil }
	for _, s := range []struct {
		name string
		s    Simple
	}{{"plan", b.Plan}, {"notice", b.Notice}, {"acceptance", b.Acceptance}} {
		check(s.name, s.s.DocType != "" && s.s.Heading != "" && s.s.LegalBasis != "", "doc_type, heading and legal_basis are required")
		check(s.name, date(s.s.ValidFrom), "valid_from is not a date")
	}
	seen := map[string]bool{}
	for i, k := range b.Kinds {
		w := fmt.Sprintf("kind %d (%s)", i+1, k.Code)
		check(w, k.Code != "" && !seen[k.Code], "a code, once")
		seen[k.Code] = true
		for _, f := range []string{k.Name, k.Action, k.Team, k.TeamHead, k.DecisionSubject, k.ConclusionHeading,
			k.ConclusionSubject, k.ConclusionType, k.ConclusionLead, k.Archive, k.LegalBasis} {
			check(w, strings.TrimSpace(f) != "", "every word of the kind is required")
		}
		check(w, date(k.ValidFrom) && (k.ValidTo == "" || date(k.ValidTo)), "valid_from/valid_to are not dates")
		check(w, len(k.Bases) > 0, "at least one basis to cite")
		for j, bs := range k.Bases {
			check(fmt.Sprintf("%s basis %d", w, j+1), bs.Text != "" && bs.LegalBasis != "" && date(bs.ValidFrom), "text, legal_basis and valid_from are required")
		}
	}
	for i, m := range b.Discipline {
		w := fmt.Sprintf("discipline %d (%s)", i+1, m.Code)
		check(w, m.Code != "" && !seen["discipline:"+m.Code], "a code, once")
		seen["discipline:"+m.Code] = true
		check(w, m.Name != "" && m.NameEN != "" && m.LegalBasis != "" && len(m.Applies) > 0 && date(m.ValidFrom),
			"name, name_en, applies, legal_basis and valid_from are required")
	}
	if n := len(b.Kinds); n == 0 || len(b.Kinds[n-1].MatchForms)+len(b.Kinds[n-1].MatchVisitKinds)+len(b.Kinds[n-1].MatchBodyKinds) > 0 {
		problems = append(problems, "the last kind must match every visit (no match_ keys)")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("officialdoc: kinds.toml: %s", strings.Join(problems, "; "))
	}
	return &b, nil
}

// Visit is what picks a visit's kind of documents.
type Visit struct {
	Form       string   // planned, unannounced, verification
	VisitKinds []string // the kinds of its proposals
	BodyKind   string   // the lead body's kind
	On         time.Time
}

// Pick returns the first kind that matches v and holds on v.On, with only
// the bases that hold on that day.
func (b *Book) Pick(v Visit) Kind {
	for _, k := range b.Kinds {
		if !k.Holds(v.On) {
			continue
		}
		if len(k.MatchForms) > 0 && !slices.Contains(k.MatchForms, v.Form) {
			continue
		}
		if len(k.MatchBodyKinds) > 0 && !slices.Contains(k.MatchBodyKinds, v.BodyKind) {
			continue
		}
		if len(k.MatchVisitKinds) > 0 && !slices.ContainsFunc(v.VisitKinds, func(s string) bool { return slices.Contains(k.MatchVisitKinds, s) }) {
			continue
		}
		var bases []Basis
		for _, bs := range k.Bases {
			if bs.Holds(v.On) {
				bases = append(bases, bs)
			}
		}
		k.Bases = bases
		return k
	}
	return b.Kinds[len(b.Kinds)-1]
}

// ProposerOf is "Trưởng phòng Công chức, viên chức" for the body "Phòng Công
// chức, viên chức" of kind division; "" when the book names no head for the kind.
func (b *Book) ProposerOf(bodyKind, bodyName string) string {
	for _, p := range b.Proposers {
		if p.BodyKind != bodyKind {
			continue
		}
		if rest, ok := strings.CutPrefix(bodyName, p.NamePrefix); ok {
			return p.Head + rest
		}
	}
	return ""
}

// Fill puts the issuer and its superior into a basis's text.
func Fill(text, issuer, superior string) string {
	return strings.NewReplacer("{issuer}", issuer, "{superior}", superior).Replace(text)
}

// Number writes a register's number with two digits at least: 1 → "01".
func Number(n int) string { return fmt.Sprintf("%02d", n) }

// Symbol is "QĐ-SNV": the document type and the agency's abbreviation.
func Symbol(docType, agency string) string { return docType + "-" + agency }

// Default is the embedded book, read once.
var Default = sync.OnceValues(LoadBook)

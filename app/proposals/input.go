package proposals

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"khung/app/apperr"
	"khung/app/msg"
	"khung/models"
)

// Input is a proposal as a planner enters it (form, JSON or one row of a file):
// the body, unit, kind, topics and skills are named by their codes.
type Input struct {
	Year        int         `json:"year"`
	Body        string      `json:"body"`
	Unit        string      `json:"unit"`
	Kind        string      `json:"kind"`
	Form        string      `json:"form"` // planned, unannounced, verification
	Topics      []string    `json:"topics"`
	Skills      []string    `json:"skills"` // empty: the skills of the topics
	PeriodFrom  models.Date `json:"period_from"`
	PeriodTo    models.Date `json:"period_to"`
	WindowFrom  models.Date `json:"window_from"`
	WindowTo    models.Date `json:"window_to"`
	Days        int         `json:"days"`
	TeamSize    int         `json:"team_size"`
	Priority    int         `json:"priority"` // 0 means 1 (normal)
	LegalBasis  string      `json:"legal_basis"`
	Note        string      `json:"note"`
	ExternalRef string      `json:"external_ref"`
}

// normalise trims the text fields and drops empty and repeated codes.
func (in *Input) normalise() {
	for _, s := range []*string{&in.Body, &in.Unit, &in.Kind, &in.Form, &in.LegalBasis, &in.Note, &in.ExternalRef} {
		*s = strings.TrimSpace(*s)
	}
	if code, ok := formWords[fold(in.Form)]; ok {
		in.Form = code // "Đột xuất" is unannounced
	}
	in.Topics = uniqueCodes(in.Topics)
	in.Skills = uniqueCodes(in.Skills)
	if in.Priority == 0 {
		in.Priority = 1
	}
}

func uniqueCodes(codes []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// problem is one thing wrong with one field of an input (one cell of a file).
type problem struct {
	Col  string // column key
	Rule string
	Msg  msg.Message
}

// newProblem is the problem rule of column col, said by message id with key/value pairs.
func newProblem(col, rule, id string, pairs ...any) problem {
	return problem{Col: col, Rule: rule, Msg: msg.New(id, pairs...)}
}

func fieldErrors(ps []problem) *apperr.ValidationError {
	ve := &apperr.ValidationError{}
	for _, p := range ps {
		ve.Fields = append(ve.Fields, apperr.FieldError{Field: p.Col, Rule: p.Rule, Msg: p.Msg})
	}
	return ve
}

// parseRecord reads a proposal from text fields (a posted form, or one row of
// a file), keyed by column key; topics and skills may be lists separated by
// commas, semicolons or spaces. Unreadable values are reported by field.
func parseRecord(get func(key string) string) (Input, []problem) {
	var ps []problem
	v := func(k string) string { return strings.TrimSpace(get(k)) }
	in := Input{
		Body: v(colBody), Unit: v(colUnit), Kind: v(colKind),
		Topics: splitCodes(v(colTopics)), Skills: splitCodes(v(colSkills)),
		LegalBasis: v(colLegalBasis), Note: v(colNote), ExternalRef: v(colRef),
	}
	if f := v(colForm); f != "" {
		if code, ok := formWords[fold(f)]; ok {
			in.Form = code
		} else {
			ps = append(ps, newProblem(colForm, "oneof", "proposals.check.form_value", "Value", f))
		}
	}
	for _, d := range []struct {
		key string
		dst *models.Date
	}{{colPeriodFrom, &in.PeriodFrom}, {colPeriodTo, &in.PeriodTo}, {colWindowFrom, &in.WindowFrom}, {colWindowTo, &in.WindowTo}} {
		s := v(d.key)
		if s == "" {
			continue
		}
		date, ok := parseDate(s)
		if !ok {
			ps = append(ps, newProblem(d.key, "date", "proposals.check.date_value", "Value", s))
			continue
		}
		*d.dst = date
	}
	for _, n := range []struct {
		key string
		dst *int
	}{{colDays, &in.Days}, {colTeamSize, &in.TeamSize}, {colPriority, &in.Priority}, {colYear, &in.Year}} {
		s := v(n.key)
		if s == "" {
			continue
		}
		x, ok := parseWhole(s)
		if !ok {
			ps = append(ps, newProblem(n.key, "number", "proposals.check.whole_number", "Value", s))
			continue
		}
		*n.dst = x
	}
	return in, ps
}

// splitCodes splits a list of codes written with commas, semicolons or spaces.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
}

// parseWhole reads a whole number, also written as a spreadsheet writes it ("3.0").
func parseWhole(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int(f), true
}

var (
	isoDate     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dmyDate     = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$`)
	excelSerial = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)
)

// parseDate reads yyyy-mm-dd, dd/mm/yyyy (also with - or .) or a spreadsheet's
// date serial number (days since 30 December 1899), and refuses impossible
// dates such as 31/02/2027.
func parseDate(s string) (models.Date, bool) {
	var y, m, d int
	switch {
	case isoDate.MatchString(s):
		g := isoDate.FindStringSubmatch(s)
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	case dmyDate.MatchString(s):
		g := dmyDate.FindStringSubmatch(s)
		d, m, y = atoi(g[1]), atoi(g[2]), atoi(g[3])
	case excelSerial.MatchString(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f > 2958465 { // 1900-01-01 to 9999-12-31
			return models.Date{}, false
		}
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))
		return models.DateOf(t), true
	default:
		return models.Date{}, false
	}
	date := models.NewDate(y, time.Month(m), d)
	if date.Year != y || int(date.Month) != m || date.Day != d {
		return models.Date{}, false // normalised: the day does not exist
	}
	return date, true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

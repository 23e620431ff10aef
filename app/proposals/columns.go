package proposals

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/BurntSushi/toml"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Column keys: the names of the form fields, the JSON fields and the columns
// of the import file.
const (
	colRef        = "external_ref"
	colBody       = "body"
	colUnit       = "unit"
	colUnitName   = "unit_name"
	colKind       = "kind"
	colForm       = "form"
	colTopics     = "topics"
	colSkills     = "skills"
	colPeriodFrom = "period_from"
	colPeriodTo   = "period_to"
	colWindowFrom = "window_from"
	colWindowTo   = "window_to"
	colDays       = "days"
	colTeamSize   = "team_size"
	colPriority   = "priority"
	colLegalBasis = "legal_basis"
	colNote       = "note"
	colYear       = "year" // the form and the JSON API only: an import is for one year
)

// Column is one column of the import template: its key, its header in
// Vietnamese and English, and what it holds.
type Column struct {
	Key      string  `toml:"key"`
	VI       string  `toml:"vi"` // headers
	EN       string  `toml:"en"`
	Required bool    `toml:"required"`
	Ignored  bool    `toml:"ignored"` // read by people only (the unit's name), never by the import
	HelpVI   string  `toml:"help_vi"` // what to write, in Vietnamese
	HelpEN   string  `toml:"help_en"`
	Width    float64 `toml:"width"`
}

// formText is a form of proposal as the template writes it, and what it means.
type formText struct {
	Code      string `toml:"code"`
	VI        string `toml:"vi"`
	EN        string `toml:"en"`
	MeaningVI string `toml:"meaning_vi"`
	MeaningEN string `toml:"meaning_en"`
}

// templateText is the wording of the import template (template.toml): a
// bilingual document, the same whatever the reader's language, so it is data
// of the file format rather than messages of the catalogs.
type templateText struct {
	Columns []Column   `toml:"columns"`
	Forms   []formText `toml:"forms"`
	Sheets  struct {
		Data, Guide, Units string
	} `toml:"sheets"`
	Guide struct {
		Title         string   `toml:"title"` // with the year twice
		IntroVI       string   `toml:"intro_vi"`
		IntroEN       string   `toml:"intro_en"`
		Columns       string   `toml:"columns"`
		ColumnsHeader []string `toml:"columns_header"`
		RequiredYes   string   `toml:"required_yes"`
		RequiredNo    string   `toml:"required_no"`
		Forms         string   `toml:"forms"`
		FormsHeader   []string `toml:"forms_header"`
		Bodies        string   `toml:"bodies"`
		BodiesHeader  []string `toml:"bodies_header"`
		Kinds         string   `toml:"kinds"`
		KindsHeader   []string `toml:"kinds_header"`
		Topics        string   `toml:"topics"`
		TopicsHeader  []string `toml:"topics_header"`
		Skills        string   `toml:"skills"`
		SkillsHeader  []string `toml:"skills_header"`
		UnitsHeader   []string `toml:"units_header"`
	} `toml:"guide"`
}

//go:embed template.toml
var templateFile []byte

// wording is the parsed template.toml, read once and never changed; a broken
// embedded file is a programming error caught by the package's tests.
var wording = sync.OnceValue(func() templateText {
	var t templateText
	if _, err := toml.Decode(string(templateFile), &t); err != nil {
		panic(fmt.Sprintf("proposals: template.toml: %v", err))
	}
	return t
})

// Columns lists the columns of the template, of exports and of import files, in order.
func Columns() []Column { return slices.Clone(wording().Columns) }

// columnByKey returns the column with key.
func columnByKey(key string) (Column, bool) {
	for _, c := range wording().Columns {
		if c.Key == key {
			return c, true
		}
	}
	return Column{}, false
}

// ignoredHeaders are headers people often add that the import skips: the row number.
var ignoredHeaders = []string{"stt", "so thu tu", "no", "no.", "#"}

// fold is a header or value as compared: lower case, no diacritics (đ is d),
// single spaces, no surrounding spaces.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("đ", "d", "Đ", "D", "–", "-", "—", "-").Replace(out)
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// headerIndex maps each folded header (Vietnamese, English or the key) to its column key.
func headerIndex() map[string]string {
	idx := map[string]string{}
	for _, c := range wording().Columns {
		for _, h := range []string{c.VI, c.EN, c.Key} {
			idx[fold(h)] = c.Key
		}
	}
	return idx
}

// Form labels as people write them, folded, for the import and the form.
var formWords = map[string]string{
	"planned": "planned", "theo ke hoach": "planned", "ke hoach": "planned",
	"unannounced": "unannounced", "dot xuat": "unannounced",
	"verification": "verification", "xac minh": "verification",
}

// FormLabel is the Vietnamese and English name of a form.
func FormLabel(form string) (vi, en string) {
	for _, f := range wording().Forms {
		if f.Code == form {
			return f.VI, f.EN
		}
	}
	return form, form
}

// Forms lists the forms in the order the UI shows them.
func Forms() []string { return []string{"planned", "unannounced", "verification"} }

// Statuses lists the proposal statuses in the order the UI shows them.
func Statuses() []string {
	return []string{"draft", "submitted", "accepted", "rejected", "withdrawn"}
}

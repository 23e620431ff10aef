package proposals

import (
	"slices"
	"testing"
)

func TestTheTemplateIsWordedInBothLanguages(t *testing.T) {
	w := wording()
	keys := []string{colRef, colBody, colUnit, colUnitName, colKind, colForm, colTopics, colSkills, colPeriodFrom,
		colPeriodTo, colWindowFrom, colWindowTo, colDays, colTeamSize, colPriority, colLegalBasis, colNote}
	var got []string
	for _, c := range w.Columns {
		got = append(got, c.Key)
		if c.VI == "" || c.EN == "" || c.HelpVI == "" || c.HelpEN == "" || c.Width <= 0 {
			t.Errorf("column %q lacks a header, a help text or a width: %+v", c.Key, c)
		}
	}
	if !slices.Equal(got, keys) {
		t.Errorf("columns %v, want %v", got, keys)
	}
	var forms []string
	for _, f := range w.Forms {
		forms = append(forms, f.Code)
		if f.VI == "" || f.EN == "" || f.MeaningVI == "" || f.MeaningEN == "" {
			t.Errorf("form %q lacks a word or a meaning: %+v", f.Code, f)
		}
		if formWords[fold(f.VI)] != f.Code || formWords[fold(f.EN)] != f.Code {
			t.Errorf("form %q as the template writes it is not read back", f.Code)
		}
	}
	if !slices.Equal(forms, Forms()) {
		t.Errorf("forms %v, want %v", forms, Forms())
	}
	g := w.Guide
	for name, s := range map[string]string{"title": g.Title, "intro_vi": g.IntroVI, "intro_en": g.IntroEN,
		"data sheet": w.Sheets.Data, "guide sheet": w.Sheets.Guide, "units sheet": w.Sheets.Units} {
		if s == "" {
			t.Errorf("%s is empty", name)
		}
	}
	for name, h := range map[string][]string{"columns": g.ColumnsHeader, "forms": g.FormsHeader, "bodies": g.BodiesHeader,
		"kinds": g.KindsHeader, "topics": g.TopicsHeader, "skills": g.SkillsHeader} {
		if len(h) != 5 {
			t.Errorf("the %s header has %d cells, want 5", name, len(h))
		}
	}
}

package views

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"khung/app/msg"
)

// catalogIDs returns every message id of one language, with the file it comes from.
func catalogIDs(t *testing.T, lang string) map[string]string {
	t.Helper()
	msgs, err := CatalogMessages(LocaleFiles(), lang)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, m := range msgs {
		if prev, dup := ids[m.ID]; dup {
			t.Errorf("%s: message %q is also in %s", m.File, m.ID, prev)
		}
		if strings.TrimSpace(m.Other) == "" {
			t.Errorf("%s: message %q is empty", m.File, m.ID)
		}
		ids[m.ID] = m.File
	}
	return ids
}

func TestEveryMessageExistsInBothLanguages(t *testing.T) {
	vi, en := catalogIDs(t, "vi"), catalogIDs(t, "en")
	var missing []string
	for id, f := range vi {
		if _, ok := en[id]; !ok {
			missing = append(missing, "en lacks "+id+" (from "+f+")")
		}
	}
	for id, f := range en {
		if _, ok := vi[id]; !ok {
			missing = append(missing, "vi lacks "+id+" (from "+f+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
	// Each language has the same catalog files, so an area's messages stay together.
	viFiles, _ := CatalogFiles(LocaleFiles(), "vi")
	enFiles, _ := CatalogFiles(LocaleFiles(), "en")
	for i := range viFiles {
		viFiles[i] = strings.TrimPrefix(viFiles[i], "vi/")
	}
	for i := range enFiles {
		enFiles[i] = strings.TrimPrefix(enFiles[i], "en/")
	}
	if strings.Join(viFiles, ",") != strings.Join(enFiles, ",") {
		t.Errorf("catalog files differ: vi %v, en %v", viFiles, enFiles)
	}
}

// templateID finds {{t $ "id"}}, {{t $.T "id" …}} and (t $ "id") in templates.
var templateID = regexp.MustCompile(`\bt \$[\w.]* "([^"]+)"`)

// dynamicIDs are ids templates build at run time, e.g. (print "role." .Role).
var dynamicIDs = []string{"role.admin", "role.planner", "role.approver", "role.inspector", "role.unit", "role.viewer"}

func TestTemplatesUseOnlyKnownMessages(t *testing.T) {
	vi := catalogIDs(t, "vi")
	used := 0
	err := fs.WalkDir(Templates(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(Templates(), path)
		if err != nil {
			return err
		}
		for _, m := range templateID.FindAllStringSubmatch(string(b), -1) {
			used++
			if _, ok := vi[m[1]]; !ok {
				t.Errorf("%s uses message %q, which no catalog has", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 20 {
		t.Fatalf("found only %d message uses in templates: is the pattern still right?", used)
	}
	for _, id := range dynamicIDs {
		if _, ok := vi[id]; !ok {
			t.Errorf("templates build the id %q, which no catalog has", id)
		}
	}
}

func TestTranslatorSpeaksBothLanguagesAndFallsBackToVietnamese(t *testing.T) {
	l, err := LoadLocales(LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, id string
		args     []any
		want     string
	}{
		{"vi", "auth.login_title", nil, "Đăng nhập"},
		{"en", "auth.login_title", nil, "Sign in"},
		{"en", "home.welcome", []any{"Name", "Lan"}, "Hello, Lan."},
		{"fr", "auth.login_title", nil, "Đăng nhập"},
		{"vi", "no.such.message", nil, "no.such.message"},
	}
	for _, tt := range tests {
		if got := l.For(tt.lang).T(tt.id, tt.args...); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.id, got, tt.want)
		}
	}
	if got := l.For("en").Pick("vi", "en"); got != "en" {
		t.Errorf("Pick in English = %q", got)
	}
}

func TestCountChoosesThePluralFormAndPlainMessagesStillShowIt(t *testing.T) {
	fsys := fstest.MapFS{
		"vi/a.toml": {Data: []byte("plain = \"{{.Count}} cuộc kiểm tra\"\n[days]\nother = \"{{.Count}} ngày làm việc\"\n")},
		"en/a.toml": {Data: []byte("plain = \"Visits: {{.Count}}\"\n[days]\none = \"{{.Count}} working day\"\nother = \"{{.Count}} working days\"\n")},
	}
	l, err := LoadLocales(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, id string
		count    any
		want     string
	}{
		{"en", "days", 1, "1 working day"},
		{"en", "days", 3, "3 working days"},
		{"en", "days", int64(0), "0 working days"},
		{"vi", "days", 1, "1 ngày làm việc"},
		{"vi", "plain", 1, "1 cuộc kiểm tra"},
		{"en", "plain", 1, "Visits: 1"},
		{"en", "plain", 5, "Visits: 5"},
	}
	for _, tt := range tests {
		got := l.For(tt.lang).Msg(msg.New(tt.id, "Count", tt.count))
		if got != tt.want {
			t.Errorf("%s %s %v = %q, want %q", tt.lang, tt.id, tt.count, got, tt.want)
		}
	}
}

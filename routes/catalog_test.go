package routes

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"khung/views"
)

// goMessageID finds the catalog ids Go code of this package passes around:
// h.setFlash(c, "id"), trOf(c).T("id"), tr.T("id", …) — not ids built at run time.
var goMessageID = regexp.MustCompile(`(?:setFlash\(c, |\.T\()"([a-z0-9_.]+)"\s*[,)]`)

func TestGoCodeUsesOnlyKnownMessages(t *testing.T) {
	locales, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var code strings.Builder
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "//") {
				code.WriteString(line + "\n")
			}
		}
		for _, m := range goMessageID.FindAllStringSubmatch(code.String(), -1) {
			used++
			for _, lang := range views.Languages() {
				if got := locales.For(lang).T(m[1]); got == m[1] {
					t.Errorf("%s uses message %q, missing in %s", f, m[1], lang)
				}
			}
		}
	}
	if used < 4 {
		t.Fatalf("found only %d message ids in Go code: is the pattern still right?", used)
	}
}

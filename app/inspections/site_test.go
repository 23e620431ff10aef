package inspections_test

import (
	"testing"

	"khung/app/notify"
	"khung/views"
)

// site renders notifications with the app's catalogs (as app.New does) and links to base.
func site(t testing.TB, base string) notify.Site {
	t.Helper()
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	return notify.Site{Locales: l, BaseURL: base}
}

package routes

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"khung/app/paging"
	"khung/models"
)

// TestCatalogsRulesAndChildUnitsSortPageAndIgnoreAnUnknownSort: the admin's
// catalog entries, rule versions and the units below a unit sort by their
// columns (names as Vietnamese reads them), page, and keep their default
// order for a column they do not have.
func TestCatalogsRulesAndChildUnitsSortPageAndIgnoreAnUnknownSort(t *testing.T) {
	t.Parallel()
	f := startAdminServer(t)
	c, _ := f.client(t, models.RoleAdmin)
	mustDB(t, f.srv.DB.Exec(`INSERT INTO inspection_kinds (code, name_vi, valid_from) VALUES
		('thematic', 'Ấn định chuyên đề', '2026-01-01'), ('adhoc', 'Đột xuất', '2024-06-01'), ('dx', 'Duyệt hồ sơ', '2025-06-01')`).Error)
	mustDB(t, f.srv.DB.Exec(`INSERT INTO rules (key, value, description_vi, valid_from) VALUES
		('zeta.one', '1', 'Ấn định thời hạn', '2024-01-01'), ('alpha.two', '2', 'Đánh giá mức độ', '2026-01-01'),
		('mid.three', '3', 'Duyệt lại', '2025-01-01')`).Error)
	list := func(path, table string, re *regexp.Regexp) []string {
		t.Helper()
		r := c.Get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.Status)
		}
		return rowLinks(between(r.Body, `data-test="`+table+`"`, "</table>"), re)
	}
	// The migrations' own kind (implementation_check, "Kiểm tra việc thực
	// hiện…" from 2025) is among them.
	kinds := regexp.MustCompile(`<a href="/admin/catalogs/kinds/\d+">([^<]+)</a>`)
	rules := regexp.MustCompile(`<a href="/admin/catalogs/rules/\d+"><code>([^<]+)</code></a>`)
	const followup = "followup.implementation_check_max_working_days"
	tests := []struct {
		name, path, table string
		re                *regexp.Regexp
		want              []string
	}{
		{"kinds by name, Ấ before B and Đ after D", "/admin/catalogs/kinds?sort=name", "entries", kinds,
			[]string{"thematic", "dx", "adhoc", "public_service", "implementation_check"}},
		{"kinds by validity, the newest first", "/admin/catalogs/kinds?sort=-validity", "entries", kinds,
			[]string{"thematic", "implementation_check", "dx", "public_service", "adhoc"}},
		{"kinds: page 2 of 2 rows by name", "/admin/catalogs/kinds?sort=name&per_page=2&page=2", "entries", kinds,
			[]string{"adhoc", "public_service"}},
		{"kinds: an unknown column keeps the order of codes", "/admin/catalogs/kinds?sort=password", "entries", kinds,
			[]string{"adhoc", "dx", "implementation_check", "public_service", "thematic"}},
		{"rules by purpose, as Vietnamese sorts", "/admin/catalogs/rules?sort=purpose", "rules", rules,
			[]string{"zeta.one", "mid.three", "alpha.two", followup}},
		{"rules by validity, the newest first", "/admin/catalogs/rules?sort=-validity", "rules", rules,
			[]string{"alpha.two", followup, "mid.three", "zeta.one"}},
		{"rules: page 2 of 2 rows by purpose", "/admin/catalogs/rules?sort=purpose&per_page=2&page=2", "rules", rules,
			[]string{"alpha.two", followup}},
		{"rules: an unknown column keeps the order of keys", "/admin/catalogs/rules?sort=value", "rules", rules,
			[]string{"alpha.two", followup, "mid.three", "zeta.one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(tt.path, tt.table, tt.re); !slices.Equal(got, tt.want) {
				t.Errorf("GET %s lists %q, want %q", tt.path, got, tt.want)
			}
		})
	}

	t.Run("the units below a unit sort by name and code, page, and ignore an unknown column", func(t *testing.T) {
		base := "/admin/units/" + itoa(f.tree.ID(t, "001"))
		names := regexp.MustCompile(`<a href="/admin/units/\d+">([^<]+)</a>`)
		codes := regexp.MustCompile(`</a></td>\s*<td>([^<]+)</td>`) // the cell after the name
		byName := list(base+"?sort=name&per_page=200", "children", names)
		if len(byName) < 4 {
			t.Fatalf("only %d units below Ba Đình: %q", len(byName), byName)
		}
		viet := paging.ByText(func(s string) string { return s })
		if !slices.IsSortedFunc(byName, viet) {
			t.Errorf("by name, not as Vietnamese sorts: %q", byName)
		}
		plain := list(base+"?per_page=200", "children", codes)
		if !slices.IsSorted(plain) {
			t.Errorf("the default order is not by code: %q", plain)
		}
		desc := list(base+"?sort=-code&per_page=200", "children", codes)
		want := slices.Clone(plain)
		slices.Reverse(want)
		if !slices.Equal(desc, want) {
			t.Errorf("by code descending: %q, want %q", desc, want)
		}
		if got := list(base+"?sort=nope&per_page=200", "children", codes); !slices.Equal(got, plain) {
			t.Errorf("an unknown sort changed the order: %q, want %q", got, plain)
		}
		if got := list(base+"?sort=name&per_page=2&page=2", "children", names); !slices.Equal(got, byName[2:4]) {
			t.Errorf("page 2 by name: %q, want %q", got, byName[2:4])
		}
	})
}

// TestTheRemediationQueueSortsByItsColumnsAndPages: the reports awaiting the
// team leader's verdict sort by action (as Vietnamese reads it) and by the
// time they were sent, page, and keep the oldest first for an unknown column.
func TestTheRemediationQueueSortsByItsColumnsAndPages(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	f := newFollowWorld(t, srv)
	third := models.Recommendation{ConclusionID: f.conc.ID, OwnerUnitID: f.w.CommuneA.ID, Action: "Ấn định lại thời hạn giải quyết",
		Deadline: models.NewDate(2027, time.April, 30), Severity: models.SeverityLow}
	mustDB(t, srv.DB.Create(&third).Error)
	sent := func(rec models.Recommendation, day int) {
		mustDB(t, srv.DB.Create(&models.RemediationReport{RecommendationID: rec.ID, Body: "Đã khắc phục",
			SubmittedAt: time.Date(2027, time.April, day, 9, 0, 0, 0, time.UTC)}).Error)
	}
	sent(f.rec, 3)
	sent(f.otherRec, 2)
	sent(third, 4)
	setDay(t, srv, models.NewDate(2027, 4, 10))
	lead := srv.NewClient(t)
	lead.Login(f.lead)
	actions := regexp.MustCompile(`<a href="/recommendations/\d+">([^<]+)</a>`)
	list := func(query string) []string {
		t.Helper()
		r := lead.Get("/remediation-reports" + query)
		if r.Status != http.StatusOK {
			t.Fatalf("GET /remediation-reports%s: %d", query, r.Status)
		}
		return rowLinks(between(r.Body, `data-test="queue"`, "</table>"), actions)
	}
	a, b, c := f.rec.Action, f.otherRec.Action, third.Action // Chấn…, Công…, Ấn…
	tests := []struct {
		name, query string
		want        []string
	}{
		{"by default the oldest report first", "", []string{b, a, c}},
		{"by action: Ấ before C", "?sort=action", []string{c, a, b}},
		{"by the time sent, the newest first", "?sort=-submitted", []string{c, a, b}},
		{"by deadline, the latest first", "?sort=-deadline", []string{c, b, a}},
		{"page 2 of one row by action", "?sort=action&per_page=1&page=2", []string{a}},
		{"an unknown column keeps the oldest first", "?sort=body", []string{b, a, c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("GET /remediation-reports%s lists %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

package routes

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"khung/app/seed"
	"khung/models"
)

// unitHistoryServer is a server with both generations of Hanoi's units and an
// admin's client; ids maps a unit code to its id.
func unitHistoryServer(t *testing.T) (c interface {
	get(path string) (int, string)
}, ids map[string]int64) {
	t.Helper()
	srv := startServer(t)
	if _, err := seed.ImportProvince(context.Background(), srv.DB, "01"); err != nil {
		t.Fatal(err)
	}
	var units []models.Unit
	if err := srv.DB.Select("id", "code").Where("code IN ?", []string{"00001", "00097-2025"}).Find(&units).Error; err != nil {
		t.Fatal(err)
	}
	ids = map[string]int64{}
	for _, u := range units {
		ids[u.Code] = u.ID
	}
	cl := srv.NewClient(t)
	cl.Login(srv.CreateUser(t, models.RoleAdmin))
	return getter(func(path string) (int, string) { r := cl.Get(path); return r.Status, r.Body }), ids
}

type getter func(path string) (int, string)

func (g getter) get(path string) (int, string) { return g(path) }

func TestUnitPagesShowFormerAndLaterUnits(t *testing.T) {
	c, ids := unitHistoryServer(t)
	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"Phúc Xá became Hồng Hà", fmt.Sprintf("/admin/units/%d", ids["00001"]),
			[]string{"Trở thành", "Phường Hồng Hà", "nhập toàn bộ", "từ 01/07/2025", "30/06/2025"}, []string{"Trước đây"}},
		{"Hồng Hà was formerly Phúc Xá and part of Tứ Liên", fmt.Sprintf("/admin/units/%d", ids["00097-2025"]),
			[]string{"Trước đây", "Phường Phúc Xá", "Phường Tứ Liên", "nhập một phần", "01/07/2025"}, []string{"Trở thành"}},
		{"a search by the old name finds the successor, marked", "/admin/units?" + url.Values{"q": {"Phúc Xá"}, "on": {"2026-03-02"}}.Encode(),
			[]string{"Phường Hồng Hà", "kế thừa Phường Phúc Xá"}, []string{`data-test="unit-result">Phường Phúc Xá<`}},
		{"without a day the ended ward is found too", "/admin/units?" + url.Values{"q": {"Phúc Xá"}}.Encode(),
			[]string{`data-test="unit-result">Phường Phúc Xá<`, "đến 30/06/2025", "kế thừa Phường Phúc Xá"}, nil},
		// Last: the language chosen stays with the session.
		{"in English", fmt.Sprintf("/admin/units/%d?lang=en", ids["00001"]),
			[]string{"Became", "Phường Hồng Hà", "merged whole", "since 01/07/2025"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := c.get(tt.path)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(body, w) {
					t.Errorf("the page shows %q", w)
				}
			}
		})
	}
}

func TestTheUnitPickerAPIOffersOnlyUnitsInForce(t *testing.T) {
	c, ids := unitHistoryServer(t)
	status, body := c.get("/api/v1/units?q=phuc+xa&on=2026-03-02")
	if status != 200 || !strings.Contains(body, `"name":"Phường Hồng Hà"`) || !strings.Contains(body, `"formerly":"Phường Phúc Xá"`) ||
		strings.Contains(body, `"name":"Phường Phúc Xá"`) {
		t.Fatalf("picker for 02/03/2026: %d %.600s", status, body)
	}
	status, body = c.get("/api/v1/units?kind=commune&on=2025-06-30&per_page=1")
	if status != 200 || !strings.Contains(body, `"total":526`) {
		t.Fatalf("communes in force on 30/06/2025: %d %.300s", status, body)
	}
	status, body = c.get("/api/v1/units?kind=commune&on=2025-07-01&per_page=1")
	if status != 200 || !strings.Contains(body, `"total":126`) {
		t.Fatalf("communes in force on 01/07/2025: %d %.300s", status, body)
	}
	status, body = c.get("/api/v1/units?on=2026-02-30")
	if status != 422 || !strings.Contains(body, `"field":"on"`) {
		t.Fatalf("a malformed day: %d %.300s", status, body)
	}
	status, body = c.get(fmt.Sprintf("/api/v1/units/%d", ids["00001"]))
	if status != 200 || !strings.Contains(body, `"became":[{"id":`) || !strings.Contains(body, `"how":"whole","effective_on":"2025-07-01"`) {
		t.Fatalf("history in the API: %d %.900s", status, body)
	}
}

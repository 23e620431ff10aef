package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khung/models"
	"khung/routes/webtest"
)

func TestTheUnitPickerOffersOnlyUnitsInForceOnTheDay(t *testing.T) {
	x := newReformedCity(t) // today 03/05/2027; Phúc Xá (00001) ended 30/06/2025, merged whole into Hồng Hà
	var phucXa models.Unit
	if err := x.srv.DB.Where("code = '00001'").Take(&phucXa).Error; err != nil {
		t.Fatal(err)
	}
	c := x.srv.NewClient(t)
	c.Login(x.srv.CreateUser(t, models.RolePlanner))
	htmx := map[string]string{"HX-Request": "true", "Accept": "text/html"}
	phucXaQ := url.QueryEscape("Phúc Xá")

	tests := []struct {
		name    string
		path    string
		htmx    bool
		status  int
		want    []string
		wantNot []string
	}{
		{"typing an old name offers its successor, marked so, and not the old ward", "/units/pick?field=unit_code&unit_code=" + phucXaQ, true, 200,
			[]string{`<option value="00097-2025">Phường Hồng Hà`, "trước đây: Phường Phúc Xá"}, []string{`value="00001"`, "<html"}},
		{"on a day before the reform the old ward itself", "/units/pick?field=unit&on=2025-03-01&unit=" + phucXaQ, true, 200,
			[]string{`<option value="00001">Phường Phúc Xá`}, []string{`value="00097-2025"`}},
		{"the form's field name carries the words", "/units/pick?field=home_unit_code&home_unit_code=00097-2025", true, 200,
			[]string{`value="00097-2025"`}, nil},
		{"without JavaScript: a page with the codes to copy", "/units/pick?q=phuc+xa", false, 200,
			[]string{`data-test="unit-pick-results"`, "00097-2025", "Phường Hồng Hà", "Phường Phúc Xá", "Tìm đơn vị"},
			[]string{fmt.Sprintf(`href="/units/%d"`, phucXa.ID), "unitpicker.", "<no value>"}},
		{"a malformed day is refused", "/units/pick?on=31/02/2027", false, http.StatusUnprocessableEntity, nil, nil},
		{"a day typed as people write it is read", "/units/pick?on=31/12/2027&q=phuc+xa", false, 200, []string{"Phường Hồng Hà"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r = c.Get(tt.path)
			if tt.htmx {
				r = c.Do(http.MethodGet, tt.path, nil, htmx)
			}
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, tt.status, r.Body)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("lacks %q: %.800s", w, r.Body)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(r.Body, w) {
					t.Errorf("holds %q", w)
				}
			}
		})
	}
	t.Run("a unit office is offered its own unit only", func(t *testing.T) {
		uc := x.srv.NewClient(t)
		uc.Login(x.srv.CreateUser(t, models.RoleUnit, webtest.InUnit(x.hongHa.ID)))
		own := uc.Do(http.MethodGet, "/units/pick?field=q&q=ph%C6%B0%E1%BB%9Dng", nil, htmx)
		if !strings.Contains(own.Body, `value="00097-2025"`) || strings.Contains(own.Body, `value="00004-2025"`) {
			t.Errorf("the office of Hồng Hà was offered: %.500s", own.Body)
		}
	})
	t.Run("nobody logged in reads nothing", func(t *testing.T) {
		if r := x.srv.NewClient(t).Do(http.MethodGet, "/units/pick?field=q&q=phuc", nil, htmx); strings.Contains(r.Body, "Hồng Hà") {
			t.Errorf("an anonymous request was answered: %d", r.Status)
		}
	})
}

func TestTheFormsWhereUnitsAreEnteredUseTheUnitPicker(t *testing.T) {
	x := newReformedCity(t)
	admin, planner := x.srv.NewClient(t), x.srv.NewClient(t)
	admin.Login(x.srv.CreateUser(t, models.RoleAdmin))
	planner.Login(x.srv.CreateUser(t, models.RolePlanner))
	tests := []struct {
		name string
		c    *webtest.Client
		path string
		want []string
	}{
		{"a user's unit", admin, "/admin/users/new", []string{`data-test="unit-picker-unit_code"`, `hx-get="/units/pick?field=unit_code"`}},
		{"a body's unit, in force from the body's first day", admin, "/admin/bodies/new", []string{`data-test="unit-picker-unit_code"`}},
		{"an inspector's home unit", admin, "/admin/inspectors/new", []string{`data-test="unit-picker-home_unit_code"`}},
		{"the units of an inspector's former posts and relatives, one picker a row", admin, "/admin/inspectors/new",
			[]string{`data-test="unit-picker-former_units[0].unit_code"`, `data-test="unit-picker-relatives[4].unit_code"`, `hx-target="#relative-4-unit-options"`}},
		{"a proposal's unit, in force in the plan's year", planner, "/proposals/new?year=2027",
			[]string{`data-test="unit-picker-unit"`, `hx-get="/units/pick?field=unit&amp;on=2027-01-01"`, "01/01/2027", " required"}},
		{"an unplanned visit's unit", planner, "/visits/new", []string{`data-test="unit-picker-unit_code"`, `id="u-unit"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.Get(tt.path)
			if r.Status != 200 {
				t.Fatalf("%s: %d", tt.path, r.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("lacks %q: %s", w, r.Body[strings.Index(r.Body, "<main"):])
				}
			}
			if strings.Contains(r.Body, "<option value=\"00001\"") || strings.Contains(r.Body, "unitpicker.") {
				t.Error("the form still sends a list of units, or a raw message key")
			}
		})
	}
}

func TestAnUnplannedVisitGoesToAUnitInForceOnItsFirstDay(t *testing.T) {
	x := newReformedCity(t)
	pc := x.srv.NewClient(t)
	pc.Login(x.srv.CreateUser(t, models.RolePlanner))
	form := url.Values{"unit_code": {"00001"}, "form": {"verification"},
		"lead_body_id": {fmt.Sprint(x.w.Inspectorate.ID)}, "kind": {"public_service"}, "start_date": {"2027-05-10"}, "end_date": {"2027-05-11"},
		"lead_id": {fmt.Sprint(x.w.Outsider.ID)}, "reason": {"Xác minh đơn phản ánh theo chỉ đạo của UBND Thành phố"}}
	before := x.srv.Count(t, "visits")
	for _, bad := range []struct{ name, code, want string }{
		{"a ward merged away in 2025", "00001", "Phường Phúc Xá không còn (hoặc chưa) hoạt động ngày 10/05/2027"},
		{"no unit", "", "Bắt buộc nhập"},
		{"an unknown code", "99999-9", "Không có đơn vị này"},
	} {
		t.Run("refused: "+bad.name, func(t *testing.T) {
			form.Set("unit_code", bad.code)
			r := pc.PostForm("/visits", form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-test="error-unit_code"`) || !strings.Contains(r.Body, bad.want) {
				t.Fatalf("%d, want 422 under the unit naming %q: %.400s", r.Status, bad.want, r.Body)
			}
			if !strings.Contains(r.Body, fmt.Sprintf(`value="%s"`, bad.code)) {
				t.Error("the code typed was not kept")
			}
			if n := x.srv.Count(t, "visits"); n != before {
				t.Errorf("%d visits, want %d", n, before)
			}
		})
	}
	form.Set("unit_code", "00097-2025")
	r := pc.PostForm("/visits", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("the successor in force: %d %.400s", r.Status, r.Body)
	}
	if page := pc.Get(r.Header.Get("Location")); !strings.Contains(page.Body, "Phường Hồng Hà") {
		t.Error("the new visit's page does not name Phường Hồng Hà")
	}
}

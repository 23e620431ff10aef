package routes

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// reformedCity is Hanoi's two generations of units with the visit fixture on
// the old wards (Phường Phúc Xá, merged whole into Phường Hồng Hà on
// 01/07/2025), a conclusion of its planned visit with a recommendation for
// Phúc Xá and one for Phường Phú Thượng (split: part of it went to Hồng Hà).
type reformedCity struct {
	srv                       *webtest.Server
	w                         *visitstest.World
	hongHa, phuThuong, baDinh models.Unit
	recWhole, recPart         int64
}

func newReformedCity(t *testing.T) *reformedCity {
	t.Helper()
	srv := startServer(t)
	if _, err := seed.ImportProvince(context.Background(), srv.DB, "01"); err != nil {
		t.Fatal(err)
	}
	x := &reformedCity{srv: srv, w: visitstest.Build(t, srv.DB)}
	for code, u := range map[string]*models.Unit{"00097-2025": &x.hongHa, "00091": &x.phuThuong, "00004-2025": &x.baDinh} {
		if err := srv.DB.Where("code = ?", code).Take(u).Error; err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
	}
	o := &leakObject{visit: x.w.Planned, marker: "(kế-thừa)"}
	recordConclusion(t, srv, o, 12)
	x.recWhole = o.rec
	if err := srv.DB.Raw(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity)
		VALUES (?, ?, 'Niêm yết công khai thủ tục hành chính tại bộ phận một cửa', '2027-06-30', 'low') RETURNING id`,
		o.conclusion, x.phuThuong.ID).Scan(&x.recPart).Error; err != nil {
		t.Fatal(err)
	}
	setDay(t, srv, models.MustParseDate("2027-05-03"))
	return x
}

func TestAPostReformWardOfficeSeesItsInheritedRecommendationsAndHistory(t *testing.T) {
	x := newReformedCity(t)
	office := x.srv.CreateUser(t, models.RoleUnit, webtest.InUnit(x.hongHa.ID))
	p := browser.Page(t, x.srv)
	p.LoginAs(office)

	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1440, 900}, {"phone", 390, 844}} {
		p.Rod().MustSetViewport(size.width, size.height, 1, size.width < 800)

		p.Open("/recommendations")
		list := p.BodyText()
		for _, want := range []string{"Khắc phục (kế-thừa)", "Phường Phúc Xá", "đã nhập toàn bộ vào đơn vị này",
			"Niêm yết công khai thủ tục hành chính", "phần của Phường Phú Thượng", "một phần đã nhập vào đơn vị này"} {
			if !strings.Contains(list, want) {
				t.Errorf("%s: the recommendations list lacks %q", size.name, want)
			}
		}
		p.Shot("history-recommendations-" + size.name)
		if size.name == "phone" {
			checkPhoneHeaderAndTable(t, p)
		}

		p.Open("/units/mine")
		page := p.BodyText()
		for _, want := range []string{"Phường Hồng Hà", "Trước đây", "Phường Phúc Xá", "nhập toàn bộ", "từ 01/07/2025",
			"Kiến nghị đang phải thực hiện (2)", "Các cuộc kiểm tra (3)", "Phường Phúc Tân", "15/03/2027", "Theo kế hoạch",
			"phần của Phường Phú Thượng", "Số 12/KL-SNV"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the unit's page lacks %q", size.name, want)
			}
		}
		for _, bad := range []string{"history.", "units_history.", "<no value>", "%!"} {
			if strings.Contains(page, bad) || strings.Contains(list, bad) {
				t.Errorf("%s: a page shows %q", size.name, bad)
			}
		}
		// Nothing scrolls sideways but the tables, each in its own box.
		if w := p.Rod().MustEval(`() => document.documentElement.scrollWidth`).Int(); w > size.width {
			t.Errorf("%s: the unit's page is %d px wide", size.name, w)
		}
		p.Shot("history-unit-" + size.name)
	}
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the unit page: %v", v)
	}

	// It reports on what Phúc Xá left it whole; a part of Phú Thượng waits
	// for a planner.
	p.Open(fmt.Sprintf("/recommendations/%d", x.recWhole))
	if !p.Has(`[data-test="submit-report"]`) {
		t.Error("no report form on the recommendation of the ward merged whole")
	}
	p.Open(fmt.Sprintf("/recommendations/%d", x.recPart))
	if p.Has(`[data-test="submit-report"]`) {
		t.Error("a report form on the recommendation of a ward split in part")
	}
}

func TestAPlannerReassignsASplitWardsRecommendation(t *testing.T) {
	x := newReformedCity(t)
	planner := x.srv.NewClient(t)
	planner.Token = x.srv.CreateToken(t, x.srv.CreateUser(t, models.RolePlanner))
	unit := x.srv.NewClient(t)
	unit.Token = x.srv.CreateToken(t, x.srv.CreateUser(t, models.RoleUnit, webtest.InUnit(x.hongHa.ID)))
	path := fmt.Sprintf("/api/v1/recommendations/%d/reassign", x.recPart)
	before := x.srv.Count(t, "audit_log")
	for _, tt := range []struct {
		name   string
		c      *webtest.Client
		body   string
		status int
	}{
		{"a unit may not", unit, fmt.Sprintf(`{"unit_id":%d,"reason":"Địa bàn"}`, x.hongHa.ID), http.StatusForbidden},
		{"not a successor of Phú Thượng", planner, fmt.Sprintf(`{"unit_id":%d,"reason":"Địa bàn"}`, x.baDinh.ID), http.StatusUnprocessableEntity},
		{"no reason", planner, fmt.Sprintf(`{"unit_id":%d,"reason":""}`, x.hongHa.ID), http.StatusUnprocessableEntity},
		{"an unknown field", planner, `{"unit":1,"reason":"x"}`, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.SendJSON(http.MethodPost, path, tt.body)
			if r.Status != tt.status {
				t.Errorf("%d %.300s, want %d", r.Status, r.Body, tt.status)
			}
			if tt.status == http.StatusUnprocessableEntity && !strings.Contains(r.Body, `"field":"unit_id"`) && !strings.Contains(r.Body, `"field":"reason"`) {
				t.Errorf("422 names no field: %.300s", r.Body)
			}
		})
	}
	if n := x.srv.Count(t, "audit_log"); n != before {
		t.Errorf("refused re-assignments wrote %d audit rows", n-before)
	}

	// The page: the planner picks Hồng Hà among Phú Thượng's successors.
	p := browser.Page(t, x.srv)
	p.LoginAs(x.srv.CreateUser(t, models.RolePlanner))
	p.Open(fmt.Sprintf("/recommendations/%d", x.recPart))
	p.ClickAndWait(`[data-test="reassign-link"]`)
	p.Shot("history-reassign")
	p.ClickAndWait(`[data-test="reassign"]`) // nothing chosen: 422, the form again
	if txt := p.BodyText(); !strings.Contains(txt, "Vui lòng chọn đơn vị kế thừa") || !strings.Contains(txt, "Vui lòng nêu lý do") {
		t.Errorf("the empty form's errors: %.600s", txt)
	}
	p.Rod().MustElement(fmt.Sprintf(`input[name="unit_id"][value="%d"]`, x.hongHa.ID)).MustClick()
	p.Fill("#reason", "Khu dân cư có bộ phận một cửa chuyển về phường Hồng Hà")
	p.ClickAndWait(`[data-test="reassign"]`)
	if txt := p.BodyText(); !strings.Contains(txt, "Đã giao lại kiến nghị") || !strings.Contains(txt, "Giao lại từ Phường Phú Thượng") {
		t.Errorf("after the re-assignment: %.600s", txt)
	}
	var owner int64
	x.srv.DB.Raw(`SELECT owner_unit_id FROM recommendations WHERE id = ?`, x.recPart).Scan(&owner)
	if owner != x.hongHa.ID {
		t.Errorf("owner %d, want Hồng Hà %d", owner, x.hongHa.ID)
	}
	// Now Hồng Hà's office reports on it.
	r := unit.GetJSON(fmt.Sprintf("/api/v1/recommendations/%d", x.recPart))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"can_report":true`) || !strings.Contains(r.Body, `"held":"own"`) {
		t.Errorf("Hồng Hà reads the re-assigned recommendation: %d %.400s", r.Status, r.Body)
	}
}

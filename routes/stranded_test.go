package routes

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"khung/models"
)

// strandedProposal adds a submitted 2027 proposal on Phường Phú Thượng, which
// ended on 30/06/2025 and was split between several wards.
func strandedProposal(t *testing.T, x *reformedCity) int64 {
	t.Helper()
	var id int64
	if err := x.srv.DB.Raw(`INSERT INTO proposals (year, body_id, unit_id, kind, form, days, team_size, status, external_ref)
		VALUES (2027, ?, ?, 'public_service', 'planned', 3, 3, 'submitted', 'PT-2027-01') RETURNING id`,
		x.w.CityTeam.ID, x.phuThuong.ID).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAProposalLeftOnASplitWardIsShownToThePlannerAndMovedToOneSuccessor(t *testing.T) {
	x := newReformedCity(t)
	id := strandedProposal(t, x)
	pc := x.srv.NewClient(t)
	pc.Login(x.srv.CreateUser(t, models.RolePlanner))

	// The year's page warns; the list offers Phú Thượng's successors, Hồng Hà among them.
	if r := pc.Get("/plans/2027"); !strings.Contains(r.Body, `data-test="stranded-warning"`) ||
		!strings.Contains(r.Body, "1 đề xuất còn ở đơn vị đã chia tách") {
		t.Fatalf("the year's page has no warning: %d", r.Status)
	}
	r := pc.Get("/plans/2027/stranded")
	for _, want := range []string{"Phường Phú Thượng", "đến 30/06/2025", "PT-2027-01", fmt.Sprintf(`value="%d"`, x.hongHa.ID), "nhập một phần"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	// Phúc Xá's proposals (merged whole into Hồng Hà) move by themselves: not listed.
	if strings.Contains(r.Body, "Phường Phúc Xá") {
		t.Error("a ward merged whole is listed")
	}
	var list struct {
		Items []struct {
			ID         int64 `json:"id"`
			Successors []struct {
				ID int64 `json:"id"`
			} `json:"successors"`
		} `json:"items"`
	}
	api := x.srv.NewClient(t)
	api.Token = x.srv.CreateToken(t, x.srv.CreateUser(t, models.RolePlanner))
	api.GetJSON("/api/v1/plans/2027/stranded-proposals").JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != id || len(list.Items[0].Successors) < 2 {
		t.Fatalf("JSON list: %+v", list)
	}

	unitOf := func() int64 {
		var u int64
		if err := x.srv.DB.Raw("SELECT unit_id FROM proposals WHERE id = ?", id).Scan(&u).Error; err != nil {
			t.Fatal(err)
		}
		return u
	}
	refused := []struct {
		name   string
		body   string
		status int
	}{
		{"no unit", `{}`, http.StatusUnprocessableEntity},
		{"a ward in force that is not a successor", fmt.Sprintf(`{"unit_id":%d}`, x.baDinh.ID), http.StatusUnprocessableEntity},
		{"the old ward itself", fmt.Sprintf(`{"unit_id":%d}`, x.phuThuong.ID), http.StatusUnprocessableEntity},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			r := api.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/proposals/%d/successor", id), tt.body)
			if r.Status != tt.status || !strings.Contains(r.Body, `"field":"unit_id"`) {
				t.Errorf("%d %s", r.Status, r.Body)
			}
			if u := unitOf(); u != x.phuThuong.ID {
				t.Errorf("moved to %d", u)
			}
		})
	}
	t.Run("refused in the form: 422 under the proposal's choices", func(t *testing.T) {
		r := pc.PostForm(fmt.Sprintf("/proposals/%d/successor?year=2027", id), url.Values{"unit_id": {fmt.Sprint(x.baDinh.ID)}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-test="error-unit_id"`) ||
			!strings.Contains(r.Body, "không phải là đơn vị kế thừa của Phường Phú Thượng") {
			t.Errorf("%d %.300s", r.Status, r.Body)
		}
	})
	t.Run("a unit office may not", func(t *testing.T) {
		unit := x.srv.NewClient(t)
		unit.Token = x.srv.CreateToken(t, x.srv.CreateUser(t, models.RoleUnit, func(u *models.User) { u.UnitID = &x.hongHa.ID }))
		if r := unit.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/proposals/%d/successor", id), fmt.Sprintf(`{"unit_id":%d}`, x.hongHa.ID)); r.Status != http.StatusForbidden {
			t.Errorf("%d", r.Status)
		}
	})

	r = pc.PostForm(fmt.Sprintf("/proposals/%d/successor?year=2027", id), url.Values{"unit_id": {fmt.Sprint(x.hongHa.ID)}})
	if r.Status != http.StatusSeeOther || unitOf() != x.hongHa.ID {
		t.Fatalf("move: %d, unit %d", r.Status, unitOf())
	}
	if page := pc.Get("/plans/2027/stranded"); !strings.Contains(page.Body, "Đã chuyển đề xuất") || !strings.Contains(page.Body, `data-test="stranded-none"`) {
		t.Error("after the move the list is not empty, or says nothing")
	}
	if r := pc.Get("/plans/2027"); strings.Contains(r.Body, `data-test="stranded-warning"`) {
		t.Error("the year's page still warns")
	}
	if n := x.srv.Count(t, "audit_log"); n == 0 {
		t.Error("no audit of the move")
	}
	if r := api.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/proposals/%d/successor", id), fmt.Sprintf(`{"unit_id":%d}`, x.hongHa.ID)); r.Status != http.StatusConflict {
		t.Errorf("moving a proposal on a unit in force: %d", r.Status)
	}
}

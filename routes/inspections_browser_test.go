package routes

import (
	"context"
	"fmt"
	"testing"
	"time"

	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// TestBrowserInspectorSignsRecordsAndConcludes: inspector@ (i001) opens the
// visit they lead, signs the decision, records a finding, and issues a
// conclusion with two recommendations, one dated and one "10 working days"
// (concludeOnPages checks each step); the unit's office is told once, and
// later the inspector's page shows the working-days one as overdue.
func TestBrowserInspectorSignsRecordsAndConcludes(t *testing.T) {
	srv := startServer(t)
	if _, err := seed.Demo(context.Background(), srv.DB, seed.Options{Now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w := visitstest.Build(t, srv.DB)
	p, _, _ := concludeOnPages(t, srv, w)

	var notes int64
	srv.DB.Table("notifications").Joins("JOIN users u ON u.id = notifications.user_id").
		Where("u.email = ?", "phucxa@khung.vn").Count(&notes)
	if notes != 1 {
		t.Errorf("Phúc Xá's office has %d notifications, want 1", notes)
	}

	setDay(t, srv, models.NewDate(2027, 3, 16))
	p.LoginAs(webtest.User{Email: "inspector@khung.vn", Password: seed.DemoPassword}) // the session expired meanwhile
	p.Open(fmt.Sprintf("/visits/%d", w.Planned.ID))
	rows := p.Rod().MustElements("[data-test=recommendation]")
	if len(rows) != 2 {
		t.Fatalf("%d recommendation rows", len(rows))
	}
	for i, want := range []bool{false, true} { // only the 15 March deadline has passed
		has, _, err := rows[i].Has("[data-test=overdue]")
		if err != nil || has != want {
			t.Errorf("row %d overdue = %v, want %v", i, has, want)
		}
	}
}

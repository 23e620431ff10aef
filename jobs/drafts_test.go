package jobs

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"khung/models/dbtest"
)

// A draft conclusion is signed within 15 days of its receipt (Luật Thanh tra
// số 84/2025/QH15, Điều 36): its signer is reminded once in the three days
// before, and once it has passed the signer, the department's leadership and
// the team lead are told once each; nobody who may not read the visit's work
// hears of it.
func TestAWaitingDraftConclusionIsRemindedOnceThenEscalatedOnce(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	c := newCity(t, db)
	f := c.f
	signer := f.id(`INSERT INTO users (email, full_name, role, unit_position) VALUES ('pgd@sonoivu.hanoi.gov.vn', 'Đỗ Thanh Bình', 'approver', 'office') RETURNING id`)
	// The signer of the secret visit's draft has since become a viewer: they
	// may no longer read a verification's work and must not be told of it.
	moved := f.id(`INSERT INTO users (email, full_name, role) VALUES ('chuyen@sonoivu.hanoi.gov.vn', 'Vũ Minh Chuyển', 'viewer') RETURNING id`)
	insp := f.id(`INSERT INTO inspectors (code, full_name, body_id) VALUES ('KTV09', 'Hà Thị Thu', ?) RETURNING id`, f.body)
	lead := f.id(`INSERT INTO users (email, full_name, role, inspector_id) VALUES ('thu@sonoivu.hanoi.gov.vn', 'Hà Thị Thu', 'inspector', ?) RETURNING id`, insp)
	// An inspector on no team: never told.
	other := f.id(`INSERT INTO inspectors (code, full_name, body_id) VALUES ('KTV10', 'Lý Văn Tâm', ?) RETURNING id`, f.body)
	f.id(`INSERT INTO users (email, full_name, role, inspector_id) VALUES ('tam@sonoivu.hanoi.gov.vn', 'Lý Văn Tâm', 'inspector', ?) RETURNING id`, other)

	open := f.visit(c.trucBach.unit, "planned", "2026-10-19", "2026-10-23", "on_site_ended")
	secret := f.visit(c.quanThanh.unit, "verification", "2026-10-19", "2026-10-20", "on_site_ended")
	signed := f.visit(c.phucXa.unit, "planned", "2026-10-12", "2026-10-16", "conclusion_issued")
	f.exec(`INSERT INTO visit_members (visit_id, inspector_id, role) VALUES (?, ?, 'lead'), (?, ?, 'lead')`, open, insp, secret, insp)
	f.exec(`INSERT INTO conclusion_drafts (visit_id, received_on, received_by) VALUES (?, '2026-11-02', ?), (?, '2026-11-02', ?), (?, '2026-11-02', ?)`,
		open, signer, secret, moved, signed, signer)
	f.exec(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name) VALUES (?, 99, ?, 2026, '2026-11-05', 'Đỗ Thanh Bình')`, signed, f.body)

	j := testJobs(t, db, testConfig(t))
	runDays(t, j, []string{"conclusion-drafts"}, "2026-11-05", "2026-11-25", nil)
	runDays(t, j, []string{"conclusion-drafts"}, "2026-11-18", "2026-11-18", nil) // again the same day: nothing new

	var got []string
	if err := db.Raw(`SELECT dedupe_key || ' ' || to_char(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM') FROM notifications
		WHERE kind LIKE 'conclusion_%' ORDER BY 1`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	soon := func(v, u int64) string { return fmt.Sprintf("draft:%d:soon@2026-11-17:user:%d 14/11", v, u) }
	late := func(v, u int64) string { return fmt.Sprintf("draft:%d:overdue@2026-11-17:user:%d 18/11", v, u) }
	want := []string{
		soon(open, signer), late(open, signer), late(open, f.leader), late(open, lead),
		// The secret visit's: the leadership and its team lead, not the former signer.
		late(secret, f.leader), late(secret, lead),
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("notices (-want +got):\n%s", diff)
	}
	if n := countOf(t, db, `SELECT count(*) FROM mail_outbox WHERE dedupe_key LIKE 'draft:%'`); n != len(want) {
		t.Errorf("%d mails, want %d (one per notice)", n, len(want))
	}
	if n := countOf(t, db, `SELECT count(*) FROM notifications WHERE user_id = ?`, moved); n != 0 {
		t.Errorf("the viewer was told %d times of a verification's draft", n)
	}
	var subject string
	if err := db.Raw(`SELECT subject FROM mail_outbox WHERE dedupe_key = ?`, fmt.Sprintf("draft:%d:soon@2026-11-17:user:%d", open, signer)).Scan(&subject).Error; err != nil {
		t.Fatal(err)
	}
	if subject != "Dự thảo kết luận của đoàn tại UBND phường Trúc Bạch cần ký chậm nhất ngày 17/11/2026" {
		t.Errorf("subject %q", subject)
	}
}

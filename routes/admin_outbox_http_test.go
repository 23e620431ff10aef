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

// outboxFixture is a server whose outbox holds two failed mails, one waiting
// and one sent.
func outboxFixture(t *testing.T) (*webtest.Server, map[string]int64) {
	t.Helper()
	srv := startServer(t)
	ids := map[string]int64{}
	for _, m := range []struct{ name, status, errText string }{
		{"refused", "failed", "550 5.1.1 mailbox unavailable"},
		{"exhausted", "failed", "421 4.3.0 try again later"},
		{"waiting", "pending", ""},
		{"sent", "sent", ""},
	} {
		var id int64
		sentAt := "NULL"
		if m.status == "sent" {
			sentAt = "now()"
		}
		if err := srv.DB.Raw(`INSERT INTO mail_outbox (dedupe_key, to_email, to_name, subject, body_text, status, attempts, last_error, sent_at)
			VALUES (?, ?, 'Văn phòng UBND phường Phúc Xá', ?, 'Nội dung', ?, 8, ?, `+sentAt+`) RETURNING id`,
			"k:"+m.name, m.name+"@phucxa.hanoi.gov.vn", "Nhắc hạn ("+m.name+")", m.status, m.errText).Scan(&id).Error; err != nil {
			t.Fatal(err)
		}
		ids[m.name] = id
	}
	return srv, ids
}

func statusOf(t *testing.T, srv *webtest.Server, id int64) (status string, attempts int) {
	t.Helper()
	var row models.MailOutbox
	if err := srv.DB.Take(&row, id).Error; err != nil {
		t.Fatal(err)
	}
	return string(row.Status), row.Attempts
}

func TestTheAdminSeesFailedMailAndSendsItAgain(t *testing.T) {
	t.Parallel()
	srv, ids := outboxFixture(t)
	admin := srv.CreateUser(t, models.RoleAdmin)
	c := srv.NewClient(t)
	c.Login(admin)

	r := c.Get("/admin/users")
	if !strings.Contains(r.Body, `href="/admin/outbox"`) {
		t.Error("the admin navigation has no link to the outbox")
	}
	r = c.Get("/admin/outbox")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /admin/outbox: %d", r.Status)
	}
	for _, want := range []string{"refused@phucxa.hanoi.gov.vn", "550 5.1.1 mailbox unavailable", "exhausted@phucxa.hanoi.gov.vn",
		fmt.Sprintf(`action="/admin/outbox/%d/retry"`, ids["refused"]), `action="/admin/outbox/retry-failed"`, "2 thư gửi không thành công"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the failed list lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "waiting@") || strings.Contains(r.Body, "sent@") {
		t.Error("the failed list shows mail that has not failed")
	}
	if r = c.Get("/admin/outbox?status=pending"); !strings.Contains(r.Body, "waiting@phucxa.hanoi.gov.vn") || strings.Contains(r.Body, "refused@") {
		t.Errorf("the pending list: %d\n%.2000s", r.Status, r.Body)
	}
	r = c.Get("/admin/outbox?status=sent&lang=en")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-test="error-status"`) {
		t.Errorf("status=sent: %d; want 422 naming the status", r.Status)
	}

	r = c.PostForm(fmt.Sprintf("/admin/outbox/%d/retry", ids["refused"]), url.Values{})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/admin/outbox?status=failed" {
		t.Fatalf("retry: %d → %q", r.Status, r.Header.Get("Location"))
	}
	if st, n := statusOf(t, srv, ids["refused"]); st != "pending" || n != 0 {
		t.Errorf("after the retry: %s with %d attempts; want pending, counted afresh", st, n)
	}
	if st, _ := statusOf(t, srv, ids["exhausted"]); st != "failed" {
		t.Errorf("the other failed mail became %s", st)
	}
	if r = c.Get("/admin/outbox"); !strings.Contains(r.Body, "The mail is back in the queue.") { // lang=en above chose English
		t.Error("no message after the retry")
	}
	if r = c.PostForm(fmt.Sprintf("/admin/outbox/%d/retry", ids["sent"]), url.Values{}); r.Status != http.StatusConflict {
		t.Errorf("retrying a sent mail: %d, want 409", r.Status)
	}
	if r = c.PostForm("/admin/outbox/retry-failed", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("retry all: %d", r.Status)
	}
	if st, _ := statusOf(t, srv, ids["exhausted"]); st != "pending" {
		t.Errorf("after retry all the exhausted mail is %s", st)
	}
	if st, _ := statusOf(t, srv, ids["sent"]); st != "sent" {
		t.Errorf("retry all touched a sent mail: %s", st)
	}
	var audited int64
	if err := srv.DB.Model(&models.AuditEntry{}).Where("entity = 'mail_outbox' AND action = 'retry' AND user_id = ?", admin.ID).Count(&audited).Error; err != nil || audited != 2 {
		t.Errorf("%d retries audited (%v), want 2", audited, err)
	}
}

func TestTheOutboxAPIListsAndRetriesForTheAdminOnly(t *testing.T) {
	t.Parallel()
	srv, ids := outboxFixture(t)
	admin := srv.NewClient(t)
	admin.Login(srv.CreateUser(t, models.RoleAdmin))

	var page struct {
		Items []struct {
			ID        int64  `json:"id"`
			ToEmail   string `json:"to_email"`
			Status    string `json:"status"`
			LastError string `json:"last_error"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r := admin.GetJSON("/api/v1/outbox?status=failed")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/outbox: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &page)
	if page.Total != 2 || len(page.Items) != 2 || page.Items[0].ID != ids["refused"] || page.Items[0].LastError == "" {
		t.Fatalf("failed mail: %+v", page)
	}
	if r = admin.GetJSON("/api/v1/outbox?status=sent"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `"field":"status"`) {
		t.Errorf("status=sent: %d %s; want 422 naming status", r.Status, r.Body)
	}

	r = admin.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/outbox/%d/retry", ids["exhausted"]), "")
	var mail struct {
		Status   string `json:"status"`
		Attempts int    `json:"attempts"`
	}
	if r.Status != http.StatusOK {
		t.Fatalf("retry: %d %s", r.Status, r.Body)
	}
	if r.JSON(t, &mail); mail.Status != "pending" || mail.Attempts != 0 {
		t.Errorf("retried mail %+v", mail)
	}
	if r = admin.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/outbox/%d/retry", ids["exhausted"]), ""); r.Status != http.StatusConflict {
		t.Errorf("retrying it again: %d, want 409", r.Status)
	}
	if r = admin.SendJSON(http.MethodPost, "/api/v1/outbox/999999/retry", ""); r.Status != http.StatusNotFound {
		t.Errorf("retrying a missing mail: %d, want 404", r.Status)
	}

	for _, role := range models.Roles() {
		if role == models.RoleAdmin {
			continue
		}
		c := srv.NewClient(t)
		c.Login(srv.CreateUser(t, role))
		if r := c.GetJSON("/api/v1/outbox"); r.Status != http.StatusForbidden {
			t.Errorf("GET /api/v1/outbox as %s: %d", role, r.Status)
		}
		if r := c.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/outbox/%d/retry", ids["refused"]), ""); r.Status != http.StatusForbidden {
			t.Errorf("POST retry as %s: %d", role, r.Status)
		}
		if r := c.Get("/admin/outbox"); r.Status != http.StatusForbidden {
			t.Errorf("GET /admin/outbox as %s: %d", role, r.Status)
		}
		if r := c.PostForm("/admin/outbox/retry-failed", url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("POST retry-failed as %s: %d", role, r.Status)
		}
	}
	if st, _ := statusOf(t, srv, ids["refused"]); st != "failed" {
		t.Errorf("a non-admin changed the mail: %s", st)
	}
}

func TestBrowserTheOutboxPagePassesAxeAndRetriesAFailedMail(t *testing.T) {
	t.Parallel()
	srv, ids := outboxFixture(t)
	p := browser.Page(t, srv)
	p.LoginAs(srv.CreateUser(t, models.RoleAdmin))
	p.Open("/admin/outbox")
	for _, v := range p.AxeViolations() {
		t.Errorf("/admin/outbox: %s", v)
	}
	p.ClickAndWait(fmt.Sprintf(`tr[data-mail="%d"] button[type=submit]`, ids["refused"]))
	if got := p.Text(".flash"); got != "Đã đưa thư vào hàng đợi để gửi lại." {
		t.Errorf("flash %q", got)
	}
	if p.Has(fmt.Sprintf(`tr[data-mail="%d"]`, ids["refused"])) || !p.Has(fmt.Sprintf(`tr[data-mail="%d"]`, ids["exhausted"])) {
		t.Error("after the retry the list should show only the other failed mail")
	}
	p.Open("/admin/outbox?status=pending")
	for _, v := range p.AxeViolations() {
		t.Errorf("/admin/outbox?status=pending: %s", v)
	}
	if !p.Has(fmt.Sprintf(`tr[data-mail="%d"]`, ids["refused"])) {
		t.Error("the retried mail is not among the waiting mail")
	}
}

package routes

import (
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/app/paging"
	"khung/app/remediation"
	"khung/views"
)

// remediationPages serves the follow-up of recommendations: the units' list
// and page of each recommendation with its reports, the report form with
// evidence files, the inspector's queue and verdicts, the download of files,
// the in-app notifications and the matching JSON API (api_remediation.go).
type remediationPages struct {
	*Handlers
	svc   *remediation.Service
	inbox *remediation.Inbox
}

// recommendationFilter reads ?status=&overdue=1; an unknown status is refused by name.
func recommendationFilter(c *fiber.Ctx) (remediation.Filter, error) {
	f := remediation.Filter{Overdue: c.Query("overdue") == "1" || c.Query("overdue") == "true"}
	if s := strings.TrimSpace(c.Query("status")); s != "" {
		for _, st := range remediation.Statuses() {
			if string(st) == s {
				f.Status = st
			}
		}
		if f.Status == "" {
			return f, apperr.Field("status", "oneof", "validation.status_invalid")
		}
	}
	return f, nil
}

// listPage: GET /recommendations — the recommendations the user may read.
func (r *remediationPages) listPage(c *fiber.Ctx) error {
	f, err := recommendationFilter(c)
	if err != nil {
		return err
	}
	res, err := r.svc.Page(ctxOf(c), actorOf(c), f, r.today(), pageQuery(c))
	if err != nil {
		return err
	}
	return r.render(c, "remediation/list", fiber.Map{
		"Title":    trOf(c).T("remediation.list.title"),
		"Items":    res.Items,
		"Total":    res.Total,
		"Filter":   f,
		"Filtered": f.Status != "" || f.Overdue,
		"Statuses": remediation.Statuses(),
		"Pager":    pagerOf(c, res),
		"Sorts":    sortLinks(c, remediation.SortKeys()...),
	})
}

// detailData loads what the recommendation page shows.
func (r *remediationPages) detailData(c *fiber.Ctx, id int64) (fiber.Map, error) {
	d, err := r.svc.Get(ctxOf(c), actorOf(c), id, r.today())
	if err != nil {
		return nil, err
	}
	return fiber.Map{
		"Title":    trOf(c).T("remediation.detail.title", "ID", d.ID),
		"Rec":      d,
		"MaxBytes": r.Config.UploadMaxBytes,
		"MaxMB":    r.Config.UploadMaxBytes >> 20,
		"Accept":   ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg,.webp",
		"Measures": remediation.Measures(r.today().Time()),
		"Today":    r.today().String(),
	}, nil
}

// detailPage: GET /recommendations/:id — the recommendation, its history and the forms.
func (r *remediationPages) detailPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := r.detailData(c, id)
	if err != nil {
		return err
	}
	return r.render(c, "remediation/detail", data)
}

// reportFiles reads and checks the posted evidence files.
func (r *remediationPages) reportFiles(c *fiber.Ctx) ([]attachments.File, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return nil, nil // a urlencoded form carries no file
	}
	return attachments.CheckUploads(form.File["files"], r.Config.UploadMaxBytes, "files")
}

// submit: POST /recommendations/:id/reports — a remediation report with evidence.
func (r *remediationPages) submit(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body string `form:"body"`
	}
	if err := bindForm(c, &in); err != nil {
		return err
	}
	files, err := r.reportFiles(c)
	if err == nil {
		_, err = r.svc.Submit(ctxOf(c), actorOf(c), id, remediation.ReportInput{Body: in.Body, Files: files}, r.Now())
	}
	if err != nil {
		return r.formError(c, id, err)
	}
	r.setFlash(c, "remediation.flash.submitted")
	return c.Redirect(fmt.Sprintf("/recommendations/%d", id), fiber.StatusSeeOther)
}

// formError shows the recommendation page again with err (422 for bad input).
func (r *remediationPages) formError(c *fiber.Ctx, recID int64, err error) error {
	if _, ok := apperr.AsValidation(err); !ok {
		return err // not found, forbidden, conflict: the error page
	}
	data, derr := r.detailData(c, recID)
	if derr != nil {
		return derr
	}
	return r.renderForm422(c, "remediation/detail", data, err)
}

// accept: POST /remediation-reports/:id/accept.
func (r *remediationPages) accept(c *fiber.Ctx) error { return r.decide(c, true) }

// giveBack: POST /remediation-reports/:id/return — needs a reason.
func (r *remediationPages) giveBack(c *fiber.Ctx) error { return r.decide(c, false) }

func (r *remediationPages) decide(c *fiber.Ctx, accept bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `form:"reason"`
		Next   int64  `form:"recommendation"`
	}
	if err := bindForm(c, &in); err != nil {
		return err
	}
	rep, err := r.svc.Decide(ctxOf(c), actorOf(c), id, remediation.Verdict{Accept: accept, Reason: in.Reason}, r.Now())
	if err != nil {
		if in.Next != 0 {
			return r.formError(c, in.Next, err)
		}
		return err
	}
	if accept {
		r.setFlash(c, "remediation.flash.accepted")
	} else {
		r.setFlash(c, "remediation.flash.returned")
	}
	return c.Redirect(fmt.Sprintf("/recommendations/%d", rep.RecommendationID), fiber.StatusSeeOther)
}

// queuePage: GET /remediation-reports — pending reports for the inspector.
func (r *remediationPages) queuePage(c *fiber.Ctx) error {
	q, err := r.svc.Queue(ctxOf(c), actorOf(c), r.today())
	if err != nil {
		return err
	}
	by := queueSorts()
	res := paging.Slice(q, pageQuery(c), by)
	return r.render(c, "remediation/queue", fiber.Map{"Title": trOf(c).T("remediation.queue.title"), "Queue": res.Items,
		"Total": res.Total, "Pager": pagerOf(c, res), "Sorts": sortLinks(c, by.Keys()...)})
}

// queueSorts are the columns the pending reports may be sorted by (the queue
// is read whole, sorted in memory; by default the oldest report first).
func queueSorts() paging.Compare[remediation.QueueItem] {
	return paging.Compare[remediation.QueueItem]{
		"unit":       paging.ByText(func(q remediation.QueueItem) string { return q.Item.OwnerUnitName }),
		"action":     paging.ByText(func(q remediation.QueueItem) string { return q.Item.Action }),
		"conclusion": paging.By(func(q remediation.QueueItem) string { return q.Item.Reference() }),
		"submitted":  paging.By(func(q remediation.QueueItem) int64 { return q.SubmittedAt.UnixNano() }),
		"deadline":   paging.By(func(q remediation.QueueItem) string { return q.Item.Deadline.String() }),
	}
}

// download: GET /attachments/:id — the stored file, as an attachment with its sniffed type.
func (r *remediationPages) download(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := r.svc.Attachment(ctxOf(c), actorOf(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(f.Filename))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(f.Data)
}

// contentDisposition names the download in ASCII and, for Vietnamese names,
// in UTF-8 (RFC 6266 / 5987).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// notificationsPage: GET /notifications — the user's in-app notifications.
func (r *remediationPages) notificationsPage(c *fiber.Ctx) error {
	list, err := r.inbox.List(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	unread := 0
	for _, n := range list {
		if n.ReadAt == nil {
			unread++
		}
	}
	return r.render(c, "notifications/index", fiber.Map{
		"Title": trOf(c).T("notifications.title"), "Items": list, "Unread": unread, "Limit": remediation.InboxLimit,
	})
}

// notificationsBadge: GET /notifications/badge — the header's unread count (htmx).
func (r *remediationPages) notificationsBadge(c *fiber.Ctx) error {
	n, err := r.inbox.Unread(ctxOf(c), actorOf(c))
	if err != nil {
		return err
	}
	return r.renderPartial(c, "notifications/count", fiber.Map{"Count": n})
}

// markRead: POST /notifications/:id/read — then follows the notification's link when asked.
func (r *remediationPages) markRead(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := r.inbox.MarkRead(ctxOf(c), actorOf(c), id, r.Now())
	if err != nil {
		return err
	}
	if c.FormValue("open") != "" && strings.HasPrefix(n.Link, "/") && !strings.HasPrefix(n.Link, "//") {
		return c.Redirect(n.Link, fiber.StatusSeeOther)
	}
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}

// markAllRead: POST /notifications/read-all.
func (r *remediationPages) markAllRead(c *fiber.Ctx) error {
	if _, err := r.inbox.MarkAllRead(ctxOf(c), actorOf(c), r.Now()); err != nil {
		return err
	}
	r.setFlash(c, "notifications.flash.all_read")
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}

// stylesheet serves the follow-up pages' styles, kept next to their templates.
func (r *remediationPages) stylesheet(c *fiber.Ctx) error {
	css, err := fs.ReadFile(views.Templates(), "remediation/remediation.css")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(css)
}

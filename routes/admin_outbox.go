package routes

import (
	"github.com/gofiber/fiber/v2"

	"khung/app/notify"
	"khung/models"
)

// outboxAdmin serves the administrator's view of the mail outbox: the page
// /admin/outbox (failed and pending mail, retry one or all failed) and its
// JSON API. It shares the admin area's pages and navigation.
type outboxAdmin struct {
	*admin
	outbox *notify.Outbox
}

// outboxPage: GET /admin/outbox?status=failed|pending&page= — failed mail by default.
func (o *outboxAdmin) outboxPage(c *fiber.Ctx) error {
	ctx, actor := ctxOf(c), actorOf(c)
	counts, err := o.outbox.Counts(ctx, actor)
	if err != nil {
		return err
	}
	status := c.Query("status", string(models.MailFailed))
	data := fiber.Map{"Counts": counts, "Waiting": counts.Pending + counts.Sending, "Status": status}
	title := trOf(c).T("outbox.title")
	res, err := o.outbox.List(ctx, actor, notify.OutboxFilter{Status: status, Page: pageQuery(c)})
	if err != nil {
		return o.form422(c, "admin/outbox", "outbox", title, data, err)
	}
	data["Entries"], data["Total"] = res.Items, res.Total
	data["Pager"], data["Sorts"] = pagerOf(c, res), sortLinks(c, notify.OutboxSortKeys()...)
	return o.page(c, "admin/outbox", "outbox", title, data)
}

// retryMail: POST /admin/outbox/:id/retry — the failed mail goes back in the queue.
func (o *outboxAdmin) retryMail(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := o.outbox.Retry(ctxOf(c), actorOf(c), id, o.Now()); err != nil {
		return err
	}
	return o.done(c, "outbox.flash.retried", "/admin/outbox?status=failed")
}

// retryAllFailed: POST /admin/outbox/retry-failed — every failed mail goes back in the queue.
func (o *outboxAdmin) retryAllFailed(c *fiber.Ctx) error {
	n, err := o.outbox.RetryAllFailed(ctxOf(c), actorOf(c), o.Now())
	if err != nil {
		return err
	}
	flash := "outbox.flash.retried_all"
	if n == 0 {
		flash = "outbox.flash.none_failed"
	}
	return o.done(c, flash, "/admin/outbox?status=failed")
}

// apiListOutbox: GET /api/v1/outbox?status=failed|pending&page=&per_page=.
func (o *outboxAdmin) apiListOutbox(c *fiber.Ctx) error {
	res, err := o.outbox.List(ctxOf(c), actorOf(c), notify.OutboxFilter{Status: c.Query("status"), Page: pageQuery(c)})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiRetryMail: POST /api/v1/outbox/:id/retry → the mail, pending again.
func (o *outboxAdmin) apiRetryMail(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := o.outbox.Retry(ctxOf(c), actorOf(c), id, o.Now())
	if err != nil {
		return err
	}
	return c.JSON(e)
}

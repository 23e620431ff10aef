package routes

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"khung/app"
	"khung/app/changes/changestest"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/routes/webtest"
)

// BenchmarkCalendarJSONMiddleware serves the unit calendar JSON in process
// (no network, no wrk): bare Fiber sending the same bytes, then bare Fiber
// with Khung's middleware added one by one in their order, then the real
// app (a kept identity and a kept answer: the hot path of `make load`).
// What a middleware costs is the step from the line above.
//
//	go test ./routes/ -run '^$' -bench CalendarJSONMiddleware -benchtime 20000x
func BenchmarkCalendarJSONMiddleware(b *testing.B) {
	var core *app.App
	srv := webtest.Start(b, func(d webtest.AppDeps) *fiber.App {
		d.Log = slog.New(slog.NewJSONHandler(io.Discard, nil)) // main's access log, to nowhere
		core = newCore(d)
		return New(core)
	})
	changestest.WaitLive(b, core.Changes)
	w := visitstest.Build(b, srv.DB)
	u := srv.CreateUser(b, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	c := srv.NewClient(b)
	c.Login(u)
	cookie := sessionCookie + "=" + c.Cookie(sessionCookie)
	path := fmt.Sprintf("/api/v1/visits?year=%d", visitstest.Year)
	doc := []byte(c.GetJSON(path).Body)

	h := newHandlers(core)
	steps := []struct {
		name string
		mw   fiber.Handler
	}{
		{"requestID", h.requestID}, {"accessLog", h.accessLog}, {"recover", h.recover},
		{"securityHeaders", h.securityHeaders}, {"settle", h.settle}, {"loadIdentity", h.loadIdentity},
		{"language", h.language}, {"checkCSRF", h.checkCSRF}, {"RequireLogin", h.RequireLogin},
	}
	for i := 0; i <= len(steps); i++ {
		f := fiber.New(fiber.Config{DisableStartupMessage: true})
		name := "bare"
		for _, s := range steps[:i] {
			f.Use(s.mw)
			name = "+" + s.name
		}
		f.Get("/api/v1/visits", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Send(doc)
		})
		b.Run(fmt.Sprintf("%d%s", i, name), func(b *testing.B) { serveInProcess(b, f.Handler(), path, cookie, len(doc)) })
	}
	b.Run("khung", func(b *testing.B) { serveInProcess(b, New(core).Handler(), path, cookie, len(doc)) })
	page := fmt.Sprintf("/calendar?year=%d&month=3", visitstest.Year)
	b.Run("khung month page", func(b *testing.B) { serveInProcess(b, New(core).Handler(), page, cookie, -1) })
}

// serveInProcess runs handler on one reused request context per iteration,
// expecting 200 and size bytes (-1: any size).
func serveInProcess(b *testing.B, handler fasthttp.RequestHandler, path, cookie string, size int) {
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.Set(fiber.HeaderCookie, cookie)
		ctx.Request.Header.Set(fiber.HeaderAccept, fiber.MIMEApplicationJSON)
		handler(&ctx)
		if ctx.Response.StatusCode() != 200 || size >= 0 && len(ctx.Response.Body()) != size {
			b.Fatalf("status %d, %d bytes: %.200s", ctx.Response.StatusCode(), len(ctx.Response.Body()), ctx.Response.Body())
		}
	}
}

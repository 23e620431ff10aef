package routes

import (
	"os"
	"testing"

	"github.com/gofiber/fiber/v2"

	"khung/routes/webtest"
)

// browser is the one Chromium of this test binary; it starts on first use.
var browser = webtest.NewBrowser()

func TestMain(m *testing.M) {
	code := m.Run()
	browser.Close()
	os.Exit(code)
}

// startServer runs the real app on 127.0.0.1 with a fresh database.
func startServer(t *testing.T) *webtest.Server {
	t.Helper()
	return webtest.Start(t, func(d webtest.AppDeps) *fiber.App {
		return New(Deps{Config: d.Config, DB: d.DB, Log: d.Log, Now: d.Now})
	})
}

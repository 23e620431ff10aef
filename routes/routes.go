// Package routes holds the HTTP layer: every route in one list, thin handlers,
// middleware and the single error handler.
package routes

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"khung/config"
)

// Deps are what the HTTP layer needs; main builds them once.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Log    *slog.Logger
}

// New builds the Fiber app with every route.
func New(d Deps) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", func(c *fiber.Ctx) error {
		sqlDB, err := d.DB.DB()
		if err == nil {
			err = sqlDB.PingContext(c.Context())
		}
		if err != nil {
			return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
		}
		return c.SendString("ready")
	})
	return app
}

// Command barefiber serves one JSON document with a bare Fiber handler, the
// yardstick of `make load`: on a shared machine wrk's numbers only mean
// something next to what Fiber itself reaches on the same document, in the
// same run. It answers every GET with the file's bytes.
//
//	go run ./scripts/barefiber -addr 127.0.0.1:18099 -file doc.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18099", "listen address (loopback)")
	file := flag.String("file", "", "the JSON document to serve")
	flag.Parse()
	doc, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "barefiber:", err)
		os.Exit(1)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(doc)
	})
	if err := app.Listen(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "barefiber:", err)
		os.Exit(1)
	}
}

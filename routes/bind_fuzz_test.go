package routes

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/models"
)

// fuzzBody is shaped like the API's inputs: text, numbers, dates, lists, nesting.
type fuzzBody struct {
	Name    string         `json:"name"`
	Days    int            `json:"days"`
	On      models.Date    `json:"on"`
	Topics  []string       `json:"topics"`
	Members []fuzzMember   `json:"members"`
	Extra   map[string]int `json:"extra"`
}

type fuzzMember struct {
	Inspector int64  `json:"inspector_id"`
	Role      string `json:"role"`
}

// FuzzBindJSONAnswersBadInputWithAClientError posts arbitrary bytes to a
// handler that decodes them with bindJSON: the decoder never panics, and what
// it refuses is a 400 (unreadable) or a 422 naming a field, never a 500.
func FuzzBindJSONAnswersBadInputWithAClientError(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Báo cáo","days":3,"on":"2027-03-01","topics":["a"],"members":[{"inspector_id":1,"role":"lead"}]}`,
		`{"name": 42}`, `{"days": "x"}`, `{"on": "01/03/2027"}`, `{"members": [{"role": 1}]}`,
		`{"name":"a"} {"name":"b"}`, `{"admin": true}`, `[`, ``, `null`, `{"extra":{"a":1e400}}`,
	} {
		f.Add([]byte(seed))
	}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return c.SendStatus(500) }})
	app.Post("/", func(c *fiber.Ctx) error {
		var in fuzzBody
		err := bindJSON(c, &in)
		switch _, invalid := apperr.AsValidation(err); {
		case err == nil:
			return c.SendStatus(fiber.StatusOK)
		case errors.Is(err, apperr.ErrBadRequest):
			return c.SendStatus(fiber.StatusBadRequest)
		case invalid:
			return c.SendStatus(fiber.StatusUnprocessableEntity)
		}
		return err
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode == fiber.StatusInternalServerError {
			t.Fatalf("%q: 500", body)
		}
	})
}

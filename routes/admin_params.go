package routes

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/paging"
	"khung/models"
)

// pathID reads the path parameter name as a row id. A malformed or
// non-positive id is a missing resource (404), like an id that does not exist.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// pageQuery reads ?page=&per_page=&sort= (the services normalise bad values
// and ignore a sort that names none of their columns).
func pageQuery(c *fiber.Ctx) paging.Page {
	return paging.Page{Number: c.QueryInt("page"), Size: c.QueryInt("per_page"), Sort: strings.TrimSpace(c.Query("sort"))}
}

// dateQuery reads an optional date from the query string (ISO, or dd/mm/yyyy
// as typed in a filter); a malformed one is a validation error on that parameter.
func dateQuery(c *fiber.Ctx, name string, ve *apperr.ValidationError) models.Date {
	s := strings.TrimSpace(c.Query(name))
	if s == "" {
		return models.Date{}
	}
	d, err := models.ParseTyped(s)
	if err != nil {
		ve.AddField(name, "date", "validation.date_format")
	}
	return d
}

// yearQuery reads ?year=, defaulting to the current year in the app's time zone.
func (a *admin) yearQuery(c *fiber.Ctx) int {
	if y := c.QueryInt("year"); y != 0 {
		return y
	}
	return a.today().Year
}

// created answers 201 with the new resource and where it lives.
func created(c *fiber.Ctx, location string, body any) error {
	c.Location(location)
	return c.Status(fiber.StatusCreated).JSON(body)
}

// listJSON is the body of a list that is not paginated.
type listJSON[T any] struct {
	Items []T `json:"items"`
}

func list[T any](items []T) listJSON[T] {
	if items == nil {
		items = []T{}
	}
	return listJSON[T]{Items: items}
}

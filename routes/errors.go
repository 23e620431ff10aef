package routes

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/msg"
	"khung/views"
)

// problem is an error as the client sees it: a status, a stable code, a message
// in both languages and, for bad input, the fields.
type problem struct {
	Status int
	Code   string
	Msg    msg.Message // the message of the status, unless the error brings its own
	VI, EN string      // the message rendered in both languages (by classify)
	Fields []apperr.FieldError
}

// errorEnvelope is the JSON body of every error:
// {"error": code, "message": {"vi","en"}, "fields": [{"field","rule","vi","en"}]}.
type errorEnvelope struct {
	Error   string              `json:"error"`
	Message messageText         `json:"message"`
	Fields  []apperr.FieldError `json:"fields"`
}

type messageText struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// bothLanguages renders m in Vietnamese and English.
func (h *Handlers) bothLanguages(m msg.Message) messageText {
	return messageText{VI: h.Locales.For("vi").Msg(m), EN: h.Locales.For("en").Msg(m)}
}

// classify maps an error to what the client is told. This is the one place
// where sentinels become HTTP statuses; messages given as catalog ids are
// rendered here in both languages.
func (h *Handlers) classify(err error) problem {
	p := classifyKind(err)
	vi, en := h.Locales.For("vi"), h.Locales.For("en")
	p.VI, p.EN = vi.Msg(p.Msg), en.Msg(p.Msg)
	var e *apperr.Error
	if errors.As(err, &e) {
		switch {
		case e.Msg.ID != "":
			p.VI, p.EN = vi.Msg(e.Msg), en.Msg(e.Msg)
		case e.VI != "" || e.EN != "":
			p.VI, p.EN = e.VI, e.EN
		}
	}
	if p.Fields == nil {
		p.Fields = []apperr.FieldError{}
	}
	fields := make([]apperr.FieldError, len(p.Fields))
	for i, f := range p.Fields {
		if f.Msg.ID != "" {
			f.VI, f.EN = vi.Msg(f.Msg), en.Msg(f.Msg)
		}
		fields[i] = f
	}
	p.Fields = fields
	return p
}

func classifyKind(err error) problem {
	if ve, ok := apperr.AsValidation(err); ok {
		return problem{Status: fiber.StatusUnprocessableEntity, Code: "validation", Msg: msg.New("error.validation"), Fields: ve.Fields}
	}
	switch {
	case errors.Is(err, apperr.ErrBadRequest):
		return problem{Status: fiber.StatusBadRequest, Code: "bad_request", Msg: msg.New("error.bad_request")}
	case errors.Is(err, apperr.ErrUnauthenticated):
		return problem{Status: fiber.StatusUnauthorized, Code: "unauthenticated", Msg: msg.New("error.unauthenticated")}
	case errors.Is(err, apperr.ErrForbidden):
		return problem{Status: fiber.StatusForbidden, Code: "forbidden", Msg: msg.New("error.forbidden")}
	case errors.Is(err, apperr.ErrNotFound), errors.Is(err, gorm.ErrRecordNotFound):
		return problem{Status: fiber.StatusNotFound, Code: "not_found", Msg: msg.New("error.not_found")}
	case errors.Is(err, apperr.ErrConflict), errors.Is(err, gorm.ErrDuplicatedKey):
		return problem{Status: fiber.StatusConflict, Code: "conflict", Msg: msg.New("error.conflict")}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return problem{Status: fiber.StatusConflict, Code: "conflict", Msg: msg.New("error.in_use_or_missing")}
	case errors.Is(err, apperr.ErrTooManyAttempts):
		return problem{Status: fiber.StatusTooManyRequests, Code: "too_many_attempts", Msg: msg.New("error.too_many_attempts")}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return problem{Status: fe.Code, Code: "not_found", Msg: msg.New("error.page_not_found")}
		case fiber.StatusMethodNotAllowed:
			return problem{Status: fe.Code, Code: "method_not_allowed", Msg: msg.New("error.method_not_allowed")}
		case fiber.StatusRequestEntityTooLarge:
			return problem{Status: fe.Code, Code: "too_large", Msg: msg.New("error.too_large")}
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return problem{Status: fe.Code, Code: "bad_request", Msg: msg.New("error.invalid_request")}
		}
	}
	return problem{Status: fiber.StatusInternalServerError, Code: "internal", Msg: msg.New("error.internal")}
}

// handleError is Fiber's error handler: it answers JSON clients with the error
// envelope and browsers with the error page (or the login page for 401). The
// text of err is logged for 5xx only and never sent.
func (h *Handlers) handleError(c *fiber.Ctx, err error) error {
	if errors.Is(err, fiber.ErrRequestEntityTooLarge) {
		err = h.tooLarge(c)
	}
	p := h.classify(err)
	if p.Status >= 500 {
		h.Log.Error("request failed", "request_id", state(c).ID, "method", c.Method(), "path", c.Path(), "error", err.Error())
	}
	if wantsJSON(c) {
		return writeProblem(c, p)
	}
	if p.Status == fiber.StatusUnauthorized && c.Method() == fiber.MethodGet {
		return h.RequireLogin(c)
	}
	c.Status(p.Status)
	rerr := h.render(c, "errors/error", fiber.Map{
		"Title":   trOf(c).T("error.title", "Status", p.Status),
		"Status":  p.Status,
		"Message": trOf(c).Pick(p.VI, p.EN),
		"Fields":  p.Fields,
		"Problem": p,
	})
	if rerr != nil {
		h.Log.Error("render error page", "request_id", state(c).ID, "error", rerr.Error())
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(p.Status).SendString(trOf(c).Pick(p.VI, p.EN))
	}
	return nil
}

// tooLarge is the answer to a body over Fiber's BodyLimit. The server stops
// reading such a body and calls the error handler before any middleware has
// run, so the request first gets what the middleware would have given it: an
// id, the security headers, the language of its cookie, and its access log line.
func (h *Handlers) tooLarge(c *fiber.Ctx) error {
	if r := state(c); r.ID == "" {
		id, err := newRequestID(c)
		if err != nil {
			return err
		}
		lang := c.Cookies(langCookie)
		if !views.IsLanguage(lang) {
			lang = views.DefaultLanguage
		}
		r.ID, r.IP, r.T = id, h.clientIP(c), h.Locales.For(lang)
		c.Set(fiber.HeaderXRequestID, id)
		h.setSecurityHeaders(c)
		h.Log.Info("request", "request_id", id, "method", c.Method(), "path", c.Path(),
			"status", fiber.StatusRequestEntityTooLarge, "ip", r.IP, "content_length", c.Request().Header.ContentLength())
	}
	return apperr.Fail(fiber.ErrRequestEntityTooLarge, "security.body_too_large", "MaxMB", c.App().Config().BodyLimit>>20)
}

// jsonError writes err as the JSON error envelope with its mapped status.
func (h *Handlers) jsonError(c *fiber.Ctx, err error) error {
	p := h.classify(err)
	if p.Status >= 500 {
		h.Log.Error("request failed", "request_id", state(c).ID, "method", c.Method(), "path", c.Path(), "error", err.Error())
	}
	return writeProblem(c, p)
}

func writeProblem(c *fiber.Ctx, p problem) error {
	return c.Status(p.Status).JSON(errorEnvelope{Error: p.Code, Message: messageText{p.VI, p.EN}, Fields: p.Fields})
}

// wantsJSON tells whether the client expects JSON rather than a page: API
// paths, JSON bodies, and clients that accept JSON but not HTML.
func wantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") || isJSON(c) {
		return true
	}
	accept := c.Get(fiber.HeaderAccept)
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// isJSON tells whether the request body is JSON.
func isJSON(c *fiber.Ctx) bool {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	return strings.HasPrefix(ct, "application/json") || strings.Contains(ct, "+json")
}

// bindJSON decodes the JSON body into dst. Malformed JSON, an unknown field or
// trailing data is ErrBadRequest (400); a value of the wrong type is a
// ValidationError on that field (422).
func bindJSON(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Fail(apperr.ErrBadRequest, "request.json_missing")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			return apperr.Fail(apperr.ErrBadRequest, "request.json_trailing")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.Fail(apperr.ErrBadRequest, "request.json_syntax", "Offset", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Fail(apperr.ErrBadRequest, "request.json_truncated")
	case errors.As(err, &typ) && typ.Field != "":
		return apperr.Field(typ.Field, "type", jsonTypeMessage(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Fail(apperr.ErrBadRequest, "request.json_unknown_field", "Field", field)
	}
	return apperr.Fail(apperr.ErrBadRequest, "request.json_invalid")
}

// jsonTypeMessage names the JSON type a Go kind expects, as a message id.
func jsonTypeMessage(kind string) string {
	switch kind {
	case "string":
		return "request.json_type_string"
	case "bool":
		return "request.json_type_bool"
	case "slice", "array":
		return "request.json_type_list"
	case "struct", "map":
		return "request.json_type_object"
	}
	return "request.json_type_number"
}

// bindForm decodes a posted form (urlencoded or multipart) into dst by its
// `form` tags; an unreadable body is ErrBadRequest.
func bindForm(c *fiber.Ctx, dst any) error {
	if err := c.BodyParser(dst); err != nil {
		return apperr.Fail(apperr.ErrBadRequest, "request.form_unreadable")
	}
	return nil
}

package routes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"khung/app/apperr"
)

// problem is an error as the client sees it: a status, a stable code, a message
// in both languages and, for bad input, the fields.
type problem struct {
	Status int
	Code   string
	VI, EN string
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

// classify maps an error to what the client is told. This is the one place
// where sentinels become HTTP statuses; messages given as catalog ids are
// rendered here in both languages.
func (h *Handlers) classify(err error) problem {
	p := classifyKind(err)
	vi, en := h.Locales.For("vi"), h.Locales.For("en")
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
		return problem{fiber.StatusUnprocessableEntity, "validation",
			"Dữ liệu nhập chưa hợp lệ, xem lỗi ở từng trường.", "Some fields are not valid; see each field.", ve.Fields}
	}
	switch {
	case errors.Is(err, apperr.ErrBadRequest):
		return problem{Status: fiber.StatusBadRequest, Code: "bad_request",
			VI: "Yêu cầu không đọc được.", EN: "The request could not be read."}
	case errors.Is(err, apperr.ErrUnauthenticated):
		return problem{Status: fiber.StatusUnauthorized, Code: "unauthenticated",
			VI: "Bạn cần đăng nhập.", EN: "You need to sign in."}
	case errors.Is(err, apperr.ErrForbidden):
		return problem{Status: fiber.StatusForbidden, Code: "forbidden",
			VI: "Bạn không có quyền thực hiện thao tác này.", EN: "You are not allowed to do this."}
	case errors.Is(err, apperr.ErrNotFound), errors.Is(err, gorm.ErrRecordNotFound):
		return problem{Status: fiber.StatusNotFound, Code: "not_found",
			VI: "Không tìm thấy.", EN: "Not found."}
	case errors.Is(err, apperr.ErrConflict), errors.Is(err, gorm.ErrDuplicatedKey):
		return problem{Status: fiber.StatusConflict, Code: "conflict",
			VI: "Dữ liệu trùng lặp hoặc vừa bị người khác thay đổi.", EN: "The data is a duplicate or was just changed by someone else."}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return problem{Status: fiber.StatusConflict, Code: "conflict",
			VI: "Dữ liệu đang được dùng ở nơi khác hoặc tham chiếu tới mục không tồn tại.",
			EN: "The data is in use elsewhere or refers to something that does not exist."}
	case errors.Is(err, apperr.ErrTooManyAttempts):
		return problem{Status: fiber.StatusTooManyRequests, Code: "too_many_attempts",
			VI: "Quá nhiều yêu cầu, vui lòng thử lại sau.", EN: "Too many attempts; please try again later."}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return problem{Status: fe.Code, Code: "not_found", VI: "Không tìm thấy trang này.", EN: "This page does not exist."}
		case fiber.StatusMethodNotAllowed:
			return problem{Status: fe.Code, Code: "method_not_allowed", VI: "Phương thức không được hỗ trợ.", EN: "Method not allowed."}
		case fiber.StatusRequestEntityTooLarge:
			return problem{Status: fe.Code, Code: "too_large", VI: "Dữ liệu gửi lên quá lớn.", EN: "The request is too large."}
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return problem{Status: fe.Code, Code: "bad_request", VI: "Yêu cầu không hợp lệ.", EN: "Bad request."}
		}
	}
	return problem{Status: fiber.StatusInternalServerError, Code: "internal",
		VI: "Đã có lỗi trong hệ thống. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị viên kèm mã yêu cầu.",
		EN: "Something went wrong on our side. Please try again; if it persists, tell the administrator the request id."}
}

// handleError is Fiber's error handler: it answers JSON clients with the error
// envelope and browsers with the error page (or the login page for 401). The
// text of err is logged for 5xx only and never sent.
func (h *Handlers) handleError(c *fiber.Ctx, err error) error {
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
		return apperr.New(apperr.ErrBadRequest, "Thiếu nội dung JSON.", "The JSON body is missing.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			return apperr.New(apperr.ErrBadRequest, "Có dữ liệu thừa sau nội dung JSON.", "Unexpected data after the JSON value.")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.New(apperr.ErrBadRequest,
			fmt.Sprintf("JSON sai cú pháp ở ký tự thứ %d.", syn.Offset),
			fmt.Sprintf("Malformed JSON at byte %d.", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.ErrBadRequest, "JSON bị cắt cụt.", "The JSON is truncated.")
	case errors.As(err, &typ) && typ.Field != "":
		return apperr.Invalid(typ.Field, "type",
			"Sai kiểu dữ liệu (cần "+jsonTypeVI(typ.Type.Kind().String())+").",
			"Wrong type (expected "+jsonTypeEN(typ.Type.Kind().String())+").")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.New(apperr.ErrBadRequest,
			"Trường không được hỗ trợ: "+field+".", "Unknown field: "+field+".")
	}
	return apperr.New(apperr.ErrBadRequest, "JSON không hợp lệ.", "Invalid JSON.")
}

func jsonTypeEN(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a number"
}

func jsonTypeVI(kind string) string {
	switch kind {
	case "string":
		return "chuỗi ký tự"
	case "bool":
		return "true hoặc false"
	case "slice", "array":
		return "danh sách"
	case "struct", "map":
		return "đối tượng"
	}
	return "số"
}

// bindForm decodes a posted form (urlencoded or multipart) into dst by its
// `form` tags; an unreadable body is ErrBadRequest.
func bindForm(c *fiber.Ctx, dst any) error {
	if err := c.BodyParser(dst); err != nil {
		return apperr.New(apperr.ErrBadRequest, "Không đọc được dữ liệu biểu mẫu.", "The form data could not be read.")
	}
	return nil
}

package apperr

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/go-playground/validator/v10/non-standard/validators"

	"khung/app/msg"
	"khung/models"
)

// A validator caches struct metadata and is safe for concurrent use; it is
// built once, configured here, and never changed afterwards.
var sharedValidator = sync.OnceValue(newValidator)

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Report fields by the name the client sent: json, then form, then query tag.
	v.RegisterTagNameFunc(fieldName)
	// notblank: like required, but "   " is blank too.
	if err := v.RegisterValidation("notblank", validators.NotBlank); err != nil {
		panic(err) // a programming error: the tag name is valid
	}
	// A civil date is checked as the time at its midnight; the zero date is empty,
	// so `required` fails on it and `gtefield` compares dates.
	v.RegisterCustomTypeFunc(func(f reflect.Value) any {
		d := f.Interface().(models.Date)
		if d.IsZero() {
			return nil
		}
		return d.Time()
	}, models.Date{})
	return v
}

// fieldName is the name a client uses for f: its json, form or query tag.
func fieldName(f reflect.StructField) string {
	for _, tag := range []string{"json", "form", "query"} {
		name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
		if name == "-" {
			return ""
		}
		if name != "" {
			return name
		}
	}
	return f.Name
}

// Validate checks v (a struct or pointer to one) against its `validate` tags
// and returns a *ValidationError with a message id per field and rule (the
// catalog views/locales/*/validation.toml), or nil. The field names are the
// json/form tag names; a `label:"field.start_date"` tag names a field
// (a message id of views/locales/*/fields.toml) inside the messages of other
// fields that refer to it (gtefield, eqfield…).
func Validate(v any) error {
	err := sharedValidator().Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		// InvalidValidationError: the caller passed a nil or a non-struct.
		return fmt.Errorf("validate %T: %w", v, err)
	}
	root := reflect.TypeOf(v)
	out := &ValidationError{}
	for _, fe := range verrs {
		id, pairs := message(fe, root)
		out.AddField(fieldPath(fe), fe.Tag(), id, pairs...)
	}
	return out
}

// ValidationIDs lists every message id Validate can return, so a test can
// check that each one is in the catalogs.
func ValidationIDs() []string {
	return []string{
		"validation.required", "validation.email", "validation.url", "validation.number",
		"validation.alphanum", "validation.phone", "validation.identifier", "validation.boolean",
		"validation.oneof", "validation.datetime", "validation.date_iso", "validation.invalid",
		"validation.len", "validation.len_text", "validation.len_items",
		"validation.min", "validation.min_text", "validation.min_items", "validation.not_past",
		"validation.max", "validation.max_text", "validation.max_items", "validation.not_future",
		"validation.gt", "validation.gt_length", "validation.lt", "validation.lt_length",
		"validation.eqfield", "validation.nefield",
		"validation.gtefield", "validation.gtefield_date", "validation.gtfield", "validation.gtfield_date",
		"validation.ltefield", "validation.ltefield_date", "validation.ltfield", "validation.ltfield_date",
	}
}

// fieldPath drops the struct name from "loginForm.members[2].role".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

// message returns the message id and parameters for one broken rule. Lengths
// of texts and lists are a Count (plural forms); other numbers are a Value.
func message(fe validator.FieldError, root reflect.Type) (id string, pairs []any) {
	p := fe.Param()
	kind := valueKind(fe)
	// sized picks the text, list or plain-number variant of a rule on sizes.
	sized := func(rule string) (string, []any) {
		switch kind {
		case kindText:
			return "validation." + rule + "_text", []any{"Count", count(p)}
		case kindList:
			return "validation." + rule + "_items", []any{"Count", count(p)}
		}
		return "validation." + rule, []any{"Value", p}
	}
	switch fe.Tag() {
	case "required", "notblank", "required_if", "required_unless", "required_with", "required_without",
		"required_with_all", "required_without_all":
		return "validation.required", nil
	case "email":
		return "validation.email", nil
	case "url", "http_url", "uri":
		return "validation.url", nil
	case "numeric", "number":
		return "validation.number", nil
	case "alphanum", "alphanumunicode":
		return "validation.alphanum", nil
	case "e164":
		return "validation.phone", nil
	case "uuid", "uuid4":
		return "validation.identifier", nil
	case "boolean":
		return "validation.boolean", nil
	case "oneof":
		return "validation.oneof", []any{"List", strings.Join(strings.Fields(p), ", ")}
	case "datetime":
		if p == time.DateOnly {
			// A date sent to the API: the format said in words, with an example.
			return "validation.date_iso", nil
		}
		return "validation.datetime", []any{"Layout", humanLayout(p)}
	case "len":
		return sized("len")
	case "min", "gte":
		if kind == kindTime {
			return "validation.not_past", nil
		}
		return sized("min")
	case "max", "lte":
		if kind == kindTime {
			return "validation.not_future", nil
		}
		return sized("max")
	case "gt", "lt":
		if kind == kindText || kind == kindList {
			return "validation." + fe.Tag() + "_length", []any{"Value", p}
		}
		return "validation." + fe.Tag(), []any{"Value", p}
	}
	// Rules comparing two fields name the other field by its label.
	other := []any{"Field", otherLabel(fe, root)}
	switch fe.Tag() {
	case "eqfield", "nefield":
		return "validation." + fe.Tag(), other
	case "gtefield", "gtfield", "ltefield", "ltfield":
		if kind == kindTime {
			return "validation." + fe.Tag() + "_date", other
		}
		return "validation." + fe.Tag(), other
	}
	return "validation.invalid", []any{"Rule", fe.Tag()}
}

// count reads a rule's size parameter; a size is a whole number.
func count(param string) int {
	n, _ := strconv.Atoi(param)
	return n
}

type valueKindT int

const (
	kindNumber valueKindT = iota
	kindText
	kindList
	kindTime
)

var timeType = reflect.TypeOf(time.Time{})

func valueKind(fe validator.FieldError) valueKindT {
	t := fe.Type()
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return kindNumber
	case t == timeType || t.ConvertibleTo(timeType):
		return kindTime
	case t.Kind() == reflect.String:
		return kindText
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
		return kindList
	case t.Kind() == reflect.Struct:
		// A custom type registered with a CustomTypeFunc returning time.Time (a civil date).
		return kindTime
	}
	return kindNumber
}

// otherLabel names the field that fe's rule compares against (its Param): its
// label tag, a message id ("field.start_date") rendered in the reader's
// language, else its json/form name.
func otherLabel(fe validator.FieldError, root reflect.Type) any {
	name := fe.Param()
	parent := parentType(root, fe.StructNamespace())
	if parent == nil {
		return name
	}
	f, ok := parent.FieldByName(name)
	if !ok {
		return name
	}
	if l := f.Tag.Get("label"); l != "" {
		return msg.New(l)
	}
	if n := fieldName(f); n != "" {
		return n
	}
	return name
}

// parentType walks "Form.Members[2].Role" from root and returns the struct
// type that holds the last field (Members' element type here).
func parentType(root reflect.Type, structNS string) reflect.Type {
	parts := strings.Split(structNS, ".")
	t := deref(root)
	for _, p := range parts[1 : len(parts)-1] {
		if i := strings.IndexByte(p, '['); i >= 0 {
			p = p[:i]
		}
		if t == nil || t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := t.FieldByName(p)
		if !ok {
			return nil
		}
		t = deref(f.Type)
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

// deref strips pointers and container element types.
func deref(t reflect.Type) reflect.Type {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		default:
			return t
		}
	}
	return nil
}

// humanLayout turns a Go time layout into what people read: 2006-01-02 → YYYY-MM-DD.
func humanLayout(layout string) string {
	return strings.NewReplacer("2006", "YYYY", "01", "MM", "02", "DD", "15", "HH", "04", "mm", "05", "ss").Replace(layout)
}

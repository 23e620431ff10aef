package apperr

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/go-playground/validator/v10/non-standard/validators"

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
// and returns a *ValidationError with a Vietnamese and English message per
// field and rule, or nil. The field names are the json/form tag names; a
// `label:"Ngày bắt đầu|Start date"` tag names a field inside the messages of
// other fields that refer to it (gtefield, eqfield…).
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
		vi, en := message(fe, root)
		out.Fields = append(out.Fields, FieldError{Field: fieldPath(fe), Rule: fe.Tag(), VI: vi, EN: en})
	}
	return out
}

// fieldPath drops the struct name from "loginForm.members[2].role".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

// message returns the Vietnamese and English text for one broken rule.
func message(fe validator.FieldError, root reflect.Type) (vi, en string) {
	p := fe.Param()
	kind := valueKind(fe)
	switch fe.Tag() {
	case "required", "notblank", "required_if", "required_unless", "required_with", "required_without",
		"required_with_all", "required_without_all":
		return "Bắt buộc nhập.", "This field is required."
	case "email":
		return "Địa chỉ email không hợp lệ.", "Not a valid email address."
	case "url", "http_url", "uri":
		return "Địa chỉ URL không hợp lệ.", "Not a valid URL."
	case "numeric", "number":
		return "Phải là một số.", "Must be a number."
	case "alphanum", "alphanumunicode":
		return "Chỉ được gồm chữ và số.", "Letters and digits only."
	case "e164":
		return "Số điện thoại không hợp lệ (dạng +84…).", "Not a valid phone number (+84…)."
	case "uuid", "uuid4":
		return "Mã không hợp lệ.", "Not a valid identifier."
	case "boolean":
		return "Phải là đúng hoặc sai.", "Must be true or false."
	case "oneof":
		list := strings.Join(strings.Fields(p), ", ")
		return "Phải là một trong: " + list + ".", "Must be one of: " + list + "."
	case "datetime":
		h := humanLayout(p)
		return "Phải theo dạng " + h + ".", "Must be in the form " + h + "."
	case "len":
		switch kind {
		case kindText:
			return "Phải có đúng " + p + " ký tự.", "Must be exactly " + p + " characters long."
		case kindList:
			return "Phải có đúng " + p + " mục.", "Must have exactly " + p + " item(s)."
		}
		return "Phải bằng " + p + ".", "Must equal " + p + "."
	case "min", "gte":
		switch kind {
		case kindText:
			return "Phải có ít nhất " + p + " ký tự.", "Must be at least " + p + " characters long."
		case kindList:
			return "Phải có ít nhất " + p + " mục.", "Must have at least " + p + " item(s)."
		case kindTime:
			return "Không được ở trong quá khứ.", "Must not be in the past."
		}
		return "Phải lớn hơn hoặc bằng " + p + ".", "Must be " + p + " or more."
	case "max", "lte":
		switch kind {
		case kindText:
			return "Không được dài quá " + p + " ký tự.", "Must be at most " + p + " characters long."
		case kindList:
			return "Không được quá " + p + " mục.", "Must have at most " + p + " item(s)."
		case kindTime:
			return "Không được ở trong tương lai.", "Must not be in the future."
		}
		return "Phải nhỏ hơn hoặc bằng " + p + ".", "Must be " + p + " or less."
	case "gt":
		if kind == kindText || kind == kindList {
			return "Phải dài hơn " + p + ".", "Must be longer than " + p + "."
		}
		return "Phải lớn hơn " + p + ".", "Must be greater than " + p + "."
	case "lt":
		if kind == kindText || kind == kindList {
			return "Phải ngắn hơn " + p + ".", "Must be shorter than " + p + "."
		}
		return "Phải nhỏ hơn " + p + ".", "Must be less than " + p + "."
	}
	// Rules comparing two fields name the other field by its label.
	lvi, len_ := otherLabel(fe, root)
	switch fe.Tag() {
	case "eqfield":
		return "Không khớp với " + lvi + ".", "Does not match " + len_ + "."
	case "nefield":
		return "Phải khác " + lvi + ".", "Must differ from " + len_ + "."
	case "gtefield":
		if kind == kindTime {
			return "Phải bằng hoặc sau " + lvi + ".", "Must be on or after " + len_ + "."
		}
		return "Phải lớn hơn hoặc bằng " + lvi + ".", "Must be greater than or equal to " + len_ + "."
	case "gtfield":
		if kind == kindTime {
			return "Phải sau " + lvi + ".", "Must be after " + len_ + "."
		}
		return "Phải lớn hơn " + lvi + ".", "Must be greater than " + len_ + "."
	case "ltefield":
		if kind == kindTime {
			return "Phải bằng hoặc trước " + lvi + ".", "Must be on or before " + len_ + "."
		}
		return "Phải nhỏ hơn hoặc bằng " + lvi + ".", "Must be less than or equal to " + len_ + "."
	case "ltfield":
		if kind == kindTime {
			return "Phải trước " + lvi + ".", "Must be before " + len_ + "."
		}
		return "Phải nhỏ hơn " + lvi + ".", "Must be less than " + len_ + "."
	}
	return "Giá trị không hợp lệ (quy tắc " + fe.Tag() + ").", "Invalid value (rule " + fe.Tag() + ")."
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

// otherLabel names the field that fe's rule compares against (its Param), by
// its label tag "vi|en", else its json/form name.
func otherLabel(fe validator.FieldError, root reflect.Type) (vi, en string) {
	name := fe.Param()
	parent := parentType(root, fe.StructNamespace())
	if parent == nil {
		return name, name
	}
	f, ok := parent.FieldByName(name)
	if !ok {
		return name, name
	}
	if l := f.Tag.Get("label"); l != "" {
		vi, en, found := strings.Cut(l, "|")
		if !found {
			return vi, vi
		}
		return vi, en
	}
	if n := fieldName(f); n != "" {
		return n, n
	}
	return name, name
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

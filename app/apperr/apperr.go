// Package apperr holds the handful of errors every service returns: sentinels
// for not found, forbidden, conflict and the like, and a field-level
// ValidationError, each with a message id of the catalogs (views/locales) and
// its parameters. The HTTP layer maps them to a status code and renders the
// messages in one place (routes/errors.go).
package apperr

import (
	"errors"
	"strings"

	"khung/app/msg"
)

// Sentinels. Wrap them (fmt.Errorf("load unit %d: %w", id, apperr.ErrNotFound))
// or attach a user-facing message with New.
var (
	// ErrNotFound means the thing does not exist or the actor may not know it exists.
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the actor is known but not allowed to do this.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict means the request clashes with the current state (duplicate, stale version…).
	ErrConflict = errors.New("conflict")
	// ErrUnauthenticated means nobody is logged in, or the credentials are wrong.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrTooManyAttempts means a rate limit refused the request.
	ErrTooManyAttempts = errors.New("too many attempts")
	// ErrBadRequest means the request itself is unreadable (malformed JSON, bad encoding).
	ErrBadRequest = errors.New("bad request")
)

// Error is a sentinel with a message for the user.
// errors.Is(err, apperr.ErrConflict) still holds for Fail(ErrConflict, …).
type Error struct {
	Kind error       // one of the sentinels above
	Msg  msg.Message // what the user reads: a catalog id with its parameters
	VI   string      // Msg rendered in Vietnamese, where a reader filled it (apperrtest)
	EN   string      // Msg rendered in English
}

// Fail returns kind with a user-facing message: a catalog id and key/value
// parameters, rendered in the reader's language by the HTTP layer.
func Fail(kind error, id string, pairs ...any) error {
	return &Error{Kind: kind, Msg: msg.New(id, pairs...)}
}

func (e *Error) Error() string {
	if e.Msg.ID != "" {
		return e.Kind.Error() + ": " + e.Msg.ID
	}
	return e.Kind.Error() + ": " + e.EN
}

// Unwrap lets errors.Is find the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// FieldError is one problem with one input field.
type FieldError struct {
	Field string      `json:"field"`           // the form/JSON name of the field, e.g. "email" or "members[2].role"
	Rule  string      `json:"rule"`            // the rule broken: required, email, min, unique, …
	Param string      `json:"param,omitempty"` // the rule's parameter: "3" for min=3, the list for oneof
	Msg   msg.Message `json:"-"`               // what the user reads (rendered by the HTTP layer)
	VI    string      `json:"vi"`              // Msg rendered in Vietnamese (by the HTTP layer)
	EN    string      `json:"en"`              // rendered in English
}

// Field returns a ValidationError with one field problem whose message is a
// catalog id with key/value parameters.
func Field(field, rule, id string, pairs ...any) *ValidationError {
	return (&ValidationError{}).AddField(field, rule, id, pairs...)
}

// AddField appends a field problem (a catalog id with parameters) and returns e.
func (e *ValidationError) AddField(field, rule, id string, pairs ...any) *ValidationError {
	e.Fields = append(e.Fields, FieldError{Field: field, Rule: rule, Msg: msg.New(id, pairs...)})
	return e
}

// ValidationError lists every problem found in one input; it maps to 422.
type ValidationError struct {
	Fields []FieldError
}

// Has tells whether field has at least one problem.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns e as an error, or nil when it holds no problem. Use it after
// collecting checks: `return v.Err()` (a nil *ValidationError is not a nil error).
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		text := f.EN
		if f.Msg.ID != "" {
			text = f.Msg.ID
		}
		parts[i] = f.Field + ": " + text
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// AsValidation returns the ValidationError inside err, if any.
func AsValidation(err error) (*ValidationError, bool) {
	var v *ValidationError
	ok := errors.As(err, &v)
	return v, ok
}

// Package apperrtest lets tests read a service's errors as people do: it
// renders the message ids of an *apperr.Error and of a *apperr.ValidationError
// in Vietnamese and English with the real catalogs, the way the HTTP layer does.
package apperrtest

import (
	"errors"
	"testing"

	"khung/app/apperr"
	"khung/app/msg"
	"khung/views"
)

// Render fills VI and EN of every message inside err from its message id, in
// place, and returns err, so a test can assert on the texts a person reads.
// Messages without an id keep the texts they have.
func Render(t testing.TB, err error) error {
	t.Helper()
	loc, lerr := views.LoadLocales(views.LocaleFiles())
	if lerr != nil {
		t.Fatalf("load the catalogs: %v", lerr)
	}
	vi, en := loc.For("vi"), loc.For("en")
	var e *apperr.Error
	if errors.As(err, &e) && e.Msg.ID != "" {
		e.VI, e.EN = vi.Msg(e.Msg), en.Msg(e.Msg)
	}
	if ve, ok := apperr.AsValidation(err); ok {
		for i, f := range ve.Fields {
			if f.Msg.ID != "" {
				ve.Fields[i].VI, ve.Fields[i].EN = vi.Msg(f.Msg), en.Msg(f.Msg)
			}
		}
	}
	return err
}

// Fields returns the field problems of err rendered in both languages with
// their message ids cleared, ready to compare with expected FieldErrors.
func Fields(t testing.TB, err error) []apperr.FieldError {
	t.Helper()
	ve, ok := apperr.AsValidation(Render(t, err))
	if !ok {
		t.Fatalf("got %v, want a *apperr.ValidationError", err)
	}
	out := make([]apperr.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		f.Msg = msg.Message{}
		out[i] = f
	}
	return out
}

package apperr

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"khung/app/msg"
	"khung/models"
	"khung/views"
)

type member struct {
	Role string `json:"role" validate:"required,oneof=lead member"`
}

type sampleForm struct {
	Email    string    `json:"email" validate:"required,email"`
	Name     string    `form:"full_name" validate:"notblank,max=5"`
	Password string    `json:"password" validate:"min=10"`
	Confirm  string    `json:"confirm" validate:"eqfield=Password"`
	Days     int       `json:"days" validate:"min=1,max=30"`
	Topics   []string  `json:"topics" validate:"min=1"`
	Day      string    `json:"day" validate:"datetime=2006-01-02"`
	At       string    `json:"at" validate:"datetime=15:04"`
	From     time.Time `json:"from" label:"field.start_date"`
	To       time.Time `json:"to" validate:"gtefield=From"`
	Members  []member  `json:"members" validate:"dive"`
}

func valid() sampleForm {
	d := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	return sampleForm{
		Email: "a@b.vn", Name: "Lan", Password: "0123456789", Confirm: "0123456789", Days: 3,
		Topics: []string{"cong_vu"}, Day: "2025-03-01", At: "08:30", From: d, To: d,
		Members: []member{{Role: "lead"}},
	}
}

// rendered returns fields as people read them: each message id rendered in
// Vietnamese and English with the real catalogs, the id itself cleared.
func rendered(t *testing.T, fields []FieldError) []FieldError {
	t.Helper()
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]FieldError, len(fields))
	for i, f := range fields {
		f.VI, f.EN = loc.For("vi").Msg(f.Msg), loc.For("en").Msg(f.Msg)
		f.Msg = msg.Message{}
		out[i] = f
	}
	return out
}

func TestValidateAcceptsAValidForm(t *testing.T) {
	if err := Validate(valid()); err != nil {
		t.Fatalf("valid form refused: %v", err)
	}
}

func TestValidateNamesEachFieldAndRuleInBothLanguages(t *testing.T) {
	tests := []struct {
		name   string
		change func(*sampleForm)
		want   FieldError
	}{
		{"missing email is required", func(f *sampleForm) { f.Email = "" },
			FieldError{Field: "email", Rule: "required", VI: "Bắt buộc nhập.", EN: "This field is required."}},
		{"bad email is refused", func(f *sampleForm) { f.Email = "not-an-email" },
			FieldError{Field: "email", Rule: "email", VI: "Địa chỉ email không hợp lệ.", EN: "Not a valid email address."}},
		{"blank name counts as missing and uses the form tag", func(f *sampleForm) { f.Name = "   " },
			FieldError{Field: "full_name", Rule: "notblank", VI: "Bắt buộc nhập.", EN: "This field is required."}},
		{"too long text counts characters", func(f *sampleForm) { f.Name = "Nguyễn" },
			FieldError{Field: "full_name", Rule: "max", VI: "Không được dài quá 5 ký tự.", EN: "Must be at most 5 characters long."}},
		{"short password counts characters", func(f *sampleForm) { f.Password, f.Confirm = "short", "short" },
			FieldError{Field: "password", Rule: "min", VI: "Phải có ít nhất 10 ký tự.", EN: "Must be at least 10 characters long."}},
		{"confirmation must match", func(f *sampleForm) { f.Confirm = "0123456780" },
			FieldError{Field: "confirm", Rule: "eqfield", VI: "Không khớp với password.", EN: "Does not match password."}},
		{"numbers compare values", func(f *sampleForm) { f.Days = 31 },
			FieldError{Field: "days", Rule: "max", VI: "Phải nhỏ hơn hoặc bằng 30.", EN: "Must be 30 or less."}},
		{"lists count items", func(f *sampleForm) { f.Topics = nil },
			FieldError{Field: "topics", Rule: "min", VI: "Phải có ít nhất 1 mục.", EN: "Must have at least 1 item."}},
		{"dates show the expected form", func(f *sampleForm) { f.Day = "01/03/2025" },
			FieldError{Field: "day", Rule: "datetime", VI: "Phải là ngày viết dạng năm-tháng-ngày, ví dụ 2026-06-01.", EN: "Must be a date written year-month-day, e.g. 2026-06-01."}},
		{"other layouts show the expected form", func(f *sampleForm) { f.At = "8h30" },
			FieldError{Field: "at", Rule: "datetime", VI: "Phải theo dạng HH:mm.", EN: "Must be in the form HH:mm."}},
		{"end before start names the start by its label", func(f *sampleForm) { f.To = f.From.AddDate(0, 0, -1) },
			FieldError{Field: "to", Rule: "gtefield", VI: "Phải bằng hoặc sau Ngày bắt đầu.", EN: "Must be on or after Start date."}},
		{"nested fields carry their index", func(f *sampleForm) { f.Members = append(f.Members, member{Role: "boss"}) },
			FieldError{Field: "members[1].role", Rule: "oneof", VI: "Phải là một trong: lead, member.", EN: "Must be one of: lead, member."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			tt.change(&f)
			err := Validate(&f)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff([]FieldError{tt.want}, rendered(t, ve.Fields)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	err := Validate(sampleForm{})
	ve, ok := AsValidation(err)
	if !ok {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	for _, f := range []string{"email", "full_name", "password", "days", "topics", "day"} {
		if !ve.Has(f) {
			t.Errorf("no problem reported for %s; got %+v", f, ve.Fields)
		}
	}
}

func TestValidateRefusesANonStruct(t *testing.T) {
	err := Validate(42)
	if err == nil {
		t.Fatal("validating an int gave no error")
	}
	if _, ok := AsValidation(err); ok {
		t.Fatal("a programming error must not look like bad user input")
	}
}

func TestSentinelsSurviveMessagesAndWrapping(t *testing.T) {
	err := Fail(ErrConflict, "constraint.catalog_code_taken", "Code", "SNV")
	if !errors.Is(err, ErrConflict) {
		t.Error("Fail(ErrConflict) is not ErrConflict")
	}
	var e *Error
	if !errors.As(errors.Join(errors.New("ctx"), err), &e) || e.Msg.ID != "constraint.catalog_code_taken" || e.Msg.Args["Code"] != "SNV" {
		t.Error("the message is lost when wrapped")
	}
	var empty *ValidationError
	if empty.Err() != nil || (&ValidationError{}).Err() != nil {
		t.Error("an empty ValidationError must be a nil error")
	}
	if Field("code", "unique", "constraint.catalog_code_taken").Err() == nil {
		t.Error("a ValidationError with a field must be an error")
	}
}

func TestValidateChecksCivilDates(t *testing.T) {
	type leave struct {
		From models.Date `json:"from" validate:"required" label:"field.from"`
		To   models.Date `json:"to" validate:"required,gtefield=From"`
	}
	if err := Validate(leave{From: models.NewDate(2025, 3, 1), To: models.NewDate(2025, 3, 1)}); err != nil {
		t.Fatalf("a one-day leave is refused: %v", err)
	}
	err := Validate(leave{From: models.NewDate(2025, 3, 2), To: models.NewDate(2025, 3, 1)})
	ve, ok := AsValidation(err)
	if !ok {
		t.Fatalf("to < from gave %v, want a ValidationError", err)
	}
	want := []FieldError{{Field: "to", Rule: "gtefield", VI: "Phải bằng hoặc sau Từ ngày.", EN: "Must be on or after From."}}
	if diff := cmp.Diff(want, rendered(t, ve.Fields)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	ve, _ = AsValidation(Validate(leave{}))
	if ve == nil || !ve.Has("from") || !ve.Has("to") {
		t.Errorf("empty dates must be required, got %v", ve)
	}
}

func TestValidateCountsInPluralForms(t *testing.T) {
	type note struct {
		Code  string   `json:"code" validate:"len=1"`
		Tags  []string `json:"tags" validate:"max=1"`
		Title string   `json:"title" validate:"max=3"`
	}
	err := Validate(note{Code: "ab", Tags: []string{"a", "b"}, Title: "abcd"})
	ve, ok := AsValidation(err)
	if !ok {
		t.Fatalf("got %v, want a ValidationError", err)
	}
	want := []FieldError{
		{Field: "code", Rule: "len", VI: "Phải có đúng 1 ký tự.", EN: "Must be exactly 1 character long."},
		{Field: "tags", Rule: "max", VI: "Không được quá 1 mục.", EN: "Must have at most 1 item."},
		{Field: "title", Rule: "max", VI: "Không được dài quá 3 ký tự.", EN: "Must be at most 3 characters long."},
	}
	if diff := cmp.Diff(want, rendered(t, ve.Fields)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// everyRule breaks each rule Validate names, in each of its variants.
type everyRule struct {
	Required  string    `json:"required" validate:"required"`
	Email     string    `json:"email" validate:"email"`
	URL       string    `json:"url" validate:"url"`
	Number    string    `json:"number" validate:"numeric"`
	Alphanum  string    `json:"alphanum" validate:"alphanum"`
	Phone     string    `json:"phone" validate:"e164"`
	UUID      string    `json:"uuid" validate:"uuid"`
	Boolean   string    `json:"boolean" validate:"boolean"`
	OneOf     string    `json:"oneof" validate:"oneof=a b"`
	Datetime  string    `json:"datetime" validate:"datetime=2006-01-02"`
	Clock     string    `json:"clock" validate:"datetime=15:04"`
	Other     string    `json:"other" validate:"lowercase"`
	Len       int       `json:"len" validate:"len=2"`
	LenText   string    `json:"len_text" validate:"len=2"`
	LenItems  []int     `json:"len_items" validate:"len=2"`
	Min       int       `json:"min" validate:"min=2"`
	MinText   string    `json:"min_text" validate:"min=2"`
	MinItems  []int     `json:"min_items" validate:"min=2"`
	NotPast   time.Time `json:"not_past" validate:"gte"`
	Max       int       `json:"max" validate:"max=0"`
	MaxText   string    `json:"max_text" validate:"max=0"`
	MaxItems  []int     `json:"max_items" validate:"max=0"`
	NotFuture time.Time `json:"not_future" validate:"lte"`
	Gt        int       `json:"gt" validate:"gt=2"`
	GtLength  string    `json:"gt_length" validate:"gt=2"`
	Lt        int       `json:"lt" validate:"lt=0"`
	LtLength  string    `json:"lt_length" validate:"lt=0"`
	A         int       `json:"a"`
	B         int       `json:"b"`
	EqField   int       `json:"eqfield" validate:"eqfield=A"`
	NeField   int       `json:"nefield" validate:"nefield=B"`
	GteField  int       `json:"gtefield" validate:"gtefield=A"`
	GtField   int       `json:"gtfield" validate:"gtfield=A"`
	LteField  int       `json:"ltefield" validate:"ltefield=B"`
	LtField   int       `json:"ltfield" validate:"ltfield=B"`
	Early     time.Time `json:"early"`
	Late      time.Time `json:"late"`
	GteDate   time.Time `json:"gtefield_date" validate:"gtefield=Late"`
	GtDate    time.Time `json:"gtfield_date" validate:"gtfield=Late"`
	LteDate   time.Time `json:"ltefield_date" validate:"ltefield=Early"`
	LtDate    time.Time `json:"ltfield_date" validate:"ltfield=Early"`
}

func TestValidationIDsListsEveryMessageValidateGives(t *testing.T) {
	early, late := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)
	in := everyRule{
		Email: "x", URL: "x", Number: "x", Alphanum: "-", Phone: "x", UUID: "x", Boolean: "x", OneOf: "c",
		Datetime: "x", Clock: "x", Other: "X", Len: 3, LenText: "abc", LenItems: []int{1}, Min: 1, MinText: "a", MinItems: []int{1},
		NotPast: early, Max: 1, MaxText: "a", MaxItems: []int{1}, NotFuture: late, Gt: 1, GtLength: "a", Lt: 1, LtLength: "a",
		A: 5, B: 5, EqField: 4, NeField: 5, GteField: 4, GtField: 5, LteField: 6, LtField: 5,
		Early: early, Late: late, GteDate: early, GtDate: late, LteDate: late, LtDate: early,
	}
	ve, ok := AsValidation(Validate(in))
	if !ok {
		t.Fatal("the form breaking every rule was accepted")
	}
	got := map[string]bool{}
	for _, f := range ve.Fields {
		got[f.Msg.ID] = true
	}
	listed := map[string]bool{}
	for _, id := range ValidationIDs() {
		listed[id] = true
		if !got[id] {
			t.Errorf("ValidationIDs lists %s, which no broken rule gave (is the test form missing a case?)", id)
		}
	}
	for id := range got {
		if !listed[id] {
			t.Errorf("Validate gave %s, which ValidationIDs does not list", id)
		}
	}
}

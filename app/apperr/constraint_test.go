package apperr_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"khung/app/apperr"
	"khung/app/msg"
	"khung/models/dbtest"
)

func TestFromConstraintNamesTheFieldOrTheConflict(t *testing.T) {
	db := dbtest.Gorm(t)
	dbtest.MustExec(t, db, `INSERT INTO units (code, name, kind, path) VALUES ('01', 'Thành phố', 'city', '/01/')`)
	dbtest.MustExec(t, db, `INSERT INTO rules (key, value, valid_from) VALUES ('k', '1', '2025-01-01')`)
	dbtest.MustExec(t, db, `INSERT INTO bodies (code, name, kind, unit_id) VALUES ('B1', 'Sở', 'inspectorate', (SELECT id FROM units))`)
	known := apperr.Constraints{
		"units_code_key":                   {Field: "code", Rule: "unique", ID: "units.code_taken"},
		"holidays_working_day_is_saturday": {Field: "date", Rule: "saturday", ID: "holidays.not_saturday"},
		apperr.AnyForeignKey:               {ID: "bodies.in_use"},
		apperr.AnyExclusion:                {Kind: apperr.ErrForbidden, ID: "constraint.rule_overlap"},
	}
	tests := []struct {
		name      string
		sql       string
		wantField *apperr.FieldError // a 422 on this field, or
		wantKind  error              // an error of this kind with wantID
		wantID    string
	}{
		{"a duplicate code is a unique error on the code", `INSERT INTO units (code, name, kind, parent_id, path) VALUES ('01', 'Khác', 'district', (SELECT id FROM units), '/01/01/')`,
			&apperr.FieldError{Field: "code", Rule: "unique", Msg: msg.New("units.code_taken")}, nil, ""},
		{"a named check is an error on its field", `INSERT INTO holidays (date, kind, name_vi, name_en) VALUES ('2025-03-03', 'working_saturday', 'Làm bù', 'Make-up')`,
			&apperr.FieldError{Field: "date", Rule: "saturday", Msg: msg.New("holidays.not_saturday")}, nil, ""},
		{"any foreign key stands for every foreign key of the use case", `DELETE FROM units`,
			nil, apperr.ErrConflict, "bodies.in_use"},
		{"a conflict may be of another kind", `INSERT INTO rules (key, value, valid_from) VALUES ('k', '2', '2025-06-01')`,
			nil, apperr.ErrForbidden, "constraint.rule_overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dberr := db.Exec(tt.sql).Error
			if dberr == nil {
				t.Fatal("the database accepted the statement")
			}
			err := apperr.FromConstraint(dberr, known)
			if tt.wantField != nil {
				ve, ok := apperr.AsValidation(err)
				if !ok {
					t.Fatalf("got %v, want a ValidationError", err)
				}
				if diff := cmp.Diff([]apperr.FieldError{*tt.wantField}, ve.Fields); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				return
			}
			var e *apperr.Error
			if !errors.Is(err, tt.wantKind) || !errors.As(err, &e) || e.Msg.ID != tt.wantID {
				t.Errorf("got %v, want %v with message %s", err, tt.wantKind, tt.wantID)
			}
		})
	}

	t.Run("an unknown constraint and other errors come back unchanged", func(t *testing.T) {
		dberr := db.Exec(`INSERT INTO units (code, name, kind, path) VALUES ('bad code', 'X', 'city', '/bad code/')`).Error
		if dberr == nil {
			t.Fatal("the database accepted a code with a space")
		}
		for _, in := range []error{dberr, errors.New("disk full"), nil} {
			if got := apperr.FromConstraint(in, known); got != in {
				t.Errorf("FromConstraint(%v) = %v, want it unchanged", in, got)
			}
		}
	})
}

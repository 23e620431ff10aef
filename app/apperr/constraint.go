package apperr

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// Constraint says what the violation of one database constraint means to a
// person: a problem with an input field when Field is set (422), else an
// error of Kind (ErrConflict when nil). ID is the message id.
type Constraint struct {
	Field string // the input field at fault, e.g. "email"; empty for a conflict
	Rule  string // the rule the field breaks, e.g. "unique"
	Kind  error  // for a problem with no field: the sentinel, ErrConflict by default
	ID    string // what the user reads
}

// Constraints maps constraint names ("users_email_key", the index name for a
// unique index) to their meaning. The keys AnyUnique, AnyForeignKey, AnyCheck
// and AnyExclusion stand for every other constraint of that kind, for a use
// case where they all mean the same ("still in use" when deleting).
type Constraints map[string]Constraint

// The PostgreSQL condition names of the constraint violations (SQLSTATE class 23).
const (
	AnyUnique     = "unique_violation"
	AnyForeignKey = "foreign_key_violation"
	AnyCheck      = "check_violation"
	AnyExclusion  = "exclusion_violation"
)

// conditionOf names the SQLSTATE codes of constraint violations.
func conditionOf(code string) string {
	switch code {
	case "23505":
		return AnyUnique
	case "23503":
		return AnyForeignKey
	case "23514":
		return AnyCheck
	case "23P01":
		return AnyExclusion
	}
	return ""
}

// FromConstraint turns the violation of a known database constraint into a
// field error or a conflict for people, never the database's own words; any
// other error, nil included, comes back unchanged. It reads the
// *pgconn.PgError inside err, which GORM keeps when it translates the error
// (gorm.ErrDuplicatedKey and the like).
func FromConstraint(err error, known Constraints) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return err
	}
	c, ok := known[pg.ConstraintName]
	if !ok {
		c, ok = known[conditionOf(pg.Code)]
	}
	if !ok {
		return err
	}
	if c.Field != "" {
		return Field(c.Field, c.Rule, c.ID)
	}
	kind := c.Kind
	if kind == nil {
		kind = ErrConflict
	}
	return Fail(kind, c.ID)
}

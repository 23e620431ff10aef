// Package rules is the registry of the dated rules (table rules): every key is
// declared once in registry.go with the Go type of its value, its default, what
// a valid value is, its legal basis and the date it takes effect. The catalog
// service checks a value against its declaration before saving it; the
// notification jobs and the planner read the rules in force on a day as typed
// values (Load, then Policy or Planning).
package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gorm.io/gorm"

	"khung/app/msg"
	"khung/models"
)

// Def declares one rule whose value is a T, written in the table as the JSON
// encoding of T.
type Def[T any] struct {
	Key        string
	Default    T                     // used when no version of the rule is in force
	Check      func(T) []msg.Message // what is wrong with a value that decodes; nil: nothing can be
	LegalBasis string
	Since      models.Date // the day the default and its legal basis take effect
	// Earlier are the bases the rule rested on before Since, oldest first,
	// each with its own first and last day (a rule of the 2022 Law on
	// Inspection ends on 30/06/2025; its counterpart under Law 84/2025/QH15
	// starts on 01/07/2025).
	Earlier []Basis
}

// Basis is a legal basis of a rule over a period (To nil: still in force).
type Basis struct {
	LegalBasis string       `json:"legal_basis"`
	From       models.Date  `json:"from"`
	To         *models.Date `json:"to"`
}

// InForce tells whether the basis applies on day.
func (b Basis) InForce(day models.Date) bool {
	return !day.Before(b.From) && (b.To == nil || !day.After(*b.To))
}

// Problem is one reason a value is refused: Rule is "format" for a value
// that is not a T, "invalid" for a T that breaks the rule's checks.
type Problem struct {
	Rule string
	Msg  msg.Message
}

// Decode reads raw as the rule's value. It is strict: a JSON null, a field T
// does not have or anything after the value is a format problem, so a typo in
// a weight's name is refused rather than ignored.
func (d Def[T]) Decode(raw []byte) (T, []Problem) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(&v)
	if err == nil {
		_, err = dec.Token()
		if errors.Is(err, io.EOF) {
			err = nil
		} else {
			err = errors.New("data after the value")
		}
	}
	if err != nil || strings.TrimSpace(string(raw)) == "null" {
		var zero T
		return zero, []Problem{{Rule: "format", Msg: msg.New(d.FormatID())}}
	}
	if d.Check == nil {
		return v, nil
	}
	var out []Problem
	for _, m := range d.Check(v) {
		out = append(out, Problem{Rule: "invalid", Msg: m})
	}
	return v, out
}

// AboutID is the catalog message that says what the rule is for.
func (d Def[T]) AboutID() string { return "rules." + d.Key + ".about" }

// FormatID is the catalog message that shows the value the rule expects, with
// an example; it is also the message of a value that is not a T.
func (d Def[T]) FormatID() string { return "rules." + d.Key + ".format" }

// Info describes d without its type.
func (d Def[T]) Info() Info {
	raw, err := json.Marshal(d.Default)
	if err != nil {
		panic(fmt.Sprintf("rule %s: default does not encode: %v", d.Key, err)) // a programming error the tests catch
	}
	bases := append(append([]Basis(nil), d.Earlier...), Basis{LegalBasis: d.LegalBasis, From: d.Since})
	return Info{Key: d.Key, Default: models.JSON(raw), LegalBasis: d.LegalBasis, Since: d.Since, Bases: bases,
		AboutID: d.AboutID(), FormatID: d.FormatID()}
}

// Problems tells what is wrong with raw as the rule's value (nil: nothing).
func (d Def[T]) Problems(raw []byte) []Problem {
	_, problems := d.Decode(raw)
	return problems
}

// Info is what every rule has, whatever the type of its value.
type Info struct {
	Key        string
	Default    models.JSON
	LegalBasis string // the current basis, in force from Since
	Since      models.Date
	Bases      []Basis // every basis over time, oldest first, the current last
	AboutID    string
	FormatID   string
}

// BasisOn returns the legal basis of the rule in force on day, and false
// before the rule's first basis.
func (i Info) BasisOn(day models.Date) (Basis, bool) {
	for _, b := range i.Bases {
		if b.InForce(day) {
			return b, true
		}
	}
	return Basis{}, false
}

// Entry is a declared rule of any value type.
type Entry interface {
	Info() Info
	Problems(raw []byte) []Problem
}

// Find returns the declared rule key, and false when no rule has that key.
func Find(key string) (Entry, bool) {
	for _, e := range All() {
		if e.Info().Key == key {
			return e, true
		}
	}
	return nil, false
}

// Keys lists the declared keys, sorted.
func Keys() []string {
	var out []string
	for _, e := range All() {
		out = append(out, e.Info().Key)
	}
	sort.Strings(out)
	return out
}

// Set is the rules in force on one day: at most one version of each key.
type Set struct {
	Day  models.Date
	rows map[string]models.Rule
}

// Load reads the versions of the declared rules in force on day.
func Load(ctx context.Context, db *gorm.DB, day models.Date) (*Set, error) {
	var rows []models.Rule
	err := db.WithContext(ctx).
		Where("key IN ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)", Keys(), day, day).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read the rules in force on %s: %w", day, err)
	}
	s := &Set{Day: day, rows: make(map[string]models.Rule, len(rows))}
	for _, r := range rows {
		s.rows[r.Key] = r
	}
	return s, nil
}

// Has tells whether a version of key is in force (false: its default applies).
func (s *Set) Has(key string) bool {
	_, ok := s.rows[key]
	return ok
}

// Get returns the value of d in force on the set's day, or d's default when no
// version is. A version whose value is not a valid T (written before values
// were checked, or by hand in the database) is an error naming the rule.
func Get[T any](s *Set, d Def[T]) (T, error) {
	r, ok := s.rows[d.Key]
	if !ok {
		// Decoding the default's encoding gives the caller its own copy of
		// slices and maps, never the registry's.
		info := d.Info()
		r = models.Rule{Value: info.Default, ValidFrom: d.Since}
		if b, ok := info.BasisOn(s.Day); ok {
			r.ValidFrom, r.LegalBasis = b.From, b.LegalBasis
		}
	}
	v, problems := d.Decode(r.Value)
	if len(problems) > 0 {
		return v, fmt.Errorf("rule %s (valid from %s): %s", d.Key, r.ValidFrom, describe(problems))
	}
	return v, nil
}

// describe writes problems for a log: message ids with their parameters.
func describe(problems []Problem) string {
	parts := make([]string, len(problems))
	for i, p := range problems {
		keys := make([]string, 0, len(p.Msg.Args))
		for k := range p.Msg.Args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var args []string
		for _, k := range keys {
			args = append(args, fmt.Sprintf("%s=%v", k, p.Msg.Args[k]))
		}
		parts[i] = p.Msg.ID
		if len(args) > 0 {
			parts[i] += " (" + strings.Join(args, ", ") + ")"
		}
	}
	return strings.Join(parts, "; ")
}

package models

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// JSON is a jsonb value kept as raw JSON text. Empty means NULL. PostgreSQL
// normalises jsonb (key order, spacing), so compare values with JSON.Equal.
type JSON json.RawMessage

// MustJSON marshals v to JSON, panicking on failure (for fixtures and constants).
func MustJSON(v any) JSON {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return JSON(b)
}

// Value writes the JSON text, or NULL when empty.
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return nil, nil
	}
	if !json.Valid(j) {
		return nil, errors.New("json value: invalid JSON")
	}
	return string(j), nil
}

// Scan reads a json or jsonb column; NULL gives an empty JSON.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = JSON(v)
	case []byte:
		*j = append(JSON(nil), v...)
	default:
		return fmt.Errorf("scan json: unsupported type %T", src)
	}
	return nil
}

// MarshalJSON writes the raw JSON (null when empty).
func (j JSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// UnmarshalJSON keeps a copy of the raw JSON.
func (j *JSON) UnmarshalJSON(b []byte) error {
	*j = append((*j)[:0], b...)
	return nil
}

// Unmarshal decodes the JSON into v.
func (j JSON) Unmarshal(v any) error {
	if len(j) == 0 {
		return errors.New("json: empty value")
	}
	return json.Unmarshal(j, v)
}

// Equal reports whether j and k hold the same JSON value, ignoring key order and
// spacing (go-cmp uses this method).
func (j JSON) Equal(k JSON) bool {
	if len(j) == 0 || len(k) == 0 {
		return len(j) == len(k)
	}
	var a, b any
	if json.Unmarshal(j, &a) != nil || json.Unmarshal(k, &b) != nil {
		return string(j) == string(k)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// TextArray is a PostgreSQL text[] column (codes of topics, skills…). It is
// written and read in the array text format, so it needs no driver support.
type TextArray []string

// Value writes the array literal, e.g. {"a","b"}; a nil array is written as empty.
func (a TextArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range s {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// Scan reads a one-dimensional text[] in the array text format.
func (a *TextArray) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*a = nil
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan text[]: unsupported type %T", src)
	}
	out, err := parseTextArray(s)
	if err != nil {
		return fmt.Errorf("scan text[] %q: %w", s, err)
	}
	*a = out
	return nil
}

// parseTextArray parses a one-dimensional array literal: {a,"b c",NULL,"d\"e"}.
// NULL elements are not expected in Khung's arrays and are rejected.
func parseTextArray(s string) (TextArray, error) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, errors.New("not an array literal")
	}
	body := []rune(s[1 : len(s)-1])
	out := TextArray{}
	if len(body) == 0 {
		return out, nil
	}
	for i := 0; i <= len(body); {
		var elem strings.Builder
		quoted := false
		if i < len(body) && body[i] == '"' {
			quoted = true
			i++
			for ; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
					if i == len(body) {
						return nil, errors.New("unterminated escape")
					}
				}
				elem.WriteRune(body[i])
			}
			if i == len(body) {
				return nil, errors.New("unterminated quote")
			}
			i++ // closing quote
		} else {
			for ; i < len(body) && body[i] != ','; i++ {
				if body[i] == '{' || body[i] == '"' {
					return nil, errors.New("nested or malformed array")
				}
				elem.WriteRune(body[i])
			}
		}
		if !quoted && elem.String() == "NULL" {
			return nil, errors.New("NULL element")
		}
		out = append(out, elem.String())
		if i == len(body) {
			break
		}
		if body[i] != ',' {
			return nil, errors.New("expected a comma")
		}
		i++
	}
	return out, nil
}

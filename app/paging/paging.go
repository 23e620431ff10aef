// Package paging holds the page request, the page result and the sortable
// columns shared by the list queries (admin lists, proposals, visits,
// recommendations, own inspections, audit log, outbox).
//
// A sort names one column of a list's whitelist, "-" before it for the other
// way round. A sort that names no column of the list is ignored and the list
// keeps its default order, like a page number out of range: every list
// behaves the same, and a bookmarked link never breaks.
package paging

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// DefaultSize is the page size when the client asks for none; MaxSize caps it.
const (
	DefaultSize = 50
	MaxSize     = 200
)

// Page asks for one page of a list: Number counts from 1; Sort is a column
// key of the list ("-key" for descending), "" for the list's default order.
type Page struct {
	Number int    `json:"page" query:"page" form:"page"`
	Size   int    `json:"per_page" query:"per_page" form:"per_page"`
	Sort   string `json:"sort,omitempty" query:"sort" form:"sort"`
}

// Normal returns p with a number of at least 1 and a size between 1 and MaxSize.
func (p Page) Normal() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = DefaultSize
	}
	if p.Size > MaxSize {
		p.Size = MaxSize
	}
	return p
}

// Offset is the number of rows before the page (of a normalised page).
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Result is one page of T with the total number of matching rows.
type Result[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

// NewResult builds the result of page p (normalised) holding items out of total.
func NewResult[T any](items []T, total int64, p Page) Result[T] {
	if items == nil {
		items = []T{} // a JSON list, never null
	}
	return Result[T]{Items: items, Total: total, Page: p.Number, PerPage: p.Size}
}

// Pages is the number of pages (at least 1).
func (r Result[T]) Pages() int {
	if r.PerPage < 1 || r.Total == 0 {
		return 1
	}
	return int((r.Total + int64(r.PerPage) - 1) / int64(r.PerPage))
}

// HasPrev tells whether a page comes before this one.
func (r Result[T]) HasPrev() bool { return r.Page > 1 }

// HasNext tells whether a page comes after this one.
func (r Result[T]) HasNext() bool { return r.Page < r.Pages() }

// Columns are the columns a list may be sorted by: each key a client may
// name, with the SQL expression it sorts by.
type Columns map[string]string

// Keys are the column keys, in alphabetical order.
func (c Columns) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// split reads a sort as its key and direction.
func split(sort string) (key string, desc bool) {
	key, desc = strings.CutPrefix(strings.TrimSpace(sort), "-")
	return key, desc
}

// Order is the ORDER BY of sort: the named column (empty values last either
// way), then tie, a unique column that keeps pages stable. A sort naming no
// column gives def, the list's own order (which ends with its tie-break).
func (c Columns) Order(sort, def, tie string) string {
	key, desc := split(sort)
	col, ok := c[key]
	if !ok {
		return def
	}
	dir := " ASC NULLS LAST"
	if desc {
		dir = " DESC NULLS LAST"
	}
	return col + dir + ", " + tie
}

// Text sorts the SQL text expression expr as a Vietnamese reader does (ICU's
// Vietnamese collation, which PostgreSQL builds with: Đ after D, tones after
// the plain letter), not byte by byte as the database's C locale would.
func Text(expr string) string { return expr + ` COLLATE "vi-x-icu"` }

// Compare sorts rows held in memory (short lists read whole): each key of a
// list with how two rows compare on it, ascending.
type Compare[T any] map[string]func(a, b T) int

// Keys are the column keys, in alphabetical order.
func (c Compare[T]) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Sort orders items by sort, stably (equal rows keep the list's default
// order); a sort naming no key leaves them as they are.
func (c Compare[T]) Sort(items []T, sort string) {
	key, desc := split(sort)
	f, ok := c[key]
	if !ok {
		return
	}
	slices.SortStableFunc(items, func(a, b T) int {
		if desc {
			return f(b, a)
		}
		return f(a, b)
	})
}

// Slice is page p (normalised here) of items held in memory, sorted by
// p.Sort through by (nil: as they are).
func Slice[T any](items []T, p Page, by Compare[T]) Result[T] {
	p = p.Normal()
	if by != nil {
		by.Sort(items, p.Sort)
	}
	total := len(items)
	from := min(p.Offset(), total)
	to := min(from+p.Size, total)
	return NewResult(items[from:to], int64(total), p)
}

// By compares rows on one field of an ordered type.
func By[T any, V cmp.Ordered](field func(T) V) func(a, b T) int {
	return func(a, b T) int { return cmp.Compare(field(a), field(b)) }
}

// ByFlag compares rows on a yes/no field, no before yes.
func ByFlag[T any](field func(T) bool) func(a, b T) int {
	return By(func(t T) int {
		if field(t) {
			return 1
		}
		return 0
	})
}

// ByText compares rows on a text field as a Vietnamese reader sorts names
// (Đ after D, tones after the plain letter, case ignored), not byte by byte.
// Each call makes its own collator: a collator is not safe for concurrent use.
func ByText[T any](field func(T) string) func(a, b T) int {
	col := collate.New(language.Vietnamese, collate.IgnoreCase)
	return func(a, b T) int { return col.CompareString(field(a), field(b)) }
}

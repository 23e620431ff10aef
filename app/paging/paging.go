// Package paging holds the page request and page result shared by the list
// queries of the admin services (units, users, inspectors, audit log).
package paging

// DefaultSize is the page size when the client asks for none; MaxSize caps it.
const (
	DefaultSize = 50
	MaxSize     = 200
)

// Page asks for one page of a list: Number counts from 1.
type Page struct {
	Number int `json:"page" query:"page" form:"page"`
	Size   int `json:"per_page" query:"per_page" form:"per_page"`
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

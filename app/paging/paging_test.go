package paging

import (
	"slices"
	"testing"
)

func TestOrderTakesOnlyAWhitelistedColumn(t *testing.T) {
	cols := Columns{"name": "users.full_name", "email": "users.email"}
	tests := []struct{ name, sort, want string }{
		{"ascending, empty values last, then the tie-break", "name", "users.full_name ASC NULLS LAST, users.id"},
		{"a minus sorts the other way round", "-email", "users.email DESC NULLS LAST, users.id"},
		{"no sort keeps the default", "", "users.id DESC"},
		{"an unknown key keeps the default", "password_hash", "users.id DESC"},
		{"SQL in the key is only an unknown key", "name; DROP TABLE users", "users.id DESC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cols.Order(tt.sort, "users.id DESC", "users.id"); got != tt.want {
				t.Errorf("Order(%q) = %q, want %q", tt.sort, got, tt.want)
			}
		})
	}
}

func TestSliceSortsAsVietnameseReadsAndPages(t *testing.T) {
	type row struct {
		Name string
		N    int
	}
	rows := func() []row {
		return []row{{"Đỗ", 3}, {"Dương", 1}, {"Ân", 4}, {"Eo", 2}, {"An", 5}}
	}
	by := Compare[row]{"name": ByText(func(r row) string { return r.Name }), "n": By(func(r row) int { return r.N })}
	names := func(rs []row) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	tests := []struct {
		name  string
		page  Page
		want  []string
		total int64
		pages int
	}{
		{"by name: Â after A, Đ after D", Page{Sort: "name"}, []string{"An", "Ân", "Dương", "Đỗ", "Eo"}, 5, 1},
		{"by number, descending", Page{Sort: "-n"}, []string{"An", "Ân", "Đỗ", "Eo", "Dương"}, 5, 1},
		{"page 2 of two rows", Page{Sort: "name", Number: 2, Size: 2}, []string{"Dương", "Đỗ"}, 5, 3},
		{"a page past the end is empty", Page{Sort: "name", Number: 9, Size: 2}, nil, 5, 3},
		{"an unknown key leaves the order", Page{Sort: "nope"}, []string{"Đỗ", "Dương", "Ân", "Eo", "An"}, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Slice(rows(), tt.page, by)
			if got := names(res.Items); !slices.Equal(got, tt.want) || res.Total != tt.total || res.Pages() != tt.pages {
				t.Errorf("Slice(%+v) = %q, total %d, %d pages; want %q, %d, %d", tt.page, got, res.Total, res.Pages(), tt.want, tt.total, tt.pages)
			}
		})
	}
	if keys := by.Keys(); !slices.Equal(keys, []string{"n", "name"}) {
		t.Errorf("Keys() = %q", keys)
	}
}

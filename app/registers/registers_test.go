package registers_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/registers"
	"khung/models/dbtest"
)

var snvQD = registers.Key{Agency: "SNV", DocType: "QĐ", Year: 2027}

// take numbers one document of entity in its own transaction, as a signing does.
func take(db *gorm.DB, k registers.Key, e registers.Entry, id int64) (int, error) {
	var n int
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		n, err = registers.Take(tx, k, e, func(int) (int64, error) { return id, nil })
		return err
	})
	return n, err
}

// Forty signings at once in one register: every number from 1 to 40 once, no
// duplicate and no gap; the register of another type counts on its own.
func TestConcurrentSigningsGetEveryNumberOnce(t *testing.T) {
	db := dbtest.Gorm(t)
	const n = 40
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		got  []int
		errs []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			num, err := take(db, snvQD, registers.Entry{Entity: "decision"}, int64(i+1))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			got = append(got, num)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d signings failed: %v", len(errs), errs[0])
	}
	slices.Sort(got)
	for i, num := range got {
		if num != i+1 {
			t.Fatalf("numbers %v: want 1..%d, each once", got, n)
		}
	}
	other, err := take(db, registers.Key{Agency: "SNV", DocType: "TB", Year: 2027}, registers.Entry{Entity: "conclusion"}, 1)
	if err != nil || other != 1 {
		t.Errorf("the notices' register: %d, %v; want 1", other, err)
	}
	next, err := take(db, registers.Key{Agency: "SNV", DocType: "QĐ", Year: 2028}, registers.Entry{Entity: "decision"}, 99)
	if err != nil || next != 1 {
		t.Errorf("a new year starts again at 1: %d, %v", next, err)
	}
}

func TestClerkNumbersAreCheckedAndSkipped(t *testing.T) {
	db := dbtest.Gorm(t)
	steps := []struct {
		name   string
		clerk  int
		id     int64
		want   int
		field  string // the field a 422 names; "" for success
		failed bool   // the write fails after the number was taken
	}{
		{"Khung gives 1", 0, 1, 1, "", false},
		{"the clerk enters 3", 3, 2, 3, "", false},
		{"Khung gives 2, the free one", 0, 3, 2, "", false},
		{"Khung skips the clerk's 3 and gives 4", 0, 4, 4, "", false},
		{"the clerk may not enter 2 again", 2, 5, 0, "number", false},
		{"nor a negative number", -1, 6, 0, "number", false},
		{"a signing that fails leaves no gap", 0, 7, 0, "", true},
		{"so the next one is 5", 0, 8, 5, "", false},
	}
	for _, s := range steps {
		var n int
		err := db.Transaction(func(tx *gorm.DB) error {
			var err error
			n, err = registers.Take(tx, snvQD, registers.Entry{Entity: "decision", Clerk: s.clerk}, func(int) (int64, error) {
				if s.failed {
					return 0, errors.New("the signing failed")
				}
				return s.id, nil
			})
			return err
		})
		switch {
		case s.failed:
			if err == nil {
				t.Errorf("%s: no error", s.name)
			}
		case s.field != "":
			ve, ok := apperr.AsValidation(err)
			if !ok || !ve.Has(s.field) {
				t.Errorf("%s: want a 422 on %q, got %v", s.name, s.field, err)
			}
		case err != nil || n != s.want:
			t.Errorf("%s: got %d, %v; want %d", s.name, n, err, s.want)
		}
	}
	list, err := registers.List(db, snvQD)
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	for _, e := range list {
		nums = append(nums, fmt.Sprintf("%d%s", e.Number, map[bool]string{true: "c"}[e.ByClerk]))
	}
	if got := fmt.Sprint(nums); got != "[1 2 3c 4 5]" {
		t.Errorf("register: %s, want [1 2 3c 4 5]", got)
	}
}

// Package registers keeps the number registers of official documents (sổ
// đăng ký văn bản): one per issuing agency, document type and year, shared by
// every body of the agency (the nine bodies of Sở Nội vụ all number their
// decisions in the one register of QĐ-SNV). Numbers start at 1 and are printed
// with two digits at least ("Số: 01/QĐ-SNV", officialdoc.Number). Khung gives
// the next free number inside the transaction that writes the document, so two
// signings at once never get the same number and a refused signing leaves no
// gap; or the registry clerk (văn thư) enters the number a document got outside
// Khung, which must be free. A number, once given, never changes.
package registers

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/officialdoc"
)

// Key names a register: "QĐ-SNV" of 2027 is {SNV, QĐ, 2027}.
type Key struct {
	Agency  string // "SNV"
	DocType string // "QĐ"
	Year    int
}

// Symbol is the key's symbol, "QĐ-SNV".
func (k Key) Symbol() string { return officialdoc.Symbol(k.DocType, k.Agency) }

// Entry says which document a number goes to and who gives it.
type Entry struct {
	Entity string // decision, conclusion, notice, acceptance, plan_version
	By     *int64 // the user
	Clerk  int    // the number the registry clerk entered; 0: Khung gives the next free one
}

// Take gives a number of register k to the document that write inserts: it
// locks the register's row until tx ends (the next signing of the same
// register waits), takes e.Clerk when it is free (else a 422 on the field
// "number") or the next free number, calls write with it, and records the
// number against the id write returns. Any error rolls the whole back, number
// included: no gap, no duplicate.
func Take(tx *gorm.DB, k Key, e Entry, write func(number int) (int64, error)) (int, error) {
	if e.Clerk < 0 {
		return 0, apperr.Field("number", "min", "registers.check.positive")
	}
	var reg struct {
		ID         int64
		LastNumber int
	}
	// The upsert creates the register on its first use and, in both cases,
	// takes the row lock that serialises the register's numbers.
	err := tx.Raw(`INSERT INTO registers (agency, doc_type, year) VALUES (?, ?, ?)
		ON CONFLICT (agency, doc_type, year) DO UPDATE SET last_number = registers.last_number
		RETURNING id, last_number`, k.Agency, k.DocType, k.Year).Scan(&reg).Error
	if err != nil {
		return 0, fmt.Errorf("register %s/%d: %w", k.Symbol(), k.Year, err)
	}
	n := e.Clerk
	if n > 0 {
		taken, err := isTaken(tx, reg.ID, n)
		if err != nil {
			return 0, err
		}
		if taken {
			return 0, apperr.Field("number", "unique", "registers.check.taken",
				"Number", officialdoc.Number(n)+"/"+k.Symbol(), "Year", k.Year)
		}
	} else {
		// The next number after the last Khung gave that the clerk has not taken.
		err := tx.Raw(`SELECT min(n) FROM generate_series(?::int + 1, ?::int + 1 +
				(SELECT count(*) FROM register_entries WHERE register_id = ? AND number > ?)::int) n
			WHERE NOT EXISTS (SELECT 1 FROM register_entries e WHERE e.register_id = ? AND e.number = n)`,
			reg.LastNumber, reg.LastNumber, reg.ID, reg.LastNumber, reg.ID).Scan(&n).Error
		if err != nil {
			return 0, fmt.Errorf("next number of %s/%d: %w", k.Symbol(), k.Year, err)
		}
		if err := tx.Exec(`UPDATE registers SET last_number = ? WHERE id = ?`, n, reg.ID).Error; err != nil {
			return 0, fmt.Errorf("advance %s/%d: %w", k.Symbol(), k.Year, err)
		}
	}
	id, err := write(n)
	if err != nil {
		return 0, err
	}
	err = tx.Exec(`INSERT INTO register_entries (register_id, number, entity, entity_id, by_clerk, created_by)
		VALUES (?, ?, ?, ?, ?, ?)`, reg.ID, n, e.Entity, id, e.Clerk > 0, e.By).Error
	if err != nil {
		return 0, fmt.Errorf("record %d/%s of %s %d: %w", n, k.Symbol(), e.Entity, id, err)
	}
	return n, nil
}

func isTaken(tx *gorm.DB, registerID int64, n int) (bool, error) {
	var one int
	err := tx.Raw(`SELECT 1 FROM register_entries WHERE register_id = ? AND number = ?`, registerID, n).Scan(&one).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return false, fmt.Errorf("is number %d taken: %w", n, err)
	}
	return one == 1, nil
}

// Numbered is one number given, as the register lists it.
type Numbered struct {
	Number   int    `json:"number"`
	Entity   string `json:"entity"`
	EntityID int64  `json:"entity_id"`
	ByClerk  bool   `json:"by_clerk"`
}

// List returns the numbers of register k in order.
func List(db *gorm.DB, k Key) ([]Numbered, error) {
	var out []Numbered
	err := db.Raw(`SELECT e.number, e.entity, e.entity_id, e.by_clerk FROM register_entries e
		JOIN registers r ON r.id = e.register_id
		WHERE r.agency = ? AND r.doc_type = ? AND r.year = ? ORDER BY e.number`, k.Agency, k.DocType, k.Year).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("register %s/%d: %w", k.Symbol(), k.Year, err)
	}
	return out, nil
}

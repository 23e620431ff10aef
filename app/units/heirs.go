package units

import (
	"fmt"

	"gorm.io/gorm"

	"khung/models"
)

// Heir is a unit that took over another, directly or through later reforms,
// and is in force on the day asked: what a record left on a unit that ended
// can be given to.
type Heir struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	How  string `json:"how"` // of the first link from the unit that ended: whole, part, renamed…
}

// heirsSQL lists the units that took over unit ? (first argument),
// transitively, that are in force on day ? (second and third arguments), with
// how the first link went. A unit reached by several paths keeps the first
// link's how in code order (DISTINCT ON).
const heirsSQL = `
	WITH RECURSIVE after(id, how) AS (
	    SELECT successor_id, how FROM unit_successions WHERE predecessor_id = ?
	    UNION SELECT s.successor_id, a.how FROM unit_successions s JOIN after a ON s.predecessor_id = a.id)
	SELECT DISTINCT ON (u.code) u.id, u.code, u.name, a.how
	  FROM after a JOIN units u ON u.id = a.id
	 WHERE (u.valid_from IS NULL OR u.valid_from <= ?) AND (u.valid_to IS NULL OR u.valid_to >= ?)
	 ORDER BY u.code, a.how`

// Heirs returns the units in force on day that took over unit unitID, in the
// order of their codes, read in db (a caller's transaction). Empty when no
// unit took it over.
func Heirs(db *gorm.DB, unitID int64, day models.Date) ([]Heir, error) {
	out := []Heir{}
	if err := db.Raw(heirsSQL, unitID, day, day).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("successors of unit %d: %w", unitID, err)
	}
	return out, nil
}

package models

import (
	"strings"
	"time"
)

// UnitKind says what a unit is.
type UnitKind string

// Unit kinds.
const (
	UnitCity              UnitKind = "city"
	UnitDistrict          UnitKind = "district"
	UnitCommune           UnitKind = "commune" // communes, wards and townships
	UnitDepartment        UnitKind = "department"
	UnitPublicServiceUnit UnitKind = "public_service_unit"
	UnitOther             UnitKind = "other"
)

// Unit is a node of the unit tree: the city, a district, a commune or ward, a
// department, a public-service unit. Path is '/'-joined codes from the root, with
// a leading and trailing slash ('/01/001/00001/'); build it with UnitPath.
type Unit struct {
	ID         int64     `gorm:"primaryKey;<-:false" json:"id"`
	Code       string    `json:"code"`       // official statistics code, or e.g. '01-SNV' for departments
	Name       string    `json:"name"`       // full official name: 'Quận Ba Đình'
	ShortName  string    `json:"short_name"` // optional abbreviation
	Kind       UnitKind  `json:"kind"`
	TypeLabel  string    `json:"type_label"` // official type text: Quận, Huyện, Phường, Xã, Sở…
	ParentID   *int64    `json:"parent_id"`
	AreaCode   string    `json:"area_code"` // groups units for travel (planner "area")
	Path       string    `json:"path"`
	ValidFrom  *Date     `json:"valid_from"` // nil: since always
	ValidTo    *Date     `json:"valid_to"`   // inclusive; nil: still exists
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	SearchText string    `gorm:"->" json:"-"` // generated: lower(unaccented name, short name, code)
}

// TableName names the table.
func (Unit) TableName() string { return "units" }

// UnitPath returns the materialised path of a unit with the given code under a
// parent whose path is parentPath ("" for a root).
func UnitPath(parentPath, code string) string {
	if parentPath == "" {
		return "/" + code + "/"
	}
	return parentPath + code + "/"
}

// SubtreePattern returns the LIKE pattern matching a unit and every unit below it:
// `WHERE path LIKE ?` with SubtreePattern(u.Path). Codes cannot contain LIKE wildcards.
func SubtreePattern(path string) string { return path + "%" }

// SearchPattern returns the LIKE pattern that matches a user's search text against
// a search_text column: lower case, diacritics and surrounding spaces removed on the
// database side with `lower(khung_unaccent(?))`. Use it as
// `WHERE search_text LIKE '%' || lower(khung_unaccent(?)) || '%'` (index-assisted by
// the trigram index); this helper only escapes LIKE wildcards.
func SearchPattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(strings.TrimSpace(q))
}

// InForce reports whether the unit exists on day d (its validity bounds are inclusive).
func (u Unit) InForce(d Date) bool {
	return (u.ValidFrom == nil || !d.Before(*u.ValidFrom)) && (u.ValidTo == nil || !d.After(*u.ValidTo))
}

// UnitSuccession links a unit that ended to a unit that took it over on
// EffectiveOn, whole or in part (How: whole, part, unchanged, renamed,
// type_changed, other, as the official conversion table says).
type UnitSuccession struct {
	PredecessorID int64     `gorm:"primaryKey" json:"predecessor_id"`
	SuccessorID   int64     `gorm:"primaryKey" json:"successor_id"`
	How           string    `json:"how"`
	EffectiveOn   Date      `json:"effective_on"`
	CreatedAt     time.Time `json:"created_at"`
}

// TableName names the table.
func (UnitSuccession) TableName() string { return "unit_successions" }

// UnitBlackout is a period when a unit cannot receive an inspection team.
type UnitBlackout struct {
	ID        int64     `gorm:"primaryKey;<-:false" json:"id"`
	UnitID    int64     `json:"unit_id"`
	FromDate  Date      `json:"from_date"`
	ToDate    Date      `json:"to_date"` // inclusive
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName names the table.
func (UnitBlackout) TableName() string { return "unit_blackouts" }

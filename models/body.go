package models

import "time"

// BodyKind says what sort of inspecting body a body is.
type BodyKind string

// Body kinds.
const (
	BodyCityTeam         BodyKind = "city_team"         // Đoàn kiểm tra công vụ Thành phố
	BodyInspectorate     BodyKind = "inspectorate"      // thanh tra
	BodyDivision         BodyKind = "division"          // a division of the department
	BodyDepartment       BodyKind = "department"        // another department's specialised checks (kiểm tra chuyên ngành)
	BodyDistrictInternal BodyKind = "district_internal" // a district's own inspection (until 30/06/2025)
	BodyCommune          BodyKind = "commune"           // a commune's People's Committee checking its own offices
	BodyUnitInternal     BodyKind = "unit_internal"     // a unit's internal inspection
)

// Body is an inspecting body. A lower Precedence leads joint visits.
type Body struct {
	ID         int64     `gorm:"primaryKey;<-:false" json:"id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	ShortName  string    `json:"short_name"`
	Kind       BodyKind  `json:"kind"`
	Precedence int       `json:"precedence"`
	UnitID     *int64    `json:"unit_id"` // the body's own unit
	Active     bool      `json:"active"`
	ValidFrom  *Date     `json:"valid_from"` // first day in force; nil: since always
	ValidTo    *Date     `json:"valid_to"`   // last day in force, inclusive; nil: still in force
	LegalBasis string    `json:"legal_basis"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName names the table.
func (Body) TableName() string { return "bodies" }

// InForceOn tells whether the body works on day d.
func (b Body) InForceOn(d Date) bool {
	return (b.ValidFrom == nil || !d.Before(*b.ValidFrom)) && (b.ValidTo == nil || !d.After(*b.ValidTo))
}

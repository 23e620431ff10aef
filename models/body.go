package models

import "time"

// BodyKind says what sort of inspecting body a body is.
type BodyKind string

// Body kinds.
const (
	BodyCityTeam         BodyKind = "city_team"         // Đoàn kiểm tra công vụ Thành phố
	BodyInspectorate     BodyKind = "inspectorate"      // thanh tra
	BodyDivision         BodyKind = "division"          // a division of the department
	BodyDistrictInternal BodyKind = "district_internal" // a district's own inspection
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
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName names the table.
func (Body) TableName() string { return "bodies" }

package models

import "time"

// OwnInspectionStatus is where an inspection a unit ran itself stands.
type OwnInspectionStatus string

// The simplified lifecycle of an own inspection: under way, then concluded.
const (
	OwnUnderWay  OwnInspectionStatus = "under_way"
	OwnConcluded OwnInspectionStatus = "concluded"
)

// OwnInspection is an inspection a department or a commune office ran itself
// (on itself or on a unit below it), recorded in a form or imported from the
// periodic Excel report. Its details stay in the unit's own files; Khung
// keeps what the statistics count.
type OwnInspection struct {
	ID                  int64               `gorm:"primaryKey;<-:false" json:"id"`
	ByUnitID            int64               `json:"by_unit_id"` // the unit that ran it
	UnitID              int64               `json:"unit_id"`    // the inspected unit
	Kind                string              `json:"kind"`       // inspection_kinds.code
	Form                Form                `json:"form"`
	StartDate           Date                `json:"start_date"`
	EndDate             Date                `json:"end_date"`
	Status              OwnInspectionStatus `gorm:"default:under_way" json:"status"`
	ConclusionNumber    string              `json:"conclusion_number"`
	ConclusionSignedOn  *Date               `json:"conclusion_signed_on"`
	Shortcomings        int                 `json:"shortcomings"`
	Violations          int                 `json:"violations"`
	Recommendations     int                 `json:"recommendations"`
	RecommendationsDone int                 `json:"recommendations_done"`
	Note                string              `json:"note"`
	Source              string              `gorm:"default:form" json:"source"` // 'form' or 'import'
	ExternalRef         *string             `json:"external_ref"`
	CreatedBy           *int64              `json:"created_by"`
	CreatedAt           time.Time           `json:"created_at"`
	UpdatedAt           time.Time           `json:"updated_at"`
}

// TableName names the table.
func (OwnInspection) TableName() string { return "own_inspections" }

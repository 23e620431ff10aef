package models

import "time"

// InspectionKind is a kind of inspection (public-service inspection, specialised
// check, professional check…), valid over a period because the legal base changes.
type InspectionKind struct {
	ID         int64     `gorm:"primaryKey;<-:false" json:"id"`
	Code       string    `json:"code"`
	NameVI     string    `gorm:"column:name_vi" json:"name_vi"`
	NameEN     string    `gorm:"column:name_en" json:"name_en"`
	LegalBasis string    `json:"legal_basis"`
	ValidFrom  Date      `json:"valid_from"`
	ValidTo    *Date     `json:"valid_to"` // inclusive; nil: still valid
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName names the table.
func (InspectionKind) TableName() string { return "inspection_kinds" }

// Topic is a subject a visit looks at; it may belong to a kind and call for a skill.
type Topic struct {
	ID         int64     `gorm:"primaryKey;<-:false" json:"id"`
	Code       string    `json:"code"`
	NameVI     string    `gorm:"column:name_vi" json:"name_vi"`
	NameEN     string    `gorm:"column:name_en" json:"name_en"`
	LegalBasis string    `json:"legal_basis"`
	KindCode   *string   `json:"kind_code"`
	SkillCode  *string   `json:"skill_code"`
	ValidFrom  Date      `json:"valid_from"`
	ValidTo    *Date     `json:"valid_to"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName names the table.
func (Topic) TableName() string { return "topics" }

// Skill is a competence a team may need (finance, personnel, administrative procedures…).
type Skill struct {
	ID         int64     `gorm:"primaryKey;<-:false" json:"id"`
	Code       string    `json:"code"`
	NameVI     string    `gorm:"column:name_vi" json:"name_vi"`
	NameEN     string    `gorm:"column:name_en" json:"name_en"`
	LegalBasis string    `json:"legal_basis"`
	ValidFrom  Date      `json:"valid_from"`
	ValidTo    *Date     `json:"valid_to"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName names the table.
func (Skill) TableName() string { return "skills" }

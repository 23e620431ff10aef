package models

import "time"

// Rule is one dated version of a configurable value (a deadline, a cap, a
// notification setting), with its legal basis. Versions of one key never overlap
// (exclusion constraint), so "the rule on date d" is at most one row:
//
//	WHERE key = ? AND valid_from <= d AND (valid_to IS NULL OR valid_to >= d)
//
// The keys, and what their values must be, are declared in app/rules.
type Rule struct {
	ID            int64     `gorm:"primaryKey;<-:false" json:"id"`
	Key           string    `json:"key"` // lower case, digits, '_' and '.', e.g. "notify.reminder_offsets_days"
	Value         JSON      `json:"value"`
	DescriptionVI string    `gorm:"column:description_vi" json:"description_vi"`
	DescriptionEN string    `gorm:"column:description_en" json:"description_en"`
	LegalBasis    string    `json:"legal_basis"`
	ValidFrom     Date      `json:"valid_from"`
	ValidTo       *Date     `json:"valid_to"` // inclusive; nil: open-ended
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TableName names the table.
func (Rule) TableName() string { return "rules" }

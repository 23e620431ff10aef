package models

import "time"

// Form is how a visit is made: planned, unannounced or verification.
type Form string

// Forms.
const (
	FormPlanned      Form = "planned"      // theo kế hoạch
	FormUnannounced  Form = "unannounced"  // đột xuất
	FormVerification Form = "verification" // xác minh
)

// ProposalStatus is where a proposal stands.
type ProposalStatus string

// Proposal statuses. Rejected and withdrawn need a StatusReason.
const (
	ProposalDraft     ProposalStatus = "draft"
	ProposalSubmitted ProposalStatus = "submitted"
	ProposalAccepted  ProposalStatus = "accepted"
	ProposalRejected  ProposalStatus = "rejected"
	ProposalWithdrawn ProposalStatus = "withdrawn"
)

// Proposal is one body's wish to inspect one unit in a year.
type Proposal struct {
	ID           int64          `gorm:"primaryKey;<-:false" json:"id"`
	Year         int            `json:"year"`
	BodyID       int64          `json:"body_id"`
	UnitID       int64          `json:"unit_id"`
	Kind         string         `json:"kind"` // inspection_kinds.code
	Form         Form           `json:"form"`
	Topics       TextArray      `gorm:"type:text[]" json:"topics"` // topic codes
	Skills       TextArray      `gorm:"type:text[]" json:"skills"` // skill codes
	PeriodFrom   *Date          `json:"period_from"`               // period under review
	PeriodTo     *Date          `json:"period_to"`
	WindowFrom   *Date          `json:"window_from"` // preferred window (both or neither)
	WindowTo     *Date          `json:"window_to"`
	Days         int            `json:"days"`                      // working days on site, > 0
	TeamSize     int            `json:"team_size"`                 // > 0
	Priority     int            `gorm:"default:1" json:"priority"` // 1 (normal) to 3 (highest)
	LegalBasis   string         `json:"legal_basis"`
	Status       ProposalStatus `gorm:"default:draft" json:"status"`
	StatusReason string         `json:"status_reason"`
	Note         string         `json:"note"`
	ExternalRef  *string        `json:"external_ref"` // key in an imported file; unique per year
	CreatedBy    *int64         `json:"created_by"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// TableName names the table.
func (Proposal) TableName() string { return "proposals" }

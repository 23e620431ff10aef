package models

import "time"

// Plan is the framework plan of a year (kế hoạch khung).
type Plan struct {
	ID            int64     `gorm:"primaryKey;<-:false" json:"id"`
	Year          int       `json:"year"`
	Title         string    `json:"title"`
	IssuingBodyID int64     `json:"issuing_body_id"`
	Symbol        string    `gorm:"default:KH-SNV" json:"symbol"` // e.g. 'KH-SNV' in "Số: 01/KH-SNV"
	CreatedBy     *int64    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TableName names the table.
func (Plan) TableName() string { return "plans" }

// PlanVersionStatus is where a plan version stands.
type PlanVersionStatus string

// Plan version statuses. At most one version of a plan is published.
const (
	VersionDraft      PlanVersionStatus = "draft"
	VersionSubmitted  PlanVersionStatus = "submitted"
	VersionApproved   PlanVersionStatus = "approved"
	VersionPublished  PlanVersionStatus = "published"
	VersionSuperseded PlanVersionStatus = "superseded"
)

// PlanVersion is one version of a plan. Number 1 is the first; later versions need
// a Reason. LockVersion is for optimistic locking: update with
// `WHERE id = ? AND lock_version = ?`, increment it, and treat 0 rows as a conflict.
type PlanVersion struct {
	ID              int64             `gorm:"primaryKey;<-:false" json:"id"`
	PlanID          int64             `json:"plan_id"`
	Number          int               `json:"number"`
	Status          PlanVersionStatus `gorm:"default:draft" json:"status"`
	Reason          string            `json:"reason"`
	ParentVersionID *int64            `json:"parent_version_id"`
	Penalty         *float64          `json:"penalty"`  // planner score; nil until solved
	Metrics         JSON              `json:"metrics"`  // planner metrics
	Instance        JSON              `json:"instance"` // planner input
	LockVersion     int               `json:"lock_version"`
	CreatedBy       *int64            `json:"created_by"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	SubmittedBy     *int64            `json:"submitted_by"`
	SubmittedAt     *time.Time        `json:"submitted_at"`
	ApprovedBy      *int64            `json:"approved_by"`
	ApprovedAt      *time.Time        `json:"approved_at"`
	PublishedBy     *int64            `json:"published_by"`
	PublishedAt     *time.Time        `json:"published_at"`
	DocumentNumber  string            `json:"document_number"` // the number in "Số: 01/KH-SNV"
}

// TableName names the table.
func (PlanVersion) TableName() string { return "plan_versions" }

// VisitStatus is where a visit stands in its workflow.
type VisitStatus string

// Visit statuses.
const (
	VisitPlanned          VisitStatus = "planned"
	VisitDecisionSigned   VisitStatus = "decision_signed"
	VisitAnnounced        VisitStatus = "announced"
	VisitOnSite           VisitStatus = "on_site"
	VisitOnSiteEnded      VisitStatus = "on_site_ended"
	VisitConclusionIssued VisitStatus = "conclusion_issued"
	VisitFollowUp         VisitStatus = "follow_up"
	VisitClosed           VisitStatus = "closed"
	VisitCancelled        VisitStatus = "cancelled"
	VisitSuspended        VisitStatus = "suspended"
)

// Visit is a (possibly joint) visit to a unit. PlanVersionID is nil for an
// unplanned unannounced or verification visit. StartDate and EndDate (inclusive)
// are both nil for an unscheduled visit, which says why in UnscheduledReason.
type Visit struct {
	ID                int64  `gorm:"primaryKey;<-:false" json:"id"`
	PlanVersionID     *int64 `json:"plan_version_id"`
	Code              string `json:"code"` // 'v-…', unique within a version
	Year              int    `json:"year"`
	UnitID            int64  `json:"unit_id"`
	Form              Form   `json:"form"`
	LeadBodyID        int64  `json:"lead_body_id"`
	StartDate         *Date  `json:"start_date"`
	EndDate           *Date  `json:"end_date"`
	Days              int    `json:"days"`
	TeamSize          int    `json:"team_size"`
	Priority          int    `gorm:"default:1" json:"priority"`
	UnscheduledReason string `json:"unscheduled_reason"`
	Why               JSON   `gorm:"default:[]" json:"why"` // array of sentences from the planner
	// UnscheduledReasonVi and WhyVi are the same explanations in Vietnamese
	// (empty in rows written before the planner wrote them).
	UnscheduledReasonVi string `json:"unscheduled_reason_vi"`
	WhyVi               JSON   `gorm:"default:[]" json:"why_vi"` // array, same length and order as Why
	// WhyMsgs and UnscheduledMsg are the planner's messages (ids with
	// parameters) the sentences above were rendered from (empty in older rows).
	WhyMsgs        JSON        `gorm:"default:[]" json:"why_msgs"`
	UnscheduledMsg JSON        `json:"unscheduled_msg"`
	Status         VisitStatus `gorm:"default:planned" json:"status"`
	// Kind is the kind of inspection (inspection_kinds.code) of a visit made
	// outside a plan; a planned visit takes its kinds from its proposals (see
	// visit_inspections).
	Kind      *string   `json:"kind,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName names the table.
func (Visit) TableName() string { return "visits" }

// VisitProposal links a visit to one of the proposals it serves.
type VisitProposal struct {
	VisitID    int64 `gorm:"primaryKey;autoIncrement:false" json:"visit_id"`
	ProposalID int64 `gorm:"primaryKey;autoIncrement:false" json:"proposal_id"`
}

// TableName names the table.
func (VisitProposal) TableName() string { return "visit_proposals" }

// MemberRole is an inspector's role on a team.
type MemberRole string

// Member roles; a team has at most one lead.
const (
	MemberLead   MemberRole = "lead"   // trưởng đoàn
	MemberMember MemberRole = "member" // thành viên
)

// VisitMember puts an inspector on a visit's team. PlanVersionID, StartDate,
// EndDate and VisitCancelled are copied from the visit by the database (read-only
// here); an exclusion constraint then refuses an inspector on two overlapping
// scheduled visits of the same version (error on constraint
// "visit_members_no_double_booking").
type VisitMember struct {
	VisitID        int64      `gorm:"primaryKey;autoIncrement:false" json:"visit_id"`
	InspectorID    int64      `gorm:"primaryKey;autoIncrement:false" json:"inspector_id"`
	Role           MemberRole `json:"role"`
	PlanVersionID  *int64     `gorm:"->" json:"plan_version_id"`
	StartDate      *Date      `gorm:"->" json:"start_date"`
	EndDate        *Date      `gorm:"->" json:"end_date"`
	VisitCancelled bool       `gorm:"->" json:"visit_cancelled"`
	CreatedAt      time.Time  `json:"created_at"`
}

// TableName names the table.
func (VisitMember) TableName() string { return "visit_members" }

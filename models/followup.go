package models

import "time"

// Severity grades a finding or a recommendation.
type Severity string

// Severities.
const (
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// DecisionKind says what a decision decides.
type DecisionKind string

// Decision kinds; a visit has at most one inspection decision.
const (
	DecisionInspection   DecisionKind = "inspection" // quyết định kiểm tra
	DecisionExtension    DecisionKind = "extension"
	DecisionTeamChange   DecisionKind = "team_change"
	DecisionSuspension   DecisionKind = "suspension"
	DecisionCancellation DecisionKind = "cancellation"
)

// Decision is a signed decision about a visit, numbered per issuing body and year
// ("Số: 125/QĐ-SNV"). The visit's team is in VisitMember; Team is the snapshot
// printed in the signed document.
type Decision struct {
	ID            int64        `gorm:"primaryKey;<-:false" json:"id"`
	VisitID       int64        `json:"visit_id"`
	Kind          DecisionKind `gorm:"default:inspection" json:"kind"`
	Number        int          `json:"number"`
	Symbol        string       `gorm:"default:QĐ-SNV" json:"symbol"` // 'QĐ-SNV'
	IssuingBodyID int64        `json:"issuing_body_id"`
	Year          int          `json:"year"` // the year of SignedOn
	SignedOn      Date         `json:"signed_on"`
	SignerName    string       `json:"signer_name"`
	SignerTitle   string       `json:"signer_title"`
	PeriodFrom    *Date        `json:"period_from"` // period under review
	PeriodTo      *Date        `json:"period_to"`
	Scope         string       `json:"scope"`
	Team          JSON         `gorm:"default:[]" json:"team"` // [{"inspector_id":1,"full_name":"…","role":"lead"}]
	Grounds       string       `json:"grounds"`                // the order of a verification, the signs of violation of an unannounced visit
	OrderedBy     string       `json:"ordered_by"`             // who ordered a verification
	KindCode      string       `json:"kind_code"`              // the kind of documents (app/officialdoc) when signed
	// The notice to the unit that goes with the decision, once numbered in
	// the register of notices ("Số: 03/TB-SNV"), and its date.
	NoticeNumber *int      `json:"notice_number"`
	NoticeSymbol *string   `json:"notice_symbol"`
	NoticeOn     *Date     `json:"notice_on"`
	CreatedBy    *int64    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TableName names the table.
func (Decision) TableName() string { return "decisions" }

// VisitEventKind says what happened to a visit.
type VisitEventKind string

// Visit event kinds. All but status_change and resumed need a reason.
const (
	EventStatusChange VisitEventKind = "status_change"
	EventExtended     VisitEventKind = "extended" // needs NewEndDate
	EventSuspended    VisitEventKind = "suspended"
	EventResumed      VisitEventKind = "resumed"
	EventCancelled    VisitEventKind = "cancelled"
)

// VisitEvent is one entry of a visit's history.
type VisitEvent struct {
	ID         int64          `gorm:"primaryKey;<-:false" json:"id"`
	VisitID    int64          `json:"visit_id"`
	Kind       VisitEventKind `json:"kind"`
	FromStatus *VisitStatus   `json:"from_status"`
	ToStatus   *VisitStatus   `json:"to_status"`
	OnDate     Date           `json:"on_date"`
	NewEndDate *Date          `json:"new_end_date"`
	Reason     string         `json:"reason"`
	DecisionID *int64         `json:"decision_id"`
	UserID     *int64         `json:"user_id"`
	At         time.Time      `gorm:"default:now()" json:"at"`
}

// TableName names the table.
func (VisitEvent) TableName() string { return "visit_events" }

// FindingKind separates shortcomings from violations.
type FindingKind string

// Finding kinds.
const (
	FindingShortcoming FindingKind = "shortcoming" // tồn tại, hạn chế
	FindingViolation   FindingKind = "violation"   // vi phạm
)

// Finding is a shortcoming or violation found during a visit.
type Finding struct {
	ID          int64       `gorm:"primaryKey;<-:false" json:"id"`
	VisitID     int64       `json:"visit_id"`
	TopicCode   *string     `json:"topic_code"`
	Kind        FindingKind `gorm:"default:shortcoming" json:"kind"`
	Description string      `json:"description"`
	Severity    Severity    `json:"severity"`
	CreatedBy   *int64      `json:"created_by"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// TableName names the table.
func (Finding) TableName() string { return "findings" }

// Conclusion is the signed conclusion of a visit ("Số: 12/KL-SNV").
type Conclusion struct {
	ID                int64     `gorm:"primaryKey;<-:false" json:"id"`
	VisitID           int64     `json:"visit_id"`
	Number            int       `json:"number"`
	Symbol            string    `gorm:"default:KL-SNV" json:"symbol"` // 'KL-SNV'
	IssuingBodyID     int64     `json:"issuing_body_id"`
	Year              int       `json:"year"` // the year of SignedOn
	DraftReceivedOn   *Date     `json:"draft_received_on"`
	SignedOn          Date      `json:"signed_on"`
	SignerName        string    `json:"signer_name"`
	SignerTitle       string    `json:"signer_title"`
	Summary           string    `json:"summary"`
	DirectiveIssuedOn *Date     `json:"directive_issued_on"`
	KindCode          string    `json:"kind_code"` // the kind of documents (app/officialdoc) when signed
	CreatedBy         *int64    `json:"created_by"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// TableName names the table.
func (Conclusion) TableName() string { return "conclusions" }

// RecommendationStatus is where a recommendation stands.
type RecommendationStatus string

// Recommendation statuses; done and cancelled set ClosedAt.
const (
	RecommendationOpen      RecommendationStatus = "open"
	RecommendationReported  RecommendationStatus = "reported"
	RecommendationReturned  RecommendationStatus = "returned"
	RecommendationDone      RecommendationStatus = "done"
	RecommendationCancelled RecommendationStatus = "cancelled"
)

// Recommendation is an action a conclusion demands of a unit, with a deadline.
// DeadlineWorkingDays records "N working days from the conclusion" when the
// deadline was computed that way; Deadline is always set.
type Recommendation struct {
	ID                  int64    `gorm:"primaryKey;<-:false" json:"id"`
	ConclusionID        int64    `json:"conclusion_id"`
	OwnerUnitID         int64    `json:"owner_unit_id"`
	Action              string   `json:"action"`
	Deadline            Date     `json:"deadline"`
	DeadlineWorkingDays *int     `json:"deadline_working_days"`
	Severity            Severity `json:"severity"`
	// Kind is remedial (khắc phục) or responsibility (kiểm điểm, xử lý
	// trách nhiệm); Liable says whom a responsibility one concerns.
	Kind     RecommendationKind   `gorm:"default:remedial" json:"kind"`
	Liable   *Liable              `json:"liable"`
	Status   RecommendationStatus `gorm:"default:open" json:"status"`
	ClosedAt *time.Time           `json:"closed_at"`
	// The last re-assignment to a successor of a unit that ended: the
	// earlier owner, the planner's reason, who and when (nil: never).
	ReassignedFromUnitID *int64     `json:"reassigned_from_unit_id"`
	ReassignedReason     string     `json:"reassigned_reason"`
	ReassignedAt         *time.Time `json:"reassigned_at"`
	ReassignedBy         *int64     `json:"reassigned_by"`
	CreatedAt            time.Time  `json:"created_at"`
	UpdatedAt            time.Time  `json:"updated_at"`
}

// TableName names the table.
func (Recommendation) TableName() string { return "recommendations" }

// RecommendationKind separates remedial actions from the review and
// discipline of those responsible.
type RecommendationKind string

// Recommendation kinds.
const (
	RecommendationRemedial       RecommendationKind = "remedial"       // kiến nghị, yêu cầu khắc phục
	RecommendationResponsibility RecommendationKind = "responsibility" // kiểm điểm, xử lý trách nhiệm
)

// Liable says whom a recommendation of responsibility concerns.
type Liable string

// Whom a recommendation of responsibility concerns.
const (
	LiableCollective Liable = "collective" // tập thể
	LiableIndividual Liable = "individual" // cá nhân
	LiableBoth       Liable = "both"       // tập thể và cá nhân
)

// ResponsibilityOutcome is what was done about a recommendation of
// responsibility: the measure (kinds.toml's [[discipline]]), whom it
// concerns, and the decision that took it (date and number).
type ResponsibilityOutcome struct {
	ID               int64     `gorm:"primaryKey;<-:false" json:"id"`
	RecommendationID int64     `json:"recommendation_id"`
	Measure          string    `json:"measure"`
	Subject          string    `json:"subject"`
	DecidedOn        Date      `json:"decided_on"`
	DocumentNumber   string    `json:"document_number"`
	Note             string    `json:"note"`
	RecordedBy       *int64    `json:"recorded_by"`
	RecordedAt       time.Time `gorm:"default:now()" json:"recorded_at"`
}

// TableName names the table.
func (ResponsibilityOutcome) TableName() string { return "responsibility_outcomes" }

// ConclusionDraft is the draft conclusion (or the team's report of results)
// as its signer received it: the 15 days to sign run from ReceivedOn.
type ConclusionDraft struct {
	VisitID    int64     `gorm:"primaryKey;autoIncrement:false" json:"visit_id"`
	ReceivedOn Date      `json:"received_on"`
	ReceivedBy int64     `json:"received_by"`
	RecordedBy *int64    `json:"recorded_by"`
	RecordedAt time.Time `gorm:"default:now()" json:"recorded_at"`
}

// TableName names the table.
func (ConclusionDraft) TableName() string { return "conclusion_drafts" }

// ReportOutcome is an inspector's verdict on a remediation report.
type ReportOutcome string

// Report outcomes; returned needs a DecisionReason.
const (
	ReportPending  ReportOutcome = "pending"
	ReportAccepted ReportOutcome = "accepted"
	ReportReturned ReportOutcome = "returned"
)

// RemediationReport is a unit's report on what it did about a recommendation.
type RemediationReport struct {
	ID               int64         `gorm:"primaryKey;<-:false" json:"id"`
	RecommendationID int64         `json:"recommendation_id"`
	SubmittedBy      *int64        `json:"submitted_by"`
	Body             string        `json:"body"`
	SubmittedAt      time.Time     `gorm:"default:now()" json:"submitted_at"`
	Outcome          ReportOutcome `gorm:"default:pending" json:"outcome"`
	DecidedBy        *int64        `json:"decided_by"`
	DecidedAt        *time.Time    `json:"decided_at"`
	DecisionReason   string        `json:"decision_reason"`
	// The acceptance's number in the register of notices, once accepted.
	AcceptanceNumber *int    `json:"acceptance_number"`
	AcceptanceSymbol *string `json:"acceptance_symbol"`
}

// TableName names the table.
func (RemediationReport) TableName() string { return "remediation_reports" }

// Attachment is a stored file owned by exactly one of a visit, a finding, a
// remediation report, a decision or a conclusion. SizeBytes must equal len(Data).
// Leave Data out of list queries: db.Omit("data").
type Attachment struct {
	ID                  int64     `gorm:"primaryKey;<-:false" json:"id"`
	VisitID             *int64    `json:"visit_id"`
	FindingID           *int64    `json:"finding_id"`
	RemediationReportID *int64    `json:"remediation_report_id"`
	DecisionID          *int64    `json:"decision_id"`
	ConclusionID        *int64    `json:"conclusion_id"`
	Filename            string    `json:"filename"`
	ContentType         string    `json:"content_type"` // sniffed from the bytes
	SizeBytes           int64     `json:"size_bytes"`
	SHA256              string    `gorm:"column:sha256" json:"sha256"` // lower-case hex
	Data                []byte    `json:"-"`
	UploadedBy          *int64    `json:"uploaded_by"`
	UploadedAt          time.Time `gorm:"default:now()" json:"uploaded_at"`
}

// TableName names the table.
func (Attachment) TableName() string { return "attachments" }

// SignedDocument is the signed original of a document: a PDF carrying a
// PAdES signature, made by Khung or uploaded. One per document, never replaced.
type SignedDocument struct {
	ID         int64      `gorm:"primaryKey;<-:false" json:"id"`
	Entity     string     `json:"entity"` // decision, conclusion, notice, acceptance, plan_version
	EntityID   int64      `json:"entity_id"`
	PDF        []byte     `gorm:"column:pdf" json:"-"`
	SHA256     string     `gorm:"column:sha256" json:"sha256"`
	SignerName string     `json:"signer_name"`
	SignedAt   *time.Time `json:"signed_at"`
	Uploaded   bool       `json:"uploaded"`
	UserID     *int64     `json:"user_id"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TableName names the table.
func (SignedDocument) TableName() string { return "signed_documents" }

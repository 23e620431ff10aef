package models

import "time"

// Role is what a user may do (see docs: admin, planner, approver, inspector, unit, viewer).
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"
	RolePlanner   Role = "planner"
	RoleApprover  Role = "approver"
	RoleInspector Role = "inspector"
	RoleUnit      Role = "unit" // needs UnitID
	RoleViewer    Role = "viewer"
)

// Roles lists every role, in the order the UI shows them.
func Roles() []Role {
	return []Role{RoleAdmin, RolePlanner, RoleApprover, RoleInspector, RoleUnit, RoleViewer}
}

// UnitPosition is who a unit user is inside the unit, for escalating reminders.
type UnitPosition string

// Unit positions, in escalation order.
const (
	PositionOffice     UnitPosition = "office"
	PositionHead       UnitPosition = "head"
	PositionLeadership UnitPosition = "leadership"
)

// Locales.
const (
	LocaleVI = "vi"
	LocaleEN = "en"
)

// User is a person who logs in.
type User struct {
	ID                int64        `gorm:"primaryKey;<-:false" json:"id"`
	Email             string       `json:"email"` // citext: unique ignoring case
	FullName          string       `json:"full_name"`
	PasswordHash      string       `json:"-"`
	Role              Role         `json:"role"`
	UnitID            *int64       `json:"unit_id"`      // required for RoleUnit
	InspectorID       *int64       `json:"inspector_id"` // the inspector profile of this user, if any
	UnitPosition      UnitPosition `gorm:"default:office" json:"unit_position"`
	JobTitle          string       `json:"job_title"`         // printed above a signature: "Phó Giám đốc"
	SigningAuthority  string       `json:"signing_authority"` // "KT. GIÁM ĐỐC" when signing for the head
	Locale            string       `gorm:"default:vi" json:"locale"`
	Active            bool         `json:"active"`
	PasswordChangedAt *time.Time   `json:"password_changed_at"`
	LastLoginAt       *time.Time   `json:"last_login_at"`
	CreatedAt         time.Time    `json:"created_at"`
	UpdatedAt         time.Time    `json:"updated_at"`
	SearchText        string       `gorm:"->" json:"-"` // generated
}

// TableName names the table.
func (User) TableName() string { return "users" }

// Session is a browser session. ID is the hex SHA-256 of the cookie token.
type Session struct {
	ID         string    `gorm:"primaryKey" json:"-"`
	UserID     int64     `json:"user_id"`
	CSRFToken  string    `gorm:"column:csrf_token" json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `gorm:"column:ip" json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// TableName names the table.
func (Session) TableName() string { return "sessions" }

// APIToken is a bearer token for scripts; only its hash is stored.
type APIToken struct {
	ID         int64      `gorm:"primaryKey;<-:false" json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// TableName names the table.
func (APIToken) TableName() string { return "api_tokens" }

// LoginAttempt records one login attempt, for throttling.
type LoginAttempt struct {
	ID        int64     `gorm:"primaryKey;<-:false" json:"id"`
	Email     string    `json:"email"`
	IP        string    `gorm:"column:ip" json:"ip"`
	At        time.Time `gorm:"default:now()" json:"at"`
	Succeeded bool      `json:"succeeded"`
}

// TableName names the table.
func (LoginAttempt) TableName() string { return "login_attempts" }

package models

import "time"

// AuditEntry records one change: who did what to which row, with the row before
// and after as JSON.
type AuditEntry struct {
	ID        int64     `gorm:"primaryKey;<-:false" json:"id"`
	At        time.Time `gorm:"default:now()" json:"at"`
	UserID    *int64    `json:"user_id"` // nil for the system (jobs, imports)
	Action    string    `json:"action"`  // e.g. "create", "update", "approve"
	Entity    string    `json:"entity"`  // table name, e.g. "plan_versions"
	EntityID  *int64    `json:"entity_id"`
	Before    JSON      `json:"before"`
	After     JSON      `json:"after"`
	RequestID string    `json:"request_id"`
	IP        string    `gorm:"column:ip" json:"ip"`
}

// TableName names the table.
func (AuditEntry) TableName() string { return "audit_log" }

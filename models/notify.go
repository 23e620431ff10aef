package models

import "time"

// Notification is an in-app message to one user. DedupeKey (unique, naming the
// recipient) makes the job that creates it safe to re-run:
// INSERT … ON CONFLICT (dedupe_key) DO NOTHING.
type Notification struct {
	ID        int64      `gorm:"primaryKey;<-:false" json:"id"`
	UserID    int64      `json:"user_id"`
	Kind      string     `json:"kind"`
	DedupeKey string     `json:"-"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// TableName names the table.
func (Notification) TableName() string { return "notifications" }

// MailStatus is where an outgoing mail stands.
type MailStatus string

// Mail statuses.
const (
	MailPending MailStatus = "pending"
	MailSending MailStatus = "sending" // claimed by a sender's batch (ClaimedBy, ClaimedAt, LeaseUntil set)
	MailSent    MailStatus = "sent"    // SentAt set
	MailFailed  MailStatus = "failed"  // gave up
)

// MailOutbox is one e-mail waiting to be sent, sending, sent or given up on.
type MailOutbox struct {
	ID            int64      `gorm:"primaryKey;<-:false" json:"id"`
	DedupeKey     string     `json:"dedupe_key"`
	ToEmail       string     `json:"to_email"`
	ToName        string     `json:"to_name"`
	Subject       string     `json:"subject"`
	BodyText      string     `json:"body_text"`
	BodyHTML      string     `gorm:"column:body_html" json:"body_html"`
	Status        MailStatus `gorm:"default:pending" json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `gorm:"default:now()" json:"next_attempt_at"`
	ClaimedAt     *time.Time `json:"claimed_at"`  // when the batch holding it was claimed
	ClaimedBy     *string    `json:"claimed_by"`  // the batch holding it: "host:pid:run/batch"
	LeaseUntil    *time.Time `json:"lease_until"` // the batch's lease; renewed while it sends
	LastError     string     `json:"last_error"`
	SentAt        *time.Time `json:"sent_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// TableName names the table.
func (MailOutbox) TableName() string { return "mail_outbox" }

// SentNotificationKey records that a notification (reminder, escalation, digest)
// was decided and sent to its recipient; jobs insert it with ON CONFLICT DO NOTHING
// and send only when the row is new.
type SentNotificationKey struct {
	Key    string    `gorm:"primaryKey" json:"key"`
	SentAt time.Time `gorm:"default:now()" json:"sent_at"`
}

// TableName names the table.
func (SentNotificationKey) TableName() string { return "sent_notification_keys" }

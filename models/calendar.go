package models

import "time"

// HolidayKind says whether a date is a day off or a compensatory working Saturday.
type HolidayKind string

// Holiday kinds.
const (
	HolidayOff             HolidayKind = "holiday"
	HolidayWorkingSaturday HolidayKind = "working_saturday"
)

// Holiday is an exception to the Monday–Friday working week.
type Holiday struct {
	ID         int64       `gorm:"primaryKey;<-:false" json:"id"`
	Date       Date        `json:"date"`
	Kind       HolidayKind `json:"kind"`
	NameVI     string      `gorm:"column:name_vi" json:"name_vi"`
	NameEN     string      `gorm:"column:name_en" json:"name_en"`
	LegalBasis string      `json:"legal_basis"`
	CreatedAt  time.Time   `json:"created_at"`
}

// TableName names the table.
func (Holiday) TableName() string { return "holidays" }

// CalendarFeedToken is the secret of a user's personal iCalendar feed URL; only
// its hash is stored.
type CalendarFeedToken struct {
	ID        int64      `gorm:"primaryKey;<-:false" json:"id"`
	UserID    int64      `json:"user_id"`
	TokenHash string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// TableName names the table.
func (CalendarFeedToken) TableName() string { return "calendar_feed_tokens" }

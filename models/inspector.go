package models

import "time"

// Inspector is a person who can sit on inspection teams.
type Inspector struct {
	ID             int64     `gorm:"primaryKey;<-:false" json:"id"`
	Code           string    `json:"code"`
	FullName       string    `json:"full_name"`
	Email          *string   `json:"email"` // citext, optional
	Title          string    `json:"title"` // job title, e.g. 'Thanh tra viên chính'
	BodyID         int64     `json:"body_id"`
	HomeUnitID     *int64    `json:"home_unit_id"` // the unit where the inspector works
	CanLead        bool      `json:"can_lead"`
	MaxDaysPerYear int       `json:"max_days_per_year"` // 0 = no limit
	Active         bool      `json:"active"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	SearchText     string    `gorm:"->" json:"-"` // generated
}

// TableName names the table.
func (Inspector) TableName() string { return "inspectors" }

// InspectorFormerUnit is a unit where the inspector worked before.
type InspectorFormerUnit struct {
	ID          int64 `gorm:"primaryKey;<-:false" json:"id"`
	InspectorID int64 `json:"inspector_id"`
	UnitID      int64 `json:"unit_id"`
	FromDate    *Date `json:"from_date"`
	ToDate      *Date `json:"to_date"` // inclusive
}

// TableName names the table.
func (InspectorFormerUnit) TableName() string { return "inspector_former_units" }

// Relation of a relative to an inspector.
type Relation string

// Relations. ParentInLaw counts only for team leaders (the stricter list).
const (
	RelationSpouse      Relation = "spouse"
	RelationParent      Relation = "parent"
	RelationChild       Relation = "child"
	RelationSibling     Relation = "sibling"
	RelationParentInLaw Relation = "parent_in_law"
)

// KeyPost is a post in a unit that makes a relative's presence a conflict of interest.
type KeyPost string

// Key posts.
const (
	PostHead       KeyPost = "head"
	PostDeputy     KeyPost = "deputy"
	PostPersonnel  KeyPost = "personnel"
	PostAccounting KeyPost = "accounting"
)

// InspectorRelative records that a relative of the inspector holds a key post in a unit.
type InspectorRelative struct {
	ID          int64    `gorm:"primaryKey;<-:false" json:"id"`
	InspectorID int64    `json:"inspector_id"`
	UnitID      int64    `json:"unit_id"`
	Relation    Relation `json:"relation"`
	Post        KeyPost  `json:"post"`
	Note        string   `json:"note"`
}

// TableName names the table.
func (InspectorRelative) TableName() string { return "inspector_relatives" }

// InspectorSkill links an inspector to a skill of the catalog.
type InspectorSkill struct {
	InspectorID int64  `gorm:"primaryKey;autoIncrement:false" json:"inspector_id"`
	SkillCode   string `gorm:"primaryKey" json:"skill_code"`
}

// TableName names the table.
func (InspectorSkill) TableName() string { return "inspector_skills" }

// InspectorLeave is a period when the inspector is unavailable.
type InspectorLeave struct {
	ID          int64  `gorm:"primaryKey;<-:false" json:"id"`
	InspectorID int64  `json:"inspector_id"`
	FromDate    Date   `json:"from_date"`
	ToDate      Date   `json:"to_date"` // inclusive
	Reason      string `json:"reason"`
}

// TableName names the table.
func (InspectorLeave) TableName() string { return "inspector_leaves" }

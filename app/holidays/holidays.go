// Package holidays manages the holiday calendar: for each year, the public
// holidays (days off) and the compensatory working Saturdays. Deadlines counted
// in working days read this calendar, so every change is validated and audited.
package holidays

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/calendar"
	"khung/models"
)

// Defaults returns the default holidays of a year (the Labour Code's list with
// the government's decided swaps), which an administrator may load and edit.
type Defaults func(year int) []Input

// Service manages the holiday calendar.
type Service struct {
	db       *gorm.DB
	defaults Defaults // nil: no defaults to load
}

// New returns a Service on db; defaults may be nil.
func New(db *gorm.DB, defaults Defaults) *Service { return &Service{db: db, defaults: defaults} }

// Input is one day of the calendar as the administrator enters it.
type Input struct {
	Date       models.Date `json:"date" validate:"required" label:"field.date"`
	Kind       string      `json:"kind" validate:"required,oneof=holiday working_saturday"`
	NameVI     string      `json:"name_vi" validate:"notblank,max=200"`
	NameEN     string      `json:"name_en" validate:"max=200"`
	LegalBasis string      `json:"legal_basis" validate:"max=500"`
}

func (in *Input) normalise() {
	in.NameVI = strings.TrimSpace(in.NameVI)
	in.NameEN = strings.TrimSpace(in.NameEN)
	in.LegalBasis = strings.TrimSpace(in.LegalBasis)
}

// Day is one date of a month grid.
type Day struct {
	Date    models.Date     `json:"date"`
	InMonth bool            `json:"in_month"` // false for the padding days of the first and last week
	Working bool            `json:"working"`
	Holiday *models.Holiday `json:"holiday,omitempty"`
}

// Month is one month of the year view: its weeks (Monday first) and its count
// of working days.
type Month struct {
	Month       time.Month `json:"month"`
	WorkingDays int        `json:"working_days"`
	Weeks       [][7]Day   `json:"weeks"`
}

// YearView is the calendar of one year.
type YearView struct {
	Year             int              `json:"year"`
	Days             []models.Holiday `json:"days"` // the exceptions, by date
	Holidays         int              `json:"holidays"`
	WorkingSaturdays int              `json:"working_saturdays"`
	WorkingDays      int              `json:"working_days"` // Monday–Friday − holidays + working Saturdays
	Months           []Month          `json:"months"`
}

// Year returns the calendar of year. Every role that reads reference data reads it.
func (s *Service) Year(ctx context.Context, a authz.Actor, year int) (YearView, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return YearView{}, err
	}
	if year < 1900 || year > 9999 {
		return YearView{}, apperr.Field("year", "range", "holidays.year_range", "From", 1900, "To", 9999)
	}
	var days []models.Holiday
	if err := s.db.WithContext(ctx).Where("date BETWEEN ? AND ?", models.NewDate(year, 1, 1), models.NewDate(year, 12, 31)).
		Order("date").Find(&days).Error; err != nil {
		return YearView{}, fmt.Errorf("list holidays of %d: %w", year, err)
	}
	return buildYear(year, days)
}

// buildYear lays out the months of year with days marked.
func buildYear(year int, days []models.Holiday) (YearView, error) {
	v := YearView{Year: year, Days: days}
	byDate := map[models.Date]*models.Holiday{}
	var off, extra []time.Time
	for i := range days {
		h := &days[i]
		byDate[h.Date] = h
		if h.Kind == models.HolidayWorkingSaturday {
			v.WorkingSaturdays++
			extra = append(extra, h.Date.Time())
		} else {
			v.Holidays++
			off = append(off, h.Date.Time())
		}
	}
	cal, err := calendar.New(year, off, extra)
	if err != nil {
		return YearView{}, fmt.Errorf("working calendar of %d: %w", year, err)
	}
	v.WorkingDays = cal.Len()
	for m := time.January; m <= time.December; m++ {
		month := Month{Month: m, WorkingDays: cal.InMonth(m)}
		first := models.NewDate(year, m, 1)
		// Start on the Monday on or before the 1st.
		d := first.AddDays(-((int(first.Weekday()) + 6) % 7))
		for {
			var week [7]Day
			for i := range week {
				week[i] = Day{Date: d, InMonth: d.Month == m, Holiday: byDate[d]}
				week[i].Working = d.Year == year && cal.IsWorking(d.Time())
				d = d.AddDays(1)
			}
			month.Weeks = append(month.Weeks, week)
			if d.Month != m {
				break
			}
		}
		v.Months = append(v.Months, month)
	}
	return v, nil
}

// Get returns the calendar day id.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (models.Holiday, error) {
	if err := authz.Require(a, authz.ReadReference); err != nil {
		return models.Holiday{}, err
	}
	return get(s.db.WithContext(ctx), id)
}

func get(db *gorm.DB, id int64) (models.Holiday, error) {
	var h models.Holiday
	err := db.Take(&h, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return h, fmt.Errorf("holiday %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return h, fmt.Errorf("load holiday %d: %w", id, err)
	}
	return h, nil
}

// check validates in inside tx; id is the day edited (0 when creating).
func check(tx *gorm.DB, in Input, id int64) error {
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		v, ok := apperr.AsValidation(err)
		if !ok {
			return err
		}
		ve = v
	}
	if ve.Has("date") {
		return ve.Err()
	}
	if in.Kind == string(models.HolidayWorkingSaturday) && in.Date.Weekday() != time.Saturday {
		ve.AddField("date", "saturday", "holidays.not_saturday")
	}
	var n int64
	if err := tx.Model(&models.Holiday{}).Where("date = ? AND id <> ?", in.Date, id).Count(&n).Error; err != nil {
		return fmt.Errorf("check holiday date: %w", err)
	}
	if n > 0 {
		ve.AddField("date", "unique", "holidays.date_taken")
	}
	return ve.Err()
}

// Create adds a day to the calendar.
func (s *Service) Create(ctx context.Context, a authz.Actor, in Input) (models.Holiday, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return models.Holiday{}, err
	}
	in.normalise()
	var h models.Holiday
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := check(tx, in, 0); err != nil {
			return err
		}
		h = models.Holiday{Date: in.Date, Kind: models.HolidayKind(in.Kind), NameVI: in.NameVI, NameEN: in.NameEN, LegalBasis: in.LegalBasis}
		if err := tx.Create(&h).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		var err error
		if h, err = get(tx, h.ID); err != nil {
			return err
		}
		return audit.Record(tx, a, "create", "holidays", h.ID, nil, h)
	})
	if err != nil {
		return models.Holiday{}, fmt.Errorf("create holiday: %w", err)
	}
	return h, nil
}

// Update changes the calendar day id.
func (s *Service) Update(ctx context.Context, a authz.Actor, id int64, in Input) (models.Holiday, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return models.Holiday{}, err
	}
	in.normalise()
	var after models.Holiday
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := get(tx.Clauses(clause.Locking{Strength: "UPDATE"}), id)
		if err != nil {
			return err
		}
		if err := check(tx, in, id); err != nil {
			return err
		}
		if err := tx.Model(&models.Holiday{}).Where("id = ?", id).Updates(map[string]any{
			"date": in.Date, "kind": in.Kind, "name_vi": in.NameVI, "name_en": in.NameEN, "legal_basis": in.LegalBasis,
		}).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		if after, err = get(tx, id); err != nil {
			return err
		}
		return audit.Record(tx, a, "update", "holidays", id, before, after)
	})
	if err != nil {
		return models.Holiday{}, fmt.Errorf("update holiday %d: %w", id, err)
	}
	return after, nil
}

// Delete removes the calendar day id.
func (s *Service) Delete(ctx context.Context, a authz.Actor, id int64) error {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := get(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.Holiday{}, id).Error; err != nil {
			return err
		}
		return audit.Record(tx, a, "delete", "holidays", id, before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete holiday %d: %w", id, err)
	}
	return nil
}

// LoadDefaults adds the default days of year that are not in the calendar yet
// (a date already present is left as the administrator set it) and returns how
// many were added.
func (s *Service) LoadDefaults(ctx context.Context, a authz.Actor, year int) (int, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return 0, err
	}
	if s.defaults == nil {
		return 0, apperr.Fail(apperr.ErrConflict, "holidays.no_defaults")
	}
	if year < 1900 || year > 9999 {
		return 0, apperr.Field("year", "range", "holidays.year_range", "From", 1900, "To", 9999)
	}
	added := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, in := range s.defaults(year) {
			h := models.Holiday{Date: in.Date, Kind: models.HolidayKind(in.Kind), NameVI: in.NameVI, NameEN: in.NameEN, LegalBasis: in.LegalBasis}
			res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "date"}}, DoNothing: true}).Create(&h)
			if res.Error != nil {
				return fmt.Errorf("add %s: %w", in.Date, res.Error)
			}
			if res.RowsAffected == 1 {
				added++
				if err := audit.Record(tx, a, "create", "holidays", h.ID, nil, h); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("load default holidays of %d: %w", year, err)
	}
	return added, nil
}

// constraints names the database constraints the checks should have caught,
// for apperr.FromConstraint.
func constraints() apperr.Constraints {
	return apperr.Constraints{
		"holidays_date_key":                {Field: "date", Rule: "unique", ID: "holidays.date_taken"},
		"holidays_working_day_is_saturday": {Field: "date", Rule: "saturday", ID: "holidays.not_saturday"},
	}
}

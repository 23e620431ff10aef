package units

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
)

// Link is a unit on the other side of a succession: a unit this one was
// formed from, or one it became, with how (whole, part, unchanged, renamed,
// type_changed, other) and the successor's first day.
type Link struct {
	ID          int64        `json:"id"`
	Code        string       `json:"code"`
	Name        string       `json:"name"`
	ValidFrom   *models.Date `json:"valid_from"`
	ValidTo     *models.Date `json:"valid_to"`
	How         string       `json:"how"`
	EffectiveOn models.Date  `json:"effective_on"`
}

// History is where a unit came from and what it became.
type History struct {
	Formerly []Link `json:"formerly"` // the units it was formed from ("formerly Phường Phúc Xá, …")
	Became   []Link `json:"became"`   // the units that took it over ("became Phường Hồng Hà")
}

// History returns the predecessors and successors of the unit id, in the
// order of their codes. The unit must be one a may read; the names of the
// units on the other side are official and shown to whoever reads this one.
func (s *Service) History(ctx context.Context, a authz.Actor, id int64) (History, error) {
	if _, err := s.Get(ctx, a, id); err != nil {
		return History{}, err
	}
	h := History{Formerly: []Link{}, Became: []Link{}}
	read := func(dst *[]Link, mine, theirs string) error {
		return s.db.WithContext(ctx).Table("unit_successions l").
			Select("u.id, u.code, u.name, u.valid_from, u.valid_to, l.how, l.effective_on").
			Joins("JOIN units u ON u.id = l."+theirs).
			Where("l."+mine+" = ?", id).Order("u.code").Scan(dst).Error
	}
	if err := read(&h.Formerly, "successor_id", "predecessor_id"); err != nil {
		return h, fmt.Errorf("predecessors of unit %d: %w", id, err)
	}
	if err := read(&h.Became, "predecessor_id", "successor_id"); err != nil {
		return h, fmt.Errorf("successors of unit %d: %w", id, err)
	}
	return h, nil
}

// InForce limits a query on units (alias) to the units that exist on day d:
// valid_from and valid_to are inclusive, and a missing bound is open.
func InForce(alias string, d models.Date) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where("("+alias+".valid_from IS NULL OR "+alias+".valid_from <= ?) AND ("+alias+".valid_to IS NULL OR "+alias+".valid_to >= ?)", d, d)
	}
}

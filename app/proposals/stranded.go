package proposals

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/units"
	"khung/models"
)

// Stranded is a proposal of a plan year left on a unit that ended before the
// year began and was split between several units in force on its first day:
// the planner's instance keeps it on the old unit (a unit taken over by one
// unit moves by itself) until a planner moves it to the successor that takes
// the inspected matter over.
type Stranded struct {
	Row
	UnitEnded  models.Date  `json:"unit_ended"` // the old unit's last day
	Successors []units.Heir `json:"successors"` // the choices, in code order
}

// openStatuses are the statuses of a proposal still to be planned.
var openStatuses = []models.ProposalStatus{models.ProposalDraft, models.ProposalSubmitted, models.ProposalAccepted}

// firstDay is the plan year's first day: the day the units of its instance
// must be in force on.
func firstDay(year int) models.Date { return models.NewDate(year, time.January, 1) }

// Stranded lists, for a planner, the open proposals of year left on a unit
// that ended before the year and has several successors in force on its
// first day, with those successors; in the order of the old units' codes.
func (s *Service) Stranded(ctx context.Context, a authz.Actor, year int) ([]Stranded, error) {
	if err := authz.Require(a, authz.ManageProposals); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var rs []Row
	if err := rows(db, a).Where("p.year = ? AND p.status IN ? AND u.valid_to < ?", year, openStatuses, firstDay(year)).
		Order("u.code, p.id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("proposals of %d on ended units: %w", year, err)
	}
	out := []Stranded{}
	heirs := map[int64][]units.Heir{}
	for _, r := range rs {
		h, ok := heirs[r.UnitID]
		if !ok {
			var err error
			if h, err = units.Heirs(db, r.UnitID, firstDay(year)); err != nil {
				return nil, err
			}
			heirs[r.UnitID] = h
		}
		if len(h) < 2 {
			continue // one successor: the instance plans it there; none: nothing to choose
		}
		var ended models.Date
		if err := db.Model(&models.Unit{}).Where("id = ?", r.UnitID).Pluck("valid_to", &ended).Error; err != nil {
			return nil, fmt.Errorf("end of unit %d: %w", r.UnitID, err)
		}
		out = append(out, Stranded{Row: r, UnitEnded: ended, Successors: h})
	}
	return out, nil
}

// MoveInput names the successor a stranded proposal goes to.
type MoveInput struct {
	UnitID int64 `json:"unit_id" form:"unit_id"`
}

// MoveToSuccessor gives the open proposal id, left on a unit that ended
// before its plan year, to unit in.UnitID, one of that unit's successors in
// force on the year's first day; the audit log keeps the earlier unit. A unit
// that is not such a successor is a field error on unit_id (422); a proposal
// on a unit in force, or closed, is a conflict.
func (s *Service) MoveToSuccessor(ctx context.Context, a authz.Actor, id int64, in MoveInput) (Row, error) {
	if err := authz.Require(a, authz.ManageProposals); err != nil {
		return Row{}, err
	}
	if in.UnitID <= 0 {
		return Row{}, apperr.Field("unit_id", "required", "proposals.move.unit_required")
	}
	var out Row
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := get(tx, a, id)
		if err != nil {
			return err
		}
		var unit models.Unit
		if err := tx.Select("id", "name", "valid_to").Take(&unit, before.UnitID).Error; err != nil {
			return fmt.Errorf("unit of proposal %d: %w", id, err)
		}
		day := firstDay(before.Year)
		if unit.ValidTo == nil || !unit.ValidTo.Before(day) {
			return apperr.Fail(apperr.ErrConflict, "proposals.move.unit_in_force", "Unit", unit.Name, "Year", before.Year)
		}
		heirs, err := units.Heirs(tx, unit.ID, day)
		if err != nil {
			return err
		}
		ok := false
		for _, h := range heirs {
			ok = ok || h.ID == in.UnitID
		}
		if !ok {
			return apperr.Field("unit_id", "successor", "proposals.move.not_successor", "Unit", unit.Name, "Year", before.Year)
		}
		// The status in the WHERE makes a concurrent close lose cleanly.
		res := tx.Model(&models.Proposal{}).Where("id = ? AND status IN ?", id, openStatuses).
			Updates(map[string]any{"unit_id": in.UnitID, "updated_at": gorm.Expr("now()")})
		if res.Error != nil {
			return fmt.Errorf("move proposal %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return apperr.Fail(apperr.ErrConflict, "proposals.err.closed")
		}
		if out, err = get(tx, a, id); err != nil {
			return err
		}
		return audit.Record(tx, a, "move_to_successor", "proposals", id, before.Proposal, out.Proposal)
	})
	return out, err
}

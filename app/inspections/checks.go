package inspections

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/holidays"
	"khung/app/rules"
	"khung/models"
)

// ImplementationCheck is the kind of visit that checks the implementation of
// a conclusion (kiểm tra việc thực hiện kết luận; kinds.toml's
// kiem_tra_thuc_hien gives its documents' words).
const ImplementationCheck = "implementation_check"

// CheckInput is a check on the implementation of conclusions at a unit,
// proposed by a planner from its overdue recommendations: announced to the
// unit like a planned visit, outside the framework plan, at most
// followup.implementation_check_max_working_days working days on site.
type CheckInput struct {
	UnitID            int64       `json:"unit_id" form:"unit_id" validate:"required,min=1" label:"field.unit"`
	RecommendationIDs []int64     `json:"recommendation_ids" form:"recommendation_ids" validate:"required,min=1,max=100,dive,min=1" label:"field.checked_recommendations"`
	LeadBodyID        int64       `json:"lead_body_id" form:"lead_body_id" validate:"required,min=1"`
	StartDate         models.Date `json:"start_date" form:"start_date" validate:"required" label:"field.start_date"`
	EndDate           models.Date `json:"end_date" form:"end_date" validate:"required,gtefield=StartDate"`
	LeadID            int64       `json:"lead_id" form:"lead_id" validate:"required,min=1"`
	MemberIDs         []int64     `json:"member_ids" form:"member_ids" validate:"max=30,dive,min=1"`
	Reason            string      `json:"reason" form:"reason" validate:"notblank,max=2000"`
}

// CheckableRec is an overdue recommendation a check may look at.
type CheckableRec struct {
	ID            int64       `json:"id"`
	OwnerUnitName string      `json:"owner_unit_name"`
	Action        string      `json:"action"`
	Deadline      models.Date `json:"deadline"`
	Conclusion    string      `json:"conclusion"` // "01/TB-SNV"
}

// checkableSQL keeps, for a unit (the first argument, its id), the
// recommendations of the unit and the units below it still waiting for the
// unit past their deadline (the second argument, today).
const checkableSQL = `SELECT r.id, ou.name AS owner_unit_name, r.action, r.deadline,
		lpad(c.number::text, 2, '0') || '/' || c.symbol AS conclusion
	FROM recommendations r JOIN units ou ON ou.id = r.owner_unit_id JOIN units cu ON cu.id = ?
	JOIN conclusions c ON c.id = r.conclusion_id
	WHERE ou.path LIKE cu.path || '%' AND r.status IN ('open', 'returned', 'reported') AND r.deadline < ?`

// Checkable lists the overdue recommendations of unit (and the units below
// it) that a check on implementation may look at, for a planner (who reads
// every recommendation under authz.RecommendationScope: no narrowing needed).
func (s *Service) Checkable(ctx context.Context, a authz.Actor, unit int64, today models.Date) ([]CheckableRec, error) {
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return nil, err
	}
	var out []CheckableRec
	if err := s.db.WithContext(ctx).Raw(checkableSQL+` ORDER BY r.deadline, r.id LIMIT 200`, unit, today).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("overdue recommendations of unit %d: %w", unit, err)
	}
	return out, nil
}

// UnitOfRecommendation is the owner unit of recommendation id and its name,
// where a check proposed from it goes (for a planner).
func (s *Service) UnitOfRecommendation(ctx context.Context, a authz.Actor, id int64) (Option, error) {
	var o Option
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return o, err
	}
	err := s.db.WithContext(ctx).Raw(`SELECT u.id, u.code, u.name AS label FROM recommendations r JOIN units u ON u.id = r.owner_unit_id
		WHERE r.id = ?`, id).Scan(&o).Error
	if err == nil && o.ID == 0 {
		err = apperr.ErrNotFound
	}
	if err != nil {
		return o, fmt.Errorf("unit of recommendation %d: %w", id, err)
	}
	return o, nil
}

// CreateCheck creates a check on the implementation of the conclusions whose
// recommendations in.RecommendationIDs (overdue, of in.UnitID or a unit below
// it) it looks at. On site at most the rule's working days (10 by Luật Thanh
// tra số 84/2025/QH15): a longer one is a 422 on end_date.
func (s *Service) CreateCheck(ctx context.Context, a authz.Actor, in CheckInput, now time.Time) (models.Visit, error) {
	var v models.Visit
	if err := authz.Require(a, authz.ManagePlans); err != nil {
		return v, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	// Every problem at once: the fields, and the length on site.
	ve := &apperr.ValidationError{}
	if err := apperr.Validate(in); err != nil {
		var ok bool
		if ve, ok = apperr.AsValidation(err); !ok {
			return v, err
		}
	}
	if !in.StartDate.IsZero() && !in.EndDate.IsZero() && !ve.Has("end_date") {
		if err := checkLength(ctx, s.db.WithContext(ctx), in.StartDate, in.EndDate); err != nil {
			long, ok := apperr.AsValidation(err)
			if !ok {
				return v, err
			}
			ve.Fields = append(ve.Fields, long.Fields...)
		}
	}
	if err := ve.Err(); err != nil {
		return v, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var unit models.Unit
		if err := tx.Select("id", "name", "valid_from", "valid_to").Where("id = ?", in.UnitID).Limit(1).Find(&unit).Error; err != nil {
			return fmt.Errorf("unit %d: %w", in.UnitID, err)
		}
		var ok []int64
		if err := tx.Raw(`SELECT id FROM (`+checkableSQL+`) k WHERE id IN ?`, in.UnitID, s.today(now), in.RecommendationIDs).
			Scan(&ok).Error; err != nil {
			return fmt.Errorf("recommendations to check: %w", err)
		}
		if len(ok) != len(uniq(in.RecommendationIDs)) {
			return apperr.Field("recommendation_ids", "overdue", "legal.check.checked_overdue")
		}
		team, err := checkFrame(tx, "unit_id", unit, in.StartDate, in.LeadBodyID, in.LeadID, in.MemberIDs)
		if err != nil {
			return err
		}
		kind := ImplementationCheck
		if v, err = insertVisit(tx, a, "v-kt-%05d", models.Visit{UnitID: in.UnitID, Form: models.FormPlanned,
			LeadBodyID: in.LeadBodyID, Kind: &kind, StartDate: &in.StartDate, EndDate: &in.EndDate}, team, in.Reason); err != nil {
			return err
		}
		for _, id := range ok {
			if err := tx.Exec(`INSERT INTO visit_checked_recommendations (visit_id, recommendation_id) VALUES (?, ?)`, v.ID, id).Error; err != nil {
				return fmt.Errorf("recommendation %d checked by visit %d: %w", id, v.ID, err)
			}
		}
		return audit.Record(tx, a, "visit.create_check", "visit", v.ID, nil,
			map[string]any{"visit": v, "team": team, "recommendations": ok})
	})
	return v, err
}

// checkLength refuses a check longer on site than the rule in force on its
// first day allows, counted in working days.
func checkLength(ctx context.Context, tx *gorm.DB, start, end models.Date) error {
	if end.Before(start) {
		return nil // the validator names end_date already
	}
	set, err := rules.Load(ctx, tx, start)
	if err != nil {
		return err
	}
	most, err := rules.Get(set, rules.ImplementationCheckDays)
	if err != nil {
		return err
	}
	w, err := holidays.Workdays(ctx, tx, start.Year, end.Year)
	if err != nil {
		return err
	}
	days, err := w.Count(start.Time(), end.Time())
	if err != nil {
		return fmt.Errorf("working days of a check: %w", err)
	}
	if days > most {
		return apperr.Field("end_date", "max_working_days", "legal.check.check_too_long", "Max", most, "Count", days)
	}
	return nil
}

func uniq(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// checkedBy lists the recommendations a check on implementation looks at.
func (s *Service) checkedBy(db *gorm.DB, visitID int64) ([]CheckableRec, error) {
	var out []CheckableRec
	if err := db.Raw(`SELECT r.id, ou.name AS owner_unit_name, r.action, r.deadline,
			lpad(c.number::text, 2, '0') || '/' || c.symbol AS conclusion
		FROM visit_checked_recommendations k JOIN recommendations r ON r.id = k.recommendation_id
		JOIN units ou ON ou.id = r.owner_unit_id JOIN conclusions c ON c.id = r.conclusion_id
		WHERE k.visit_id = ? ORDER BY r.deadline, r.id`, visitID).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("recommendations checked by visit %d: %w", visitID, err)
	}
	return out, nil
}

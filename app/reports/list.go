package reports

import (
	"context"
	"fmt"

	"khung/app/authz"
	"khung/models"
)

// ListLimit caps the rows of a list behind a figure.
const ListLimit = 1000

// InspectionRow is one inspection behind a figure: a body's inspection of a
// city visit (VisitID set) or a unit's own inspection (OwnID set).
type InspectionRow struct {
	Source    string      `json:"source"` // "visit" or "own"
	VisitID   int64       `json:"visit_id,omitempty"`
	OwnID     int64       `json:"own_id,omitempty"`
	StartDate models.Date `json:"start_date"`
	UnitName  string      `json:"unit_name"`
	ByName    string      `json:"by_name"` // the body, or the unit that ran it
	KindVI    string      `json:"kind_name_vi"`
	KindEN    string      `json:"kind_name_en"`
	Form      string      `json:"form"`
	Level     string      `json:"level"`
}

// Inspections lists the inspections behind the figure of f (the same rows
// the report counts), oldest first, at most ListLimit, and how many there are.
func (s *Service) Inspections(ctx context.Context, a authz.Actor, f Filter) ([]InspectionRow, int, error) {
	if err := requireReader(a); err != nil {
		return nil, 0, err
	}
	f, err := s.withArea(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	base := inspectionsCTE(a, f)
	var total int
	db := s.db.WithContext(ctx)
	if err := db.Raw(base.sql+` SELECT count(*) FROM ins`, base.args...).Scan(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("inspections behind a figure: %w", err)
	}
	var rows []InspectionRow
	err = db.Raw(base.sql+` SELECT ins.source,
		CASE WHEN ins.source = 'visit' THEN ins.ref_id ELSE 0 END AS visit_id,
		CASE WHEN ins.source = 'own' THEN ins.ref_id ELSE 0 END AS own_id,
		ins.start_date, u.name AS unit_name, coalesce(b.name, bu.name) AS by_name,
		coalesce(k.name_vi, '') AS kind_vi, coalesce(k.name_en, '') AS kind_en, ins.form, ins.level
		FROM ins JOIN units u ON u.id = ins.unit_id
		LEFT JOIN bodies b ON ins.source = 'visit' AND b.id = substr(ins.body_key, 2)::bigint
		LEFT JOIN units bu ON ins.source = 'own' AND bu.id = substr(ins.body_key, 2)::bigint
		LEFT JOIN inspection_kinds k ON k.code = ins.kind
		ORDER BY ins.start_date, u.name, 6 LIMIT ?`, append(base.args, ListLimit)...).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("inspections behind a figure: %w", err)
	}
	return rows, total, nil
}

// RecommendationStates are the states a recommendation figure counts.
func RecommendationStates() []string { return []string{"issued", "done", "open", "overdue"} }

// RecommendationVisit is a visit whose conclusion holds recommendations
// behind a figure, with how many: the list a reader of statistics opens (it
// names no recommendation's text: a viewer reads figures, not rows).
type RecommendationVisit struct {
	VisitID    int64       `json:"visit_id"`
	UnitName   string      `json:"unit_name"`
	Conclusion string      `json:"conclusion"`
	SignedOn   models.Date `json:"signed_on"`
	Count      int         `json:"count"`
}

// RecommendationVisits lists the visits whose recommendations of the period
// are in state (issued, done, open, overdue) at the report's date, for owner
// unit owner (0: every owner), under the same rule as the report's figure.
func (s *Service) RecommendationVisits(ctx context.Context, a authz.Actor, f Filter, state string, owner int64) ([]RecommendationVisit, int, error) {
	if err := requireReader(a); err != nil {
		return nil, 0, err
	}
	f, err := s.withArea(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.recommendationRows(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	asOf := asOfDate(a, f)
	w, err := s.workdays(ctx, f, asOf, len(rows))
	if err != nil {
		return nil, 0, err
	}
	counts := map[int64]int{}
	total := 0
	for _, row := range rows {
		if owner != 0 && row.OwnerUnitID != owner {
			continue
		}
		st := stateAt(row.rec(), asOf)
		keep := state == "issued" || st == state
		if state == "overdue" {
			keep = false
			if st == "open" {
				age, err := workingDaysAfter(w, row.Deadline, asOf)
				if err != nil {
					return nil, 0, err
				}
				keep = age > 0
			}
		}
		if keep {
			counts[row.VisitID]++
			total++
		}
	}
	var out []RecommendationVisit
	seen := map[int64]bool{}
	for _, row := range rows {
		if counts[row.VisitID] == 0 || seen[row.VisitID] {
			continue
		}
		seen[row.VisitID] = true
		out = append(out, RecommendationVisit{VisitID: row.VisitID, UnitName: row.VisitUnit,
			Conclusion: row.Conclusion, SignedOn: row.SignedOn, Count: counts[row.VisitID]})
	}
	return out, total, nil
}

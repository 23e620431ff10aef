package units

import (
	"context"
	"fmt"

	"khung/app/authz"
	"khung/app/officialdoc"
	"khung/models"
)

// RecordLimit caps each list of a unit's record.
const RecordLimit = 200

// Source is a unit whose history a unit carries: itself (Depth 0) or a unit
// it was formed from, directly or through several reforms. Part is true when
// some link of the way took over only part of that unit ("phần của …"):
// the unit's history then also appears under its other successors.
type Source struct {
	ID    int64        `json:"id"`
	Name  string       `json:"name"`
	Ended *models.Date `json:"ended"` // the source's last day (nil: still in force)
	Depth int          `json:"depth"`
	Part  bool         `json:"part"`
}

// RecordVisit is a visit to the unit or to one of its sources, as the
// reader may know of it (authz.VisitScope), with its conclusion when the
// reader may read that (the visit's work, or through its recommendations).
type RecordVisit struct {
	ID               int64        `json:"id"`
	SourceID         int64        `json:"source_id"`
	Form             string       `json:"form"`
	Status           string       `json:"status"`
	StartDate        *models.Date `json:"start_date"`
	EndDate          *models.Date `json:"end_date"`
	ConclusionNumber *int         `json:"conclusion_number"`
	ConclusionSymbol *string      `json:"conclusion_symbol"`
	ConclusionSigned *models.Date `json:"conclusion_signed_on"`
}

// RecordRecommendation is an open recommendation (open, reported, returned)
// of the unit or of one of its sources that the reader may read
// (authz.RecommendationScope).
type RecordRecommendation struct {
	ID               int64       `json:"id"`
	SourceID         int64       `json:"source_id"`
	Action           string      `json:"action"`
	Deadline         models.Date `json:"deadline"`
	Status           string      `json:"status"`
	ConclusionNumber int         `json:"conclusion_number"`
	ConclusionSymbol string      `json:"conclusion_symbol"`
}

// Record is what the unit page shows of a unit's life: where it came from,
// the visits to it and to the units it was formed from, and the open
// recommendations it carries or inherited. History follows the unit: a
// recommendation of Phường Phúc Xá (merged whole into Phường Hồng Hà on
// 01/07/2025) is listed under Phường Hồng Hà; one of a ward split between
// several is listed under each successor, marked as part of that ward.
type Record struct {
	Sources         []Source               `json:"sources"` // the unit first, then its predecessors by depth and name
	Visits          []RecordVisit          `json:"visits"`  // latest first
	Recommendations []RecordRecommendation `json:"recommendations"`
}

// Source returns the source id of the record (zero Source when unknown).
func (r Record) Source(id int64) Source {
	for _, s := range r.Sources {
		if s.ID == id {
			return s
		}
	}
	return Source{}
}

// sourcesSQL lists a unit (argument) and every unit it was formed from, with
// the depth of the shortest way and whether every way to it passes a "part"
// link (bool_and over the ways: a unit reached whole by one way is whole).
const sourcesSQL = `
	WITH RECURSIVE before(id, depth, part) AS (
	    SELECT ?::bigint, 0, false
	    UNION SELECT s.predecessor_id, b.depth + 1, b.part OR s.how = 'part'
	      FROM unit_successions s JOIN before b ON s.successor_id = b.id
	     WHERE b.depth < 20)
	SELECT u.id, u.name, u.valid_to AS ended, min(b.depth) AS depth, bool_and(b.part) AS part
	  FROM before b JOIN units u ON u.id = b.id
	 GROUP BY u.id, u.name, u.valid_to
	 ORDER BY min(b.depth), u.name, u.id`

// Record returns the record of unit id, a unit a may read (else
// ErrNotFound). Every list goes through the visibility rule of authz: a unit
// office sees the published visits of its unit and of the units it was
// formed from, never a secret one before its start; an administrator sees
// the sources but no visit and no recommendation.
func (s *Service) Record(ctx context.Context, a authz.Actor, id int64) (Record, error) {
	rec := Record{Sources: []Source{}, Visits: []RecordVisit{}, Recommendations: []RecordRecommendation{}}
	if _, err := s.Get(ctx, a, id); err != nil {
		return rec, err
	}
	db := s.db.WithContext(ctx)
	if err := db.Raw(sourcesSQL, id).Scan(&rec.Sources).Error; err != nil {
		return rec, fmt.Errorf("sources of unit %d: %w", id, err)
	}
	ids := make([]int64, len(rec.Sources))
	for i, src := range rec.Sources {
		ids[i] = src.ID
	}
	// A conclusion is shown to who may read the visit's work, or who reads
	// one of its recommendations (a unit reads its conclusions that way).
	work := db.Table("visits wv").Select("wv.id").Scopes(authz.VisitWorkScopeOn(a, "wv"))
	viaRecs := db.Table("recommendations").Select("recommendations.conclusion_id").Scopes(authz.RecommendationScope(a))
	err := db.Table("visits").
		Select(`visits.id, visits.unit_id AS source_id, visits.form, visits.status, visits.start_date, visits.end_date,
			c.number AS conclusion_number, c.symbol AS conclusion_symbol, c.signed_on AS conclusion_signed`).
		Joins("LEFT JOIN conclusions c ON c.visit_id = visits.id AND (c.visit_id IN (?) OR c.id IN (?))", work, viaRecs).
		Scopes(authz.VisitScope(a)).
		Where("visits.unit_id IN ? AND visits.start_date IS NOT NULL", ids).
		Order("visits.start_date DESC, visits.id DESC").Limit(RecordLimit).Scan(&rec.Visits).Error
	if err != nil {
		return rec, fmt.Errorf("visits of unit %d and its sources: %w", id, err)
	}
	err = db.Table("recommendations").
		Select(`recommendations.id, recommendations.owner_unit_id AS source_id, recommendations.action,
			recommendations.deadline, recommendations.status, c.number AS conclusion_number, c.symbol AS conclusion_symbol`).
		Joins("JOIN conclusions c ON c.id = recommendations.conclusion_id").
		Scopes(authz.RecommendationScope(a)).
		Where("recommendations.owner_unit_id IN ? AND recommendations.status IN ('open', 'reported', 'returned')", ids).
		Order("recommendations.deadline, recommendations.id").Limit(RecordLimit).Scan(&rec.Recommendations).Error
	if err != nil {
		return rec, fmt.Errorf("recommendations of unit %d and its sources: %w", id, err)
	}
	return rec, nil
}

// ConclusionNo is the conclusion's number as documents print it ("01"), ""
// when the visit has no conclusion yet.
func (v RecordVisit) ConclusionNo() string {
	if v.ConclusionNumber == nil {
		return ""
	}
	return officialdoc.Number(*v.ConclusionNumber)
}

// ConclusionNo is the conclusion's number as documents print it ("01").
func (r RecordRecommendation) ConclusionNo() string { return officialdoc.Number(r.ConclusionNumber) }

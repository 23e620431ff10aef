package reports

import (
	"context"
	"slices"

	"khung/app/authz"
)

// AgeingNotDue is the ageing chart's band of the open recommendations that
// are not overdue (their deadline not passed, or passed only by days off).
const AgeingNotDue = "0"

// AgeingKeys are the bands of the ageing chart: not overdue, then the
// report's bands of working days past the deadline.
func AgeingKeys() []string {
	keys := []string{AgeingNotDue}
	for _, b := range ageingBuckets() {
		keys = append(keys, b.Key)
	}
	return keys
}

// AgeingVisits lists the visits holding the open recommendations of the
// period in the ageing band key (AgeingKeys) at the report's date, for owner
// unit owner (0: every owner), with how many, and the total: the list behind
// a bar of the ageing chart, under the same rule and the same rows as the
// report's recommendations.
func (s *Service) AgeingVisits(ctx context.Context, a authz.Actor, f Filter, key string, owner int64) ([]RecommendationVisit, int, error) {
	if err := requireReader(a); err != nil {
		return nil, 0, err
	}
	if !slices.Contains(AgeingKeys(), key) {
		return nil, 0, nil
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
	band := AgeingBucket{}
	for _, b := range ageingBuckets() {
		if b.Key == key {
			band = b
		}
	}
	var kept []recVisitRow
	for _, row := range rows {
		if (owner != 0 && row.OwnerUnitID != owner) || stateAt(row.rec(), asOf) != "open" {
			continue
		}
		age, err := workingDaysAfter(w, row.Deadline, asOf)
		if err != nil {
			return nil, 0, err
		}
		in := age == 0
		if key != AgeingNotDue {
			in = age >= band.From && (band.To == 0 || age <= band.To)
		}
		if in {
			kept = append(kept, row)
		}
	}
	out := byVisit(kept)
	return out, len(kept), nil
}

// byVisit groups recommendation rows by their visit, in the rows' order.
func byVisit(rows []recVisitRow) []RecommendationVisit {
	var out []RecommendationVisit
	at := map[int64]int{}
	for _, row := range rows {
		i, ok := at[row.VisitID]
		if !ok {
			i = len(out)
			at[row.VisitID] = i
			out = append(out, RecommendationVisit{VisitID: row.VisitID, UnitName: row.VisitUnit,
				Conclusion: row.Conclusion, SignedOn: row.SignedOn})
		}
		out[i].Count++
	}
	return out
}

package rules_test

import (
	"context"
	"strings"
	"testing"

	"khung/app/rules"
	"khung/models"
	"khung/models/dbtest"
)

func TestTheRulesOfThe2022LawEndOn30June2025AndTheir2025CounterpartsStartOn1July(t *testing.T) {
	lastDay, firstDay := models.MustParseDate("2025-06-30"), models.MustParseDate("2025-07-01")
	moved := 0
	for _, e := range rules.All() {
		info := e.Info()
		for i, b := range info.Bases {
			if b.LegalBasis == "" || b.From.IsZero() {
				t.Errorf("%s: basis %d without text or first day", info.Key, i)
			}
			if i > 0 && (info.Bases[i-1].To == nil || info.Bases[i-1].To.AddDays(1) != b.From) {
				t.Errorf("%s: basis %d does not start the day after the one before ends", info.Key, i)
			}
		}
		if last := info.Bases[len(info.Bases)-1]; last.To != nil {
			t.Errorf("%s: no basis in force today", info.Key)
		}
		before, okBefore := info.BasisOn(lastDay)
		after, okAfter := info.BasisOn(firstDay)
		if okBefore && strings.Contains(before.LegalBasis, "11/2022/QH15") {
			moved++
			if !okAfter || !strings.Contains(after.LegalBasis, "84/2025/QH15") {
				t.Errorf("%s rests on the 2022 law on 30/06/2025 but on %q from 01/07/2025", info.Key, after.LegalBasis)
			}
		}
		if okAfter && strings.Contains(after.LegalBasis, "11/2022/QH15") {
			t.Errorf("%s still rests on the 2022 law on 01/07/2025", info.Key)
		}
	}
	if moved < 3 {
		t.Errorf("%d rules move from the 2022 law to the 2025 law, want at least the plan deadline, conclusion and directive", moved)
	}
}

func TestTheVersionOfARuleInForceOnADayIsUsed(t *testing.T) {
	db := dbtest.Gorm(t)
	ctx := context.Background()
	end := models.MustParseDate("2025-06-30")
	for _, r := range []models.Rule{
		{Key: rules.PlanIssueDeadline.Key, Value: models.JSON(`{"month": 12, "day": 20}`), LegalBasis: "Luật Thanh tra số 11/2022/QH15, Điều 45",
			ValidFrom: models.MustParseDate("2023-07-01"), ValidTo: &end},
		{Key: rules.PlanIssueDeadline.Key, Value: models.JSON(`{"month": 12, "day": 15}`), LegalBasis: "Luật Thanh tra số 84/2025/QH15",
			ValidFrom: models.MustParseDate("2025-07-01")},
	} {
		if err := db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		day  string
		want int
	}{{"2025-06-30", 20}, {"2025-07-01", 15}, {"2026-12-01", 15}} {
		s, err := rules.Load(ctx, db, models.MustParseDate(tt.day))
		if err != nil {
			t.Fatal(err)
		}
		md, err := rules.Get(s, rules.PlanIssueDeadline)
		if err != nil || md.Day != tt.want {
			t.Errorf("on %s: %+v, %v; want the %d December of the version in force", tt.day, md, err, tt.want)
		}
	}
}

package visits_test

import (
	"context"
	"fmt"
	"testing"

	"khung/app/authz"
	"khung/app/paging"
	"khung/app/visits"
	"khung/app/visits/visitstest"
	"khung/models"
	"khung/models/dbtest"
)

// BenchmarkCityScale measures the reads of a planner and of a district on a
// published plan the size of the demo city's (600 visits, 100 inspectors):
// one month of the calendar, one page of the list, the year's count and a feed's
// worth of visits.
func BenchmarkCityScale(b *testing.B) {
	db := dbtest.Gorm(b)
	w := visitstest.Build(b, db)
	var inspectors []models.Inspector
	for i := range 100 {
		in := models.Inspector{Code: fmt.Sprintf("b%03d", i), FullName: fmt.Sprintf("Kiểm tra viên %d", i),
			BodyID: w.CityTeam.ID, CanLead: true, Active: true}
		inspectors = append(inspectors, in)
	}
	if err := db.Create(&inspectors).Error; err != nil {
		b.Fatal(err)
	}
	units := []models.Unit{w.CommuneA, w.CommuneB, w.DistrictA, w.DistrictB}
	monday := models.NewDate(2027, 1, 4)
	for k := range 600 {
		// Inspector k/6 has six visits in six consecutive weeks: never double-booked.
		start := monday.AddDays(7 * (k % 50))
		end := start.AddDays(2)
		v := models.Visit{PlanVersionID: &w.Published.ID, Code: fmt.Sprintf("v-b%04d", k), Year: 2027,
			UnitID: units[k%len(units)].ID, Form: models.FormPlanned, LeadBodyID: w.CityTeam.ID,
			StartDate: &start, EndDate: &end, Days: 3, TeamSize: 1}
		if err := db.Create(&v).Error; err != nil {
			b.Fatal(err)
		}
		p := models.Proposal{Year: 2027, BodyID: w.Inspectorate.ID, UnitID: v.UnitID, Kind: "public_service",
			Form: models.FormPlanned, Topics: models.TextArray{"ky_luat_hanh_chinh"}, Days: 3, TeamSize: 1, Status: models.ProposalAccepted}
		if err := db.Create(&p).Error; err != nil {
			b.Fatal(err)
		}
		if err := db.Create(&models.VisitProposal{VisitID: v.ID, ProposalID: p.ID}).Error; err != nil {
			b.Fatal(err)
		}
		m := models.VisitMember{VisitID: v.ID, InspectorID: inspectors[k/6].ID, Role: models.MemberLead}
		if err := db.Create(&m).Error; err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	svc := visits.New(db, nil)
	ctx := context.Background()
	today := models.NewDate(2026, 12, 20)
	actors := map[string]authz.Actor{
		"planner":  {UserID: 1, Role: models.RolePlanner},
		"district": {UserID: 2, Role: models.RoleUnit, UnitPath: w.DistrictA.Path},
	}
	march := visits.Range{From: models.NewDate(2027, 3, 1), To: models.NewDate(2027, 4, 4)}
	for name, a := range actors {
		b.Run(name+"/month", func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.InRange(ctx, a, today, visits.Filter{}, march); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/list page", func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.List(ctx, a, today, visits.Filter{Year: 2027}, paging.Page{Size: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/feed year", func(b *testing.B) {
			n := 0
			for b.Loop() {
				vs, err := svc.InRange(ctx, a, today, visits.Filter{},
					visits.Range{From: models.NewDate(2026, 1, 1), To: models.NewDate(2027, 12, 31)})
				if err != nil {
					b.Fatal(err)
				}
				n = len(vs)
			}
			b.ReportMetric(float64(n), "visits")
		})
	}
}

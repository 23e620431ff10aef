package models_test

import (
	"testing"

	"gorm.io/gorm"

	"khung/models"
	"khung/models/dbtest"
)

// planFixture adds a plan, its first version, a proposal and a scheduled visit.
type planFixture struct {
	*coreFixture
	plan     *models.Plan
	version  *models.PlanVersion
	proposal *models.Proposal
	visit    *models.Visit
}

func newPlanFixture(t *testing.T, db *gorm.DB) *planFixture {
	t.Helper()
	f := &planFixture{coreFixture: newCoreFixture(t, db)}
	f.plan = &models.Plan{Year: 2025, Title: "Kế hoạch khung kiểm tra năm 2025", IssuingBodyID: f.body.ID}
	mustCreate(t, db, f.plan)
	f.version = &models.PlanVersion{PlanID: f.plan.ID, Number: 1}
	mustCreate(t, db, f.version)
	f.proposal = &models.Proposal{Year: 2025, BodyID: f.body.ID, UnitID: f.ward.ID, Kind: f.kind.Code,
		Form: models.FormPlanned, Days: 3, TeamSize: 3}
	mustCreate(t, db, f.proposal)
	f.visit = &models.Visit{PlanVersionID: &f.version.ID, Code: "v-00001", Year: 2025, UnitID: f.ward.ID,
		Form: models.FormPlanned, LeadBodyID: f.body.ID, StartDate: dayPtr("2025-03-10"), EndDate: dayPtr("2025-03-12"),
		Days: 3, TeamSize: 3}
	mustCreate(t, db, f.visit)
	return f
}

func TestEveryPlanningModelRoundTripsWithEveryFieldSet(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newPlanFixture(t, db)

	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"proposal", func(t *testing.T) {
			roundTrip(t, db, &models.Proposal{Year: 2025, BodyID: f.body.ID, UnitID: f.district.ID, Kind: f.kind.Code,
				Form: models.FormVerification, Topics: models.TextArray{"ky_luat", `a "quoted", {odd} \ code`},
				Skills: models.TextArray{"tai_chinh"}, PeriodFrom: dayPtr("2023-01-01"), PeriodTo: dayPtr("2024-12-31"),
				WindowFrom: dayPtr("2025-04-01"), WindowTo: dayPtr("2025-06-30"), Days: 5, TeamSize: 4, Priority: 3,
				LegalBasis: "Quyết định 1234/QĐ-UBND", Status: models.ProposalRejected, StatusReason: "Trùng kế hoạch",
				Note: "Theo đơn thư", ExternalRef: ptrStr("row-17"), CreatedBy: &f.user.ID, CreatedAt: at(1), UpdatedAt: at(2)},
				"external_ref = ?", "row-17")
		}},
		{"plan", func(t *testing.T) {
			roundTrip(t, db, &models.Plan{Year: 2026, Title: "Kế hoạch khung năm 2026", IssuingBodyID: f.body.ID,
				Symbol: "KH-UBND", CreatedBy: &f.user.ID, CreatedAt: at(3), UpdatedAt: at(4)}, "year = ?", 2026)
		}},
		{"plan version", func(t *testing.T) {
			penalty := 1234.5
			roundTrip(t, db, &models.PlanVersion{PlanID: f.plan.ID, Number: 2, Status: models.VersionPublished,
				Reason: "Bổ sung đoàn xác minh", ParentVersionID: &f.version.ID, Penalty: &penalty,
				Metrics: models.JSON(`{"visits": 612, "penalty": 1234.5}`), Instance: models.JSON(`{"year": 2025, "units": []}`),
				LockVersion: 7, CreatedBy: &f.user.ID, CreatedAt: at(5), UpdatedAt: at(6),
				SubmittedBy: &f.user.ID, SubmittedAt: ptrTime(at(7)), ApprovedBy: &f.user.ID, ApprovedAt: ptrTime(at(8)),
				PublishedBy: &f.user.ID, PublishedAt: ptrTime(at(9)), DocumentNumber: "01"},
				"plan_id = ? AND number = ?", f.plan.ID, 2)
		}},
		{"visit", func(t *testing.T) {
			roundTrip(t, db, &models.Visit{PlanVersionID: &f.version.ID, Code: "v-001", Year: 2025, UnitID: f.district.ID,
				Form: models.FormPlanned, LeadBodyID: f.body.ID, StartDate: dayPtr("2025-05-05"), EndDate: dayPtr("2025-05-09"),
				Days: 5, TeamSize: 4, Priority: 2, UnscheduledReason: "dời lịch", Why: models.JSON(`["merged p1 and p2"]`),
				UnscheduledReasonVi: "dời lịch (vi)", WhyVi: models.JSON(`["Gộp các đề xuất p1 và p2"]`),
				WhyMsgs:        models.JSON(`[{"id": "planning.why.merged", "args": {"Unit": "u1"}}]`),
				UnscheduledMsg: models.JSON(`{"id": "planning.reason.no_skill", "args": {"Skill": "s"}}`),
				Status:         models.VisitSuspended, Kind: &f.kind.Code, CreatedAt: at(10), UpdatedAt: at(11)}, "code = ?", "v-001")
		}},
		{"own inspection", func(t *testing.T) {
			ref := "r-1"
			roundTrip(t, db, &models.OwnInspection{ByUnitID: f.district.ID, UnitID: f.ward.ID, Kind: f.kind.Code,
				Form: models.FormUnannounced, StartDate: day("2025-05-05"), EndDate: day("2025-05-06"), Status: models.OwnConcluded,
				ConclusionNumber: "05/KL-UBND", ConclusionSignedOn: dayPtr("2025-05-20"), Shortcomings: 2, Violations: 1,
				Recommendations: 3, RecommendationsDone: 1, Note: "ghi chú", Source: "import", ExternalRef: &ref,
				CreatedBy: &f.user.ID, CreatedAt: at(10), UpdatedAt: at(11)}, "external_ref = ?", ref)
		}},
		{"visit proposal", func(t *testing.T) {
			roundTrip(t, db, &models.VisitProposal{VisitID: f.visit.ID, ProposalID: f.proposal.ID},
				"visit_id = ? AND proposal_id = ?", f.visit.ID, f.proposal.ID)
		}},
		{"visit member copies the visit's version, dates and cancellation", func(t *testing.T) {
			cancelled := &models.Visit{PlanVersionID: &f.version.ID, Code: "v-cancelled", Year: 2025, UnitID: f.district.ID,
				Form: models.FormPlanned, LeadBodyID: f.body.ID, StartDate: dayPtr("2025-06-02"), EndDate: dayPtr("2025-06-03"),
				Days: 2, TeamSize: 2, Status: models.VisitCancelled}
			mustCreate(t, db, cancelled)
			// The copied fields are read-only for GORM: the trigger fills them.
			roundTrip(t, db, &models.VisitMember{VisitID: cancelled.ID, InspectorID: f.inspector.ID, Role: models.MemberLead,
				PlanVersionID: &f.version.ID, StartDate: dayPtr("2025-06-02"), EndDate: dayPtr("2025-06-03"), VisitCancelled: true,
				CreatedAt: at(12)}, "visit_id = ? AND inspector_id = ?", cancelled.ID, f.inspector.ID)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

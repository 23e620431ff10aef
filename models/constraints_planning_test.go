package models_test

import (
	"testing"

	"gorm.io/gorm"

	"khung/models"
	"khung/models/dbtest"
)

func TestAnInspectorIsNeverOnTwoOverlappingVisitsOfOneVersion(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newPlanFixture(t, db) // f.visit: version 1, 10–12 March 2025
	mustCreate(t, db, &models.VisitMember{VisitID: f.visit.ID, InspectorID: f.inspector.ID, Role: models.MemberLead})

	newVisit := func(t *testing.T, versionID *int64, code, from, to string) *models.Visit {
		t.Helper()
		v := &models.Visit{PlanVersionID: versionID, Code: code, Year: 2025, UnitID: f.district.ID, Form: models.FormPlanned,
			LeadBodyID: f.body.ID, StartDate: dayPtr(from), EndDate: dayPtr(to), Days: 1, TeamSize: 1}
		if versionID == nil {
			v.Form = models.FormUnannounced
		}
		mustCreate(t, db, v)
		return v
	}
	member := func(v *models.Visit) func(tx *gorm.DB) error {
		return create(&models.VisitMember{VisitID: v.ID, InspectorID: f.inspector.ID, Role: models.MemberMember})
	}

	t.Run("an overlapping visit of the same version is refused", func(t *testing.T) {
		v := newVisit(t, &f.version.ID, "v-overlap", "2025-03-12", "2025-03-13") // shares 12 March
		rejected(t, db, "visit_members_no_double_booking", member(v))
	})
	t.Run("the next day in the same version is accepted", func(t *testing.T) {
		v := newVisit(t, &f.version.ID, "v-next", "2025-03-13", "2025-03-14")
		accepted(t, db, member(v))
	})
	t.Run("the same dates in another version are accepted", func(t *testing.T) {
		v2 := &models.PlanVersion{PlanID: f.plan.ID, Number: 2, Reason: "Điều chỉnh"}
		mustCreate(t, db, v2)
		v := newVisit(t, &v2.ID, "v-00001", "2025-03-10", "2025-03-12")
		accepted(t, db, member(v))
	})
	t.Run("an unscheduled visit of the same version books no days", func(t *testing.T) {
		v := &models.Visit{PlanVersionID: &f.version.ID, Code: "v-unscheduled", Year: 2025, UnitID: f.district.ID,
			Form: models.FormPlanned, LeadBodyID: f.body.ID, Days: 1, TeamSize: 1, UnscheduledReason: "không có trưởng đoàn"}
		mustCreate(t, db, v)
		accepted(t, db, member(v))
	})
	t.Run("moving a visit onto a colleague's dates is refused", func(t *testing.T) {
		v := newVisit(t, &f.version.ID, "v-move", "2025-04-01", "2025-04-02")
		dbtest.MustExec(t, db, "INSERT INTO visit_members (visit_id, inspector_id, role) VALUES (?, ?, 'member')", v.ID, f.inspector.ID)
		rejected(t, db, "visit_members_no_double_booking", func(tx *gorm.DB) error {
			return tx.Model(v).Updates(map[string]any{"start_date": day("2025-03-11"), "end_date": day("2025-03-11")}).Error
		})
	})
	t.Run("a cancelled visit frees its team", func(t *testing.T) {
		v := newVisit(t, &f.version.ID, "v-after-cancel", "2025-03-10", "2025-03-10")
		accepted(t, db, func(tx *gorm.DB) error {
			if err := tx.Model(f.visit).Update("status", models.VisitCancelled).Error; err != nil {
				return err
			}
			return member(v)(tx)
		})
	})
	t.Run("the member's copy follows the visit's new dates", func(t *testing.T) {
		accepted(t, db, func(tx *gorm.DB) error {
			if err := tx.Model(f.visit).Updates(map[string]any{"start_date": day("2025-03-17"), "end_date": day("2025-03-19")}).Error; err != nil {
				return err
			}
			var m models.VisitMember
			if err := tx.Take(&m, "visit_id = ?", f.visit.ID).Error; err != nil {
				return err
			}
			if *m.StartDate != day("2025-03-17") || *m.EndDate != day("2025-03-19") {
				t.Errorf("member copy = %v–%v, want 2025-03-17–2025-03-19", m.StartDate, m.EndDate)
			}
			return nil
		})
	})
	t.Run("a second lead on one visit is refused", func(t *testing.T) {
		other := &models.Inspector{Code: "I-lead2", FullName: "Hoàng Minh", BodyID: f.body.ID, CanLead: true, Active: true}
		mustCreate(t, db, other)
		rejected(t, db, "visit_members_one_lead", create(&models.VisitMember{VisitID: f.visit.ID, InspectorID: other.ID, Role: models.MemberLead}))
	})
}

var implementationCheck = "implementation_check"

func TestPlanningConstraints(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newPlanFixture(t, db)
	proposal := func(edit func(p *models.Proposal)) func(tx *gorm.DB) error {
		p := &models.Proposal{Year: 2025, BodyID: f.body.ID, UnitID: f.ward.ID, Kind: f.kind.Code, Form: models.FormPlanned, Days: 2, TeamSize: 2}
		edit(p)
		return create(p)
	}
	visit := func(edit func(v *models.Visit)) func(tx *gorm.DB) error {
		v := &models.Visit{PlanVersionID: &f.version.ID, Code: "v-x", Year: 2025, UnitID: f.ward.ID, Form: models.FormPlanned,
			LeadBodyID: f.body.ID, StartDate: dayPtr("2025-09-01"), EndDate: dayPtr("2025-09-02"), Days: 2, TeamSize: 2}
		edit(v)
		return create(v)
	}

	cases := []struct {
		name       string
		constraint string // "" means accepted
		insert     func(tx *gorm.DB) error
	}{
		{"a proposal with an unknown status is rejected", "proposals_status_check", proposal(func(p *models.Proposal) { p.Status = "approved" })},
		{"a proposal with an unknown form is rejected", "proposals_form_check", proposal(func(p *models.Proposal) { p.Form = "surprise" })},
		{"a proposal with an unknown kind is rejected", "proposals_kind_fkey", proposal(func(p *models.Proposal) { p.Kind = "nope" })},
		{"a proposal of zero days is rejected", "proposals_days_check", proposal(func(p *models.Proposal) { p.Days = 0 })},
		{"a proposal with no team is rejected", "proposals_team_size_check", proposal(func(p *models.Proposal) { p.TeamSize = 0 })},
		{"a proposal of priority 4 is rejected", "proposals_priority_check", proposal(func(p *models.Proposal) { p.Priority = 4 })},
		{"a window ending before it starts is rejected", "proposals_window_order", proposal(func(p *models.Proposal) {
			p.WindowFrom, p.WindowTo = dayPtr("2025-06-01"), dayPtr("2025-05-31")
		})},
		{"a window with only a start is rejected", "proposals_window_both", proposal(func(p *models.Proposal) { p.WindowFrom = dayPtr("2025-06-01") })},
		{"a period under review ending before it starts is rejected", "proposals_period_order", proposal(func(p *models.Proposal) {
			p.PeriodFrom, p.PeriodTo = dayPtr("2024-01-01"), dayPtr("2023-12-31")
		})},
		{"a rejected proposal needs a reason", "proposals_rejection_reason", proposal(func(p *models.Proposal) { p.Status = models.ProposalRejected })},
		{"an imported row may not be imported twice in a year", "proposals_year_external_ref_key", func(tx *gorm.DB) error {
			if err := proposal(func(p *models.Proposal) { p.ExternalRef = ptrStr("r1") })(tx); err != nil {
				return err
			}
			return proposal(func(p *models.Proposal) { p.ExternalRef = ptrStr("r1") })(tx)
		}},
		{"the same imported key in another year is accepted", "", func(tx *gorm.DB) error {
			if err := proposal(func(p *models.Proposal) { p.ExternalRef = ptrStr("r1") })(tx); err != nil {
				return err
			}
			return proposal(func(p *models.Proposal) { p.ExternalRef = ptrStr("r1"); p.Year = 2026 })(tx)
		}},
		{"a second plan for one year is rejected", "plans_year_key", create(&models.Plan{Year: 2025, Title: "Trùng", IssuingBodyID: f.body.ID})},
		{"a second version without a reason is rejected", "plan_versions_reason_after_first", create(&models.PlanVersion{PlanID: f.plan.ID, Number: 2})},
		{"a version number used twice is rejected", "plan_versions_plan_number_key", create(&models.PlanVersion{PlanID: f.plan.ID, Number: 1})},
		{"a version with an unknown status is rejected", "plan_versions_status_check", create(&models.PlanVersion{PlanID: f.plan.ID, Number: 3, Reason: "r", Status: "rejected"})},
		{"a published version without a publication time is rejected", "plan_versions_published_has_time", create(&models.PlanVersion{PlanID: f.plan.ID,
			Number: 3, Reason: "r", Status: models.VersionPublished, ApprovedAt: ptrTime(at(1))})},
		{"two published versions of one plan are rejected", "plan_versions_one_published", func(tx *gorm.DB) error {
			for n := 2; n <= 3; n++ {
				if err := tx.Create(&models.PlanVersion{PlanID: f.plan.ID, Number: n, Reason: "r", Status: models.VersionPublished,
					ApprovedAt: ptrTime(at(1)), PublishedAt: ptrTime(at(2))}).Error; err != nil {
					return err
				}
			}
			return nil
		}},
		{"a visit ending before it starts is rejected", "visits_date_order", visit(func(v *models.Visit) { v.EndDate = dayPtr("2025-08-31") })},
		{"a visit with a start and no end is rejected", "visits_dates_both", visit(func(v *models.Visit) { v.EndDate = nil })},
		{"a visit with an unknown status is rejected", "visits_status_check", visit(func(v *models.Visit) { v.Status = "done" })},
		{"a planned visit outside any version is rejected", "visits_planned_in_a_version", visit(func(v *models.Visit) { v.PlanVersionID = nil })},
		{"an unannounced visit outside any version is accepted", "", visit(func(v *models.Visit) { v.PlanVersionID = nil; v.Form = models.FormUnannounced })},
		{"a check on the implementation of a conclusion outside any version is accepted", "", visit(func(v *models.Visit) {
			v.PlanVersionID, v.Kind, v.Code = nil, &implementationCheck, "v-kt-th"
		})},
		{"a visit code used twice in a version is rejected", "visits_version_code_key", visit(func(v *models.Visit) { v.Code = f.visit.Code })},
		{"a visit code used twice outside versions is rejected", "visits_version_code_key", func(tx *gorm.DB) error {
			for range 2 {
				if err := visit(func(v *models.Visit) { v.PlanVersionID = nil; v.Form = models.FormVerification })(tx); err != nil {
					return err
				}
			}
			return nil
		}},
		{"a team member with an unknown role is rejected", "visit_members_role_check", create(&models.VisitMember{VisitID: f.visit.ID,
			InspectorID: f.inspector.ID, Role: "observer"})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.constraint == "" {
				accepted(t, db, c.insert)
			} else {
				rejected(t, db, c.constraint, c.insert)
			}
		})
	}
}

package plans_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"khung/app/apperr"
	"khung/app/plans"
	"khung/models"
)

func TestEachRoleTakesOnlyItsOwnSteps(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	if _, err := d.svc.Build(ctx, d.approver, year, plans.BuildInput{}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("approver builds: %v, want forbidden", err)
	}
	if _, err := d.svc.Build(ctx, d.viewer, year, plans.BuildInput{}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("viewer builds: %v, want forbidden", err)
	}
	v, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.svc.Submit(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("approver submits: %v, want forbidden", err)
	}
	v, err = d.svc.Submit(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today)
	if err != nil || v.Status != models.VersionSubmitted || v.SubmittedAt == nil {
		t.Fatalf("submit: %+v, %v", v, err)
	}
	if _, err := d.svc.Approve(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("planner approves: %v, want forbidden", err)
	}
	if _, err := d.svc.Publish(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("planner publishes: %v, want forbidden", err)
	}
	// Publishing before approval is not a step the workflow has.
	if _, err := d.svc.Publish(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("publish a submitted version: %v, want a conflict", err)
	}
	// A viewer reads published plans only: the draft does not exist for them.
	if _, err := d.svc.Version(ctx, d.viewer, v.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("viewer reads a submitted version: %v, want not found", err)
	}
}

func TestReturnToDraftNeedsAReasonAndKeepsIt(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	v = d.step(d.svc.Submit(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today))
	_, err := d.svc.Return(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion, Reason: "  "}, today)
	if ve, ok := apperr.AsValidation(err); !ok || !ve.Has("reason") {
		t.Fatalf("return without reason: %v, want a validation error on reason", err)
	}
	v = d.step(d.svc.Return(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion,
		Reason: "Bổ sung đoàn liên ngành cho Phường Phúc Xá"}, today))
	if v.Status != models.VersionDraft || v.SubmittedAt != nil {
		t.Errorf("returned version = %+v, want a draft without submission", v)
	}
	reason, err := d.svc.ReturnReason(ctx, d.planner, v.ID)
	if err != nil || reason != "Bổ sung đoàn liên ngành cho Phường Phúc Xá" {
		t.Errorf("return reason = %q, %v", reason, err)
	}
}

func TestPublishingSupersedesThePreviousPublishedVersion(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v1 := d.publish(d.build())
	if v1.Status != models.VersionPublished || v1.DocumentNumber != "125" {
		t.Fatalf("v1 = %+v", v1)
	}
	// The published plan is never edited: a new build needs a reason and makes version 2.
	if _, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{}); !isValidation(err, "reason") {
		t.Errorf("build after publication without reason: %v", err)
	}
	if _, err := d.svc.Amend(ctx, d.planner, v1.ID, plans.StepInput{LockVersion: v1.LockVersion}); !isValidation(err, "reason") {
		t.Errorf("amend without reason: %v", err)
	}
	v2 := d.step(d.svc.Amend(ctx, d.planner, v1.ID, plans.StepInput{LockVersion: v1.LockVersion,
		Reason: "Điều chỉnh theo chỉ đạo của UBND Thành phố"}))
	if v2.Number != 2 || v2.Status != models.VersionDraft || v2.ParentVersionID == nil || *v2.ParentVersionID != v1.ID {
		t.Fatalf("amendment = %+v", v2)
	}
	if a, b := d.count("visits", "plan_version_id = ?", v1.ID), d.count("visits", "plan_version_id = ?", v2.ID); a != b || a == 0 {
		t.Errorf("amendment copied %d of %d visits", b, a)
	}
	if a, b := d.count("visit_members m JOIN visits v ON v.id = m.visit_id", "v.plan_version_id = ?", v1.ID),
		d.count("visit_members m JOIN visits v ON v.id = m.visit_id", "v.plan_version_id = ?", v2.ID); a != b {
		t.Errorf("amendment copied %d of %d team members", b, a)
	}
	// A second amendment while one is in progress is refused.
	if _, err := d.svc.Amend(ctx, d.planner, v1.ID, plans.StepInput{LockVersion: v1.LockVersion, Reason: "lần nữa"}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("second amendment: %v, want a conflict", err)
	}
	v2 = d.publish(v2)
	// The clerk's 125 was given outside Khung: Khung's own next number is 01.
	if v2.DocumentNumber != "01" {
		t.Errorf("the amendment is numbered %q, want the register's next, 01", v2.DocumentNumber)
	}
	v1, err := d.svc.Version(ctx, d.planner, v1.ID)
	if err != nil || v1.Status != models.VersionSuperseded {
		t.Errorf("v1 after publishing v2: %+v, %v", v1, err)
	}
	if n := d.count("plan_versions", "status = 'published'"); n != 1 {
		t.Errorf("%d published versions", n)
	}
	var actions []string
	d.db.Table("audit_log").Where("entity = 'plan_versions'").Order("id").Pluck("action", &actions)
	if got := strings.Join(actions, ","); got != "build,submit,approve,publish,amend,submit,approve,supersede,publish" {
		t.Errorf("audit trail = %s", got)
	}
}

func TestAStaleLockVersionIsAConflictAndChangesNothing(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	_, err := d.svc.Submit(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion + 5}, today)
	var ae *apperr.Error
	if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrConflict) || !strings.Contains(ae.VI, "người khác thay đổi") {
		t.Fatalf("stale submit: %v", err)
	}
	after, _ := d.svc.Version(ctx, d.planner, v.ID)
	if after.Status != models.VersionDraft || after.LockVersion != v.LockVersion {
		t.Errorf("after a refused submit: %+v", after)
	}
}

func isValidation(err error, field string) bool {
	ve, ok := apperr.AsValidation(err)
	return ok && ve.Has(field)
}

func (d *demo) build() plans.Version {
	d.t.Helper()
	v, err := d.svc.Build(ctx, d.planner, year, plans.BuildInput{})
	if err != nil {
		d.t.Fatalf("build: %v", err)
	}
	return v
}

func (d *demo) step(v plans.Version, err error) plans.Version {
	d.t.Helper()
	if err != nil {
		d.t.Fatalf("step: %v", err)
	}
	return v
}

// publish takes a draft through submission, approval and publication: the
// first version as "Số: 125" (the registry clerk's number), an amendment with
// the next number of the agency's register.
func (d *demo) publish(v plans.Version) plans.Version {
	d.t.Helper()
	number := ""
	if v.Number == 1 {
		number = "125"
	}
	v = d.step(d.svc.Submit(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today))
	v = d.step(d.svc.Approve(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion, DocumentNumber: number},
		today.Add(time.Hour)))
	return d.step(d.svc.Publish(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today.Add(2*time.Hour)))
}

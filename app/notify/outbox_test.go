package notify

import (
	"context"
	"errors"
	"testing"
	"time"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/notify/mailtest"
	"khung/models"
	"khung/models/dbtest"
)

func TestMailGivenUpOnIsListedForTheAdminAndARetrySendsIt(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	keys := queue(t, db, 3)
	srv.Refuse(2, 550) // two mails refused for good
	if res, err := senderFor(db, srv).Run(context.Background(), testNow); err != nil || res.Failed != 2 || res.Sent != 1 {
		t.Fatalf("%+v, %v; want 2 failed, 1 sent", res, err)
	}
	admin := authz.Actor{UserID: newUser(t, db, "admin@sonoivu.hanoi.gov.vn", "Quản trị", "vi").UserID, Role: models.RoleAdmin}
	box := NewOutbox(db)
	ctx := context.Background()

	failed, err := box.List(ctx, admin, OutboxFilter{})
	if err != nil || failed.Total != 2 || len(failed.Items) != 2 {
		t.Fatalf("failed mail: %+v, %v; want the 2 refused", failed, err)
	}
	if e := failed.Items[0]; e.Status != models.MailFailed || e.Attempts != 1 || e.LastError == "" || e.ToEmail == "" {
		t.Errorf("failed entry %+v: want its address, attempts and the server's reply", e)
	}
	if c, err := box.Counts(ctx, admin); err != nil || c != (OutboxCounts{Failed: 2, Sent: 1}) {
		t.Errorf("counts %+v, %v", c, err)
	}

	later := testNow.Add(time.Hour)
	one, err := box.Retry(ctx, admin, failed.Items[0].ID, later)
	if err != nil || one.Status != models.MailPending || one.Attempts != 0 || !one.NextAttemptAt.Equal(later) {
		t.Fatalf("retried %+v, %v; want pending, due now, attempts counted afresh", one, err)
	}
	if _, err := box.Retry(ctx, admin, failed.Items[0].ID, later); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("retrying a pending mail: %v; want a conflict", err)
	}
	if _, err := box.Retry(ctx, admin, 999999, later); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("retrying a missing mail: %v; want not found", err)
	}
	n, err := box.RetryAllFailed(ctx, admin, later)
	if err != nil || n != 1 {
		t.Fatalf("retry all: %d, %v; want the other one", n, err)
	}
	pending, err := box.List(ctx, admin, OutboxFilter{Status: "pending"})
	if err != nil || pending.Total != 2 {
		t.Fatalf("pending: %+v, %v", pending, err)
	}
	var audited int64
	if err := db.Model(&models.AuditEntry{}).Where("entity = 'mail_outbox' AND action = 'retry' AND user_id = ?", admin.UserID).Count(&audited).Error; err != nil || audited != 2 {
		t.Fatalf("%d retries audited, %v; want 2", audited, err)
	}

	if res, err := senderFor(db, srv).Run(context.Background(), later); err != nil || res.Sent != 2 {
		t.Fatalf("after the retry: %+v, %v; want both sent", res, err)
	}
	deliveredOnce(t, keys, srv)
}

func TestOnlyTheAdminReadsOrRetriesTheOutboxAndTheFilterIsChecked(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	box := NewOutbox(db)
	ctx := context.Background()
	planner := authz.Actor{UserID: 7, Role: models.RolePlanner}
	if _, err := box.List(ctx, planner, OutboxFilter{}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a planner lists the outbox: %v", err)
	}
	if _, err := box.RetryAllFailed(ctx, planner, testNow); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a planner retries: %v", err)
	}
	if _, err := box.Retry(ctx, authz.Actor{}, 1, testNow); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("nobody retries: %v", err)
	}
	admin := authz.Actor{UserID: 1, Role: models.RoleAdmin}
	_, err := box.List(ctx, admin, OutboxFilter{Status: "sent"})
	if ve, ok := apperr.AsValidation(err); !ok || !ve.Has("status") {
		t.Errorf("status=sent: %v; want a validation error on status", err)
	}
}

package audit

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/models"
	"khung/models/dbtest"
)

func TestRecordWritesWhoWhatAndTheRequestInsideTheTransaction(t *testing.T) {
	db := dbtest.Gorm(t)
	u := models.User{Email: "an@sonoivu.test", FullName: "Trần Văn An", Role: models.RoleAdmin,
		UnitPosition: models.PositionOffice, Locale: "vi", Active: true}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	ctx := WithRequest(context.Background(), Request{ID: "req-42", IP: "10.1.2.3"})
	actor := authz.Actor{UserID: u.ID, Role: u.Role}

	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return Record(tx, actor, "update", "units", 17, map[string]string{"name": "cũ"}, map[string]string{"name": "mới"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var e models.AuditEntry
	if err := db.Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	if e.UserID == nil || *e.UserID != u.ID || e.Action != "update" || e.Entity != "units" ||
		e.EntityID == nil || *e.EntityID != 17 || e.RequestID != "req-42" || e.IP != "10.1.2.3" || e.At.IsZero() {
		t.Errorf("entry %+v", e)
	}
	if !e.Before.Equal(models.JSON(`{"name":"cũ"}`)) || !e.After.Equal(models.JSON(`{"name":"mới"}`)) {
		t.Errorf("before %s after %s", e.Before, e.After)
	}

	// A rolled-back change leaves no audit entry; the system (zero actor) and a
	// missing entity are NULL.
	boom := errors.New("boom")
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := Record(tx, authz.Actor{}, "delete", "units", 0, nil, nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.AuditEntry{}).Count(&n)
	if n != 1 {
		t.Errorf("entries after a rollback: %d, want 1", n)
	}
	if err := db.Transaction(func(tx *gorm.DB) error {
		return Record(tx, authz.Actor{}, "import", "units", 0, nil, nil)
	}); err != nil {
		t.Fatal(err)
	}
	var sys models.AuditEntry
	db.Where("action = 'import'").Take(&sys)
	if sys.UserID != nil || sys.EntityID != nil || len(sys.Before) != 0 || sys.RequestID != "" {
		t.Errorf("system entry %+v", sys)
	}
}

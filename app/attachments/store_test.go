package attachments_test

import (
	"errors"
	"testing"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/app/visits/visitstest"
	"khung/models/dbtest"
)

func TestAStoredFileReadsBackWithItsBytesAndType(t *testing.T) {
	db := dbtest.Gorm(t)
	w := visitstest.Build(t, db)
	f, err := attachments.CheckBytes("Biên bản.pdf", []byte(pdf), "files")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := attachments.Store(db, f, attachments.Owner{VisitID: &w.Planned.ID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if stored.ID == 0 || stored.Data != nil || stored.SizeBytes != int64(len(pdf)) {
		t.Fatalf("stored row = id %d, %d bytes kept, size %d; want an id, no bytes, size %d",
			stored.ID, len(stored.Data), stored.SizeBytes, len(pdf))
	}
	got, err := attachments.Get(db, stored.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != pdf || got.ContentType != attachments.TypePDF || got.Filename != "Biên bản.pdf" ||
		got.SHA256 != f.SHA256 || got.VisitID == nil || *got.VisitID != w.Planned.ID {
		t.Errorf("read back %+v", got)
	}
	if _, err := attachments.Get(db, stored.ID+1); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a missing file: err = %v, want ErrNotFound", err)
	}
}

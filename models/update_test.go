package models_test

import (
	"testing"

	"khung/models"
	"khung/models/dbtest"
)

// The identity ids are read-only for GORM; updates must still find the row by id.
func TestSaveAndUpdatesFindTheRowByItsReadOnlyID(t *testing.T) {
	db := dbtest.Gorm(t)
	f := newCoreFixture(t, db)
	f.body.Name = "Đoàn kiểm tra công vụ Thành phố Hà Nội"
	if err := db.Save(f.body).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(f.ward).Update("short_name", "Phúc Xá").Error; err != nil {
		t.Fatal(err)
	}
	var body models.Body
	var ward models.Unit
	if err := db.Take(&body, f.body.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Take(&ward, f.ward.ID).Error; err != nil {
		t.Fatal(err)
	}
	if body.Name != f.body.Name || ward.ShortName != "Phúc Xá" {
		t.Fatalf("after update: body %q, ward short name %q", body.Name, ward.ShortName)
	}
	if ward.SearchText != "phuong phuc xa phuc xa 00001" {
		t.Fatalf("search_text not regenerated: %q", ward.SearchText)
	}
	var n int64
	db.Model(&models.Body{}).Count(&n)
	if n != 1 {
		t.Fatalf("Save created a row: %d bodies", n)
	}
}

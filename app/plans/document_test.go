package plans_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"khung/app/apperr"
	"khung/app/plans"
	"khung/models"
)

func TestTheIssuedPlanFollowsTheOfficialFormatAndHidesUnannouncedVisits(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	if _, err := d.svc.Document(ctx, d.planner, v.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("document of a draft: %v, want a conflict", err)
	}
	v = d.publish(v)
	doc, err := d.svc.Document(ctx, d.viewer, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"superior": {doc.Superior, "UBND THÀNH PHỐ HÀ NỘI"},
		"issuer":   {doc.Issuer, "SỞ NỘI VỤ"},
		"number":   {doc.NumberLine(), "Số: 125/KH-SNV"},
		"date":     {doc.DateLine(), "Hà Nội, ngày 23 tháng 11 năm 2026"},
		"title":    {doc.Title, "Kiểm tra công vụ, kiểm tra chuyên ngành, kiểm tra chuyên môn, chuyên đề năm 2027 (kế hoạch khung)"},
		"signer":   {doc.Signer, "Lê Quang Minh"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	// The unannounced visit of Quận Ba Đình is counted, never listed.
	if doc.Withheld != 1 || doc.Visits+doc.Unscheduled != 3 {
		t.Errorf("visits %d, unscheduled %d, withheld %d", doc.Visits, doc.Unscheduled, doc.Withheld)
	}
	n, lastMonth := 0, 0
	for _, g := range doc.Months {
		if g.Month <= lastMonth {
			t.Errorf("month %d after %d", g.Month, lastMonth)
		}
		lastMonth = g.Month
		for _, r := range g.Rows {
			n++
			if r.N != n || int(r.From.Month) != g.Month || r.Unit == "Quận Ba Đình" || r.LeadBody == "" {
				t.Errorf("row %+v in month %d", r, g.Month)
			}
		}
	}
	if n != doc.Visits {
		t.Errorf("%d rows for %d visits", n, doc.Visits)
	}

	// The Excel copy has the same heading and rows.
	b, err := doc.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	rows, err := f.GetRows("Kế hoạch")
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, r := range rows {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"SỞ NỘI VỤ", "Số: 125/KH-SNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"KẾ HOẠCH", "Phường Phúc Xá", "Đoàn kiểm tra công vụ Thành phố", "Thanh tra Sở Nội vụ", "Lê Quang Minh"} {
		if !strings.Contains(text, want) {
			t.Errorf("workbook lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Quận Ba Đình|") {
		t.Errorf("workbook lists the unannounced visit:\n%s", text)
	}
}

func TestTheBoardGroupsAndFiltersVisits(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	all, err := d.svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Columns) != 12 || all.Shown+len(all.Unscheduled) != 4 || len(all.PenaltyBy) != 6 {
		t.Fatalf("board: %d columns, %d shown, %d unscheduled", len(all.Columns), all.Shown, len(all.Unscheduled))
	}
	// The week view shows one quarter at a time: the year's ISO weeks 1, 2, …
	// (2027 begins on a Friday: no week 53 of 2026 first), the quarters together
	// holding every scheduled visit once.
	var weeks plans.Board
	columns, shown, keys := 0, 0, []int{}
	for q := 1; q <= 4; q++ {
		b, err := d.svc.Board(ctx, d.planner, v.ID, plans.BoardFilter{View: "week", Group: "inspector", Quarter: q})
		if err != nil {
			t.Fatal(err)
		}
		columns, shown = columns+len(b.Columns), shown+b.Shown
		for _, c := range b.Columns {
			if c.Year == v.Year {
				keys = append(keys, c.Key)
			}
		}
		if len(b.Rows) > len(weeks.Rows) {
			weeks = b
		}
	}
	if columns != 52 || shown != all.Shown || len(weeks.Rows) < 3 || keys[0] != 1 || keys[len(keys)-1] != 52 {
		t.Errorf("week view by inspector: %d columns in 4 quarters (weeks %v), %d of %d visits shown, %d rows",
			columns, keys, shown, all.Shown, len(weeks.Rows))
	}
	for _, r := range weeks.Rows {
		chips := 0
		for _, c := range r.Cells {
			chips += len(c)
		}
		if chips != r.Count || r.Label == "" {
			t.Errorf("row %s: %d chips, count %d", r.Key, chips, r.Count)
		}
	}
	tests := []struct {
		name   string
		filter plans.BoardFilter
		codes  []string
	}{
		{"by area: Ba Đình", plans.BoardFilter{Area: "001"}, []string{"v-00001", "v-00004", "v-p"}},
		{"by body: the inspectorate", plans.BoardFilter{Body: "dept-inspectorate"}, []string{"v-00001"}},
		{"by form: unannounced", plans.BoardFilter{Form: "unannounced"}, []string{"v-p"}},
		{"by text without diacritics", plans.BoardFilter{Q: "phuc xa"}, []string{"v-00001"}},
		{"by text: Sở Tư pháp", plans.BoardFilter{Q: "Tư pháp"}, []string{"v-01-STP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := d.svc.Board(ctx, d.planner, v.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range b.Rows {
				for _, c := range r.Cells {
					for _, chip := range c {
						got = append(got, chip.V.Code)
					}
				}
			}
			for _, u := range b.Unscheduled {
				got = append(got, u.Code)
			}
			if len(got) != len(tt.codes) {
				t.Fatalf("visits %v, want %v", got, tt.codes)
			}
			for _, want := range tt.codes {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, want)
				}
				if !found {
					t.Errorf("visits %v lack %s", got, want)
				}
			}
		})
	}
	// The viewer reads only published plans.
	if _, err := d.svc.Board(ctx, d.viewer, v.ID, plans.BoardFilter{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("viewer on a draft board: %v", err)
	}
	v = d.publish(v)
	vb, err := d.svc.Board(ctx, d.viewer, v.ID, plans.BoardFilter{Form: string(models.FormUnannounced)})
	if err != nil || vb.Shown+len(vb.Unscheduled) != 0 {
		t.Errorf("viewer sees %d unannounced visits before they start (%v)", vb.Shown+len(vb.Unscheduled), err)
	}
}

func TestAPlanKeepsItsRegisterNumberAndItsSignerIsTheApproversProfile(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.addProposals(smallCity()...)
	v := d.build()
	if err := d.db.Exec(`UPDATE users SET job_title = 'Phó Giám đốc', signing_authority = 'KT. GIÁM ĐỐC' WHERE id = ?`, d.approver.UserID).Error; err != nil {
		t.Fatal(err)
	}
	v = d.step(d.svc.Submit(ctx, d.planner, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today))
	// A number that is not a register's number is refused on its field.
	if _, err := d.svc.Approve(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion, DocumentNumber: "12a"}, today); !isValidation(err, "document_number") {
		t.Errorf("approve as 12a: %v, want a 422 on document_number", err)
	}
	v = d.step(d.svc.Approve(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today.Add(time.Hour)))
	if v.DocumentNumber != "01" {
		t.Fatalf("approved as %q, want the register's first number 01", v.DocumentNumber)
	}
	// Publishing keeps the number; another one is refused, never given silently.
	if _, err := d.svc.Publish(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion, DocumentNumber: "7"}, today.Add(2*time.Hour)); !isValidation(err, "document_number") {
		t.Errorf("publish renumbered as 7: %v, want a 422 on document_number", err)
	}
	v = d.step(d.svc.Publish(ctx, d.approver, v.ID, plans.StepInput{LockVersion: v.LockVersion}, today.Add(2*time.Hour)))
	doc, err := d.svc.Document(ctx, d.viewer, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := doc.Foot()
	for name, c := range map[string][2]string{
		"number":    {doc.NumberLine(), "Số: 01/KH-SNV"},
		"authority": {f.Signer.Authority, "KT. GIÁM ĐỐC"},
		"title":     {f.Signer.TitleUpper(), "PHÓ GIÁM ĐỐC"},
		"archive":   {f.Archive, "Lưu: VT."},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if strings.Contains(doc.Activity, "thanh tra") {
		t.Errorf("a 2027 plan of checks is called a plan of %q", doc.Activity)
	}
}

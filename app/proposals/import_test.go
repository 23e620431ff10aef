package proposals

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"khung/app/apperr"
	"khung/app/paging"
	"khung/models"
)

// header is the template's first row.
func header() []any {
	var h []any
	for _, c := range Columns() {
		h = append(h, c.VI)
	}
	return h
}

// line is one data row in template order, from a few named values.
func line(values map[string]any) []any {
	row := make([]any, len(Columns()))
	for i, c := range Columns() {
		row[i] = values[c.Key]
	}
	return row
}

// okLine is a valid row of the test city.
func okLine(ref, unit string) map[string]any {
	return map[string]any{colRef: ref, colBody: "city-team", colUnit: unit, colKind: "public_service",
		colForm: "theo kế hoạch", colTopics: "ky_luat_hanh_chinh, thoi_gio_lam_viec", colWindowFrom: "01/03/2027",
		colWindowTo: "31/05/2027", colDays: 3, colTeamSize: 4, colPriority: 1}
}

func with(m map[string]any, key string, v any) map[string]any {
	out := map[string]any{}
	for k, x := range m {
		out[k] = x
	}
	out[key] = v
	return out
}

// xlsxOf writes rows to the first sheet of a new workbook.
func xlsxOf(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// upload is a file of known size.
func upload(name string, data []byte) Upload {
	return Upload{Name: name, Size: int64(len(data)), Body: bytes.NewReader(data)}
}

// unreadable fails the test if the import reads it at all.
type unreadable struct{ t *testing.T }

func (u unreadable) Read([]byte) (int, error) {
	u.t.Error("the import read a body it should have refused by its size")
	return 0, io.ErrUnexpectedEOF
}

// where is a problem's place: its row and column key.
type where struct {
	Row    int
	Column string
}

func TestImportRefusesABadFileWithEveryReasonAndWritesNothing(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	// An earlier import holds the ref DX-OLD.
	if _, err := c.svc.Import(bg(), c.planner, testYear, upload("old.xlsx", xlsxOf(t, header(), line(okLine("DX-OLD", "00004"))))); err != nil {
		t.Fatal(err)
	}
	before := c.count(t, "proposals")

	zipped := func() []byte { // a zip archive that is not a workbook
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		f, _ := w.Create("readme.txt")
		_, _ = f.Write([]byte("not a spreadsheet"))
		_ = w.Close()
		return b.Bytes()
	}
	wrongHeader := header()
	wrongHeader[2] = "Đơn vị"
	wrongHeader = append(wrongHeader, "Người lập")

	tests := []struct {
		name     string
		file     Upload
		want     []where
		contains string // a phrase of the first Vietnamese reason
		tooLarge bool
	}{
		{"wrong columns", upload("sai-cot.xlsx", xlsxOf(t, wrongHeader, line(okLine("A1", "00001")))),
			[]where{{1, ""}, {1, ""}, {1, "unit"}}, "không có trong mẫu", false},
		{"an unknown unit code", upload("don-vi.xlsx", xlsxOf(t, header(),
			line(okLine("A1", "00001")), line(okLine("A2", "99999")), line(okLine("A3", "00004")))),
			[]where{{3, "unit"}}, `Không có đơn vị mã "99999"`, false},
		{"a date outside the year", upload("ngay.xlsx", xlsxOf(t, header(),
			line(with(okLine("A1", "00001"), colWindowFrom, "15/12/2026")))),
			[]where{{2, "window_from"}}, "nằm ngoài năm kế hoạch 2027", false},
		{"an empty file", upload("rong.xlsx", nil), []where{{0, ""}}, "Tệp rỗng", false},
		{"a workbook with no rows", upload("trang.xlsx", xlsxOf(t)), []where{{0, ""}}, "Tệp rỗng", false},
		{"only the header", upload("tieu-de.xlsx", xlsxOf(t, header())), []where{{0, ""}}, "không có dòng đề xuất", false},
		{"a 50 MB file, refused by its size before it is read", Upload{Name: "lon.xlsx", Size: 50 << 20, Body: unreadable{t}},
			[]where{{0, ""}}, "Tệp quá lớn (50.0 MB)", true},
		{"11 MB sent without a size", Upload{Name: "lon.csv", Size: -1, Body: bytes.NewReader(make([]byte, 11<<20))},
			[]where{{0, ""}}, "Tệp quá lớn", true},
		{"a PDF renamed .xlsx", upload("ke-hoach.xlsx", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n")),
			[]where{{0, ""}}, "không phải là tệp Excel .xlsx hợp lệ", false},
		{"a zip renamed .xlsx", upload("nen.xlsx", zipped()), []where{{0, ""}}, "không phải là tệp Excel .xlsx hợp lệ", false},
		{"an old .xls workbook", upload("cu.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}),
			[]where{{0, ""}}, "Định dạng Excel cũ", false},
		{"a Word file", upload("de-xuat.docx", zipped()), []where{{0, ""}}, "Chỉ nhận tệp Excel", false},
		{"a CSV that is not UTF-8", upload("win.csv", []byte("M\xe3 c\xf4 quan\n")), []where{{0, ""}}, "UTF-8", false},
		{"bad numbers", upload("so.xlsx", xlsxOf(t, header(),
			line(with(with(okLine("A1", "00001"), colDays, "ba"), colTeamSize, 2.5)))),
			[]where{{2, "days"}, {2, "team_size"}}, `"ba" không phải là số nguyên`, false},
		{"a repeated ref and one imported before", upload("trung.xlsx", xlsxOf(t, header(),
			line(okLine("A1", "00001")), line(okLine("A1", "00004")), line(okLine("DX-OLD", "00037")))),
			[]where{{3, "external_ref"}, {4, "external_ref"}}, `trùng với dòng 2`, false},
		{"every bad row is listed, not just the first", upload("nhieu.xlsx", xlsxOf(t, header(),
			line(okLine("A1", "00001")),
			line(with(okLine("A2", "00004"), colBody, "khong-co")),
			line(okLine("A3", "00037")),
			line(with(with(okLine("A4", "01-STP"), colForm, "bí mật"), colTopics, "")),
			line(with(okLine("A5", "001"), colWindowTo, "31/02/2027")))),
			[]where{{3, "body"}, {5, "form"}, {5, "topics"}, {6, "window_to"}}, `Không có cơ quan mã "khong-co"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.svc.Import(bg(), c.planner, testYear, tt.file)
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("want an ImportError, got %v", err)
			}
			var got []where
			for _, p := range ie.Problems {
				got = append(got, where{p.Row, p.Column})
				if vi, en := texts(t, p.Msg); vi == "" || en == "" {
					t.Errorf("a reason lacks a language: %+v", p)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%+v", diff, ie.Problems)
			}
			if vi, _ := texts(t, ie.Problems[0].Msg); !strings.Contains(vi, tt.contains) {
				t.Errorf("first reason %q lacks %q", vi, tt.contains)
			}
			if ie.TooLarge != tt.tooLarge {
				t.Errorf("too large = %v", ie.TooLarge)
			}
			if ve, ok := apperr.AsValidation(err); !ok || len(ve.Fields) != len(ie.Problems) {
				t.Errorf("the refusal is not a validation error with every problem: %v", err)
			}
			if n := c.count(t, "proposals"); n != before {
				t.Fatalf("%d proposals written", n-before)
			}
		})
	}

	t.Run("a problem names its cell", func(t *testing.T) {
		_, err := c.svc.Import(bg(), c.planner, testYear, upload("o.xlsx", xlsxOf(t, header(),
			line(with(okLine("B1", "00001"), colUnit, "12345")))))
		var ie *ImportError
		if !errors.As(err, &ie) || ie.Problems[0].Cell != "C2" || ie.Problems[0].ColumnVI != "Mã đơn vị được kiểm tra" {
			t.Fatalf("%+v", err)
		}
	})
}

func TestImportAddsAGoodExcelFileInOneGo(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	in := []sheetRow{
		{Input: good(), UnitName: "Phường Phúc Xá"},
		{Input: with2(good(), func(in *Input) {
			in.Unit, in.Form, in.ExternalRef, in.Skills = "00004", "unannounced", "DX-2", []string{"tai_chinh", "cong_vu"}
		})},
		{Input: with2(good(), func(in *Input) {
			in.Unit, in.Kind, in.Topics, in.PeriodFrom, in.PeriodTo, in.WindowFrom, in.WindowTo =
				"01-STP", "specialised", []string{"che_do_tien_luong"}, models.Date{}, models.Date{}, models.Date{}, models.Date{}
		})},
	}
	file, err := writeWorkbook(in, Reference{Year: testYear})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.svc.Import(bg(), c.planner, testYear, upload("de-xuat.xlsx", file))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 3 || res.Year != testYear {
		t.Fatalf("result %+v", res)
	}
	list, err := c.svc.List(bg(), c.planner, Filter{Year: testYear}, paging.Page{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Input{}
	for _, r := range list.Items {
		if r.Status != models.ProposalSubmitted {
			t.Errorf("status %s", r.Status)
		}
		got[r.UnitCode] = inputOf(r)
	}
	for _, want := range in {
		w := want.Input
		w.normalise()
		if w.Unit == "00001" || w.Unit == "01-STP" { // skills come from the topics
			w.Skills = map[string][]string{"00001": {"cong_vu"}, "01-STP": {"tai_chinh"}}[w.Unit]
		}
		if diff := cmp.Diff(w, got[w.Unit]); diff != "" {
			t.Errorf("unit %s (-want +got):\n%s", w.Unit, diff)
		}
	}
	var audits int64
	c.db.Model(&models.AuditEntry{}).Where("entity = 'proposals' AND action = 'import'").Count(&audits)
	if audits != 1 {
		t.Errorf("%d import audit entries, want 1", audits)
	}
}

func with2(in Input, change func(*Input)) Input {
	change(&in)
	return in
}

func TestImportReadsCSVWithOrWithoutBOMAndCommasOrSemicolons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
	}{
		{"UTF-8 with a BOM, semicolons, Vietnamese headers and dates", "\uFEFF" +
			"STT;Mã cơ quan đề xuất;Mã đơn vị được kiểm tra;Loại hình kiểm tra;Hình thức;Nội dung kiểm tra (mã);Dự kiến kiểm tra từ ngày;Dự kiến kiểm tra đến ngày;Số ngày làm việc tại đơn vị;Số thành viên đoàn;Ghi chú\r\n" +
			"1;city-team;00001;public_service;Đột xuất;ky_luat_hanh_chinh, thoi_gio_lam_viec;01/03/2027;31/03/2027;2;3;\"Phản ánh; có dấu chấm phẩy\"\r\n" +
			"2;dept-inspectorate;00004;public_service;theo kế hoạch;thoi_gio_lam_viec;;;4;5;\r\n"},
		{"UTF-8 without a BOM, commas, English headers", "" +
			"Proposing body code,Inspected unit code,Kind of inspection,Form,Topics (codes),Preferred window from,Preferred window to,Working days on site,Team size,Note\n" +
			"city-team,00001,public_service,unannounced,\"ky_luat_hanh_chinh, thoi_gio_lam_viec\",2027-03-01,2027-03-31,2,3,\"Phản ánh; có dấu chấm phẩy\"\n" +
			"dept-inspectorate,00004,public_service,planned,thoi_gio_lam_viec,,,4,5,\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCity(t)
			res, err := c.svc.Import(bg(), c.planner, testYear, upload("de-xuat.csv", []byte(tt.text)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Added != 2 {
				t.Fatalf("added %d", res.Added)
			}
			list, err := c.svc.List(bg(), c.planner, Filter{Year: testYear, Unit: "00001"}, paging.Page{})
			if err != nil || len(list.Items) != 1 {
				t.Fatalf("%v %+v", err, list)
			}
			p := list.Items[0]
			if p.Form != models.FormUnannounced || p.WindowFrom.String() != "2027-03-01" || p.Note != "Phản ánh; có dấu chấm phẩy" ||
				len(p.Topics) != 2 || p.Days != 2 || p.TeamSize != 3 || p.Priority != 1 {
				t.Fatalf("row %+v", p)
			}
		})
	}
}

func TestAnExportImportsAgainIntoAFreshDatabase(t *testing.T) {
	t.Parallel()
	src := newCity(t)
	rows := []map[string]any{
		okLine("DX-1", "00001"),
		with(with(okLine("DX-2", "00004"), colForm, "xác minh"), colNote, "Theo yêu cầu của UBND Thành phố"),
		with(with(with(okLine("", "01-STP"), colKind, "specialised"), colTopics, "che_do_tien_luong"), colLegalBasis, "Luật Thanh tra 2025, Điều 45"),
		with(with(okLine("DX-4", "00037"), colPriority, 3), colSkills, "tai_chinh cong_vu"),
	}
	grid := [][]any{header()}
	for _, r := range rows {
		grid = append(grid, line(with(r, colWindowFrom, "2027-04-01")))
	}
	if _, err := src.svc.Import(bg(), src.planner, testYear, upload("a.xlsx", xlsxOf(t, grid...))); err != nil {
		t.Fatal(err)
	}
	file, err := src.svc.Export(bg(), src.planner, Filter{Year: testYear})
	if err != nil {
		t.Fatal(err)
	}

	dst := newCity(t)
	res, err := dst.svc.Import(bg(), dst.planner, testYear, upload("export.xlsx", file))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != len(rows) {
		t.Fatalf("re-imported %d of %d", res.Added, len(rows))
	}
	inputs := func(c *city) []Input {
		list, err := c.svc.List(bg(), c.planner, Filter{Year: testYear}, paging.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []Input
		for _, r := range list.Items {
			out = append(out, inputOf(r))
		}
		return out
	}
	if diff := cmp.Diff(inputs(src), inputs(dst)); diff != "" {
		t.Fatalf("the round trip changed the proposals (-source +re-imported):\n%s", diff)
	}

	t.Run("the template imports once a row is filled in", func(t *testing.T) {
		tpl, err := dst.svc.Template(bg(), dst.planner, testYear)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(tpl))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if sheets := f.GetSheetList(); !cmp.Equal(sheets, []string{"Đề xuất", "Hướng dẫn", "Đơn vị"}) {
			t.Fatalf("sheets %v", sheets)
		}
		if v, _ := f.GetCellValue("Đề xuất", "B2"); v != "Proposing body code" {
			t.Fatalf("English sub-header B2 = %q", v)
		}
		r := line(okLine("NEW-1", "00001"))
		if err := f.SetSheetRow("Đề xuất", "A3", &r); err != nil {
			t.Fatal(err)
		}
		buf, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		if res, err := dst.svc.Import(bg(), dst.planner, testYear, upload("mau.xlsx", buf.Bytes())); err != nil || res.Added != 1 {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

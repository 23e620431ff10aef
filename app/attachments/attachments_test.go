package attachments_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"strings"
	"testing"
	"unicode/utf16"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/views"
)

// texts renders a field problem in Vietnamese and English with the app's
// catalogs (a problem without a message id carries its texts).
func texts(t testing.TB, f apperr.FieldError) (vi, en string) {
	t.Helper()
	if f.Msg.ID == "" {
		return f.VI, f.EN
	}
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	if !loc.For("vi").Has(f.Msg.ID) || !loc.For("en").Has(f.Msg.ID) {
		return "", ""
	}
	return loc.For("vi").Msg(f.Msg), loc.For("en").Msg(f.Msg)
}

// ooxml builds a zip holding the named parts, like a .docx or .xlsx.
func ooxml(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ole builds the smallest valid OLE2 compound file (version 3, 512-byte
// sectors): the header, one FAT sector and one directory sector whose root
// holds one empty stream named stream ("WordDocument" for .doc, "Workbook" for .xls).
func ole(stream string) []byte {
	const free, endOfChain, fatSect, noStream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
	b := make([]byte, 512*3)
	le := binary.LittleEndian
	copy(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(b[24:], 0x003E) // minor version
	le.PutUint16(b[26:], 3)      // major version
	le.PutUint16(b[28:], 0xFFFE) // byte order
	le.PutUint16(b[30:], 9)      // 512-byte sectors
	le.PutUint16(b[32:], 6)      // 64-byte mini sectors
	le.PutUint32(b[44:], 1)      // one FAT sector
	le.PutUint32(b[48:], 1)      // directory starts at sector 1
	le.PutUint32(b[56:], 4096)   // mini stream cutoff
	le.PutUint32(b[60:], endOfChain)
	le.PutUint32(b[68:], endOfChain)
	le.PutUint32(b[76:], 0) // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(b[76+4*i:], free)
	}
	fat := b[512:1024]
	for i := 0; i < 128; i++ {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endOfChain)
	entry := func(i int, name string, typ byte, child uint32) {
		e := b[1024+128*i : 1024+128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, r := range u {
			le.PutUint16(e[2*j:], r)
		}
		le.PutUint16(e[64:], uint16(2*(len(u)+1)))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], endOfChain)
	}
	entry(0, "Root Entry", 5, 1)
	entry(1, stream, 2, noStream)
	for i := 2; i < 4; i++ { // unused entries
		e := b[1024+128*i:]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
	}
	return b
}

func pngBytes(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

func TestCheckBytesAcceptsEvidenceByContent(t *testing.T) {
	webp := append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8 "), make([]byte, 14)...)
	tests := []struct {
		name, filename string
		data           []byte
		want           string
	}{
		{"a PDF", "bao-cao.pdf", []byte(pdf), attachments.TypePDF},
		{"a Word document", "Báo cáo khắc phục.docx", ooxml(t, "[Content_Types].xml", "word/document.xml"), attachments.TypeDOCX},
		{"an Excel workbook", "so-lieu.XLSX", ooxml(t, "[Content_Types].xml", "xl/workbook.xml"), attachments.TypeXLSX},
		{"a Word 97 document", "cu.doc", ole("WordDocument"), attachments.TypeDOC},
		{"an Excel 97 workbook", "cu.xls", ole("Workbook"), attachments.TypeXLS},
		{"a PNG image", "anh.png", pngBytes(t), attachments.TypePNG},
		{"a JPEG image with .jpeg", "anh.jpeg", jpegBytes(t), attachments.TypeJPEG},
		{"a JPEG image with .jpg", "anh.jpg", jpegBytes(t), attachments.TypeJPEG},
		{"a WebP image", "anh.webp", webp, attachments.TypeWebP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := attachments.CheckBytes(tt.filename, tt.data, "files")
			if err != nil {
				t.Fatalf("CheckBytes: %v", err)
			}
			if f.ContentType != tt.want {
				t.Errorf("content type = %q, want %q", f.ContentType, tt.want)
			}
			if len(f.SHA256) != 64 || f.Filename != tt.filename {
				t.Errorf("file = %q sha %q", f.Filename, f.SHA256)
			}
		})
	}
}

func TestCheckBytesRefusesWhatIsNotEvidence(t *testing.T) {
	tests := []struct {
		name, filename string
		data           []byte
		rule           string
	}{
		{"a Windows program renamed .pdf", "bao-cao.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), "file_type"},
		{"a shell script renamed .pdf", "bao-cao.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "file_type"},
		{"an HTML page renamed .docx", "x.docx", []byte("<html><script>alert(1)</script></html>"), "file_type"},
		{"a PNG renamed .docx", "anh.docx", pngBytes(t), "file_extension"},
		{"a PDF renamed .exe", "bao-cao.exe", []byte(pdf), "file_extension"},
		{"a PDF with no extension", "bao-cao", []byte(pdf), "file_extension"},
		{"a Word document renamed .xlsx", "x.xlsx", ooxml(t, "[Content_Types].xml", "word/document.xml"), "file_extension"},
		{"a plain zip", "x.docx", ooxml(t, "a.txt"), "file_type"},
		{"a zip of both word and xl parts", "x.docx", ooxml(t, "[Content_Types].xml", "word/document.xml", "xl/workbook.xml"), "file_type"},
		{"an OLE file of another program", "x.doc", ole("PowerPoint Document"), "file_type"},
		{"a Word 97 file renamed .xls", "x.xls", ole("WordDocument"), "file_extension"},
		{"an empty file", "x.pdf", nil, "empty"},
		{"a name that is only a path", "../", []byte(pdf), "filename"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := attachments.CheckBytes(tt.filename, tt.data, "files")
			ve, ok := apperr.AsValidation(err)
			if !ok {
				t.Fatalf("err = %v, want a validation error", err)
			}
			f := ve.Fields[0]
			if vi, en := texts(t, f); f.Field != "files" || f.Rule != tt.rule || vi == "" || en == "" {
				t.Errorf("field error = %+v, want field files rule %s with both messages", f, tt.rule)
			}
		})
	}
}

// multipartFile returns the file header a server would see for one posted file.
func multipartFile(t testing.TB, name string, data []byte) *multipart.FileHeader {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("files", name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	form, err := multipart.NewReader(&body, mw.Boundary()).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { form.RemoveAll() })
	return form.File["files"][0]
}

func TestCheckUploadRefusesAFileOverTheLimitFromItsHeader(t *testing.T) {
	big := append([]byte(pdf), bytes.Repeat([]byte{' '}, 2000)...)
	fh := multipartFile(t, "lon.pdf", big)
	_, err := attachments.CheckUpload(fh, 1000, "files")
	ve, ok := apperr.AsValidation(err)
	if !ok || ve.Fields[0].Rule != "max_size" {
		t.Fatalf("err = %v, want max_size", err)
	}
	if vi, en := texts(t, ve.Fields[0]); !strings.Contains(vi, "vượt quá dung lượng") || !strings.Contains(en, "larger than allowed") {
		t.Errorf("messages = %q / %q", vi, en)
	}
	if _, err := attachments.CheckUpload(fh, int64(len(big)), "files"); err != nil {
		t.Errorf("a file exactly at the limit is refused: %v", err)
	}
}

func TestCheckUploadsSkipsAnEmptyFileInput(t *testing.T) {
	got, err := attachments.CheckUploads([]*multipart.FileHeader{{}, multipartFile(t, "a.pdf", []byte(pdf))}, 1000, "files")
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d files, err %v; want one", len(got), err)
	}
}

func TestCleanFilenameKeepsOnlyTheName(t *testing.T) {
	tests := map[string]string{
		`C:\Users\a\Báo cáo.pdf`:          "Báo cáo.pdf",
		"../../etc/passwd.pdf":            "passwd.pdf",
		"a\x00b\r\n.pdf":                  "ab.pdf",
		`say "hi".pdf`:                    "say hi.pdf",
		strings.Repeat("x", 300) + ".pdf": strings.Repeat("x", 196) + ".pdf",
	}
	for in, want := range tests {
		if got := attachments.CleanFilename(in); got != want {
			t.Errorf("CleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSniffNeverPanics(f *testing.F) {
	f.Add([]byte(pdf))
	f.Add(ole("WordDocument"))
	f.Add(ooxml(f, "[Content_Types].xml", "word/document.xml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ct := attachments.Sniff(data)
		if ct != "" {
			if _, err := attachments.CheckBytes("x"+firstExt(ct), data, "f"); err != nil {
				t.Errorf("sniffed %q but CheckBytes refused: %v", ct, err)
			}
		}
	})
}

func firstExt(ct string) string {
	return map[string]string{
		attachments.TypePDF: ".pdf", attachments.TypeDOCX: ".docx", attachments.TypeXLSX: ".xlsx",
		attachments.TypeDOC: ".doc", attachments.TypeXLS: ".xls", attachments.TypePNG: ".png",
		attachments.TypeJPEG: ".jpg", attachments.TypeWebP: ".webp",
	}[ct]
}

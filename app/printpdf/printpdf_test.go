package printpdf

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText reads a PDF's text back with poppler's pdftotext.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestAnHTMLDocumentPrintsToAPDFWithItsVietnameseText(t *testing.T) {
	p := New("")
	data, err := p.PDF(context.Background(), `<!doctype html><html lang="vi"><head><meta charset="utf-8">
		<style>@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }</style></head>
		<body><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Tổng số cuộc kiểm tra: 1.586</p></body></html>`)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", data)
	}
	text := pdfText(t, data)
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Tổng số cuộc kiểm tra: 1.586"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Đột xuất") {
		t.Error("negative control: the PDF says what the HTML does not")
	}
}

func TestAMissingChromiumIsAnError(t *testing.T) {
	if _, err := New("/nonexistent/chromium").PDF(context.Background(), "<p>x</p>"); err == nil {
		t.Fatal("printed without a browser")
	}
}

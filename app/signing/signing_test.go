package signing_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"khung/app/officialdoc"
	"khung/app/signing"
)

const page = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>@page{size:A4;margin:20mm 15mm 20mm 30mm}
body{font-family:"Times New Roman","Liberation Serif",serif;font-size:14pt}</style></head>
<body><p>QUYẾT ĐỊNH Về việc kiểm tra công vụ tại Phường Hồng Hà</p></body></html>`

func pdfsig(t *testing.T, data []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		t.Fatal("pdfsig is missing: `make test` installs poppler-utils")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, path).CombinedOutput() // pdfsig exits non-zero on a bad signature
	return string(out)
}

// A PDF printed by Chromium and signed with the agency's certificate passes
// both Khung's verifier and poppler's pdfsig; one changed byte in the signed
// range fails both; bytes appended after the signature are reported as a
// change of the file.
func TestSignedPDFVerifiesHereAndInPdfsig(t *testing.T) {
	now := time.Now().Truncate(time.Second) // the signature's CMS signing time is the wall clock's
	demo, err := signing.NewDemo(nil, now, "Sở Nội vụ Thành phố Hà Nội")
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.FromPKCS12(demo.P12, demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signing.FromPKCS12(demo.P12, "wrong"); err == nil {
		t.Error("a wrong password opened the PKCS#12 file")
	}
	printer := officialdoc.NewPrinter("")
	defer printer.Close()
	doc, err := printer.PDF(context.Background(), page)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signing.Verify(doc, nil); err == nil {
		t.Error("an unsigned PDF verified")
	}
	signed, err := s.Sign(doc, signing.Info{Name: "Nguyễn Văn Bình", Reason: "Ký ban hành", Location: "Hà Nội", Time: now})
	if err != nil {
		t.Fatal(err)
	}

	rep, err := signing.Verify(signed, []*x509.Certificate{demo.Root})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Intact() || len(rep.Signatures) != 1 || !rep.Signatures[0].Trusted ||
		rep.Signatures[0].Name != "Nguyễn Văn Bình" || rep.Signatures[0].SignedAt == nil || !rep.Signatures[0].SignedAt.Equal(now) ||
		!strings.Contains(rep.Signatures[0].Subject, "Sở Nội vụ") {
		t.Errorf("signed: %+v", rep)
	}
	if out := pdfsig(t, signed); !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig on the signed file:\n%s", out)
	}
	if rep, _ := signing.Verify(signed, nil); len(rep.Signatures) != 1 || rep.Signatures[0].Trusted {
		t.Errorf("without the agency's root the certificate is trusted: %+v", rep)
	}

	changed := bytes.Clone(signed)
	i := bytes.Index(changed, []byte("/Producer")) // inside the first signed range
	if i < 0 {
		i = 200
	}
	changed[i+1] ^= 0x01
	rep, err = signing.Verify(changed, nil)
	if err == nil && rep.Intact() {
		t.Errorf("one changed byte still verifies: %+v", rep)
	}
	if out := pdfsig(t, changed); strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Digest Mismatch") {
		t.Errorf("pdfsig on the changed file:\n%s", out)
	}

	appended := append(bytes.Clone(signed), []byte("\n% added after signing\n")...)
	if rep, err := signing.Verify(appended, nil); err != nil || rep.Intact() || rep.WholeFile || !rep.Signatures[0].Valid {
		t.Errorf("bytes added after the signature: %+v, %v; want valid signature, file changed", rep, err)
	}
}

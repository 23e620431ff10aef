// Package signing puts a PAdES signature on a PDF with the agency's
// certificate (a PKCS#12 file the administrator configures) and verifies
// signed PDFs, Khung's or signed elsewhere (a USB token): who signed, when,
// whether the signature is valid, whether the certificate chains to a trusted
// root, and whether the file changed after it was signed. Signing and
// verifying are github.com/digitorus/pdfsign's; nothing here writes PDF.
package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pdfsign/verify"
	"software.sslmate.com/src/go-pkcs12"
)

// Signer signs with one certificate and its key.
type Signer struct {
	key   crypto.Signer
	cert  *x509.Certificate
	chain []*x509.Certificate // the issuers, up to the root
}

// FromPKCS12 reads a PKCS#12 file (.p12, .pfx) with its password.
func FromPKCS12(p12 []byte, password string) (*Signer, error) {
	key, cert, chain, err := pkcs12.DecodeChain(p12, password)
	if err != nil {
		return nil, fmt.Errorf("signing: read the PKCS#12 file: %w", err)
	}
	k, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("signing: the PKCS#12 key cannot sign")
	}
	return &Signer{key: k, cert: cert, chain: chain}, nil
}

// Certificate is the signing certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Info is what the signature says of itself.
type Info struct {
	Name     string // the person who signs: "Nguyễn Văn Bình"
	Reason   string // "Ký ban hành"
	Location string // "Hà Nội"
	Contact  string
	Time     time.Time
}

// Sign returns pdfData with an approval signature (PAdES, SHA-256) made now.
func (s *Signer) Sign(pdfData []byte, in Info) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(pdfData), int64(len(pdfData)))
	if err != nil {
		return nil, fmt.Errorf("signing: read the PDF: %w", err)
	}
	var out bytes.Buffer
	chain := append([]*x509.Certificate{s.cert}, s.chain...)
	err = sign.Sign(bytes.NewReader(pdfData), &out, rdr, int64(len(pdfData)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info:     sign.SignDataSignatureInfo{Name: in.Name, Location: in.Location, Reason: in.Reason, ContactInfo: in.Contact, Date: in.Time},
			CertType: sign.ApprovalSignature, DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
		},
		Signer: s.key, DigestAlgorithm: crypto.SHA256, Certificate: s.cert,
		CertificateChains: [][]*x509.Certificate{chain},
	})
	if err != nil {
		return nil, fmt.Errorf("signing: sign: %w", err)
	}
	return out.Bytes(), nil
}

// Signature is one signature found in a PDF.
type Signature struct {
	Name     string     // the name the signature gives, else the certificate's
	Subject  string     // the certificate's subject (common name, organisation)
	Issuer   string     // its issuer
	SignedAt *time.Time // the signing time it states
	Valid    bool       // the signed bytes are those the signature was made on
	Trusted  bool       // the certificate chains to a root the verifier trusts
}

// Report is what verifying a PDF found.
type Report struct {
	Signatures []Signature
	WholeFile  bool   // the last signature covers the file to its last byte: nothing was added after
	Problem    string // the verifier's first complaint, in its words (for the log)
}

// Intact tells whether the file has a signature, every signature is valid and
// the last one covers the whole file: nothing changed since it was signed.
func (r Report) Intact() bool {
	if len(r.Signatures) == 0 {
		return false
	}
	for _, s := range r.Signatures {
		if !s.Valid {
			return false
		}
	}
	return r.WholeFile
}

// ErrNotSigned is a PDF without a signature, or not a PDF.
var ErrNotSigned = errors.New("signing: no signature in the file")

// Verify checks every signature of pdfData; roots are the certificates it
// trusts (the agency's CA; nil: the system's roots only).
func Verify(pdfData []byte, roots []*x509.Certificate) (Report, error) {
	opts := verify.DefaultVerifyOptions()
	opts.RequiredEKUs = nil // a Vietnamese CA's certificates do not all carry the Document Signing usage
	opts.TrustSignatureTime = true
	opts.AllowUntrustedRoots = true // report the chain ourselves, below
	resp, err := verify.VerifyWithOptions(bytes.NewReader(pdfData), int64(len(pdfData)), opts)
	if err != nil || resp == nil || len(resp.Signers) == 0 {
		return Report{}, fmt.Errorf("%w: %v", ErrNotSigned, err)
	}
	rep := Report{Problem: resp.Error}
	for _, end := range byteRanges(pdfData) {
		rep.WholeFile = rep.WholeFile || end == int64(len(pdfData))
	}
	for _, sg := range resp.Signers {
		s := Signature{Name: sg.Name, Valid: sg.ValidSignature, SignedAt: sg.SignatureTime}
		if sg.TimeStamp != nil {
			t := sg.TimeStamp.Time
			s.SignedAt = &t
		}
		if len(sg.Certificates) > 0 {
			c := sg.Certificates[0].Certificate
			s.Subject, s.Issuer = c.Subject.String(), c.Issuer.String()
			if s.Name == "" {
				s.Name = c.Subject.CommonName
			}
			s.Trusted = chains(sg.Certificates, roots, s.SignedAt)
		}
		rep.Signatures = append(rep.Signatures, s)
	}
	return rep, nil
}

// chains tells whether the signer's certificate chains to one of roots.
func chains(certs []verify.Certificate, roots []*x509.Certificate, at *time.Time) bool {
	if len(roots) == 0 {
		return false
	}
	pool, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	for _, c := range certs[1:] {
		inter.AddCert(c.Certificate)
	}
	opts := x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	if at != nil {
		opts.CurrentTime = *at
	}
	_, err := certs[0].Certificate.Verify(opts)
	return err == nil
}

// byteRangeRE finds each signature's /ByteRange [a b c d]: the signature
// covers the file up to c+d.
var byteRangeRE = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)

// byteRanges returns, per signature, the end of what it covers.
func byteRanges(data []byte) []int64 {
	var ends []int64
	for _, m := range byteRangeRE.FindAllSubmatch(data, -1) {
		c, _ := strconv.ParseInt(string(m[3]), 10, 64)
		d, _ := strconv.ParseInt(string(m[4]), 10, 64)
		ends = append(ends, c+d)
	}
	return ends
}

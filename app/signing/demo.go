package signing

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Demo is a certificate authority and an agency certificate made for the
// demo and the tests: never a real agency's, made fresh each time, so no key
// is ever committed.
type Demo struct {
	Root     *x509.Certificate
	RootPEM  []byte
	P12      []byte // the agency's key and certificate with the root, as an administrator would configure them
	Password string
}

// NewDemo makes a root CA and an agency certificate for org ("Sở Nội vụ Thành
// phố Hà Nội"), valid from a day before now for five years.
func NewDemo(random io.Reader, now time.Time, org string) (Demo, error) {
	if random == nil {
		random = rand.Reader
	}
	rootKey, err := rsa.GenerateKey(random, 2048)
	if err != nil {
		return Demo{}, fmt.Errorf("signing: demo root key: %w", err)
	}
	from, to := now.Add(-24*time.Hour), now.AddDate(5, 0, 0)
	root := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "Khung Demo CA", Organization: []string{"Khung (demo)"}, Country: []string{"VN"}},
		NotBefore: from, NotAfter: to, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	rootDER, err := x509.CreateCertificate(random, root, root, &rootKey.PublicKey, rootKey)
	if err != nil {
		return Demo{}, fmt.Errorf("signing: demo root: %w", err)
	}
	rootCert, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return Demo{}, err
	}
	key, err := rsa.GenerateKey(random, 2048)
	if err != nil {
		return Demo{}, fmt.Errorf("signing: demo agency key: %w", err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: org, Organization: []string{org}, Locality: []string{"Hà Nội"}, Country: []string{"VN"}},
		NotBefore: from, NotAfter: to, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	leafDER, err := x509.CreateCertificate(random, leaf, rootCert, &key.PublicKey, rootKey)
	if err != nil {
		return Demo{}, fmt.Errorf("signing: demo agency certificate: %w", err)
	}
	leafCert, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return Demo{}, err
	}
	const password = "demo"
	p12, err := pkcs12.Modern.Encode(key, leafCert, []*x509.Certificate{rootCert}, password)
	if err != nil {
		return Demo{}, fmt.Errorf("signing: demo PKCS#12: %w", err)
	}
	return Demo{Root: rootCert, RootPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: rootDER}),
		P12: p12, Password: password}, nil
}

// ParseRoots reads PEM certificates (the roots a verifier trusts).
func ParseRoots(pemData []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, pemData = pem.Decode(pemData)
		if b == nil {
			return out, nil
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signing: root certificate: %w", err)
		}
		out = append(out, c)
	}
}

package signing

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// Store keeps the signed originals of documents (signed_documents): made by
// Khung with the agency's certificate, or signed elsewhere and uploaded. The
// caller has checked that the actor may read the document; one original per
// document, never replaced.
type Store struct {
	db *gorm.DB

	mu     sync.RWMutex
	signer *Signer
	roots  []*x509.Certificate
}

// NewStore returns the store on db, without a certificate until Use.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// Use sets the agency's certificate and the roots a signature must chain to.
func (s *Store) Use(signer *Signer, roots []*x509.Certificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signer, s.roots = signer, roots
	if signer != nil && len(signer.chain) > 0 && len(roots) == 0 {
		s.roots = signer.chain[len(signer.chain)-1:]
	}
}

func (s *Store) current() (*Signer, []*x509.Certificate) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.signer, s.roots
}

// CanSign tells whether an agency certificate is configured.
func (s *Store) CanSign() bool { sg, _ := s.current(); return sg != nil }

// Original returns the signed original of a document, nil when there is none.
func (s *Store) Original(ctx context.Context, entity string, id int64) (*models.SignedDocument, error) {
	var d models.SignedDocument
	err := s.db.WithContext(ctx).Where("entity = ? AND entity_id = ?", entity, id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("signed %s %d: %w", entity, id, err)
	}
	return &d, nil
}

// Check verifies a PDF against the configured roots.
func (s *Store) Check(pdf []byte) (Report, error) {
	_, roots := s.current()
	return Verify(pdf, roots)
}

// Sign signs pdf with the agency's certificate and keeps it as the original.
func (s *Store) Sign(ctx context.Context, a authz.Actor, entity string, id int64, pdf []byte, in Info) (models.SignedDocument, error) {
	signer, _ := s.current()
	if signer == nil {
		return models.SignedDocument{}, apperr.Fail(apperr.ErrConflict, "documents.err.no_certificate")
	}
	signed, err := signer.Sign(pdf, in)
	if err != nil {
		return models.SignedDocument{}, err
	}
	return s.keep(ctx, a, entity, id, signed, in.Name, in.Time, false)
}

// Upload keeps a PDF signed elsewhere as the original, when its signatures
// are valid and nothing changed after the last one.
func (s *Store) Upload(ctx context.Context, a authz.Actor, entity string, id int64, pdf []byte) (models.SignedDocument, Report, error) {
	rep, err := s.Check(pdf)
	if err != nil {
		return models.SignedDocument{}, rep, apperr.Field("file", "signed", "documents.check.not_signed")
	}
	if !rep.Intact() {
		return models.SignedDocument{}, rep, apperr.Field("file", "intact", "documents.check.changed")
	}
	last := rep.Signatures[len(rep.Signatures)-1]
	d, err := s.keep(ctx, a, entity, id, pdf, last.Name, derefTime(last.SignedAt), true)
	return d, rep, err
}

func (s *Store) keep(ctx context.Context, a authz.Actor, entity string, id int64, pdf []byte, name string, at time.Time, uploaded bool) (models.SignedDocument, error) {
	sum := sha256.Sum256(pdf)
	d := models.SignedDocument{Entity: entity, EntityID: id, PDF: pdf, SHA256: hex.EncodeToString(sum[:]),
		SignerName: name, Uploaded: uploaded, UserID: userID(a)}
	if !at.IsZero() {
		t := at
		d.SignedAt = &t
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.SignedDocument{}).Where("entity = ? AND entity_id = ?", entity, id).Count(&n).Error; err != nil {
			return fmt.Errorf("signed %s %d: %w", entity, id, err)
		}
		if n > 0 {
			return apperr.Fail(apperr.ErrConflict, "documents.err.already_signed")
		}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("keep signed %s %d: %w", entity, id, apperr.FromConstraint(err, apperr.Constraints{
				"signed_documents_entity_key": {ID: "documents.err.already_signed"}}))
		}
		return audit.Record(tx, a, "document.signed", entity, id, nil,
			map[string]any{"sha256": d.SHA256, "signer": d.SignerName, "uploaded": uploaded})
	})
	return d, err
}

func userID(a authz.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Open returns the store with the certificate of the PKCS#12 file at p12Path
// (none when the path is empty) and the roots of the PEM file at rootsPath.
func Open(db *gorm.DB, p12Path, password, rootsPath string) (*Store, error) {
	s := NewStore(db)
	if p12Path == "" {
		return s, nil
	}
	p12, err := os.ReadFile(p12Path)
	if err != nil {
		return nil, fmt.Errorf("signing: SIGNING_PKCS12: %w", err)
	}
	signer, err := FromPKCS12(p12, password)
	if err != nil {
		return nil, err
	}
	var roots []*x509.Certificate
	if rootsPath != "" {
		pemData, err := os.ReadFile(rootsPath)
		if err != nil {
			return nil, fmt.Errorf("signing: SIGNING_ROOTS: %w", err)
		}
		if roots, err = ParseRoots(pemData); err != nil {
			return nil, err
		}
	}
	s.Use(signer, roots)
	return s, nil
}

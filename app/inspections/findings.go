package inspections

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/attachments"
	"khung/app/audit"
	"khung/app/authz"
	"khung/models"
)

// FindingInput is a shortcoming or violation found on site.
type FindingInput struct {
	TopicCode   string             `json:"topic_code" form:"topic_code" validate:"max=100"`
	Kind        models.FindingKind `json:"kind" form:"kind" validate:"required,oneof=shortcoming violation"`
	Description string             `json:"description" form:"description" validate:"notblank,max=10000"`
	Severity    models.Severity    `json:"severity" form:"severity" validate:"required,oneof=low medium high"`
}

// AddFinding records a finding of visit id with its evidence files (already
// checked by content and size with attachments.CheckUploads). Findings are
// recorded while the team is on site or after, until the conclusion.
func (s *Service) AddFinding(ctx context.Context, a authz.Actor, id int64, in FindingInput, files []attachments.File) (models.Finding, error) {
	in.TopicCode, in.Description = strings.TrimSpace(in.TopicCode), strings.TrimSpace(in.Description)
	if err := apperr.Validate(in); err != nil {
		return models.Finding{}, err
	}
	var f models.Finding
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := lockWritable(tx, a, id)
		if err != nil {
			return err
		}
		if v.Status != models.VisitOnSite && v.Status != models.VisitOnSiteEnded {
			return conflict("inspections.err.findings_when")
		}
		f = models.Finding{VisitID: v.ID, Kind: in.Kind, Description: in.Description, Severity: in.Severity, CreatedBy: userID(a)}
		if in.TopicCode != "" {
			var n int64
			if err := tx.Model(&models.Topic{}).Where("code = ?", in.TopicCode).Count(&n).Error; err != nil {
				return fmt.Errorf("topic %q: %w", in.TopicCode, err)
			}
			if n == 0 {
				return apperr.Field("topic_code", "exists", "inspections.check.no_topic")
			}
			f.TopicCode = &in.TopicCode
		}
		if err := tx.Create(&f).Error; err != nil {
			return fmt.Errorf("finding of visit %d: %w", v.ID, err)
		}
		var names []string
		for _, file := range files {
			att, err := attachments.Store(tx, file, attachments.Owner{FindingID: &f.ID}, a.UserID)
			if err != nil {
				return err
			}
			names = append(names, att.Filename)
		}
		return audit.Record(tx, a, "finding.create", "finding", f.ID, nil, map[string]any{"finding": f, "files": names})
	})
	return f, err
}

// Attachment is a stored file as lists show it (without its bytes).
type Attachment struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
}

// Attachment returns the file id (with its bytes) when it belongs to a
// finding, the decision or the conclusion of a visit a may read.
func (s *Service) Attachment(ctx context.Context, a authz.Actor, fileID int64) (models.Attachment, error) {
	db := s.db.WithContext(ctx)
	row, err := attachments.Get(db, fileID)
	if err != nil {
		return row, err
	}
	var visitID int64
	switch {
	case row.FindingID != nil:
		err = db.Raw(`SELECT visit_id FROM findings WHERE id = ?`, *row.FindingID).Scan(&visitID).Error
	case row.DecisionID != nil:
		err = db.Raw(`SELECT visit_id FROM decisions WHERE id = ?`, *row.DecisionID).Scan(&visitID).Error
	case row.ConclusionID != nil:
		err = db.Raw(`SELECT visit_id FROM conclusions WHERE id = ?`, *row.ConclusionID).Scan(&visitID).Error
	case row.VisitID != nil:
		visitID = *row.VisitID
	}
	if err != nil {
		return row, fmt.Errorf("owner of file %d: %w", fileID, err)
	}
	if visitID == 0 {
		return models.Attachment{}, fmt.Errorf("file %d: %w", fileID, apperr.ErrNotFound)
	}
	if _, err := loadReadable(db, a, visitID); err != nil {
		return models.Attachment{}, err
	}
	return row, nil
}

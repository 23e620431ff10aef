// Package plans is the framework plan (kế hoạch khung) in the application:
// building a draft version with the planning engine from the year's proposals,
// the version workflow (draft → submitted → approved → published, returns and
// amendments), the plan board, hand adjustments re-checked by the engine's
// incremental session under optimistic locking, the diff between two versions,
// and the printable plan with its Excel copy.
package plans

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/changes"
	"khung/app/planning"
	"khung/app/planning/plantext"
	"khung/app/viewcache"
	"khung/models"
	"khung/views"
)

// Service builds, reads and changes framework plans.
type Service struct {
	db      *gorm.DB
	loc     *time.Location // where dates of the plan are civil dates (Asia/Ho_Chi_Minh)
	locales *views.Locales // renders the engine's messages into the stored sentences
	// published runs in the transaction that publishes a version replacing
	// another (the notices of moved visits); nil does nothing.
	published PublishHook
	// The soft rules of the versions read last (see softOf), and the boards
	// (see Board).
	softMu    sync.Mutex
	soft      map[int64]*softRules
	softOrder []int64
	boards    *viewcache.Cache
	// stepped runs in the transaction of every workflow step (the notices of
	// who must act next, and of the units at publication); nil does nothing.
	stepped StepHook
}

// StepHook runs in the transaction of workflow step ("submit", "approve",
// "publish" or "return") taken by a on version id, after its status changed;
// previous is the published version a publication replaces (0 if none). An
// error rolls the step back.
type StepHook func(ctx context.Context, tx *gorm.DB, now time.Time, a authz.Actor, id int64, step string, previous int64) error

// OnStep sets what runs with every workflow step. Call it once, while the app is built.
func (s *Service) OnStep(h StepHook) { s.stepped = h }

// PublishHook runs in the transaction that publishes version id in place of
// the previously published version previous; an error rolls the publication back.
type PublishHook func(ctx context.Context, tx *gorm.DB, now time.Time, id, previous int64) error

// OnPublish sets what runs when a version replaces a published one. Call it
// once, while the app is built.
func (s *Service) OnPublish(h PublishHook) { s.published = h }

// New returns a Service on db; l keeps its cache of boards fresh (nil: no
// cache), loc is the time zone of the working calendar, locales the message
// catalogs.
func New(db *gorm.DB, l *changes.Listener, loc *time.Location, locales *views.Locales) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: db, loc: loc, locales: locales, soft: map[int64]*softRules{}, boards: viewcache.New(l, BoardCacheBytes)}
}

// renderers write the engine's messages in English and Vietnamese, for the
// sentences stored beside them (why, why_vi, unscheduled_reason…).
func (s *Service) renderers() (en, vi planning.Renderer) {
	return plantext.Renderer[planning.Message](s.locales.For("en")), plantext.Renderer[planning.Message](s.locales.For("vi"))
}

// SolveSeed is the engine seed of every build: the same proposals give the same plan.
const SolveSeed = 1

// errStale is the answer to a write based on a version someone else changed.
func errStale() error { return apperr.Fail(apperr.ErrConflict, "plans.err.stale") }

// label is a catalog message without parameters used as a parameter of
// another message (a version status inside a sentence).
type label string

// RenderIn renders the label in t's language.
func (l label) RenderIn(t *views.Translator) string { return t.T(string(l)) }

// rendered fills the Vietnamese and English texts of err's messages now, for
// callers inside the app that read them (the HTTP layer renders the same).
func (s *Service) rendered(err error) error {
	vi, en := s.locales.For("vi"), s.locales.For("en")
	var e *apperr.Error
	if errors.As(err, &e) && e.Msg.ID != "" {
		e.VI, e.EN = vi.Msg(e.Msg), en.Msg(e.Msg)
	}
	if ve, ok := apperr.AsValidation(err); ok {
		for i := range ve.Fields {
			if f := &ve.Fields[i]; f.Msg.ID != "" {
				f.VI, f.EN = vi.Msg(f.Msg), en.Msg(f.Msg)
			}
		}
	}
	return err
}

// Version is a plan version as lists and the API show it: the row without the
// (large) planner input, with the plan's year.
type Version struct {
	ID              int64                    `json:"id"`
	PlanID          int64                    `json:"plan_id"`
	Year            int                      `json:"year"`
	Number          int                      `json:"number"`
	Status          models.PlanVersionStatus `json:"status"`
	Reason          string                   `json:"reason"`
	ParentVersionID *int64                   `json:"parent_version_id"`
	Penalty         *float64                 `json:"penalty"`
	Metrics         models.JSON              `json:"metrics"`
	LockVersion     int                      `json:"lock_version"`
	DocumentNumber  string                   `json:"document_number"`
	CreatedBy       *int64                   `json:"created_by"`
	CreatedAt       time.Time                `json:"created_at"`
	UpdatedAt       time.Time                `json:"updated_at"`
	SubmittedBy     *int64                   `json:"submitted_by"`
	SubmittedAt     *time.Time               `json:"submitted_at"`
	ApprovedBy      *int64                   `json:"approved_by"`
	ApprovedAt      *time.Time               `json:"approved_at"`
	PublishedBy     *int64                   `json:"published_by"`
	PublishedAt     *time.Time               `json:"published_at"`
}

// versionColumns select a Version (no instance) from plan_versions v JOIN plans p.
const versionColumns = `v.id, v.plan_id, p.year, v.number, v.status, v.reason, v.parent_version_id, v.penalty,
	v.metrics, v.lock_version, v.document_number, v.created_by, v.created_at, v.updated_at, v.submitted_by,
	v.submitted_at, v.approved_by, v.approved_at, v.published_by, v.published_at`

// Editable tells whether the version's visits may still be changed by hand.
func (v Version) Editable() bool { return v.Status == models.VersionDraft }

// Printable tells whether the version is an issued plan (approved or published).
func (v Version) Printable() bool {
	return v.Status == models.VersionApproved || v.Status == models.VersionPublished
}

// canRead tells whether a may read version v: planners and approvers read
// every version, the roles that read published plans only published ones.
func canRead(a authz.Actor, status models.PlanVersionStatus) bool {
	if authz.Can(a, authz.ReadDraftPlans) {
		return true
	}
	return status == models.VersionPublished && authz.Can(a, authz.ReadPublishedPlans)
}

// requireReader refuses actors who may read no plan at all.
func requireReader(a authz.Actor) error {
	if authz.Can(a, authz.ReadDraftPlans) {
		return nil
	}
	return authz.Require(a, authz.ReadPublishedPlans)
}

// loadVersion reads version id for a; a version a may not read is not found,
// so its existence does not leak.
func loadVersion(tx *gorm.DB, a authz.Actor, id int64) (Version, error) {
	if err := requireReader(a); err != nil {
		return Version{}, err
	}
	var v Version
	err := tx.Raw(`SELECT `+versionColumns+` FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.id = ?`, id).
		Scan(&v).Error
	if err != nil {
		return Version{}, fmt.Errorf("load plan version %d: %w", id, err)
	}
	if v.ID == 0 || !canRead(a, v.Status) {
		return Version{}, fmt.Errorf("plan version %d: %w", id, apperr.ErrNotFound)
	}
	return v.forReader(a), nil
}

// forReader is v as a may read it: the engine's totals (score and metrics)
// count every visit of the version, secret ones too, so only readers who see
// every visit get them (docs/visibility.md); the others read counts made
// through the visit rule (Fit).
func (v Version) forReader(a authz.Actor) Version {
	if !authz.SeesEveryVisit(a) {
		v.Penalty, v.Metrics = nil, nil
	}
	return v
}

// Version returns version id as a may see it.
func (s *Service) Version(ctx context.Context, a authz.Actor, id int64) (Version, error) {
	return loadVersion(s.db.WithContext(ctx), a, id)
}

// Versions lists the versions of the plan of year that a may read, newest first.
func (s *Service) Versions(ctx context.Context, a authz.Actor, year int) ([]Version, error) {
	if err := requireReader(a); err != nil {
		return nil, err
	}
	var rows []Version
	err := s.db.WithContext(ctx).Raw(`SELECT `+versionColumns+` FROM plan_versions v JOIN plans p ON p.id = v.plan_id
		WHERE p.year = ? ORDER BY v.number DESC`, year).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list versions of %d: %w", year, err)
	}
	out := rows[:0]
	for _, v := range rows {
		if canRead(a, v.Status) {
			out = append(out, v.forReader(a))
		}
	}
	return out, nil
}

// YearSummary is one plan year on the plans page.
type YearSummary struct {
	Year      int    `json:"year"`
	Title     string `json:"title"`
	Versions  int    `json:"versions"`
	Latest    int    `json:"latest_number"`
	Published *int   `json:"published_number"`
}

// Years lists the years that have a plan, newest first, with what a may see.
func (s *Service) Years(ctx context.Context, a authz.Actor) ([]YearSummary, error) {
	if err := requireReader(a); err != nil {
		return nil, err
	}
	var rows []YearSummary
	err := s.db.WithContext(ctx).Raw(`
		SELECT p.year, p.title, count(v.id) AS versions, coalesce(max(v.number), 0) AS latest,
		       max(v.number) FILTER (WHERE v.status = 'published') AS published
		  FROM plans p JOIN plan_versions v ON v.plan_id = p.id
		 WHERE ? OR v.status = 'published'
		 GROUP BY p.id ORDER BY p.year DESC`, authz.Can(a, authz.ReadDraftPlans)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list plan years: %w", err)
	}
	return rows, nil
}

// ReturnReason is the approver's last reason for returning version id to
// draft, read from the audit log ("" when it was never returned).
func (s *Service) ReturnReason(ctx context.Context, a authz.Actor, id int64) (string, error) {
	if _, err := loadVersion(s.db.WithContext(ctx), a, id); err != nil {
		return "", err
	}
	var reasons []string
	err := s.db.WithContext(ctx).Raw(`SELECT coalesce(after->>'return_reason', '') FROM audit_log
		WHERE entity = 'plan_versions' AND entity_id = ? AND action = 'return' ORDER BY id DESC LIMIT 1`, id).
		Scan(&reasons).Error
	if err != nil {
		return "", fmt.Errorf("read return reason of version %d: %w", id, err)
	}
	if len(reasons) == 0 {
		return "", nil
	}
	return reasons[0], nil
}

// notFound wraps gorm's not-found into apperr's.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, apperr.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

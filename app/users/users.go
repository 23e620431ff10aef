// Package users lets the administrator manage who logs in: create and edit
// users with their role and unit scope, deactivate and reactivate them, and
// reset a password. Every write runs in one transaction with its audit entry.
package users

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/auth"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// Service manages users.
type Service struct {
	db     *gorm.DB
	random io.Reader // source of generated passwords: crypto/rand in production
}

// New returns a Service on db; random feeds generated passwords (nil means crypto/rand).
func New(db *gorm.DB, random io.Reader) *Service {
	if random == nil {
		random = rand.Reader
	}
	return &Service{db: db, random: random}
}

// Row is a user with the code and name of its unit and its inspector profile.
type Row struct {
	models.User
	UnitCode      string `json:"unit_code"`
	UnitName      string `json:"unit_name"`
	InspectorCode string `json:"inspector_code"`
	InspectorName string `json:"inspector_name"`
}

const rowSelect = `users.*,
	coalesce(units.code, '') AS unit_code, coalesce(units.name, '') AS unit_name,
	coalesce(inspectors.code, '') AS inspector_code, coalesce(inspectors.full_name, '') AS inspector_name`

func (s *Service) rows(ctx context.Context) *gorm.DB { return rowsOn(s.db.WithContext(ctx)) }

// rowsOn reads users as Rows with db (the service's handle or a transaction).
func rowsOn(db *gorm.DB) *gorm.DB {
	return db.Table("users").Select(rowSelect).
		Joins("LEFT JOIN units ON units.id = users.unit_id").
		Joins("LEFT JOIN inspectors ON inspectors.id = users.inspector_id")
}

// Filter selects users for List.
type Filter struct {
	Q      string      `json:"q" query:"q"`           // part of the name or e-mail, diacritics ignored
	Role   models.Role `json:"role" query:"role"`     // optional
	Status string      `json:"status" query:"status"` // "", "active" or "inactive"
	paging.Page
}

// sorts are the columns the list of users may be sorted by.
var sorts = paging.Columns{
	"name": paging.Text("users.full_name"), "email": "users.email", "role": "users.role",
	"unit": paging.Text("units.name"), "status": "users.active",
}

// SortKeys are the columns the list of users may be sorted by.
func SortKeys() []string { return sorts.Keys() }

// List returns one page of users, by name unless f.Sort names a column. Only the administrator reads users.
func (s *Service) List(ctx context.Context, a authz.Actor, f Filter) (paging.Result[Row], error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return paging.Result[Row]{}, err
	}
	p := f.Page.Normal()
	filter := func(db *gorm.DB) *gorm.DB {
		for _, w := range strings.Fields(f.Q) {
			db = db.Where("users.search_text LIKE '%' || lower(khung_unaccent(?)) || '%'", models.SearchPattern(w))
		}
		if f.Role != "" {
			db = db.Where("users.role = ?", f.Role)
		}
		switch f.Status {
		case "active":
			db = db.Where("users.active")
		case "inactive":
			db = db.Where("NOT users.active")
		}
		return db
	}
	var total int64
	if err := s.db.WithContext(ctx).Model(&models.User{}).Scopes(filter).Count(&total).Error; err != nil {
		return paging.Result[Row]{}, fmt.Errorf("count users: %w", err)
	}
	var out []Row
	if err := s.rows(ctx).Scopes(filter).Order(sorts.Order(p.Sort, paging.Text("users.full_name")+", users.id", "users.id")).
		Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return paging.Result[Row]{}, fmt.Errorf("list users: %w", err)
	}
	return paging.NewResult(out, total, p), nil
}

// Get returns the user id.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (Row, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Row{}, err
	}
	return s.get(s.rows(ctx), id)
}

func (s *Service) get(q *gorm.DB, id int64) (Row, error) {
	var r Row
	err := q.Where("users.id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Row{}, fmt.Errorf("user %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Row{}, fmt.Errorf("load user %d: %w", id, err)
	}
	return r, nil
}

// Input is what the administrator enters for a user. Units and inspector
// profiles are named by their codes. Password is required when creating; when
// editing, an empty password keeps the current one.
type Input struct {
	Email         string `json:"email" form:"email" validate:"required,email,max=254"`
	FullName      string `json:"full_name" form:"full_name" validate:"notblank,max=200"`
	Role          string `json:"role" form:"role" validate:"required,oneof=admin planner approver inspector unit viewer"`
	UnitCode      string `json:"unit_code" form:"unit_code" validate:"required_if=Role unit,max=50"`
	InspectorCode string `json:"inspector_code" form:"inspector_code" validate:"max=50"`
	UnitPosition  string `json:"unit_position" form:"unit_position" validate:"omitempty,oneof=office head leadership"`
	Locale        string `json:"locale" form:"locale" validate:"omitempty,oneof=vi en"`
	Active        *bool  `json:"active" form:"active"` // nil: active when creating, unchanged when editing
	Password      string `json:"password,omitempty" form:"password" validate:"omitempty,min=10,max=72"`
	// The signature block of the documents the user signs: the title printed
	// above the signature ("Phó Giám đốc") and, when signing for the head,
	// the authority line ("KT. GIÁM ĐỐC"; KT., TL., TUQ. or TM.).
	JobTitle         string `json:"job_title" form:"job_title" validate:"max=200" label:"field.job_title"`
	SigningAuthority string `json:"signing_authority" form:"signing_authority" validate:"max=100" label:"field.signing_authority"`
}

// signingAuthority is the authority line of Decree 30/2020 (Annex I, IV):
// "KT." (ký thay), "TL." (thừa lệnh), "TUQ." (thừa ủy quyền), "TM." (thay mặt)
// and the head's title.
var signingAuthority = regexp.MustCompile(`^(KT|TL|TUQ|TM)\. \S.*$`)

func (in *Input) normalise() {
	in.Email = strings.TrimSpace(in.Email)
	in.FullName = strings.TrimSpace(in.FullName)
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	in.InspectorCode = strings.TrimSpace(in.InspectorCode)
	in.JobTitle = strings.TrimSpace(in.JobTitle)
	in.SigningAuthority = strings.ToUpper(strings.Join(strings.Fields(in.SigningAuthority), " "))
	if in.UnitPosition == "" {
		in.UnitPosition = string(models.PositionOffice)
	}
	if in.Locale == "" {
		in.Locale = models.LocaleVI
	}
}

// check validates in and resolves its codes inside tx; id is the user being
// edited (0 when creating). It returns every problem at once.
func (s *Service) check(tx *gorm.DB, in Input, id int64, creating bool) (unitID, inspectorID *int64, err error) {
	ve, err := validate(in)
	if err != nil {
		return nil, nil, err
	}
	if creating && in.Password == "" {
		ve.AddField("password", "required", "validation.required")
	}
	if in.SigningAuthority != "" && !ve.Has("signing_authority") && !signingAuthority.MatchString(in.SigningAuthority) {
		ve.AddField("signing_authority", "format", "documents.check.signing_authority")
	}
	if in.Email != "" && !ve.Has("email") {
		var n int64
		if err := tx.Model(&models.User{}).Where("email = ? AND id <> ?", in.Email, id).Count(&n).Error; err != nil {
			return nil, nil, fmt.Errorf("check e-mail: %w", err)
		}
		if n > 0 {
			ve.AddField("email", "unique", "users.email_taken")
		}
	}
	if in.UnitCode != "" && !ve.Has("unit_code") {
		var u models.Unit
		err := tx.Where("code = ?", in.UnitCode).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			ve.AddField("unit_code", "exists", "validation.unknown_unit")
		case err != nil:
			return nil, nil, fmt.Errorf("find unit %q: %w", in.UnitCode, err)
		default:
			unitID = &u.ID
		}
	}
	if in.InspectorCode != "" && !ve.Has("inspector_code") {
		var insp models.Inspector
		err := tx.Where("code = ?", in.InspectorCode).Take(&insp).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			ve.AddField("inspector_code", "exists", "validation.unknown_inspector")
		case err != nil:
			return nil, nil, fmt.Errorf("find inspector %q: %w", in.InspectorCode, err)
		default:
			var n int64
			if err := tx.Model(&models.User{}).Where("inspector_id = ? AND id <> ?", insp.ID, id).Count(&n).Error; err != nil {
				return nil, nil, fmt.Errorf("check inspector link: %w", err)
			}
			if n > 0 {
				ve.AddField("inspector_code", "unique", "users.inspector_taken")
			}
			inspectorID = &insp.ID
		}
	}
	return unitID, inspectorID, ve.Err()
}

// validate runs the struct rules and returns the problems found so far, to
// which the caller adds the checks that need the database.
func validate(v any) (*apperr.ValidationError, error) {
	err := apperr.Validate(v)
	if err == nil {
		return &apperr.ValidationError{}, nil
	}
	if ve, ok := apperr.AsValidation(err); ok {
		return ve, nil
	}
	return nil, err
}

// Create adds a user and returns it.
func (s *Service) Create(ctx context.Context, a authz.Actor, in Input, now time.Time) (Row, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Row{}, err
	}
	in.normalise()
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		unitID, inspectorID, err := s.check(tx, in, 0, true)
		if err != nil {
			return err
		}
		hash, err := hashPassword(in.Password)
		if err != nil {
			return err
		}
		u := models.User{
			Email: in.Email, FullName: in.FullName, PasswordHash: hash, Role: models.Role(in.Role),
			UnitID: unitID, InspectorID: inspectorID, UnitPosition: models.UnitPosition(in.UnitPosition),
			Locale: in.Locale, Active: in.Active == nil || *in.Active, PasswordChangedAt: &now,
			JobTitle: in.JobTitle, SigningAuthority: in.SigningAuthority,
		}
		if err := tx.Create(&u).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		id = u.ID
		after, err := s.get(rowsOn(tx), u.ID)
		if err != nil {
			return err
		}
		return audit.Record(tx, a, "create", "users", u.ID, nil, after)
	})
	if err != nil {
		return Row{}, fmt.Errorf("create user: %w", err)
	}
	return s.get(s.rows(ctx), id)
}

// Update changes the user id. The administrator cannot take away their own
// admin role or deactivate themselves, and the last active administrator stays.
func (s *Service) Update(ctx context.Context, a authz.Actor, id int64, in Input, now time.Time) (Row, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Row{}, err
	}
	in.normalise()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := s.lockRow(tx, id)
		if err != nil {
			return err
		}
		unitID, inspectorID, err := s.check(tx, in, id, false)
		if err != nil {
			return err
		}
		active := before.Active
		if in.Active != nil {
			active = *in.Active
		}
		if err := s.keepAnAdmin(tx, a, before.User, models.Role(in.Role), active); err != nil {
			return err
		}
		changes := map[string]any{
			"email": in.Email, "full_name": in.FullName, "role": in.Role, "unit_id": unitID,
			"inspector_id": inspectorID, "unit_position": in.UnitPosition, "locale": in.Locale, "active": active,
			"job_title": in.JobTitle, "signing_authority": in.SigningAuthority,
		}
		if in.Password != "" {
			hash, err := hashPassword(in.Password)
			if err != nil {
				return err
			}
			changes["password_hash"], changes["password_changed_at"] = hash, now
		}
		if err := tx.Model(&models.User{}).Where("id = ?", id).Updates(changes).Error; err != nil {
			return apperr.FromConstraint(err, constraints())
		}
		if in.Password != "" || !active {
			if err := endSessions(tx, id, now); err != nil {
				return err
			}
		}
		return s.recordChange(tx, a, "update", before)
	})
	if err != nil {
		return Row{}, fmt.Errorf("update user %d: %w", id, err)
	}
	return s.get(s.rows(ctx), id)
}

// SetActive deactivates (active false) or reactivates a user. Deactivating ends
// the user's sessions and revokes their API tokens.
func (s *Service) SetActive(ctx context.Context, a authz.Actor, id int64, active bool, now time.Time) (Row, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return Row{}, err
	}
	action := "activate"
	if !active {
		action = "deactivate"
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := s.lockRow(tx, id)
		if err != nil {
			return err
		}
		if before.Active == active {
			return nil // nothing to change, nothing to record
		}
		if err := s.keepAnAdmin(tx, a, before.User, before.Role, active); err != nil {
			return err
		}
		if err := tx.Model(&models.User{}).Where("id = ?", id).Update("active", active).Error; err != nil {
			return err
		}
		if !active {
			if err := endSessions(tx, id, now); err != nil {
				return err
			}
		}
		return s.recordChange(tx, a, action, before)
	})
	if err != nil {
		return Row{}, fmt.Errorf("%s user %d: %w", action, id, err)
	}
	return s.get(s.rows(ctx), id)
}

// ResetPassword gives the user id a new generated password, ends their
// sessions and returns the password, to be shown once to the administrator.
func (s *Service) ResetPassword(ctx context.Context, a authz.Actor, id int64, now time.Time) (string, error) {
	if err := authz.Require(a, authz.ManageReference); err != nil {
		return "", err
	}
	password, err := generatePassword(s.random)
	if err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", fmt.Errorf("reset password of user %d: %w", id, err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := s.lockRow(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Model(&models.User{}).Where("id = ?", id).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now}).Error; err != nil {
			return err
		}
		if err := endSessions(tx, id, now); err != nil {
			return err
		}
		// The audit entry says that the password changed, never what it is.
		return audit.Record(tx, a, "reset_password", "users", id, nil, map[string]any{"email": before.Email})
	})
	if err != nil {
		return "", fmt.Errorf("reset password of user %d: %w", id, err)
	}
	return password, nil
}

// lockRow reads the user id FOR UPDATE, so two admins' edits do not interleave.
func (s *Service) lockRow(tx *gorm.DB, id int64) (Row, error) {
	return s.get(rowsOn(tx).Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "users"}}), id)
}

// recordChange audits an action on the user with its row before and after.
func (s *Service) recordChange(tx *gorm.DB, a authz.Actor, action string, before Row) error {
	after, err := s.get(rowsOn(tx), before.ID)
	if err != nil {
		return err
	}
	return audit.Record(tx, a, action, "users", before.ID, before, after)
}

// keepAnAdmin refuses a change that would leave the platform without an active
// administrator, or lock the acting administrator out of their own account.
func (s *Service) keepAnAdmin(tx *gorm.DB, a authz.Actor, u models.User, role models.Role, active bool) error {
	staysAdmin := role == models.RoleAdmin && active
	if u.Role != models.RoleAdmin || !u.Active || staysAdmin {
		return nil
	}
	if u.ID == a.UserID {
		return apperr.Fail(apperr.ErrConflict, "users.cannot_lock_self")
	}
	var others int64
	if err := tx.Model(&models.User{}).Where("role = 'admin' AND active AND id <> ?", u.ID).Count(&others).Error; err != nil {
		return fmt.Errorf("count administrators: %w", err)
	}
	if others == 0 {
		return apperr.Fail(apperr.ErrConflict, "users.last_admin")
	}
	return nil
}

// endSessions logs the user out everywhere: browser sessions end and API
// tokens are revoked.
func endSessions(tx *gorm.DB, userID int64, now time.Time) error {
	if err := tx.Where("user_id = ?", userID).Delete(&models.Session{}).Error; err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if err := tx.Model(&models.APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke API tokens: %w", err)
	}
	if err := tx.Model(&models.CalendarFeedToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("revoke calendar feeds: %w", err)
	}
	return nil
}

func hashPassword(p string) (string, error) {
	h, err := auth.HashPassword(p)
	if errors.Is(err, auth.ErrWeakPassword) {
		return "", apperr.Field("password", "min", "users.weak_password", "Count", auth.MinPasswordLength)
	}
	return h, err
}

// passwordAlphabet leaves out look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// generatePassword returns 16 characters drawn uniformly from passwordAlphabet.
func generatePassword(random io.Reader) (string, error) {
	const n = 16
	out := make([]byte, 0, n)
	buf := make([]byte, 1)
	// Rejection sampling keeps the draw uniform: bytes at or above the largest
	// multiple of the alphabet size are thrown away.
	limit := byte(256 - 256%len(passwordAlphabet))
	for len(out) < n {
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		if buf[0] < limit {
			out = append(out, passwordAlphabet[int(buf[0])%len(passwordAlphabet)])
		}
	}
	return string(out), nil
}

// constraints names the database constraints the checks above should have
// caught (a race between two admins), for apperr.FromConstraint.
func constraints() apperr.Constraints {
	return apperr.Constraints{
		"users_email_key":            {Field: "email", Rule: "unique", ID: "users.email_taken"},
		"users_inspector_id_key":     {Field: "inspector_code", Rule: "unique", ID: "users.inspector_taken"},
		"users_unit_role_needs_unit": {Field: "unit_code", Rule: "required", ID: "users.unit_required"},
	}
}

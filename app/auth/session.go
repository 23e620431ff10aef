// Package auth logs people in and keeps them logged in: passwords (bcrypt),
// server-side sessions in PostgreSQL with a CSRF token each, a login rate limit
// kept in the database, and personal API tokens for scripts.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/authz"
	"khung/app/changes"
	"khung/models"
)

// Limits of the login throttle. An attempt is refused, even with the right
// password, when one of three buckets is full:
//
//   - one e-mail from one address: MaxFailures failures within Window since
//     that address last signed in to it. This is the bucket a guesser fills,
//     and it locks only the guesser's address, for at most Window.
//   - one address, any e-mail: IPFailures failures within Window (password
//     spraying). Higher than MaxFailures: a whole office may share an address.
//   - one e-mail, any address: AccountFailures failures within AccountWindow
//     since its last success (a guesser with many addresses) make the next
//     attempt wait BackoffBase, doubling with each further failure up to
//     MaxBackoff, counted from the latest failure.
//
// An address that signed in to the e-mail within KnownFor skips the last two:
// so an outsider can never lock the owner out of their usual computer, and
// from a new one only for MaxBackoff at a time.
type Limits struct {
	MaxFailures     int
	Window          time.Duration
	IPFailures      int
	AccountFailures int
	AccountWindow   time.Duration
	BackoffBase     time.Duration
	MaxBackoff      time.Duration
	KnownFor        time.Duration
}

// DefaultLimits: 5 failures in 15 minutes per e-mail and address; 20 per
// address; from the 10th failure on an account within an hour, 30 s doubling
// up to 5 minutes; addresses known for 90 days.
func DefaultLimits() Limits {
	return Limits{MaxFailures: 5, Window: 15 * time.Minute, IPFailures: 20,
		AccountFailures: 10, AccountWindow: time.Hour, BackoffBase: 30 * time.Second, MaxBackoff: 5 * time.Minute,
		KnownFor: 90 * 24 * time.Hour}
}

// touchEvery is how stale last_seen_at may get before a request refreshes it
// (and the idle expiry with it): it spares a write on every request.
const touchEvery = time.Minute

// ErrBadCredentials is the one answer for an unknown e-mail, a wrong password
// and a deactivated account, so the form does not reveal which accounts exist.
var ErrBadCredentials = apperr.Fail(apperr.ErrUnauthenticated, "auth.wrong_credentials")

// dummyHash is a bcrypt hash of a throwaway password: checking against it when
// the e-mail is unknown makes that answer as slow as a wrong password.
const dummyHash = "$2a$10$QiyWbZOoCjSXz827y0Xb0uq8gzagWV.qWrDvESluZ5k166xN6A9uG"

// Service logs users in and out and resolves session cookies and API tokens.
type Service struct {
	db     *gorm.DB
	ttl    time.Duration
	maxAge time.Duration
	limits Limits
	// The select lists of the identity queries (see columns).
	sessionCols, tokenCols, userCols string
	// Identities kept in memory (cache.go; nil: none).
	changes *changes.Listener
	ids     *identityCache
}

// NewService returns the service; ttl is the idle lifetime of a session and
// maxAge its absolute lifetime, however active (a stolen cookie is not good
// forever).
func NewService(db *gorm.DB, ttl, maxAge time.Duration) *Service {
	return &Service{db: db, ttl: ttl, maxAge: maxAge, limits: DefaultLimits(),
		sessionCols: columns(db, &models.Session{}, "s", "s_"),
		tokenCols:   columns(db, &models.APIToken{}, "t", "t_"),
		userCols:    columns(db, &models.User{}, "u", "u_")}
}

// expiry is when a session opened at created and used at now ends: ttl after
// its last use, and never later than maxAge after it was opened.
func (s *Service) expiry(created, now time.Time) time.Time {
	idle, hard := now.Add(s.ttl), created.Add(s.maxAge)
	if hard.Before(idle) {
		return hard
	}
	return idle
}

// WithLimits returns a copy of s with other rate limits (for tests).
func (s *Service) WithLimits(l Limits) *Service {
	c := *s
	c.limits = l
	return &c
}

// Identity is who a request belongs to: the user, their unit, and the session
// or API token that proved it.
type Identity struct {
	User     models.User
	UnitName string // "" when the user has no unit
	UnitPath string
	Session  *models.Session  // nil for API-token requests
	Token    *models.APIToken // nil for browser sessions
}

// Actor returns the identity as the authorization rules see it.
func (i Identity) Actor() authz.Actor {
	a := authz.Actor{UserID: i.User.ID, Role: i.User.Role, UnitPath: i.UnitPath}
	if i.User.UnitID != nil {
		a.UnitID = *i.User.UnitID
	}
	if i.User.InspectorID != nil {
		a.InspectorID = *i.User.InspectorID
	}
	return a
}

// LoginInput is what the login form or API posts.
type LoginInput struct {
	Email     string `json:"email" form:"email" validate:"required,email,max=254"`
	Password  string `json:"password" form:"password" validate:"required,max=72"`
	IP        string `json:"-" form:"-"`
	UserAgent string `json:"-" form:"-"`
}

// Login checks the credentials and opens a session. It returns the cookie token
// (give it to the browser; only its hash is stored). Every attempt that gets as
// far as the password check is recorded in login_attempts and the audit log;
// an attempt refused by the rate limit or by validation writes nothing.
func (s *Service) Login(ctx context.Context, in LoginInput, now time.Time) (string, Identity, error) {
	in.Email = strings.TrimSpace(in.Email)
	if err := apperr.Validate(in); err != nil {
		return "", Identity{}, err
	}
	if err := s.checkRateLimit(ctx, in.Email, in.IP, now); err != nil {
		return "", Identity{}, err
	}

	var user models.User
	err := s.db.WithContext(ctx).Where("email = ?", in.Email).Take(&user).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", Identity{}, fmt.Errorf("login: find user: %w", err)
	}
	found := err == nil
	hash := dummyHash
	if found {
		hash = user.PasswordHash
	}
	ok := CheckPassword(hash, in.Password) && found && user.Active

	if !ok {
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := recordAttempt(tx, in, now, false); err != nil {
				return err
			}
			var who authz.Actor
			var id int64
			if found {
				id = user.ID
			}
			return audit.Record(tx, who, "login.failed", "users", id, nil,
				map[string]any{"email": in.Email, "ip": in.IP})
		})
		if err != nil {
			return "", Identity{}, fmt.Errorf("login: record failure: %w", err)
		}
		return "", Identity{}, ErrBadCredentials
	}

	token, sess, err := newSession(user.ID, in.IP, in.UserAgent, now, s.expiry(now, now))
	if err != nil {
		return "", Identity{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := recordAttempt(tx, in, now, true); err != nil {
			return err
		}
		if err := tx.Create(&sess).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		if err := tx.Model(&models.User{}).Where("id = ?", user.ID).Update("last_login_at", now).Error; err != nil {
			return fmt.Errorf("update last login: %w", err)
		}
		user.LastLoginAt = &now
		return audit.Record(tx, authz.Actor{UserID: user.ID, Role: user.Role}, "login", "users", user.ID, nil,
			map[string]any{"ip": in.IP, "user_agent": in.UserAgent})
	})
	if err != nil {
		return "", Identity{}, fmt.Errorf("login: %w", err)
	}
	id, err := s.identityOf(ctx, user)
	if err != nil {
		return "", Identity{}, err
	}
	id.Session = &sess
	return token, id, nil
}

func recordAttempt(tx *gorm.DB, in LoginInput, now time.Time, ok bool) error {
	a := models.LoginAttempt{Email: in.Email, IP: in.IP, At: now, Succeeded: ok}
	if err := tx.Create(&a).Error; err != nil {
		return fmt.Errorf("record login attempt: %w", err)
	}
	return nil
}

// checkRateLimit refuses the attempt when one of the buckets of Limits is
// full. The partial indexes login_attempts_failures_idx (email, at) and
// login_attempts_successes_idx (email, ip, at) serve the queries.
func (s *Service) checkRateLimit(ctx context.Context, email, ip string, now time.Time) error {
	db := s.db.WithContext(ctx)
	l := s.limits
	since := now.Add(-l.Window)
	waitMinutes := func(until time.Time) int { return int(until.Sub(now)/time.Minute) + 1 }

	// One e-mail from one address, since that address last got in.
	const byPair = `
		SELECT count(*), min(at) FROM login_attempts
		WHERE email = ? AND ip = ? AND NOT succeeded AND at > ? AND at <= ?
		  AND at > coalesce((SELECT max(at) FROM login_attempts WHERE email = ? AND ip = ? AND succeeded), '-infinity')`
	var pair struct {
		Count  int
		Oldest *time.Time
	}
	if err := db.Raw(byPair, email, ip, since, now, email, ip).Row().Scan(&pair.Count, &pair.Oldest); err != nil {
		return fmt.Errorf("login throttle: %w", err)
	}
	if pair.Count >= l.MaxFailures && pair.Oldest != nil {
		return apperr.Fail(apperr.ErrTooManyAttempts, "auth.too_many_failures",
			"Failures", l.MaxFailures, "Window", int(l.Window.Minutes()), "Count", waitMinutes(pair.Oldest.Add(l.Window)))
	}

	if ip != "" {
		var known bool
		const knownPair = `SELECT EXISTS (SELECT 1 FROM login_attempts WHERE email = ? AND ip = ? AND succeeded AND at > ? AND at <= ?)`
		if err := db.Raw(knownPair, email, ip, now.Add(-l.KnownFor), now).Row().Scan(&known); err != nil {
			return fmt.Errorf("login throttle: known address: %w", err)
		}
		if known {
			return nil
		}

		// One address, any e-mail.
		const byIP = `
			SELECT count(*), min(at) FROM login_attempts
			WHERE ip = ? AND NOT succeeded AND at > ? AND at <= ?`
		var addr struct {
			Count  int
			Oldest *time.Time
		}
		if err := db.Raw(byIP, ip, since, now).Row().Scan(&addr.Count, &addr.Oldest); err != nil {
			return fmt.Errorf("login throttle: address: %w", err)
		}
		if addr.Count >= l.IPFailures && addr.Oldest != nil {
			return apperr.Fail(apperr.ErrTooManyAttempts, "security.too_many_from_address",
				"Failures", l.IPFailures, "Window", int(l.Window.Minutes()), "Count", waitMinutes(addr.Oldest.Add(l.Window)))
		}
	}

	// One e-mail, any address, since the account's last success: back off.
	const byAccount = `
		SELECT count(*), max(at) FROM login_attempts
		WHERE email = ? AND NOT succeeded AND at > ? AND at <= ?
		  AND at > coalesce((SELECT max(at) FROM login_attempts WHERE email = ? AND succeeded), '-infinity')`
	var account struct {
		Count  int
		Latest *time.Time
	}
	if err := db.Raw(byAccount, email, now.Add(-l.AccountWindow), now, email).Row().Scan(&account.Count, &account.Latest); err != nil {
		return fmt.Errorf("login throttle: account: %w", err)
	}
	if account.Count >= l.AccountFailures && account.Latest != nil {
		if until := account.Latest.Add(backoff(l, account.Count)); now.Before(until) {
			return apperr.Fail(apperr.ErrTooManyAttempts, "security.account_backoff", "Count", waitMinutes(until))
		}
	}
	return nil
}

// backoff is how long an account with failures failed attempts makes the next
// one wait: BackoffBase at AccountFailures, doubling with each further failure,
// never more than MaxBackoff.
func backoff(l Limits, failures int) time.Duration {
	d := l.BackoffBase
	for range failures - l.AccountFailures {
		if d >= l.MaxBackoff {
			break
		}
		d *= 2
	}
	return min(d, l.MaxBackoff)
}

// newSession makes a session row and the cookie token whose hash is its id.
func newSession(userID int64, ip, userAgent string, now, expires time.Time) (string, models.Session, error) {
	token, err := randomToken()
	if err != nil {
		return "", models.Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", models.Session{}, err
	}
	return token, models.Session{
		ID:         HashToken(token),
		UserID:     userID,
		CSRFToken:  csrf,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  expires,
		IP:         ip,
		UserAgent:  truncate(userAgent, 300),
	}, nil
}

// Authenticate resolves a session cookie token. An unknown, expired or
// ended session, or a deactivated user, gives apperr.ErrUnauthenticated. A
// session in use has its idle expiry pushed back, up to its maximum age.
// The session, its user and the user's unit come in one query, and the touch
// is a second one at most once a minute; with WithChanges a replica keeps
// what it read (cache.go) and a request that finds it pays no query.
func (s *Service) Authenticate(ctx context.Context, token string, now time.Time) (Identity, error) {
	if token == "" {
		return Identity{}, apperr.ErrUnauthenticated
	}
	key := HashToken(token)
	id, gen, ok := s.kept(key, now)
	if ok {
		return id, nil
	}
	db := s.db.WithContext(ctx)
	var row struct {
		Session  models.Session `gorm:"embedded;embeddedPrefix:s_"`
		User     models.User    `gorm:"embedded;embeddedPrefix:u_"`
		UnitName *string
		UnitPath *string
	}
	// created_at also bounds sessions whose expires_at was set before the
	// maximum age existed (or under a longer SESSION_MAX_AGE).
	res := db.Raw(`SELECT `+s.sessionCols+`, `+s.userCols+`,
		       un.name AS unit_name, un.path AS unit_path
		  FROM sessions s
		  JOIN users u ON u.id = s.user_id AND u.active
		  LEFT JOIN units un ON un.id = u.unit_id
		 WHERE s.id = ? AND s.expires_at > ? AND s.created_at > ?`,
		HashToken(token), now, now.Add(-s.maxAge)).Scan(&row)
	if res.Error != nil {
		return Identity{}, fmt.Errorf("authenticate: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return Identity{}, apperr.ErrUnauthenticated
	}
	sess := row.Session
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		sess.LastSeenAt, sess.ExpiresAt = now, s.expiry(sess.CreatedAt, now)
		res := db.Model(&models.Session{}).Where("id = ?", sess.ID).
			Updates(map[string]any{"last_seen_at": sess.LastSeenAt, "expires_at": sess.ExpiresAt})
		if res.Error != nil {
			return Identity{}, fmt.Errorf("authenticate: touch session: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return Identity{}, apperr.ErrUnauthenticated // ended since it was read
		}
	}
	id, err := withUnit(row.User, row.UnitName, row.UnitPath)
	if err != nil {
		return Identity{}, err
	}
	id.Session = &sess
	s.keep(key, gen, id)
	return id, nil
}

// columns lists, as "t.col AS <prefix>col", every column GORM maps for
// model: Authenticate and AuthenticateToken read a session or token with its
// user in one row, and the prefixes keep their ids and dates apart. Read from
// the models' schema, so a field added to a model is read too.
func columns(db *gorm.DB, model any, t, prefix string) string {
	sch, err := schema.Parse(model, &sync.Map{}, db.NamingStrategy)
	if err != nil {
		panic(fmt.Sprintf("schema of %T: %v", model, err)) // the models are fixed at compile time
	}
	out := make([]string, len(sch.DBNames))
	for i, c := range sch.DBNames {
		out[i] = t + "." + c + " AS " + prefix + c
	}
	return strings.Join(out, ", ")
}

// withUnit is the identity of user whose unit (read with it) has name and
// path; a user whose unit row is missing is an error, as a broken reference.
func withUnit(user models.User, name, path *string) (Identity, error) {
	id := Identity{User: user}
	if user.UnitID == nil {
		return id, nil
	}
	if name == nil || path == nil {
		return Identity{}, fmt.Errorf("load unit %d of user %d: %w", *user.UnitID, user.ID, gorm.ErrRecordNotFound)
	}
	id.UnitName, id.UnitPath = *name, *path
	return id, nil
}

func (s *Service) activeUser(ctx context.Context, userID int64) (models.User, error) {
	var user models.User
	err := s.db.WithContext(ctx).Where("id = ? AND active", userID).Take(&user).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.User{}, apperr.ErrUnauthenticated
	}
	if err != nil {
		return models.User{}, fmt.Errorf("load user %d: %w", userID, err)
	}
	return user, nil
}

// identityOf adds the user's unit name and path.
func (s *Service) identityOf(ctx context.Context, user models.User) (Identity, error) {
	id := Identity{User: user}
	if user.UnitID == nil {
		return id, nil
	}
	var unit models.Unit
	if err := s.db.WithContext(ctx).Select("name", "path").Where("id = ?", *user.UnitID).Take(&unit).Error; err != nil {
		return Identity{}, fmt.Errorf("load unit of user %d: %w", user.ID, err)
	}
	id.UnitName, id.UnitPath = unit.Name, unit.Path
	return id, nil
}

// Logout ends the session whose cookie token is token.
func (s *Service) Logout(ctx context.Context, actor authz.Actor, token string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("id = ?", HashToken(token)).Delete(&models.Session{})
		if res.Error != nil {
			return fmt.Errorf("logout: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // already ended: nothing to record
		}
		return audit.Record(tx, actor, "logout", "users", actor.UserID, nil, nil)
	})
}

// PasswordInput is the change-password form.
type PasswordInput struct {
	Current string `json:"current_password" form:"current_password" validate:"required,max=72"`
	New     string `json:"new_password" form:"new_password" validate:"required,min=10,max=72,nefield=Current" label:"field.new_password"`
	Confirm string `json:"confirm_password" form:"confirm_password" validate:"required,eqfield=New"`
}

// ChangePassword sets a new password after checking the current one and, in
// the same transaction, ends every other session of the user (the one in use,
// keepSessionID, stays) and revokes all their API tokens and calendar feed
// addresses: whoever learnt the old password may have made some of those.
func (s *Service) ChangePassword(ctx context.Context, actor authz.Actor, keepSessionID string, in PasswordInput, now time.Time) error {
	if err := apperr.Validate(in); err != nil {
		return err
	}
	user, err := s.activeUser(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if !CheckPassword(user.PasswordHash, in.Current) {
		return apperr.Field("current_password", "password", "auth.current_password_wrong")
	}
	hash, err := HashPassword(in.New)
	if err != nil {
		return apperr.Field("new_password", "min", "validation.min_text", "Count", MinPasswordLength)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Model(&models.User{}).Where("id = ?", user.ID).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		res := tx.Where("user_id = ? AND id <> ?", user.ID, keepSessionID).Delete(&models.Session{})
		if res.Error != nil {
			return fmt.Errorf("change password: end other sessions: %w", res.Error)
		}
		tokens, err := revokeCredentials(tx, "api_tokens", user.ID, now)
		if err != nil {
			return err
		}
		feeds, err := revokeCredentials(tx, "calendar_feed_tokens", user.ID, now)
		if err != nil {
			return err
		}
		return audit.Record(tx, actor, "password.change", "users", user.ID, nil, map[string]any{
			"other_sessions_ended": res.RowsAffected, "api_tokens_revoked": tokens, "calendar_feeds_revoked": feeds})
	})
}

// revokeCredentials revokes, in one statement, every live row of a table of
// secret tokens (api_tokens, calendar_feed_tokens) of a user, and returns the
// ids revoked for the audit log.
func revokeCredentials(tx *gorm.DB, table string, userID int64, now time.Time) ([]int64, error) {
	ids := []int64{}
	err := tx.Raw(`UPDATE `+table+` SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING id`,
		now, userID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("change password: revoke %s: %w", table, err)
	}
	return ids, nil
}

// PurgeExpired deletes ended sessions, failed login attempts older than a day
// and successful ones older than Limits.KnownFor (they mark known addresses);
// a job may call it.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("expires_at <= ?", now).Delete(&models.Session{}).Error; err != nil {
			return fmt.Errorf("purge sessions: %w", err)
		}
		err := tx.Where("at < ? AND (NOT succeeded OR at < ?)", now.Add(-24*time.Hour), now.Add(-s.limits.KnownFor)).
			Delete(&models.LoginAttempt{}).Error
		if err != nil {
			return fmt.Errorf("purge login attempts: %w", err)
		}
		return nil
	})
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the hex SHA-256 of a secret token, which is what the
// database keeps.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

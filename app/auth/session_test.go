package auth

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/models"
	"khung/models/dbtest"
)

const rightPassword = "mật khẩu đủ dài 2025"

var t0 = time.Date(2025, 9, 15, 8, 0, 0, 0, time.UTC)

const week = 7 * 24 * time.Hour

func newUser(t *testing.T, db *gorm.DB, email string) models.User {
	t.Helper()
	hash, err := HashPassword(rightPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := models.User{Email: email, FullName: "Trần Văn An", PasswordHash: hash, Role: models.RolePlanner,
		UnitPosition: models.PositionOffice, Locale: "vi", Active: true}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func count(t *testing.T, db *gorm.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := db.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func login(s *Service, email, password, ip string, now time.Time) (string, Identity, error) {
	return s.Login(context.Background(), LoginInput{Email: email, Password: password, IP: ip, UserAgent: "test"}, now)
}

func TestLoginWithTheRightPasswordOpensASession(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	u := newUser(t, db, "an@sonoivu.test")
	s := NewService(db, 12*time.Hour, week)

	token, id, err := login(s, "AN@sonoivu.test", rightPassword, "10.0.0.1", t0)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if id.User.ID != u.ID || id.Session == nil || token == "" {
		t.Fatalf("identity %+v, token %q", id, token)
	}
	var sess models.Session
	if err := db.Take(&sess).Error; err != nil {
		t.Fatal(err)
	}
	if sess.ID == token || sess.ID != HashToken(token) {
		t.Error("the session id must be the hash of the cookie token, never the token")
	}
	if !sess.ExpiresAt.Equal(t0.Add(12 * time.Hour)) {
		t.Errorf("expires at %v, want %v", sess.ExpiresAt, t0.Add(12*time.Hour))
	}
	if n := count(t, db, "audit_log", "action = 'login' AND entity_id = ?", u.ID); n != 1 {
		t.Errorf("audit rows for the login: %d, want 1", n)
	}
	if n := count(t, db, "login_attempts", "succeeded"); n != 1 {
		t.Errorf("successful attempts recorded: %d, want 1", n)
	}
}

func TestWrongPasswordUnknownEmailAndInactiveUserGetTheSameAnswer(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	newUser(t, db, "an@sonoivu.test")
	off := newUser(t, db, "off@sonoivu.test")
	db.Model(&off).Update("active", false)
	s := NewService(db, time.Hour, week)

	for _, c := range []struct{ name, email, password string }{
		{"wrong password", "an@sonoivu.test", "sai mật khẩu rồi"},
		{"unknown e-mail", "nobody@sonoivu.test", rightPassword},
		{"deactivated user", "off@sonoivu.test", rightPassword},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := login(s, c.email, c.password, "10.0.0.2", t0)
			if err != ErrBadCredentials {
				t.Fatalf("got %v, want ErrBadCredentials", err)
			}
		})
	}
	if n := count(t, db, "sessions", ""); n != 0 {
		t.Errorf("sessions: %d, want 0", n)
	}
	if n := count(t, db, "audit_log", "action = 'login.failed'"); n != 3 {
		t.Errorf("audit rows of failures: %d, want 3", n)
	}
}

func TestBadLoginInputIsRefusedAndWritesNothing(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	s := NewService(db, time.Hour, week)
	_, _, err := login(s, "not-an-email", "", "10.0.0.3", t0)
	ve, ok := apperr.AsValidation(err)
	if !ok || !ve.Has("email") || !ve.Has("password") {
		t.Fatalf("got %v, want a ValidationError on email and password", err)
	}
	for _, table := range []string{"login_attempts", "audit_log", "sessions"} {
		if n := count(t, db, table, ""); n != 0 {
			t.Errorf("%s: %d rows, want 0", table, n)
		}
	}
}

func TestTheSixthAttemptFromTheSameAddressIsRefusedEvenWithTheRightPassword(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	newUser(t, db, "an@sonoivu.test")
	s := NewService(db, time.Hour, week)

	for i := range 5 {
		if _, _, err := login(s, "an@sonoivu.test", "sai mật khẩu rồi", "10.0.0.4", t0.Add(time.Duration(i)*time.Minute)); err != ErrBadCredentials {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	attempts := count(t, db, "login_attempts", "")
	audits := count(t, db, "audit_log", "")

	_, _, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.4", t0.Add(5*time.Minute))
	if !errors.Is(err, apperr.ErrTooManyAttempts) {
		t.Fatalf("6th attempt: %v, want ErrTooManyAttempts", err)
	}
	var e *apperr.Error
	apperrtest.Render(t, err)
	if !errors.As(err, &e) || e.VI == "" || e.EN == "" {
		t.Fatalf("the refusal must explain itself in both languages: %#v", err)
	}
	if count(t, db, "sessions", "") != 0 || count(t, db, "login_attempts", "") != attempts || count(t, db, "audit_log", "") != audits {
		t.Error("a refused attempt must write nothing")
	}

	// The owner elsewhere is not locked out by someone else's guesses.
	if _, _, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.5", t0.Add(5*time.Minute)); err != nil {
		t.Fatalf("the right password from another address: %v", err)
	}
	// The first failure leaves the window at t0+15m: then the address may try again.
	if _, _, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.4", t0.Add(15*time.Minute+time.Second)); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// throttleStep is one login attempt of a throttle scenario and what it gets.
type throttleStep struct {
	at    time.Duration // after t0
	email string
	ip    string
	right bool   // the right password (else a wrong one)
	want  string // "ok", "wrong" (ErrBadCredentials) or "throttled"
}

func TestTheLoginThrottleStopsGuessersWithoutLockingTheOwnerOut(t *testing.T) {
	t.Parallel()
	// Small limits keep the scenarios short; DefaultLimits has the same shape.
	limits := Limits{MaxFailures: 3, Window: 15 * time.Minute, IPFailures: 5,
		AccountFailures: 4, AccountWindow: time.Hour, BackoffBase: time.Minute, MaxBackoff: 4 * time.Minute,
		KnownFor: 30 * 24 * time.Hour}
	const an = "an@sonoivu.test"
	m := func(minutes float64) time.Duration { return time.Duration(minutes * float64(time.Minute)) }
	wrong := func(at time.Duration, ip string) throttleStep { return throttleStep{at, an, ip, false, "wrong"} }
	right := func(at time.Duration, ip, want string) throttleStep { return throttleStep{at, an, ip, true, want} }

	for _, tt := range []struct {
		name  string
		steps []throttleStep
	}{
		{"a guesser locks only their own address, for at most the window", []throttleStep{
			wrong(m(0), "198.51.100.1"), wrong(m(1), "198.51.100.1"), wrong(m(2), "198.51.100.1"),
			right(m(3), "198.51.100.1", "throttled"),
			right(m(3), "10.0.0.1", "ok"),
			right(m(10), "198.51.100.1", "throttled"),
			right(m(15)+time.Second, "198.51.100.1", "ok"),
		}},
		{"the count of an address restarts when it signs in", []throttleStep{
			wrong(m(0), "10.0.0.1"), wrong(m(1), "10.0.0.1"), right(m(2), "10.0.0.1", "ok"),
			wrong(m(3), "10.0.0.1"), wrong(m(4), "10.0.0.1"), right(m(5), "10.0.0.1", "ok"),
		}},
		{"guessers with many addresses make a new address back off, doubling", []throttleStep{
			wrong(m(1), "198.51.100.1"), wrong(m(2), "198.51.100.2"), wrong(m(3), "198.51.100.3"), wrong(m(4), "198.51.100.4"),
			// 4 failures: the next attempt waits 1 minute after the latest.
			{m(4.5), an, "198.51.100.5", false, "throttled"},
			right(m(4.5), "203.0.113.7", "throttled"),
			wrong(m(5), "198.51.100.5"),
			// 5 failures: 2 minutes.
			right(m(6.5), "203.0.113.7", "throttled"),
			right(m(7)+time.Second, "203.0.113.7", "ok"),
		}},
		{"the right password from an address that signed in before always works", []throttleStep{
			right(-24*time.Hour, "10.0.0.1", "ok"),
			wrong(m(1), "198.51.100.1"), wrong(m(2), "198.51.100.2"), wrong(m(3), "198.51.100.3"), wrong(m(4), "198.51.100.4"),
			right(m(4)+time.Second, "203.0.113.7", "throttled"),
			right(m(4)+time.Second, "10.0.0.1", "ok"),
		}},
		{"the backoff stops growing at its cap", []throttleStep{
			wrong(m(0), "198.51.100.1"), wrong(m(0), "198.51.100.2"), wrong(m(0), "198.51.100.3"), wrong(m(0), "198.51.100.4"),
			wrong(m(1), "198.51.100.5"),  // waited 1 m
			wrong(m(3), "198.51.100.6"),  // waited 2 m
			wrong(m(7), "198.51.100.7"),  // waited 4 m
			wrong(m(11), "198.51.100.8"), // 8 m would be due: capped at 4 m
			right(m(15)-time.Second, "203.0.113.7", "throttled"),
			right(m(15)+time.Second, "203.0.113.7", "ok"),
		}},
		{"a success ends the backoff", []throttleStep{
			wrong(m(0), "198.51.100.1"), wrong(m(0), "198.51.100.2"), wrong(m(0), "198.51.100.3"), wrong(m(0), "198.51.100.4"),
			right(m(1)+time.Second, "203.0.113.7", "ok"),
			wrong(m(2), "198.51.100.5"),
			right(m(2), "203.0.113.8", "ok"),
		}},
		{"failures older than the account window are forgotten", []throttleStep{
			wrong(m(0), "198.51.100.1"), wrong(m(0), "198.51.100.2"), wrong(m(0), "198.51.100.3"), wrong(m(0), "198.51.100.4"),
			right(m(60)+time.Second, "203.0.113.7", "ok"),
		}},
		{"one address trying many accounts is stopped for all of them", []throttleStep{
			{m(0), "a@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "b@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "c@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "d@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "e@sonoivu.test", "198.51.100.9", false, "wrong"},
			right(m(1), "198.51.100.9", "throttled"),
			right(m(1), "10.0.0.1", "ok"),
		}},
		{"an address the owner signed in from is not closed to them by others' failures", []throttleStep{
			right(-time.Hour, "198.51.100.9", "ok"),
			{m(0), "a@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "b@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "c@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "d@sonoivu.test", "198.51.100.9", false, "wrong"},
			{m(0), "e@sonoivu.test", "198.51.100.9", false, "wrong"},
			right(m(1), "198.51.100.9", "ok"),
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := dbtest.Gorm(t)
			newUser(t, db, an)
			s := NewService(db, time.Hour, week).WithLimits(limits)
			for i, st := range tt.steps {
				pw := "sai mật khẩu rồi"
				if st.right {
					pw = rightPassword
				}
				_, _, err := login(s, st.email, pw, st.ip, t0.Add(st.at))
				got := "ok"
				switch {
				case errors.Is(err, apperr.ErrTooManyAttempts):
					got = "throttled"
				case err == ErrBadCredentials:
					got = "wrong"
				case err != nil:
					t.Fatalf("step %d: %v", i+1, err)
				}
				if got != st.want {
					t.Fatalf("step %d (%s from %s at %v, right password %v): %s, want %s",
						i+1, st.email, st.ip, st.at, st.right, got, st.want)
				}
			}
		})
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	l := DefaultLimits()
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{
		{10, 30 * time.Second}, {11, time.Minute}, {12, 2 * time.Minute}, {13, 4 * time.Minute},
		{14, 5 * time.Minute}, {1000, 5 * time.Minute},
	} {
		if got := backoff(l, tt.failures); got != tt.want {
			t.Errorf("backoff after %d failures = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestSessionsExpireWhenIdleAndStayAliveWhenUsed(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	newUser(t, db, "an@sonoivu.test")
	s := NewService(db, time.Hour, week)
	token, _, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Authenticate(ctx, token, t0.Add(50*time.Minute)); err != nil {
		t.Fatalf("used after 50 min: %v", err)
	}
	// Used at +50m, so it lives until +110m.
	if _, err := s.Authenticate(ctx, token, t0.Add(100*time.Minute)); err != nil {
		t.Fatalf("used after 100 min (50 idle): %v", err)
	}
	if _, err := s.Authenticate(ctx, token, t0.Add(161*time.Minute)); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("after 61 idle minutes: %v, want ErrUnauthenticated", err)
	}
	if _, err := s.Authenticate(ctx, "made-up", t0); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("unknown token: %v", err)
	}
}

func TestSessionsEndAtTheirMaximumAgeHoweverActive(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	newUser(t, db, "an@sonoivu.test")
	s := NewService(db, time.Hour, 3*time.Hour)
	ctx := context.Background()
	token, id, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	// Used every 50 minutes, the session would live forever on its idle expiry.
	for m := 50; m <= 150; m += 50 {
		if _, err := s.Authenticate(ctx, token, t0.Add(time.Duration(m)*time.Minute)); err != nil {
			t.Fatalf("used after %d min: %v", m, err)
		}
	}
	var sess models.Session
	if err := db.Take(&sess, "id = ?", id.Session.ID).Error; err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(3 * time.Hour); !sess.ExpiresAt.Equal(want) {
		t.Errorf("after use at +150m the session expires at %v, want its maximum age %v", sess.ExpiresAt, want)
	}
	if _, err := s.Authenticate(ctx, token, t0.Add(3*time.Hour+time.Second)); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("past the maximum age: %v, want ErrUnauthenticated", err)
	}

	// A row whose expiry lies beyond the maximum age (opened under a longer
	// SESSION_MAX_AGE, or before it existed) still ends at the maximum age.
	old, oldID, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.Session{}).Where("id = ?", oldID.Session.ID).Update("expires_at", t0.Add(30*24*time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, old, t0.Add(3*time.Hour+time.Second)); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("a legacy row past the maximum age: %v, want ErrUnauthenticated", err)
	}
}

func TestLogoutDeletesTheSession(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	u := newUser(t, db, "an@sonoivu.test")
	s := NewService(db, time.Hour, week)
	token, id, _ := login(s, "an@sonoivu.test", rightPassword, "10.0.0.1", t0)
	if err := s.Logout(context.Background(), id.Actor(), token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(context.Background(), token, t0); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("after logout: %v", err)
	}
	if n := count(t, db, "audit_log", "action = 'logout' AND user_id = ?", u.ID); n != 1 {
		t.Errorf("logout audit rows: %d", n)
	}
}

func TestChangePasswordChecksTheCurrentOneAndEndsOtherSessions(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	newUser(t, db, "an@sonoivu.test")
	s := NewService(db, time.Hour, week)
	ctx := context.Background()
	keep, id, _ := login(s, "an@sonoivu.test", rightPassword, "10.0.0.1", t0)
	other, _, _ := login(s, "an@sonoivu.test", rightPassword, "10.0.0.2", t0)
	actor := id.Actor()
	newPW := "một mật khẩu mới rất dài"
	token, _, err := s.CreateToken(ctx, actor, nil, TokenInput{Name: "Báo cáo"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	feed := models.CalendarFeedToken{UserID: actor.UserID, TokenHash: HashToken("khcal_feed"), CreatedAt: t0}
	if err := db.Create(&feed).Error; err != nil {
		t.Fatal(err)
	}
	bystander := newUser(t, db, "binh@sonoivu.test")
	bystanderToken, _, err := s.CreateToken(ctx, authz.Actor{UserID: bystander.ID, Role: bystander.Role}, nil, TokenInput{Name: "x"}, t0)
	if err != nil {
		t.Fatal(err)
	}

	bad := []struct {
		name  string
		in    PasswordInput
		field string
	}{
		{"wrong current password", PasswordInput{"sai rồi sai rồi", newPW, newPW}, "current_password"},
		{"short new password", PasswordInput{rightPassword, "ngắn", "ngắn"}, "new_password"},
		{"confirmation differs", PasswordInput{rightPassword, newPW, newPW + "x"}, "confirm_password"},
		{"same as the current", PasswordInput{rightPassword, rightPassword, rightPassword}, "new_password"},
		{"nothing filled", PasswordInput{}, "current_password"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			err := s.ChangePassword(ctx, actor, id.Session.ID, b.in, t0)
			ve, ok := apperr.AsValidation(err)
			if !ok || !ve.Has(b.field) {
				t.Fatalf("got %v, want a ValidationError on %s", err, b.field)
			}
			if n := count(t, db, "sessions", "user_id = ?", actor.UserID); n != 2 {
				t.Errorf("sessions: %d, want both kept", n)
			}
			if n := count(t, db, "api_tokens", "revoked_at IS NOT NULL"); n != 0 {
				t.Errorf("a refused change revoked %d API tokens", n)
			}
		})
	}

	if err := s.ChangePassword(ctx, actor, id.Session.ID, PasswordInput{rightPassword, newPW, newPW}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, keep, t0); err != nil {
		t.Errorf("the session in use must stay: %v", err)
	}
	if _, err := s.Authenticate(ctx, other, t0); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("other session: %v, want ended", err)
	}
	if _, err := s.AuthenticateToken(ctx, token, t0); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("API token after the change: %v, want revoked", err)
	}
	if n := count(t, db, "calendar_feed_tokens", "id = ? AND revoked_at = ?", feed.ID, t0); n != 1 {
		t.Error("the calendar feed address must be revoked with the password change")
	}
	if _, err := s.AuthenticateToken(ctx, bystanderToken, t0); err != nil {
		t.Errorf("another user's token: %v, want it untouched", err)
	}
	if _, _, err := login(s, "an@sonoivu.test", newPW, "10.0.0.3", t0); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	if _, _, err := login(s, "an@sonoivu.test", rightPassword, "10.0.0.3", t0); err != ErrBadCredentials {
		t.Errorf("login with the old password: %v", err)
	}
	if n := count(t, db, "audit_log", "action = 'password.change'"); n != 1 {
		t.Errorf("audit rows: %d", n)
	}
	if n := count(t, db, "audit_log", "action = 'password.change' AND after->'api_tokens_revoked' = '[1]'::jsonb"); n != 1 {
		var after string
		db.Raw("SELECT after::text FROM audit_log WHERE action = 'password.change'").Scan(&after)
		t.Errorf("the audit row must name the revoked token ids: %s", after)
	}
}

func TestAnAPITokenCannotCreateTokens(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	u := newUser(t, db, "an@sonoivu.test")
	s := NewService(db, time.Hour, week)
	ctx := context.Background()
	actor := authz.Actor{UserID: u.ID, Role: u.Role}
	oneDay, _, err := s.CreateToken(ctx, actor, nil, TokenInput{Name: "một ngày", ExpiresInDays: 1}, t0)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.AuthenticateToken(ctx, oneDay, t0)
	if err != nil {
		t.Fatal(err)
	}
	before := count(t, db, "api_tokens", "")
	for _, days := range []int{0, 1, 3650} {
		_, _, err := s.CreateToken(ctx, actor, id.Token, TokenInput{Name: "con", ExpiresInDays: days}, t0)
		if !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("a one-day token asking for %d days: %v, want ErrForbidden", days, err)
		}
		apperrtest.Render(t, err)
	}
	if n := count(t, db, "api_tokens", ""); n != before {
		t.Errorf("tokens: %d, want %d (nothing created)", n, before)
	}
}

func TestAPITokensAreShownOnceStoredHashedAndRevocable(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	u := newUser(t, db, "an@sonoivu.test")
	other := newUser(t, db, "binh@sonoivu.test")
	s := NewService(db, time.Hour, week)
	ctx := context.Background()
	actor := authz.Actor{UserID: u.ID, Role: u.Role}

	if _, _, err := s.CreateToken(ctx, actor, nil, TokenInput{Name: "  "}, t0); err == nil {
		t.Fatal("a token without a name was created")
	}
	plain, tok, err := s.CreateToken(ctx, actor, nil, TokenInput{Name: "Báo cáo", ExpiresInDays: 30}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "api_tokens", "token_hash = ?", plain); n != 0 {
		t.Fatal("the clear token is stored")
	}
	id, err := s.AuthenticateToken(ctx, plain, t0.Add(time.Hour))
	if err != nil || id.User.ID != u.ID || id.Token == nil {
		t.Fatalf("authenticate token: %v %+v", err, id)
	}
	if _, err := s.AuthenticateToken(ctx, plain, t0.AddDate(0, 0, 31)); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("expired token: %v", err)
	}
	err = s.RevokeToken(ctx, authz.Actor{UserID: other.ID, Role: other.Role}, tok.ID, t0)
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("revoking another user's token: %v, want ErrNotFound", err)
	}
	if err := s.RevokeToken(ctx, actor, tok.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateToken(ctx, plain, t0); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("revoked token: %v", err)
	}
	if n := count(t, db, "audit_log", "entity = 'api_tokens' AND entity_id = ?", tok.ID); n != 2 {
		t.Errorf("audit rows for create + revoke: %d", n)
	}
}

// queryCounter counts the statements GORM sends on db.
func queryCounter(t *testing.T, db *gorm.DB) *int {
	t.Helper()
	n := new(int)
	count := func(*gorm.DB) { *n++ }
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("test:count_query", count),
		"row":    cb.Row().After("gorm:row").Register("test:count_row", count),
		"raw":    cb.Raw().After("gorm:raw").Register("test:count_raw", count),
		"update": cb.Update().After("gorm:update").Register("test:count_update", count),
	} {
		if err != nil {
			t.Fatalf("register %s counter: %v", name, err)
		}
	}
	return n
}

func TestAuthenticationReadsTheWholeIdentityInOneQuery(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	unit := models.Unit{Code: "001", Name: "Quận Ba Đình", Kind: models.UnitDistrict, TypeLabel: "Quận", Path: "/001/"}
	if err := db.Create(&unit).Error; err != nil {
		t.Fatal(err)
	}
	newUser(t, db, "donvi@sonoivu.test")
	dbtest.MustExec(t, db, "UPDATE users SET role = 'unit', unit_id = ?, locale = 'en', unit_position = 'head' WHERE email = 'donvi@sonoivu.test'", unit.ID)
	newUser(t, db, "chuyenvien@sonoivu.test") // no unit
	s := NewService(db, time.Hour, week)
	ctx := context.Background()
	queries := queryCounter(t, db)

	type credentials struct{ session, token string }
	issued := map[string]credentials{}
	for _, email := range []string{"donvi@sonoivu.test", "chuyenvien@sonoivu.test"} {
		token, _, err := login(s, email, rightPassword, "10.0.0.1", t0)
		if err != nil {
			t.Fatal(err)
		}
		var want models.User
		if err := db.Take(&want, "email = ?", email).Error; err != nil {
			t.Fatal(err)
		}
		start := *queries
		id, err := s.Authenticate(ctx, token, t0.Add(30*time.Second)) // within touchEvery: no write
		if err != nil {
			t.Fatal(err)
		}
		if got := *queries - start; got != 1 {
			t.Errorf("%s: Authenticate sent %d statements, want 1 (session, user and unit together)", email, got)
		}
		if !reflect.DeepEqual(id.User, want) {
			t.Errorf("%s: user from the session:\n got %+v\nwant %+v", email, id.User, want)
		}
		wantName, wantPath := "", ""
		if want.UnitID != nil {
			wantName, wantPath = unit.Name, unit.Path
		}
		if id.UnitName != wantName || id.UnitPath != wantPath || id.Session == nil || id.Session.UserID != want.ID {
			t.Errorf("%s: unit %q %q, session %+v; want %q %q and the user's session", email, id.UnitName, id.UnitPath, id.Session, wantName, wantPath)
		}

		plain, _, err := s.CreateToken(ctx, id.Actor(), nil, TokenInput{Name: "script"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		byToken, err := s.AuthenticateToken(ctx, plain, t0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(byToken.User, want) || byToken.UnitPath != wantPath || byToken.Token == nil || byToken.Token.Name != "script" {
			t.Errorf("%s: identity of the API token: %+v, want user %+v, unit path %q", email, byToken, want, wantPath)
		}
		issued[email] = credentials{token, plain}
	}

	// Positive control: once the user is deactivated, neither resolves.
	dbtest.MustExec(t, db, "UPDATE users SET active = false WHERE email = 'donvi@sonoivu.test'")
	c := issued["donvi@sonoivu.test"]
	if _, err := s.Authenticate(ctx, c.session, t0.Add(time.Minute)); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("session of a deactivated user: %v, want ErrUnauthenticated", err)
	}
	if _, err := s.AuthenticateToken(ctx, c.token, t0.Add(time.Minute)); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("token of a deactivated user: %v, want ErrUnauthenticated", err)
	}
}

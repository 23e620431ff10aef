package auth

import (
	"sync"
	"time"

	"khung/app/changes"
)

// Why a kept identity is safe. Every request of a logged-in browser or
// script needs its session or token, user and unit; reading them costs a
// query per request. A replica keeps what it read, by token hash, at the
// generation of changes.Identity, which the triggers of migration 00027
// move on every committed change that could refuse or alter an identity: a
// session or token ended or revoked (logout, password change, revocation,
// purge), any change of a user but their last login, any change of a unit.
// A kept identity is served only at the same generation, and only while
//   - its session is within its idle expiry and absolute lifetime (checked
//     against the clock from the kept row, so expiry needs no notification),
//   - it was read less than touchEvery ago: then the session or token is
//     read again and touched, so a kept row is never older than a minute.
// While the listener is down nothing is kept or served (Generation says
// not live): every request reads the database.

// maxIdentities bounds the identities kept; when full, all are dropped.
const maxIdentities = 20000

type identityCache struct {
	mu  sync.Mutex
	gen int64
	ids map[string]Identity
}

// WithChanges returns a copy of s that keeps identities in memory, fresh as
// long as l is live (see above).
func (s *Service) WithChanges(l *changes.Listener) *Service {
	c := *s
	c.changes, c.ids = l, &identityCache{ids: map[string]Identity{}}
	return &c
}

// kept returns the identity kept for key when it is still good at now.
func (s *Service) kept(key string, now time.Time) (Identity, int64, bool) {
	gen, live := s.changes.Generation(changes.Identity)
	if !live || s.ids == nil {
		return Identity{}, -1, false
	}
	s.ids.mu.Lock()
	id, ok := s.ids.ids[key]
	ok = ok && s.ids.gen == gen
	s.ids.mu.Unlock()
	switch {
	case !ok:
		return Identity{}, gen, false
	case id.Session != nil:
		sess := *id.Session // a copy: the kept one is shared
		if !now.Before(sess.ExpiresAt) || !now.Before(sess.CreatedAt.Add(s.maxAge)) || now.Sub(sess.LastSeenAt) >= touchEvery {
			return Identity{}, gen, false
		}
		id.Session = &sess
	case id.Token != nil:
		t := *id.Token
		if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) || t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
			return Identity{}, gen, false
		}
		id.Token = &t
	}
	return id, gen, true
}

// keep keeps id under key as read at generation gen (-1: not live, nothing kept).
func (s *Service) keep(key string, gen int64, id Identity) {
	if gen < 0 || s.ids == nil {
		return
	}
	if id.Session != nil { // copies: the caller's may change
		sess := *id.Session
		id.Session = &sess
	}
	if id.Token != nil {
		t := *id.Token
		id.Token = &t
	}
	c := s.ids
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return // read before a change this replica has already heard of
	case gen > c.gen || len(c.ids) >= maxIdentities:
		clear(c.ids)
		c.gen = gen
	}
	c.ids[key] = id
}

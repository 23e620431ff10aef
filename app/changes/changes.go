// Package changes hears from PostgreSQL (LISTEN/NOTIFY) when data that this
// process keeps in memory has changed, so that its caches need no query per
// request to know whether they are still true: the calendar's and the
// board's answers (app/viewcache) and the logged-in identities (app/auth).
//
// Why a cache may trust it. The triggers of migrations 00015 and 00027 call
// pg_notify in the writing transaction; PostgreSQL delivers a notification
// only when that transaction commits, to every listening connection (every
// replica), in commit order, and signals the listeners before it answers the
// writer. Each notification moves a Generation; a cache keeps an answer only
// with the generation it was built at and serves it only to a request that
// read the same one. So an answer is never served once its change has been
// heard. While the listening connection is down a notification could be
// missed, so Generation then says "not live" and the caches neither serve nor
// keep anything (every request reads the database, as without a cache); when
// the connection is back, LISTEN comes first, then every generation moves
// (what was kept before is dropped), and only then is it live again. A
// connection that dies silently is found by a ping after PingEvery of quiet.
//
// The window left: a change is seen by a replica when its notification
// arrives, a few milliseconds after the commit on a busy host. So a request
// that may have written waits before it answers (Fence) until every
// listening replica has heard its changes: whoever got the answer of a
// logout, a password change or a moved visit is refused or shown the change
// by every replica on the next request. Writes that no request makes (jobs,
// commands) are seen within that window.
package changes

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// The channels the triggers notify (migration 00027).
const (
	// Calendar: a table a calendar or a board shows, or the visibility rule
	// reads, changed.
	Calendar = "khung_calendar"
	// Identity: a session ended, or a user, unit or API token changed.
	Identity = "khung_identity"
	// fence carries Fence's markers; every listener answers each on fenceAck.
	fence    = "khung_fence"
	fenceAck = "khung_fence_ack"
)

// ApplicationName names the listening connection in pg_stat_activity.
const ApplicationName = "khung listener"

// Listener keeps one connection of the pool listening and counts the
// notifications of each channel. A nil *Listener is never live.
type Listener struct {
	db  *sql.DB
	log *slog.Logger
	// Retry is how long to wait before listening again after the connection
	// is lost; PingEvery how long a quiet connection goes unchecked.
	Retry, PingEvery time.Duration

	live atomic.Bool
	gens map[string]*atomic.Int64 // per channel; the map is fixed at New

	prefix string // this process's part of fence markers
	seq    atomic.Int64
	mu     sync.Mutex
	fences map[string]*fenceWait // waiting Fence calls, by marker
}

// fenceWait is a Fence call waiting for need listeners (0: not yet counted)
// to answer its marker.
type fenceWait struct {
	heard, need int
	done        chan struct{}
}

// New returns a listener on db (a pgx pool) that is not yet listening: Run it.
func New(db *sql.DB, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Listener{db: db, log: log, Retry: time.Second, PingEvery: 5 * time.Second,
		gens:   map[string]*atomic.Int64{Calendar: {}, Identity: {}},
		prefix: hex.EncodeToString(b), fences: map[string]*fenceWait{}}
}

// Start runs l until ctx ends; stop cancels it and waits for the connection
// to be given back.
func Start(ctx context.Context, l *Listener) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Run(ctx)
	}()
	return func() { cancel(); <-done }
}

// Generation returns how many times channel's data has changed (as heard),
// and false when the listener is not connected: nothing kept may be trusted
// then, nor kept.
func (l *Listener) Generation(channel string) (int64, bool) {
	if l == nil || !l.live.Load() {
		return 0, false
	}
	return l.gens[channel].Load(), true
}

// Live tells whether the listener is connected (for tests and diagnostics).
func (l *Listener) Live() bool { return l != nil && l.live.Load() }

// Run listens until ctx ends, connecting again after Retry when the
// connection is lost.
func (l *Listener) Run(ctx context.Context) {
	for {
		err := l.listen(ctx)
		l.down()
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("database notifications lost: caches off until listening again", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(l.Retry):
		}
	}
}

// down marks every cache stale (the order matters: not live first, so no
// request reads the moved number as live before it is live again).
func (l *Listener) down() {
	l.live.Store(false)
	for _, g := range l.gens {
		g.Add(1)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, w := range l.fences { // nothing is kept while down: their wait is over
		close(w.done)
		delete(l.fences, id)
	}
}

// listen takes a connection out of the pool for as long as it listens. It
// is never given back: a connection that has run LISTEN is closed.
func (l *Listener) listen(ctx context.Context) error {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("listen: %T is not a pgx connection", dc)
		}
		pc := sc.Conn()
		for _, ch := range []string{Calendar, Identity, fence, fenceAck} {
			if _, err := pc.Exec(ctx, "LISTEN "+ch); err != nil {
				return fmt.Errorf("listen %s: %w", ch, err)
			}
		}
		// Named once it listens: Fence counts the listeners by this name (and
		// an operator sees it in pg_stat_activity).
		if _, err := pc.Exec(ctx, "SET application_name = '"+ApplicationName+"'"); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		// Anything could have changed while nobody listened: move every
		// generation before the caches are trusted again.
		for _, g := range l.gens {
			g.Add(1)
		}
		l.live.Store(true)
		l.log.Info("listening to database notifications")
		for {
			wctx, cancel := context.WithTimeout(ctx, l.PingEvery)
			n, err := pc.WaitForNotification(wctx)
			cancel()
			switch {
			case err == nil && n.Channel == fence:
				// Everything committed before the marker has been heard: say so.
				if _, err := pc.Exec(ctx, "SELECT pg_notify($1, $2)", fenceAck, n.Payload); err != nil {
					return fmt.Errorf("listen: answer a fence: %w", err)
				}
			case err == nil:
				l.heard(n.Channel, n.Payload)
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.Is(err, context.DeadlineExceeded):
				pctx, cancel := context.WithTimeout(ctx, l.PingEvery)
				err := pc.Ping(pctx)
				cancel()
				if err != nil {
					return fmt.Errorf("listen: ping: %w", err)
				}
			default:
				return fmt.Errorf("listen: %w", err)
			}
		}
	})
	return errors.Join(err, driver.ErrBadConn) // never back to the pool
}

func (l *Listener) heard(channel, payload string) {
	if channel == fenceAck {
		l.mu.Lock()
		defer l.mu.Unlock()
		if w, ok := l.fences[payload]; ok {
			w.heard++
			l.settle(payload, w)
		}
		return
	}
	if g, ok := l.gens[channel]; ok {
		g.Add(1)
	}
}

// settle ends w's wait once every counted listener answered (l.mu held).
func (l *Listener) settle(id string, w *fenceWait) {
	if w.need > 0 && w.heard >= w.need {
		close(w.done)
		delete(l.fences, id)
	}
}

// Fence returns once every listening replica (this one included) has heard
// every notification of the transactions committed before it was called: it
// counts the listeners (their connections' application_name), sends a
// marker, and waits until each has answered it — a listener answers after
// it has heard all that came before (notifications arrive in commit order).
// A request that may have written calls it before answering. It returns at
// once when this listener is down (nothing is kept then), and gives up after
// timeout (a replica hung while connected).
func (l *Listener) Fence(ctx context.Context, timeout time.Duration) error {
	if !l.Live() {
		return nil
	}
	id := fmt.Sprintf("%s-%d", l.prefix, l.seq.Add(1))
	w := &fenceWait{done: make(chan struct{})}
	l.mu.Lock()
	l.fences[id] = w
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.fences, id)
	}()
	// One statement: the listeners counted are listening before the marker
	// commits, so each of them hears it.
	var need int
	err := l.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1), pg_notify($2, $3)::text`,
		ApplicationName, fence, id).Scan(&need, new(string))
	if err != nil {
		return fmt.Errorf("fence: %w", err)
	}
	l.mu.Lock()
	w.need = max(need, 1)
	if _, waiting := l.fences[id]; waiting {
		l.settle(id, w)
	}
	l.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-time.After(timeout):
		l.mu.Lock()
		defer l.mu.Unlock()
		return fmt.Errorf("fence: %d of %d listeners answered within %s", w.heard, need, timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

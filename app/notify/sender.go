package notify

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wneessen/go-mail"
	"gorm.io/gorm"
)

// SMTP says where and how to send mail.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	SSL      bool   // implicit TLS (smtps://); otherwise STARTTLS when offered
	NoTLS    bool   // plain text only (tests, a relay on localhost)
	From     string // the sender address
}

// SMTPFromURL reads smtp://user:pass@host:port (STARTTLS when the server offers
// it) or smtps://… (implicit TLS); ?tls=none forces plain text.
func SMTPFromURL(u *url.URL, from string) (SMTP, error) {
	if u == nil {
		return SMTP{}, errors.New("SMTP_URL: not set")
	}
	s := SMTP{Host: u.Hostname(), SSL: u.Scheme == "smtps", From: from, NoTLS: u.Query().Get("tls") == "none"}
	if s.Host == "" {
		return SMTP{}, errors.New("SMTP_URL: no host")
	}
	s.Port = 587
	if s.SSL {
		s.Port = 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTP{}, fmt.Errorf("SMTP_URL: port %q: must be 1–65535", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if !strings.Contains(from, "@") {
		return SMTP{}, fmt.Errorf("MAIL_FROM %q: not an e-mail address", from)
	}
	return s, nil
}

// Sender sends the mail outbox. Several senders (in several processes) may run
// at once: each claims its own batches with FOR UPDATE SKIP LOCKED.
//
// A batch is claimed with a lease (claimed_by names the batch, lease_until is
// read on the database's clock) that the sender renews every Lease/3 while it
// sends. Another sender takes rows back only once their lease has run out: the
// sender died, or lost the database long enough to stop sending. A sender
// starts a mail only while its last confirmed lease has at least Lease/3 left,
// and records an outcome only while it still holds the row (… WHERE
// claimed_by = its batch), so a row marked sent by another sender is never sent
// again. What remains is the crash between the SMTP server's acceptance and
// the "sent" mark: that mail goes out again, with the same Message-ID.
type Sender struct {
	db   *gorm.DB
	smtp SMTP
	log  *slog.Logger
	name string       // this sender in claimed_by: "host:pid:random"
	seq  atomic.Int64 // batches claimed so far

	// BatchSize is how many rows one claim takes (sent over one connection).
	BatchSize int
	// Lease is how long a claimed batch stays the sender's without renewal.
	// It bounds how long the rows of a dead sender wait, and must exceed what
	// one mail can take while the database is out of reach (about 3×Timeout
	// is safe; the lease is renewed during a slow mail as long as the database
	// answers).
	Lease time.Duration
	// MaxAttempts is how many times a mail is tried before it is given up on.
	MaxAttempts int
	// Backoff is the wait after the first failure; it doubles with each further
	// failure, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds each SMTP connection's commands.
	Timeout time.Duration
}

// NewSender returns a sender of db's outbox over smtp with the default tuning.
func NewSender(db *gorm.DB, smtp SMTP, log *slog.Logger) *Sender {
	return &Sender{
		db: db, smtp: smtp, log: log, name: senderName(),
		BatchSize: 200, Lease: 2 * time.Minute, MaxAttempts: 8,
		Backoff: time.Minute, MaxBackoff: 6 * time.Hour, Timeout: 30 * time.Second,
	}
}

// senderName tells senders apart in claimed_by: the host and process for the
// operator, and a random part for two senders of one process.
func senderName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), rand.Text()[:8])
}

// SendResult counts what a run did.
type SendResult struct {
	Sent      int // delivered to the SMTP server
	Retry     int // failed, scheduled again
	Failed    int // given up on
	Reclaimed int // taken back from a sender whose lease ran out
	Released  int // claimed but not tried because the run was cancelled or the lease could not be renewed
	Lost      int // claimed, then taken over by another sender before being tried (not sent by this one)
}

// backoff returns the wait before attempt+1 after attempt failed ones.
func (s *Sender) backoff(attempts int) time.Duration {
	d := s.Backoff
	for i := 1; i < attempts && d < s.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.MaxBackoff)
}

// Run sends every mail due at now, batch after batch, until none is left or ctx
// is cancelled. Before each batch it takes back the rows whose lease ran out.
// Rows claimed but not tried when ctx ends are released at once. now is the
// time of the schedule (due mail, retries, sent_at); leases run on the
// database's clock.
func (s *Sender) Run(ctx context.Context, now time.Time) (SendResult, error) {
	now = now.Truncate(time.Microsecond)
	var res SendResult
	for ctx.Err() == nil {
		n, err := s.reclaim(ctx)
		if err != nil {
			return res, err
		}
		res.Reclaimed += n
		b, err := s.claim(ctx, now)
		if err != nil {
			return res, err
		}
		if len(b.rows) == 0 {
			break
		}
		r, err := s.send(ctx, now, b)
		res.Sent += r.Sent
		res.Retry += r.Retry
		res.Failed += r.Failed
		res.Released += r.Released
		res.Lost += r.Lost
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// reclaimSQL takes back rows whose lease ran out, by the database's clock: their
// sender died or lost the database. The attempt it counted stays counted.
const reclaimSQL = `
UPDATE mail_outbox SET status = 'pending', claimed_by = NULL, claimed_at = NULL, lease_until = NULL
 WHERE status = 'sending' AND lease_until < clock_timestamp()`

func (s *Sender) reclaim(ctx context.Context) (int, error) {
	q := s.db.WithContext(ctx).Exec(reclaimSQL)
	if q.Error != nil {
		return 0, fmt.Errorf("reclaim mail of expired leases: %w", q.Error)
	}
	return int(q.RowsAffected), nil
}

// claimMailSQL moves up to n due rows to "sending" under one batch name and
// lease, in one statement. SKIP LOCKED lets concurrent senders take disjoint
// rows instead of waiting for each other; the (status, next_attempt_at) index
// serves the inner query. The lease starts on the database's clock at the
// claim, not at the start of the run.
const claimMailSQL = `
UPDATE mail_outbox AS o
   SET status = 'sending', claimed_by = ?, claimed_at = clock_timestamp(),
       lease_until = clock_timestamp() + make_interval(secs => ?), attempts = o.attempts + 1
  FROM (SELECT id FROM mail_outbox
         WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id
         LIMIT ?
         FOR UPDATE SKIP LOCKED) AS due
 WHERE o.id = due.id
RETURNING o.id, o.dedupe_key, o.to_email, o.to_name, o.subject, o.body_text, o.body_html, o.attempts`

type outgoing struct {
	ID        int64
	DedupeKey string
	ToEmail   string
	ToName    string
	Subject   string
	BodyText  string
	BodyHTML  string
	Attempts  int
}

// batch is what one claim took: its rows and the lease they are held under.
type batch struct {
	by   string // claimed_by
	rows []outgoing

	mu    sync.Mutex
	held  map[int64]bool // rows the last renewal found still ours
	until time.Time      // the lease as last confirmed, on this process's monotonic clock
}

func (s *Sender) claim(ctx context.Context, now time.Time) (*batch, error) {
	b := &batch{by: fmt.Sprintf("%s/%d", s.name, s.seq.Add(1))}
	// The lease is counted from before the statement: this process's idea of it
	// ends no later than the database's.
	asked := time.Now()
	if err := s.db.WithContext(ctx).Raw(claimMailSQL, b.by, s.Lease.Seconds(), now, s.BatchSize).Scan(&b.rows).Error; err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	slices.SortFunc(b.rows, func(x, y outgoing) int { return int(x.ID - y.ID) })
	b.held = make(map[int64]bool, len(b.rows))
	for _, o := range b.rows {
		b.held[o.ID] = true
	}
	b.until = asked.Add(s.Lease)
	return b, nil
}

// renewSQL extends the lease of the rows the batch still holds and returns them.
const renewSQL = `
UPDATE mail_outbox SET lease_until = clock_timestamp() + make_interval(secs => ?)
 WHERE id = ANY(?::bigint[]) AND status = 'sending' AND claimed_by = ?
RETURNING id`

// renew extends the batch's lease once; rows another sender took are dropped
// from it.
func (s *Sender) renew(ctx context.Context, b *batch) error {
	b.mu.Lock()
	ids := make([]int64, 0, len(b.held))
	for id := range b.held {
		ids = append(ids, id)
	}
	b.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	asked := time.Now()
	var still []int64
	if err := s.db.WithContext(ctx).Raw(renewSQL, s.Lease.Seconds(), sqlArray(ids), b.by).Scan(&still).Error; err != nil {
		return fmt.Errorf("renew the lease of %s: %w", b.by, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.until = asked.Add(s.Lease)
	keep := make(map[int64]bool, len(still))
	for _, id := range still {
		if b.held[id] {
			keep[id] = true
		}
	}
	b.held = keep
	return nil
}

// keepRenewing renews b's lease every Lease/3 until ctx ends. A failed renewal
// is logged and tried again at the next tick; meanwhile the lease runs down and
// the sender stops starting mails (see mayStart).
func (s *Sender) keepRenewing(ctx context.Context, b *batch) {
	t := time.NewTicker(s.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.renew(ctx, b); err != nil && ctx.Err() == nil {
				s.log.Warn("mail lease not renewed", "batch", b.by, "error", err)
			}
		}
	}
}

// mayStart tells whether row id may be sent now: the batch still holds it and
// its lease has at least Lease/3 left (ok false with expiring true: stop the
// batch; ok and expiring false: another sender took the row over).
func (s *Sender) mayStart(b *batch, id int64) (ok, expiring bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if time.Until(b.until) < s.Lease/3 {
		return false, true
	}
	return b.held[id], false
}

func (s *Sender) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(s.smtp.Port), mail.WithTimeout(s.Timeout), mail.WithoutNoop()}
	switch {
	case s.smtp.SSL:
		opts = append(opts, mail.WithSSL())
	case s.smtp.NoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if s.smtp.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.smtp.Username), mail.WithPassword(s.smtp.Password))
	}
	return mail.NewClient(s.smtp.Host, opts...)
}

// message builds the mail of row o. Its Message-ID is derived from the outbox
// row, so a mail sent twice (a crash between the server's acceptance and the
// "sent" mark) carries the same Message-ID and mail clients show it once.
func (s *Sender) message(o outgoing, now time.Time) (*mail.Msg, error) {
	m := mail.NewMsg()
	if err := m.From(s.smtp.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", s.smtp.From, err)
	}
	if err := m.AddToFormat(o.ToName, o.ToEmail); err != nil {
		return nil, fmt.Errorf("to %q: %w", o.ToEmail, err)
	}
	m.Subject(o.Subject)
	m.SetBodyString(mail.TypeTextPlain, o.BodyText)
	if o.BodyHTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, o.BodyHTML)
	}
	domain := s.smtp.From[strings.LastIndex(s.smtp.From, "@")+1:]
	m.SetMessageIDWithValue(fmt.Sprintf("outbox-%d@%s", o.ID, domain))
	m.SetDateWithValue(now)
	m.SetGenHeader("X-Khung-Key", o.DedupeKey)
	return m, nil
}

// markSentSQL records a delivery, only while the batch still holds the row.
const markSentSQL = `
UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = '', claimed_by = NULL, lease_until = NULL
 WHERE id = ? AND status = 'sending' AND claimed_by = ?`

// send delivers batch b over one connection, renewing its lease meanwhile, and
// records each outcome as soon as it is known, so that a crash repeats at most
// the mail in flight.
func (s *Sender) send(ctx context.Context, now time.Time, b *batch) (SendResult, error) {
	var res SendResult
	// Outcomes are recorded even when ctx is cancelled meanwhile: a mail the
	// server accepted must be marked sent.
	mark := context.WithoutCancel(ctx)
	renewing, stopRenewing := context.WithCancel(mark)
	var wg sync.WaitGroup
	wg.Go(func() { s.keepRenewing(renewing, b) })
	defer wg.Wait()
	defer stopRenewing()

	c, err := s.client()
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		for _, o := range b.rows {
			if err := s.fail(mark, now, b, o, fmt.Errorf("connect to %s:%d: %w", s.smtp.Host, s.smtp.Port, err), &res); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	defer c.Close()
	for i, o := range b.rows {
		ok, expiring := s.mayStart(b, o.ID)
		if ctx.Err() != nil || expiring {
			if expiring {
				s.log.Warn("mail lease running out: the batch's other mails are left to another sender", "batch", b.by)
			}
			n, err := s.release(mark, b, b.rows[i:])
			res.Released += n
			return res, err
		}
		if !ok {
			s.log.Warn("mail taken over by another sender before it was tried", "batch", b.by, "outbox_id", o.ID)
			res.Lost++
			continue
		}
		m, err := s.message(o, now)
		if err == nil {
			err = c.Send(m)
		}
		if err != nil {
			if err := s.fail(mark, now, b, o, err, &res); err != nil {
				return res, err
			}
			continue
		}
		q := s.db.WithContext(mark).Exec(markSentSQL, now, o.ID, b.by)
		if q.Error != nil {
			return res, fmt.Errorf("mark mail %d sent: %w", o.ID, q.Error)
		}
		if q.RowsAffected == 0 {
			// Only possible when this process stalled past its lease mid-mail.
			s.log.Error("mail sent after its lease ran out: another sender may send it too", "batch", b.by, "outbox_id", o.ID)
			res.Lost++
			continue
		}
		res.Sent++
	}
	return res, nil
}

// permanent reports whether the server refused the mail for good (a 5xx reply):
// retrying would not help. Network trouble and 4xx replies are retried.
func permanent(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600
}

// fail records a failed attempt: retried after the backoff, or given up on
// after MaxAttempts or a permanent refusal (then it waits on the admin's
// outbox page for a retry).
func (s *Sender) fail(ctx context.Context, now time.Time, b *batch, o outgoing, cause error, res *SendResult) error {
	status := "pending"
	if permanent(cause) || o.Attempts >= s.MaxAttempts {
		status = "failed"
	}
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	q := s.db.WithContext(ctx).Exec(
		`UPDATE mail_outbox SET status = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL, claimed_at = NULL, lease_until = NULL
		  WHERE id = ? AND status = 'sending' AND claimed_by = ?`,
		status, now.Add(s.backoff(o.Attempts)), msg, o.ID, b.by)
	if q.Error != nil {
		return fmt.Errorf("record failure of mail %d: %w", o.ID, q.Error)
	}
	switch {
	case q.RowsAffected == 0:
		res.Lost++
	case status == "failed":
		res.Failed++
		s.log.Warn("mail given up", "outbox_id", o.ID, "attempts", o.Attempts, "error", msg)
	default:
		res.Retry++
		s.log.Info("mail will be retried", "outbox_id", o.ID, "attempts", o.Attempts, "error", msg)
	}
	return nil
}

// release gives back rows of b that were not tried; their attempt is not counted.
func (s *Sender) release(ctx context.Context, b *batch, rows []outgoing) (int, error) {
	ids := make([]int64, len(rows))
	for i, o := range rows {
		ids[i] = o.ID
	}
	q := s.db.WithContext(ctx).Exec(
		`UPDATE mail_outbox SET status = 'pending', claimed_by = NULL, claimed_at = NULL, lease_until = NULL, attempts = attempts - 1
		  WHERE id = ANY(?::bigint[]) AND status = 'sending' AND claimed_by = ?`, sqlArray(ids), b.by)
	if q.Error != nil {
		return 0, fmt.Errorf("release unsent mail: %w", q.Error)
	}
	return int(q.RowsAffected), nil
}

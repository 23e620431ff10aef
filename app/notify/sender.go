package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
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
// at once: each claims its own rows with FOR UPDATE SKIP LOCKED.
type Sender struct {
	db   *gorm.DB
	smtp SMTP
	log  *slog.Logger

	// BatchSize is how many rows one claim takes (sent over one connection).
	BatchSize int
	// StuckAfter is how long a row may stay in "sending" before another sender
	// takes it back: its sender crashed mid-batch.
	StuckAfter time.Duration
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
		db: db, smtp: smtp, log: log,
		BatchSize: 200, StuckAfter: 10 * time.Minute, MaxAttempts: 8,
		Backoff: time.Minute, MaxBackoff: 6 * time.Hour, Timeout: 30 * time.Second,
	}
}

// SendResult counts what a run did.
type SendResult struct {
	Sent      int // delivered to the SMTP server
	Retry     int // failed, scheduled again
	Failed    int // given up on
	Reclaimed int // taken back from a crashed sender
	Released  int // claimed but not tried because the run was cancelled
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
// is cancelled. Rows claimed but not tried when ctx ends are released at once;
// rows of a sender that died are reclaimed after StuckAfter.
func (s *Sender) Run(ctx context.Context, now time.Time) (SendResult, error) {
	now = now.Truncate(time.Microsecond) // as stored: outcomes are matched to the claim by claimed_at
	var res SendResult
	n, err := s.reclaim(ctx, now)
	if err != nil {
		return res, err
	}
	res.Reclaimed = n
	for ctx.Err() == nil {
		batch, err := s.claim(ctx, now)
		if err != nil {
			return res, err
		}
		if len(batch) == 0 {
			break
		}
		r, err := s.send(ctx, now, batch)
		res.Sent += r.Sent
		res.Retry += r.Retry
		res.Failed += r.Failed
		res.Released += r.Released
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// reclaimSQL takes back rows whose sender has not reported for StuckAfter: it
// crashed after claiming them. The attempt it counted stays counted.
const reclaimSQL = `
UPDATE mail_outbox SET status = 'pending', claimed_at = NULL
 WHERE status = 'sending' AND claimed_at < ?`

func (s *Sender) reclaim(ctx context.Context, now time.Time) (int, error) {
	q := s.db.WithContext(ctx).Exec(reclaimSQL, now.Add(-s.StuckAfter))
	if q.Error != nil {
		return 0, fmt.Errorf("reclaim stuck mail: %w", q.Error)
	}
	return int(q.RowsAffected), nil
}

// claimSQL moves up to n due rows to "sending" in one statement. SKIP LOCKED
// lets concurrent senders take disjoint rows instead of waiting for each other;
// the (status, next_attempt_at) index serves the inner query.
const claimMailSQL = `
UPDATE mail_outbox AS o
   SET status = 'sending', claimed_at = ?, attempts = o.attempts + 1
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

func (s *Sender) claim(ctx context.Context, now time.Time) ([]outgoing, error) {
	var batch []outgoing
	if err := s.db.WithContext(ctx).Raw(claimMailSQL, now, now, s.BatchSize).Scan(&batch).Error; err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return batch, nil
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

// send delivers one batch claimed at now over one connection and records each
// outcome as soon as it is known, so that a crash repeats at most the mail in
// flight. Every update is guarded by the claim (status and claimed_at), so a
// sender never records an outcome for rows another sender has taken back.
func (s *Sender) send(ctx context.Context, now time.Time, batch []outgoing) (SendResult, error) {
	var res SendResult
	// Outcomes are recorded even when ctx is cancelled meanwhile: a mail the
	// server accepted must be marked sent.
	mark := context.WithoutCancel(ctx)
	c, err := s.client()
	if err == nil {
		err = c.DialWithContext(ctx)
	}
	if err != nil {
		for _, o := range batch {
			if err := s.fail(mark, now, o, fmt.Errorf("connect to %s:%d: %w", s.smtp.Host, s.smtp.Port, err), &res); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	defer c.Close()
	// Stop well before StuckAfter: past it another sender may take the rows back.
	stopBy := time.Now().Add(s.StuckAfter / 2)
	for i, o := range batch {
		if ctx.Err() != nil || time.Now().After(stopBy) {
			n, err := s.release(mark, now, batch[i:])
			res.Released += n
			return res, err
		}
		m, err := s.message(o, now)
		if err == nil {
			err = c.Send(m)
		}
		if err != nil {
			if err := s.fail(mark, now, o, err, &res); err != nil {
				return res, err
			}
			continue
		}
		if err := s.db.WithContext(mark).Exec(
			`UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ? AND status = 'sending' AND claimed_at = ?`,
			now, o.ID, now).Error; err != nil {
			return res, fmt.Errorf("mark mail %d sent: %w", o.ID, err)
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
// after MaxAttempts or a permanent refusal.
func (s *Sender) fail(ctx context.Context, now time.Time, o outgoing, cause error, res *SendResult) error {
	status := "pending"
	if permanent(cause) || o.Attempts >= s.MaxAttempts {
		status = "failed"
	}
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	err := s.db.WithContext(ctx).Exec(
		`UPDATE mail_outbox SET status = ?, next_attempt_at = ?, last_error = ?, claimed_at = NULL
		  WHERE id = ? AND status = 'sending' AND claimed_at = ?`,
		status, now.Add(s.backoff(o.Attempts)), msg, o.ID, now).Error
	if err != nil {
		return fmt.Errorf("record failure of mail %d: %w", o.ID, err)
	}
	if status == "failed" {
		res.Failed++
		s.log.Warn("mail given up", "outbox_id", o.ID, "attempts", o.Attempts, "error", msg)
	} else {
		res.Retry++
		s.log.Info("mail will be retried", "outbox_id", o.ID, "attempts", o.Attempts, "error", msg)
	}
	return nil
}

// release gives back rows claimed at now but not tried; their attempt is not counted.
func (s *Sender) release(ctx context.Context, now time.Time, rows []outgoing) (int, error) {
	ids := make([]int64, len(rows))
	for i, o := range rows {
		ids[i] = o.ID
	}
	q := s.db.WithContext(ctx).Exec(
		`UPDATE mail_outbox SET status = 'pending', claimed_at = NULL, attempts = attempts - 1
		  WHERE id = ANY(?::bigint[]) AND status = 'sending' AND claimed_at = ?`, sqlArray(ids), now)
	if q.Error != nil {
		return 0, fmt.Errorf("release unsent mail: %w", q.Error)
	}
	return int(q.RowsAffected), nil
}

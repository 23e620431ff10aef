// Package notify records notifications and delivers them: each one becomes an
// in-app item and, when it goes by mail, a row of the durable mail outbox, both
// under the same per-recipient dedupe key and in the caller's transaction. The
// Sender then sends the outbox over SMTP, claiming batches with FOR UPDATE SKIP
// LOCKED under a lease that it renews while it sends, retrying failures with
// exponential backoff and taking back rows whose lease ran out (their sender
// died). Mail given up on waits for the administrator (Outbox: list, retry).
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"

	"khung/views"
)

// Site is what writing a notification needs besides the note: the catalogs
// that render it in the recipient's language and the app's public address for
// the links in mails.
type Site struct {
	Locales *views.Locales
	BaseURL string // e.g. "https://khung.hanoi.gov.vn"; "" leaves the links relative
}

// Recipient is the person a notification is for.
type Recipient struct {
	UserID int64
	Email  string
	Name   string
	Locale string // "vi" (default) or "en"
}

// Item is one notification for one recipient. Key names the occasion without
// the recipient ("rec:42:before:7@2026-12-01"); DedupeKey adds the recipient.
type Item struct {
	Key  string
	To   Recipient
	Note Note
	Mail bool // also send it by e-mail
}

// DedupeKey is the item's unique key in sent_notification_keys, notifications
// and mail_outbox: "rec:42:before:7@2026-12-01:user:5".
func (it Item) DedupeKey() string { return DedupeKey(it.Key, it.To.UserID) }

// DedupeKey joins an occasion's key and a recipient.
func DedupeKey(key string, userID int64) string {
	return key + ":user:" + strconv.FormatInt(userID, 10)
}

// Result counts what a delivery wrote.
type Result struct {
	New   int // items not delivered before
	InApp int // in-app notifications written
	Mails int // mails queued in the outbox
}

// Add sums two results.
func (r Result) Add(o Result) Result {
	return Result{New: r.New + o.New, InApp: r.InApp + o.InApp, Mails: r.Mails + o.Mails}
}

// chunk bounds the rows of one statement: big enough to amortise the round
// trip, small enough to keep the parameter arrays a few megabytes.
const chunk = 5000

// sqlArray passes v as one PostgreSQL array parameter: GORM expands a plain
// slice into a list of placeholders, while pgx encodes a pgtype.Array natively
// (in binary, without building and re-parsing an array literal).
func sqlArray[T any](v []T) pgtype.Array[T] {
	a := pgtype.Array[T]{Elements: v, Valid: true}
	if len(v) > 0 {
		a.Dims = []pgtype.ArrayDimension{{Length: int32(len(v)), LowerBound: 1}}
	}
	return a
}

// claimSQL records keys as decided; RETURNING gives only the keys this
// statement inserted, so a key already recorded (by an earlier run or by
// another process, whose transaction this one waits for) is skipped.
const claimSQL = `
INSERT INTO sent_notification_keys (key, sent_at)
SELECT k, ? FROM unnest(?::text[]) AS k
ON CONFLICT (key) DO NOTHING
RETURNING key`

// Claim records the dedupe keys in sent_notification_keys and returns those
// that were not recorded before. Call it in the transaction that writes the
// notifications, so that a key is recorded if and only if its notification is.
func Claim(ctx context.Context, tx *gorm.DB, now time.Time, keys []string) (map[string]bool, error) {
	keys = slices.Clone(keys)
	slices.Sort(keys) // a stable order also makes concurrent claimers lock rows in the same order
	keys = slices.Compact(keys)
	fresh := make(map[string]bool)
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		rows, err := tx.WithContext(ctx).Raw(claimSQL, now, sqlArray(part)).Rows()
		if err != nil {
			return nil, fmt.Errorf("claim notification keys: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("claim notification keys: %w", err)
			}
			fresh[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("claim notification keys: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("claim notification keys: %w", err)
		}
	}
	return fresh, nil
}

const insertNotificationsSQL = `
INSERT INTO notifications (user_id, kind, dedupe_key, subject, body, link, created_at)
SELECT u, k, d, s, b, l, ?
  FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS t (u, k, d, s, b, l)
ON CONFLICT (dedupe_key) DO NOTHING`

const insertOutboxSQL = `
INSERT INTO mail_outbox (dedupe_key, to_email, to_name, subject, body_text, next_attempt_at, created_at)
SELECT d, e, n, s, b, ?, ?
  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS t (d, e, n, s, b)
ON CONFLICT (dedupe_key) DO NOTHING`

// Write renders the items in their recipients' languages and inserts their
// in-app rows and, for items that go by mail to a recipient with an address,
// their outbox rows. Rows whose dedupe key exists are left alone. Use Deliver
// unless the keys were already claimed.
func Write(ctx context.Context, tx *gorm.DB, now time.Time, site Site, items []Item) (Result, error) {
	var res Result
	if site.Locales == nil && len(items) > 0 {
		return res, errors.New("write notifications: no message catalogs")
	}
	translators := map[string]*views.Translator{}
	tr := func(locale string) *views.Translator {
		if translators[locale] == nil {
			translators[locale] = site.Locales.For(locale)
		}
		return translators[locale]
	}
	for start := 0; start < len(items); start += chunk {
		part := items[start:min(start+chunk, len(items))]
		var (
			users                               []int64
			kinds, keys, subjects, bodies, link []string
			mKeys, mTo, mName, mSubj, mBody     []string
		)
		for _, it := range part {
			t := tr(it.To.Locale)
			c := it.Note.Render(t)
			users = append(users, it.To.UserID)
			kinds = append(kinds, it.Note.Kind())
			keys = append(keys, it.DedupeKey())
			subjects = append(subjects, c.Subject)
			bodies = append(bodies, c.Body)
			link = append(link, c.Link)
			if it.Mail && strings.Contains(it.To.Email, "@") {
				mKeys = append(mKeys, it.DedupeKey())
				mTo = append(mTo, it.To.Email)
				mName = append(mName, it.To.Name)
				mSubj = append(mSubj, c.Subject)
				mBody = append(mBody, mailText(t, it.To, c, site.BaseURL))
			}
		}
		q := tx.WithContext(ctx).Exec(insertNotificationsSQL, now, sqlArray(users), sqlArray(kinds), sqlArray(keys), sqlArray(subjects), sqlArray(bodies), sqlArray(link))
		if q.Error != nil {
			return res, fmt.Errorf("write notifications: %w", q.Error)
		}
		res.InApp += int(q.RowsAffected)
		if len(mKeys) > 0 {
			q = tx.WithContext(ctx).Exec(insertOutboxSQL, now, now, sqlArray(mKeys), sqlArray(mTo), sqlArray(mName), sqlArray(mSubj), sqlArray(mBody))
			if q.Error != nil {
				return res, fmt.Errorf("queue mail: %w", q.Error)
			}
			res.Mails += int(q.RowsAffected)
		}
	}
	return res, nil
}

// Deliver claims the items' dedupe keys and writes the items that were new, in
// the caller's transaction: running it twice, or in two processes at once,
// writes each item once.
func Deliver(ctx context.Context, tx *gorm.DB, now time.Time, site Site, items []Item) (Result, error) {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.DedupeKey()
	}
	fresh, err := Claim(ctx, tx, now, keys)
	if err != nil {
		return Result{}, err
	}
	var todo []Item
	for _, it := range items {
		if k := it.DedupeKey(); fresh[k] {
			todo = append(todo, it)
			delete(fresh, k) // an item given twice is written once
		}
	}
	res, err := Write(ctx, tx, now, site, todo)
	res.New = len(todo)
	return res, err
}

// mailText is the plain-text mail, in t's language: greeting, the
// notification, the link to it, and the signature.
func mailText(t *views.Translator, to Recipient, c Content, baseURL string) string {
	var b strings.Builder
	name := strings.TrimSpace(to.Name)
	if name == "" {
		name = t.T("notify.mail.colleague")
	}
	fmt.Fprintf(&b, "%s\n\n%s\n\n", t.T("notify.mail.greeting", "Name", name), c.Body)
	if c.Link != "" {
		fmt.Fprintf(&b, "%s\n\n", t.T("notify.mail.details", "URL", strings.TrimRight(baseURL, "/")+c.Link))
	}
	b.WriteString(t.T("notify.mail.signature") + "\n")
	return b.String()
}

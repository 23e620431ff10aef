package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"khung/app/notify/mailtest"
	"khung/models"
	"khung/models/dbtest"
)

func openPool(t testing.TB, url string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent), TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func senderFor(db *gorm.DB, srv *mailtest.Server) *Sender {
	return NewSender(db, SMTP{Host: srv.Host, Port: srv.Port, NoTLS: true, From: "khung@sonoivu.hanoi.gov.vn"}, quietLog())
}

// queue puts n reminders for n users into the outbox and returns their dedupe keys.
func queue(t testing.TB, db *gorm.DB, n int) []string {
	t.Helper()
	var items []Item
	for i := range n {
		u := newUser(t, db, fmt.Sprintf("vanphong%d@phuong.hanoi.gov.vn", i), fmt.Sprintf("Văn phòng UBND phường số %d", i), "vi")
		items = append(items, Item{Key: "rec:42:before:7@2026-12-04", To: u, Note: reminder(7), Mail: true})
	}
	if _, err := Deliver(context.Background(), db, testNow, site(t, "https://khung.example.vn"), items); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, n)
	for i, it := range items {
		keys[i] = it.DedupeKey()
	}
	return keys
}

// deliveredOnce checks that the servers together received each key exactly once.
func deliveredOnce(t *testing.T, keys []string, servers ...*mailtest.Server) {
	t.Helper()
	got := map[string]int{}
	for _, s := range servers {
		for _, m := range s.Messages() {
			got[m.Header.Get("X-Khung-Key")]++
		}
	}
	for _, k := range keys {
		if got[k] != 1 {
			t.Errorf("%s delivered %d times, want once", k, got[k])
		}
		delete(got, k)
	}
	for k, n := range got {
		t.Errorf("unexpected mail %q (%d times)", k, n)
	}
}

func statusCounts(t testing.TB, db *gorm.DB) map[string]int {
	t.Helper()
	var rows []struct {
		Status string
		N      int
	}
	if err := db.Raw(`SELECT status, count(*) AS n FROM mail_outbox GROUP BY status`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
}

func TestSenderDeliversTheOutboxInVietnamese(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	keys := queue(t, db, 3)
	res, err := senderFor(db, srv).Run(context.Background(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 3 {
		t.Fatalf("sent %d, want 3 (%+v)", res.Sent, res)
	}
	deliveredOnce(t, keys, srv)
	m := srv.Messages()[0]
	if len(m.To) != 1 || m.To[0] != "vanphong0@phuong.hanoi.gov.vn" || m.From != "khung@sonoivu.hanoi.gov.vn" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	if m.Subject != "Nhắc hạn thực hiện kiến nghị: hạn 04/12/2026 (còn 7 ngày)" {
		t.Errorf("subject %q", m.Subject)
	}
	if to := m.Header.Get("To"); !strings.Contains(to, "vanphong0@phuong.hanoi.gov.vn") {
		t.Errorf("To header %q", to)
	}
	for _, want := range []string{"Kính gửi Văn phòng UBND phường số 0,", "Kiến nghị tại Kết luận kiểm tra số 12/KL-SNV giao UBND phường Phúc Xá thực hiện:",
		"“Rà soát, sắp xếp lại vị trí việc làm của 12 công chức phòng Nội vụ”", "Xem chi tiết: https://khung.example.vn/recommendations/42"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<outbox-") || !strings.HasSuffix(id, "@sonoivu.hanoi.gov.vn>") {
		t.Errorf("Message-ID %q", id)
	}
	var row models.MailOutbox
	if err := db.Where("dedupe_key = ?", keys[0]).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	if row.Status != models.MailSent || row.SentAt == nil || !row.SentAt.Equal(testNow) || row.Attempts != 1 {
		t.Errorf("row after sending: %+v", row)
	}
	again, err := senderFor(db, srv).Run(context.Background(), testNow.Add(time.Hour))
	if err != nil || again != (SendResult{}) || srv.Count() != 3 {
		t.Fatalf("a second run sent again: %+v, %v, %d messages", again, err, srv.Count())
	}
}

func TestAFailingServerMeansRetriesWithExponentialBackoff(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	keys := queue(t, db, 1)
	srv.Refuse(2, 451)
	s := senderFor(db, srv)
	steps := []struct {
		at        time.Duration
		want      SendResult
		attempts  int
		nextAfter time.Duration
	}{
		{0, SendResult{Retry: 1}, 1, time.Minute},                              // refused; retry in 1 min
		{30 * time.Second, SendResult{}, 1, time.Minute},                       // not due yet
		{time.Minute, SendResult{Retry: 1}, 2, time.Minute + 2*time.Minute},    // refused again; retry in 2 min
		{3 * time.Minute, SendResult{Sent: 1}, 3, time.Minute + 2*time.Minute}, // delivered
	}
	for _, st := range steps {
		res, err := s.Run(context.Background(), testNow.Add(st.at))
		if err != nil {
			t.Fatal(err)
		}
		if res != st.want {
			t.Fatalf("at +%v: %+v, want %+v", st.at, res, st.want)
		}
		var row models.MailOutbox
		if err := db.Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.Attempts != st.attempts || !row.NextAttemptAt.Equal(testNow.Add(st.nextAfter)) {
			t.Fatalf("at +%v: attempts %d, next %v; want %d, %v", st.at, row.Attempts, row.NextAttemptAt, st.attempts, testNow.Add(st.nextAfter))
		}
		if st.want.Retry > 0 && !strings.Contains(row.LastError, "451") {
			t.Fatalf("last error %q should keep the server's reply", row.LastError)
		}
	}
	deliveredOnce(t, keys, srv)
}

func TestAClockWithNanosecondsStillRecordsOutcomes(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	queue(t, db, 2)
	res, err := senderFor(db, srv).Run(context.Background(), testNow.Add(123456789*time.Nanosecond))
	if err != nil || res.Sent != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	if st := statusCounts(t, db); st["sent"] != 2 {
		t.Fatalf("statuses %v: the sent marks did not match the claim", st)
	}
}

func TestAPermanentRefusalIsGivenUpAtOnce(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	queue(t, db, 1)
	srv.Refuse(1, 550)
	res, err := senderFor(db, srv).Run(context.Background(), testNow)
	if err != nil || res != (SendResult{Failed: 1}) {
		t.Fatalf("%+v, %v; want one failed", res, err)
	}
	if st := statusCounts(t, db); st["failed"] != 1 {
		t.Fatalf("statuses %v", st)
	}
}

func TestAMailIsGivenUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	queue(t, db, 1)
	srv.Refuse(10, 421)
	s := senderFor(db, srv)
	s.MaxAttempts = 3
	var total SendResult
	for i := range 5 {
		res, err := s.Run(context.Background(), testNow.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		total.Retry += res.Retry
		total.Failed += res.Failed
	}
	if total != (SendResult{Retry: 2, Failed: 1}) {
		t.Fatalf("%+v; want 2 retries then given up", total)
	}
}

func TestAnUnreachableServerIsRetried(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	keys := queue(t, db, 4)
	srv.Close()
	res, err := senderFor(db, srv).Run(context.Background(), testNow)
	if err != nil || res.Retry != 4 {
		t.Fatalf("%+v, %v; want 4 retries", res, err)
	}
	back := mailtest.Start(t) // the server comes back, on another port
	res, err = senderFor(db, back).Run(context.Background(), testNow.Add(time.Minute))
	if err != nil || res.Sent != 4 {
		t.Fatalf("%+v, %v; want 4 sent", res, err)
	}
	deliveredOnce(t, keys, back)
}

func TestCancelledMidBatchThenRestartedLosesAndDoublesNothing(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	keys := queue(t, db, 30)
	ctx, cancel := context.WithCancel(context.Background())
	srv.OnAccept(func(n int) {
		if n == 12 {
			cancel() // shutdown signal while the sender is mid-batch
		}
	})
	res, err := senderFor(db, srv).Run(ctx, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent < 12 || res.Sent+res.Released != 30 {
		t.Fatalf("first run %+v: want at least 12 sent and the rest released", res)
	}
	if st := statusCounts(t, db); st["sending"] != 0 {
		t.Fatalf("rows left in sending after a graceful stop: %v", st)
	}
	srv.OnAccept(nil)
	res2, err := senderFor(db, srv).Run(context.Background(), testNow) // the restarted process
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent+res2.Sent != 30 {
		t.Fatalf("sent %d then %d, want 30 in all", res.Sent, res2.Sent)
	}
	deliveredOnce(t, keys, srv)
}

func TestServerGoingDownMidBatchThenBackLosesAndDoublesNothing(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	first := mailtest.Start(t)
	keys := queue(t, db, 30)
	first.CloseAfter(10) // accepts 10 messages, then shuts down (421) and drops connections
	res, err := senderFor(db, first).Run(context.Background(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 10 || res.Retry != 20 {
		t.Fatalf("first run %+v: want 10 sent, 20 to retry", res)
	}
	second := mailtest.Start(t)
	res, err = senderFor(db, second).Run(context.Background(), testNow.Add(time.Minute))
	if err != nil || res.Sent != 20 {
		t.Fatalf("after the restart %+v, %v; want the 20 others sent", res, err)
	}
	deliveredOnce(t, keys, first, second)
}

func TestAKilledSendersBatchIsTakenOverOnceItsLeaseRunsOutAndNeverSentAgainByIt(t *testing.T) {
	t.Parallel()
	db := dbtest.Gorm(t)
	srv := mailtest.Start(t)
	keys := queue(t, db, 20)
	const lease = 500 * time.Millisecond
	killed := senderFor(db, srv)
	killed.BatchSize, killed.Lease = 20, lease
	b, err := killed.claim(context.Background(), testNow)
	if err != nil || len(b.rows) != 20 {
		t.Fatalf("claimed %v, %v", b, err)
	}
	rest := b.rows[7:]
	b.rows = b.rows[:7]
	if res, err := killed.send(context.Background(), testNow, b); err != nil || res.Sent != 7 { // then the process is killed
		t.Fatalf("%+v, %v", res, err)
	}
	claimedAt := time.Now()

	restarted := senderFor(db, srv)
	restarted.Lease = lease
	res, err := restarted.Run(context.Background(), testNow.Add(time.Hour))
	if err != nil || res != (SendResult{}) {
		t.Fatalf("while the lease runs, the killed sender's rows must be left alone: %+v, %v", res, err)
	}
	time.Sleep(time.Until(claimedAt.Add(lease + 50*time.Millisecond)))
	res, err = restarted.Run(context.Background(), testNow)
	if err != nil || res.Reclaimed != 13 || res.Sent != 13 {
		t.Fatalf("after the lease: %+v, %v; want 13 reclaimed and sent", res, err)
	}

	// The killed sender was only stalled: it wakes up with the rest of its batch.
	b.rows = rest
	res, err = killed.send(context.Background(), testNow, b)
	if err != nil || res.Sent != 0 || res.Released != 0 {
		t.Fatalf("the stalled sender, back: %+v, %v; want nothing sent or released", res, err)
	}
	deliveredOnce(t, keys, srv)
	if st := statusCounts(t, db); st["sent"] != 20 {
		t.Fatalf("statuses %v, want 20 sent", st)
	}
}

// The incident of issue 9: with mail piled up, a second sender started ten
// minutes into the first one's run re-sent the batch in flight, because the
// claim carried the run's start time. Now the batch's lease is renewed while it
// is sent, whatever the senders' clocks say.
func TestASecondSenderStartedLateLeavesTheBatchInFlightAlone(t *testing.T) {
	t.Parallel()
	dsn := dbtest.URL(t)
	a, b := openPool(t, dsn), openPool(t, dsn)
	srv := mailtest.Start(t)
	keys := queue(t, a, 60)
	srv.Delay(30 * time.Millisecond) // the first batch takes about 900 ms, longer than the lease
	const lease = 600 * time.Millisecond
	first, second := senderFor(a, srv), senderFor(b, srv)
	first.BatchSize, first.Lease = 30, lease
	second.BatchSize, second.Lease = 10, lease

	started := make(chan struct{})
	var once sync.Once
	srv.OnAccept(func(n int) {
		if n == 5 {
			once.Do(func() { close(started) })
		}
	})
	var wg sync.WaitGroup
	var res1, res2 SendResult
	var err1, err2 error
	wg.Go(func() { res1, err1 = first.Run(context.Background(), testNow) })
	wg.Go(func() {
		<-started
		res2, err2 = second.Run(context.Background(), testNow.Add(10*time.Minute+time.Second))
	})
	wg.Wait()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if res1.Sent+res2.Sent != 60 || res1.Reclaimed+res2.Reclaimed != 0 {
		t.Errorf("first %+v, second %+v: want 60 sent in all, nothing reclaimed", res1, res2)
	}
	if res1.Sent < 30 || res1.Released != 0 {
		t.Errorf("first %+v: it must keep and send its whole first batch (its lease is renewed)", res1)
	}
	deliveredOnce(t, keys, srv)
}

func TestTwoSendersAtOnceSendEachMailOnce(t *testing.T) {
	t.Parallel()
	dsn := dbtest.URL(t)
	a, b := openPool(t, dsn), openPool(t, dsn)
	srv := mailtest.Start(t)
	keys := queue(t, a, 200)
	var wg sync.WaitGroup
	results := make([]SendResult, 2)
	for i, db := range []*gorm.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := senderFor(db, srv)
			s.BatchSize = 10
			var err error
			if results[i], err = s.Run(context.Background(), testNow); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if results[0].Sent+results[1].Sent != 200 {
		t.Fatalf("sent %d + %d, want 200", results[0].Sent, results[1].Sent)
	}
	deliveredOnce(t, keys, srv)
}

func TestSMTPFromURL(t *testing.T) {
	tests := []struct {
		url     string
		want    SMTP
		wantErr string
	}{
		{"smtp://mailer:b%C3%AD-m%E1%BA%ADt@mail.hanoi.gov.vn:2525", SMTP{Host: "mail.hanoi.gov.vn", Port: 2525, Username: "mailer", Password: "bí-mật", From: "k@x.vn"}, ""},
		{"smtps://mail.hanoi.gov.vn", SMTP{Host: "mail.hanoi.gov.vn", Port: 465, SSL: true, From: "k@x.vn"}, ""},
		{"smtp://127.0.0.1:1025?tls=none", SMTP{Host: "127.0.0.1", Port: 1025, NoTLS: true, From: "k@x.vn"}, ""},
		{"smtp://mail.hanoi.gov.vn:0", SMTP{}, "port"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			got, err := SMTPFromURL(u, "k@x.vn")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

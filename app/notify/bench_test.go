package notify

import (
	"context"
	"testing"
	"time"

	"khung/app/notify/mailtest"
	"khung/models/dbtest"
)

// BenchmarkOutboxThroughput sends batches of 2,000 queued mails (a Vietnamese
// reminder each, ~1 KB) to the in-process SMTP server, which parses every
// message; queuing is outside the timer. It reports mails/s (target ≥ 500).
//
//	scripts/with-db.sh test -- go test -run '^$' -bench OutboxThroughput -benchtime 5x ./app/notify/
func BenchmarkOutboxThroughput(b *testing.B) {
	db := dbtest.Gorm(b)
	srv, err := mailtest.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	s := senderFor(db, srv)
	vi := locales(b).For("vi")
	body := mailText(vi, Recipient{Name: "Văn phòng UBND phường Phúc Xá"}, reminder(7).Render(vi), "https://khung.example.vn")
	const perOp = 2000
	now := testNow
	sent := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		now = now.Add(time.Minute)
		if err := db.Exec(`INSERT INTO mail_outbox (dedupe_key, to_email, to_name, subject, body_text, next_attempt_at)
			SELECT 'bench:' || ?::int || ':' || g, 'vanphong' || g || '@phuong.hanoi.gov.vn', 'Văn phòng UBND phường số ' || g,
			       'Nhắc hạn thực hiện kiến nghị: hạn 04/12/2026 (còn 7 ngày)', ?, ?
			  FROM generate_series(1, ?) AS g`, i, body, now, perOp).Error; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.Run(context.Background(), now)
		if err != nil {
			b.Fatal(err)
		}
		if res.Sent != perOp {
			b.Fatalf("sent %d of %d (%+v)", res.Sent, perOp, res)
		}
		sent += res.Sent
	}
	b.StopTimer()
	if srv.Count() != sent {
		b.Fatalf("the server accepted %d of %d mails", srv.Count(), sent)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "mails/s")
}

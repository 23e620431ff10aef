package jobs

import (
	"bytes"
	"strings"
	"testing"
)

func TestTheTableIsListedWithoutConfigurationOrDatabase(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := ListCLI(func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SCHEDULE (Asia/Ho_Chi_Minh)", "reminders", "0 7-17 * * *", "outbox", "@every 1m",
		"nhắc hạn kiến nghị (trước hạn, đúng hạn, quá hạn hằng tuần) và báo cáo vượt cấp / recommendation reminders and escalation",
		"gửi thư từ hộp thư đi / send the mail outbox"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "jobs.about.") {
		t.Errorf("a description has no message:\n%s", out.String())
	}
}

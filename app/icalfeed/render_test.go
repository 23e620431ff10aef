package icalfeed_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"khung/app/icalfeed"
	"khung/app/msg"
	"khung/app/visits"
	"khung/models"
	"khung/views"
)

// longVisit is a joint visit whose description is long, Vietnamese and full of
// characters iCalendar must escape.
func longVisit() visits.Visit {
	start, end := models.NewDate(2027, 3, 15), models.NewDate(2027, 3, 17)
	v := visits.Visit{
		ID: 41, Code: "v-00041", Year: 2027, Form: models.FormPlanned, Status: models.VisitPlanned,
		StartDate: &start, EndDate: &end, Days: 3,
		Unit:        visits.Unit{ID: 7, Code: "00001", Name: "Phường Phúc Xá", Path: "/01/001/00001/"},
		Trail:       []visits.Unit{{Name: "Thành phố Hà Nội"}, {Name: "Quận Ba Đình"}},
		LeadBody:    visits.Body{Name: "Đoàn kiểm tra công vụ Thành phố"},
		JointBodies: []visits.Body{{Name: "Thanh tra Sở Nội vụ"}, {Name: "Phòng Công chức, viên chức; Phòng Tổ chức bộ máy"}},
		Kinds:       []visits.Kind{{Code: "public_service", NameVI: "Kiểm tra công vụ", NameEN: "Public-service inspection"}},
		Topics: []visits.Topic{
			{NameVI: "Chấp hành kỷ luật, kỷ cương hành chính", NameEN: "Administrative discipline"},
			{NameVI: "Đạo đức, văn hóa giao tiếp của cán bộ, công chức, viên chức", NameEN: "Ethics"},
			{NameVI: "Giải quyết thủ tục hành chính cho người dân, doanh nghiệp \\ \"trực tuyến\"", NameEN: "Procedures"},
		},
		Team: []visits.Member{
			{FullName: "Nguyễn Văn Thành", Role: models.MemberLead},
			{FullName: "Trần Thị Ngọc Ánh", Role: models.MemberMember},
		},
		Prepare:   visits.Preparation(models.FormPlanned, []string{"public_service"}),
		Plan:      &visits.PlanRef{Year: 2027, Number: 1, Status: models.VersionPublished, DocumentNumber: "01", Symbol: "KH-SNV"},
		UpdatedAt: time.Date(2026, 12, 18, 2, 0, 0, 0, time.UTC),
	}
	// What to prepare comes as message ids; the reader's side renders them.
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		panic(err)
	}
	v.RenderTexts(func(lang string, m msg.Message) string { return loc.For(lang).Msg(m) })
	return v
}

// The app's catalogs (app.New builds them once) in the two languages.
var locales = func() *views.Locales {
	l, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		panic(err)
	}
	return l
}()

var vi, en = locales.For("vi"), locales.For("en")

func feed(vs ...visits.Visit) icalfeed.Feed {
	return icalfeed.Feed{Name: "Khung – Lịch kiểm tra của Văn phòng UBND Phường Phúc Xá", T: vi,
		BaseURL: "https://khung.sonoivu.hanoi.gov.vn/", Now: time.Date(2026, 11, 23, 3, 4, 5, 0, time.UTC), Visits: vs}
}

// unfold undoes RFC 5545 line folding and returns the content lines.
func unfold(t *testing.T, ics []byte) []string {
	t.Helper()
	text := string(ics)
	if strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Fatal("a line ends with a bare LF, not CRLF")
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(text, "\r\n ", ""), "\r\n"), "\r\n")
}

// property returns the first content line of name (with its parameters) and its value.
func property(t *testing.T, lines []string, name string) (string, string) {
	t.Helper()
	for _, l := range lines {
		key, value, _ := strings.Cut(l, ":")
		if key == name || strings.HasPrefix(key, name+";") {
			return key, value
		}
	}
	t.Fatalf("no %s in the feed", name)
	return "", ""
}

var unescape = strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\N`, "\n", `\;`, `;`, `\,`, `,`)

func TestTheFeedHasOneAllDayEventPerScheduledVisitWithVietnameseText(t *testing.T) {
	v := longVisit()
	unscheduled := longVisit()
	unscheduled.ID, unscheduled.Code, unscheduled.StartDate, unscheduled.EndDate = 42, "v-00042", nil, nil
	out := icalfeed.Render(feed(v, unscheduled))
	lines := unfold(t, out)

	if n := strings.Count(string(out), "BEGIN:VEVENT"); n != 1 {
		t.Fatalf("%d events, want 1 (the unscheduled visit has no dates)", n)
	}
	tests := []struct{ name, key, value string }{
		{"DTSTART", "DTSTART;VALUE=DATE", "20270315"},
		{"DTEND", "DTEND;VALUE=DATE", "20270318"}, // exclusive: the day after the last day
		{"UID", "UID", "kh2027-v-00041@khung"},
		{"DTSTAMP", "DTSTAMP", "20261123T030405Z"},
		{"SUMMARY", "SUMMARY", "Kiểm tra theo kế hoạch: Phường Phúc Xá"},
		{"LOCATION", "LOCATION", "Phường Phúc Xá"},
		{"STATUS", "STATUS", "CONFIRMED"},
		{"URL", "URL", "https://khung.sonoivu.hanoi.gov.vn/calendar/visits/41"},
		{"X-WR-CALNAME", "X-WR-CALNAME", "Khung – Lịch kiểm tra của Văn phòng UBND Phường Phúc Xá"},
		{"X-WR-TIMEZONE", "X-WR-TIMEZONE", "Asia/Ho_Chi_Minh"},
		{"VERSION", "VERSION", "2.0"},
		{"REFRESH-INTERVAL", "REFRESH-INTERVAL;VALUE=DURATION", "PT1H"},
	}
	for _, tt := range tests {
		key, value := property(t, lines, tt.name)
		if key != tt.key || unescape.Replace(value) != tt.value {
			t.Errorf("%s: %s:%s, want %s:%s", tt.name, key, value, tt.key, tt.value)
		}
	}
	_, desc := property(t, lines, "DESCRIPTION")
	if got, want := unescape.Replace(desc), icalfeed.Description(v, vi); got != want {
		t.Errorf("description does not round-trip:\n got %q\nwant %q", got, want)
	}
	for _, want := range []string{"Cơ quan chủ trì: Đoàn kiểm tra công vụ Thành phố", "Trưởng đoàn: Nguyễn Văn Thành",
		"Thành viên: Trần Thị Ngọc Ánh", "Thuộc: Thành phố Hà Nội › Quận Ba Đình", "Đơn vị chuẩn bị:\n- Báo cáo tự kiểm tra",
		"Cơ quan phối hợp: Thanh tra Sở Nội vụ; Phòng Công chức", "Kế hoạch: Số: 01/KH-SNV"} {
		if !strings.Contains(icalfeed.Description(v, vi), want) {
			t.Errorf("description lacks %q", want)
		}
	}
}

func TestFoldedLinesKeepEveryUTF8CharacterWhole(t *testing.T) {
	tests := []struct {
		name  string
		topic string
	}{
		{"Vietnamese words", strings.Repeat("Kiểm tra việc thực hiện kỷ luật, kỷ cương hành chính ở phường ", 8)},
		{"three-byte letters with no space to break at", strings.Repeat("ữ", 200)},
		{"escapes at every place", strings.Repeat(`ể,;\ `, 60)},
		{"four-byte characters", strings.Repeat("𠀀 đ", 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := longVisit()
			v.Topics = []visits.Topic{{NameVI: tt.topic}}
			v.Unit.Name = tt.topic
			out := icalfeed.Render(feed(v))
			for i, l := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
				if len(l) > 75 {
					t.Errorf("line %d has %d octets: %q", i, len(l), l)
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a UTF-8 character: %q", i, l)
				}
			}
			lines := unfold(t, out)
			_, desc := property(t, lines, "DESCRIPTION")
			if got := unescape.Replace(desc); got != icalfeed.Description(v, vi) {
				t.Errorf("description does not round-trip:\n got %q\nwant %q", got, icalfeed.Description(v, vi))
			}
			_, loc := property(t, lines, "LOCATION")
			if got := unescape.Replace(loc); got != tt.topic {
				t.Errorf("location does not round-trip: %q", got)
			}
		})
	}
}

func TestCancelledVisitsAndVisitsOutsideAPlan(t *testing.T) {
	v := longVisit()
	v.Status = models.VisitCancelled
	v.Plan = nil
	v.Form = models.FormVerification
	lines := unfold(t, icalfeed.Render(feed(v)))
	checks := map[string]string{
		"STATUS":  "CANCELLED",
		"UID":     "visit-41@khung",
		"SUMMARY": "ĐÃ HỦY – Xác minh: Phường Phúc Xá",
	}
	for name, want := range checks {
		if _, got := property(t, lines, name); unescape.Replace(got) != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := icalfeed.Summary(v, en); got != "CANCELLED – Verification: Phường Phúc Xá" {
		t.Errorf("English summary %q", got)
	}
}

// icalEvent is what testdata/parse.mjs reports of an event.
type icalEvent struct {
	UID, Summary, Description, Location, Status, URL string
	Start, End                                       struct {
		Year, Month, Day int
		IsDate           bool
	}
}

func TestTheFeedParsesWithICALJSAndTheVietnameseTextRoundTrips(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(root, "tools/node/node_modules/ical.js/dist/ical.js")
	if _, err := os.Stat(lib); err != nil {
		t.Fatalf("ical.js is missing (make test runs npm ci in tools/node): %v", err)
	}
	v := longVisit()
	second := longVisit()
	second.ID, second.Code, second.Form = 43, "v-00043", models.FormUnannounced
	d := models.NewDate(2027, 12, 31)
	second.StartDate, second.EndDate = &d, &d // ends on the last day of the year

	cmd := exec.Command("node", "testdata/parse.mjs", lib)
	cmd.Stdin = bytes.NewReader(icalfeed.Render(feed(v, second)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got struct {
		Name   string
		Events []icalEvent
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("parse.mjs output %q: %v", out, err)
	}
	if got.Name != feed().Name || len(got.Events) != 2 {
		t.Fatalf("calendar %q with %d events", got.Name, len(got.Events))
	}
	e := got.Events[0]
	want := icalEvent{UID: "kh2027-v-00041@khung", Summary: "Kiểm tra theo kế hoạch: Phường Phúc Xá",
		Description: icalfeed.Description(v, vi), Location: "Phường Phúc Xá", Status: "CONFIRMED",
		URL: "https://khung.sonoivu.hanoi.gov.vn/calendar/visits/41"}
	want.Start.Year, want.Start.Month, want.Start.Day, want.Start.IsDate = 2027, 3, 15, true
	want.End.Year, want.End.Month, want.End.Day, want.End.IsDate = 2027, 3, 18, true
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("event as ical.js reads it (-want +got):\n%s", diff)
	}
	if s := got.Events[1]; s.Summary != "Kiểm tra đột xuất: Phường Phúc Xá" || s.End.Year != 2028 || s.End.Month != 1 || s.End.Day != 1 {
		t.Errorf("second event: %+v", s)
	}
}

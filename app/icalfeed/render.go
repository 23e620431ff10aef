package icalfeed

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"khung/app/visits"
	"khung/models"
)

// Feed is what one rendering of a feed needs.
type Feed struct {
	Name    string         // the calendar's name (X-WR-CALNAME)
	Lang    string         // "vi" (default) or "en"
	BaseURL string         // the app's public URL, for each event's link; "" for none
	Now     time.Time      // the time of the rendering (DTSTAMP)
	Visits  []visits.Visit // the visits to show, already allowed by visits.Visible
}

// TimeZone is the zone the feed declares for calendar apps (the events are
// all-day, so it only guides their display).
const TimeZone = "Asia/Ho_Chi_Minh"

// labels of the feed, in both languages.
var (
	formLabel = map[models.Form]visits.Text{
		models.FormPlanned:      {VI: "Kiểm tra theo kế hoạch", EN: "Planned inspection"},
		models.FormUnannounced:  {VI: "Kiểm tra đột xuất", EN: "Unannounced inspection"},
		models.FormVerification: {VI: "Xác minh", EN: "Verification"},
	}
	cancelled    = visits.Text{VI: "ĐÃ HỦY", EN: "CANCELLED"}
	leadBody     = visits.Text{VI: "Cơ quan chủ trì", EN: "Lead body"}
	jointBodies  = visits.Text{VI: "Cơ quan phối hợp", EN: "Joint bodies"}
	kindsLabel   = visits.Text{VI: "Loại hình", EN: "Kind"}
	topicsLabel  = visits.Text{VI: "Nội dung kiểm tra", EN: "Topics"}
	leaderLabel  = visits.Text{VI: "Trưởng đoàn", EN: "Team leader"}
	membersLabel = visits.Text{VI: "Thành viên", EN: "Members"}
	placeLabel   = visits.Text{VI: "Thuộc", EN: "Part of"}
	prepareLabel = visits.Text{VI: "Đơn vị chuẩn bị", EN: "The unit prepares"}
	planLabel    = visits.Text{VI: "Kế hoạch", EN: "Plan"}
	codeLabel    = visits.Text{VI: "Mã cuộc kiểm tra", EN: "Visit code"}
)

// Summary is the one-line title of a visit's event: its form and unit, e.g.
// "Kiểm tra theo kế hoạch: Phường Phúc Xá".
func Summary(v visits.Visit, lang string) string {
	s := formLabel[v.Form].In(lang) + ": " + v.Unit.Name
	if v.Status == models.VisitCancelled {
		s = cancelled.In(lang) + " – " + s
	}
	return s
}

// Description is the text of a visit's event: bodies, topics, team, place in
// the unit tree, what to prepare, plan and code, one item a line.
func Description(v visits.Visit, lang string) string {
	var b strings.Builder
	line := func(label visits.Text, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%s: %s\n", label.In(lang), value)
		}
	}
	line(leadBody, v.LeadBody.Name)
	var names []string
	for _, j := range v.JointBodies {
		names = append(names, j.Name)
	}
	line(jointBodies, strings.Join(names, "; "))
	names = nil
	for _, k := range v.Kinds {
		names = append(names, k.Name(lang))
	}
	line(kindsLabel, strings.Join(names, "; "))
	names = nil
	for _, t := range v.Topics {
		names = append(names, t.Name(lang))
	}
	line(topicsLabel, strings.Join(names, "; "))
	if l := v.Leader(); l != nil {
		line(leaderLabel, l.FullName)
	}
	names = nil
	for _, m := range v.Team {
		if m.Role != models.MemberLead {
			names = append(names, m.FullName)
		}
	}
	line(membersLabel, strings.Join(names, ", "))
	names = nil
	for _, u := range v.Trail {
		names = append(names, u.Name)
	}
	line(placeLabel, strings.Join(names, " › "))
	if len(v.Prepare) > 0 {
		fmt.Fprintf(&b, "%s:\n", prepareLabel.In(lang))
		for _, p := range v.Prepare {
			fmt.Fprintf(&b, "- %s\n", p.In(lang))
		}
	}
	if v.Plan != nil && v.Plan.DocumentNumber != "" {
		line(planLabel, fmt.Sprintf("Số: %s/%s", v.Plan.DocumentNumber, v.Plan.Symbol))
	}
	line(codeLabel, v.Code)
	return strings.TrimRight(b.String(), "\n")
}

// UID is the stable identifier of a visit's event: a visit of a plan keeps its
// plan year and code across versions of the plan, so that a calendar app
// updates the event when an amendment moves it instead of adding a second one.
func UID(v visits.Visit) string {
	if v.Plan != nil {
		return fmt.Sprintf("kh%d-%s@khung", v.Plan.Year, v.Code)
	}
	return fmt.Sprintf("visit-%d@khung", v.ID)
}

// Render writes the feed as iCalendar text (RFC 5545): one all-day VEVENT per
// scheduled visit, DTEND exclusive, lines folded at 75 octets without
// splitting a UTF-8 character, CRLF line ends.
func Render(f Feed) []byte {
	cal := ics.NewCalendar()
	cal.SetProductId("-//So Noi vu Ha Noi//Khung//VI")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName(f.Name)
	cal.SetXWRTimezone(TimeZone)
	cal.SetXPublishedTTL("PT1H")
	cal.SetRefreshInterval("PT1H") // the library writes ;VALUE=DURATION itself
	base := strings.TrimRight(f.BaseURL, "/")
	for _, v := range f.Visits {
		if v.StartDate == nil || v.EndDate == nil {
			continue // an unscheduled visit has no place in a calendar
		}
		e := cal.AddEvent(UID(v))
		e.SetDtStampTime(f.Now)
		if !v.UpdatedAt.IsZero() {
			e.SetModifiedAt(v.UpdatedAt)
		}
		e.SetAllDayStartAt(v.StartDate.Time())
		e.SetAllDayEndAt(v.EndDate.AddDays(1).Time())
		e.SetSummary(Summary(v, f.Lang))
		e.SetDescription(Description(v, f.Lang))
		e.SetLocation(v.Unit.Name)
		if base != "" {
			e.SetURL(fmt.Sprintf("%s/calendar/visits/%d", base, v.ID))
		}
		if v.Status == models.VisitCancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
		e.SetTimeTransparency(ics.TransparencyOpaque)
	}
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

package icalfeed

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"khung/app/visits"
	"khung/models"
	"khung/views"
)

// Feed is what one rendering of a feed needs.
type Feed struct {
	Name    string            // the calendar's name (X-WR-CALNAME)
	T       *views.Translator // the feed owner's language
	BaseURL string            // the app's public URL, for each event's link; "" for none
	Now     time.Time         // the time of the rendering (DTSTAMP)
	Visits  []visits.Visit    // the visits to show, already allowed by visits.Visible
}

// TimeZone is the zone the feed declares for calendar apps (the events are
// all-day, so it only guides their display).
const TimeZone = "Asia/Ho_Chi_Minh"

// Summary is the one-line title of a visit's event in t's language: its form
// and unit, e.g. "Kiểm tra theo kế hoạch: Phường Phúc Xá".
func Summary(v visits.Visit, t *views.Translator) string {
	s := t.T("ical.summary", "Form", t.T("ical.form."+string(v.Form)), "Unit", v.Unit.Name)
	if v.Status == models.VisitCancelled {
		s = t.T("ical.cancelled", "Summary", s)
	}
	return s
}

// Description is the text of a visit's event in t's language: bodies, topics,
// team, place in the unit tree, what to prepare, plan and code, one item a line.
func Description(v visits.Visit, t *views.Translator) string {
	var lines []string
	line := func(label, value string) {
		if value != "" {
			lines = append(lines, t.T("ical.line", "Label", t.T("ical.label."+label), "Value", value))
		}
	}
	line("lead_body", v.LeadBody.Name)
	var names []string
	for _, j := range v.JointBodies {
		names = append(names, j.Name)
	}
	line("joint_bodies", strings.Join(names, "; "))
	names = nil
	for _, k := range v.Kinds {
		names = append(names, k.Name(t.Lang))
	}
	line("kinds", strings.Join(names, "; "))
	names = nil
	for _, tp := range v.Topics {
		names = append(names, tp.Name(t.Lang))
	}
	line("topics", strings.Join(names, "; "))
	if l := v.Leader(); l != nil {
		line("leader", l.FullName)
	}
	names = nil
	for _, m := range v.Team {
		if m.Role != models.MemberLead {
			names = append(names, m.FullName)
		}
	}
	line("members", strings.Join(names, ", "))
	names = nil
	for _, u := range v.Trail {
		names = append(names, u.Name)
	}
	line("part_of", strings.Join(names, " › "))
	if len(v.Prepare) > 0 {
		lines = append(lines, t.T("ical.label.prepare")+":")
		for _, p := range v.Prepare {
			lines = append(lines, "- "+p.In(t.Lang))
		}
	}
	if v.Plan != nil && v.Plan.DocumentNumber != "" {
		line("plan", t.T("ical.plan_number", "Number", v.Plan.DocumentNumber, "Symbol", v.Plan.Symbol))
	}
	line("code", v.Code)
	return strings.Join(lines, "\n")
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
		e.SetSummary(Summary(v, f.T))
		e.SetDescription(Description(v, f.T))
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

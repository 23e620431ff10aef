// Parses an iCalendar feed read from stdin with ical.js (the real client
// library named by the issue) and prints what a calendar app would show, as
// JSON. Usage: node parse.mjs /path/to/ical.js/dist/ical.js < feed.ics
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const ICAL = (await import(pathToFileURL(process.argv[2]).href)).default;
const text = readFileSync(0, "utf8");
const cal = new ICAL.Component(ICAL.parse(text));
const date = (t) => t && { year: t.year, month: t.month, day: t.day, isDate: t.isDate };
const events = cal.getAllSubcomponents("vevent").map((c) => {
  const e = new ICAL.Event(c);
  return {
    uid: e.uid,
    summary: e.summary,
    description: e.description,
    location: e.location,
    status: c.getFirstPropertyValue("status"),
    url: c.getFirstPropertyValue("url"),
    start: date(e.startDate),
    end: date(e.endDate),
  };
});
console.log(JSON.stringify({ name: cal.getFirstPropertyValue("x-wr-calname"), events }));

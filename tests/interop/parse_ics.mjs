// Parse an .ics file with Mozilla's ical.js (Thunderbird's parser) and print
// what a client would show for each VEVENT, as JSON on stdout:
//
//   node parse_ics.mjs FILE [MAX_OCCURRENCES]
//
//   [{uid, summary, start, end, allDay, occurrences: [...]}, ...]
//
// Timed values are UTC instants ("2023-12-17T01:00:00.000Z"); all-day values
// are dates ("2023-12-17"); `end` is what ical.js computes (DTEND, or DTSTART
// plus DURATION, or its RFC 5545 default when neither is given).
// `occurrences` are the first MAX_OCCURRENCES (default 100) starts of
// event.iterator(), which applies RRULE, RDATE and EXDATE.
//
// A TZID that does not resolve to its VTIMEZONE would silently become a
// floating time (read in the host's zone), so that is an error here, not a
// guess: every timed value must carry the zone it was written with (UTC for
// "Z" values), or the script exits non-zero and says which value it could not
// place.

import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [path, limitArg] = process.argv.slice(2);
if (!path) {
  process.stderr.write("usage: node parse_ics.mjs FILE [MAX_OCCURRENCES]\n");
  process.exit(2);
}
const limit = limitArg === undefined ? 100 : Number.parseInt(limitArg, 10);

const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));

// ical.js 2.x finds VTIMEZONEs through the component tree on its own; the
// TimezoneService is the documented global fallback. Register both ways so a
// change in either lookup cannot make a TZID float.
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}

const pad = (number, width) => String(number).padStart(width, "0");

// `tzid` is the TZID parameter the value was written with (undefined for UTC).
function placed(time, what, tzid) {
  if (time.isDate) {
    // Not time.toString(): it does not zero-pad years before 1000.
    return `${pad(time.year, 4)}-${pad(time.month, 2)}-${pad(time.day, 2)}`;
  }
  const wanted = tzid ?? "UTC";
  if (!time.zone || time.zone.tzid !== wanted) {
    const got = time.zone ? time.zone.tzid : "no zone";
    throw new Error(`${what}: ${time.toString()} should be in ${wanted}, ical.js has ${got}`);
  }
  return time.convertToZone(ICAL.Timezone.utcTimezone).toJSDate().toISOString();
}

const events = [];
for (const vevent of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const label = event.uid;
  const tzid = (name) => vevent.getFirstProperty(name)?.getParameter("tzid");
  const endTzid = tzid(vevent.hasProperty("dtend") ? "dtend" : "dtstart");
  const occurrences = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next && occurrences.length < limit; next = iterator.next()) {
    occurrences.push(placed(next, `${label} occurrence`, tzid("dtstart")));
  }
  events.push({
    uid: event.uid,
    summary: event.summary,
    start: placed(event.startDate, `${label} DTSTART`, tzid("dtstart")),
    // ical.js computes the end when DTEND is absent (DURATION, or the RFC default).
    end: placed(event.endDate, `${label} DTEND`, endTzid),
    allDay: event.startDate.isDate,
    occurrences,
  });
}
process.stdout.write(JSON.stringify(events, null, 2) + "\n");

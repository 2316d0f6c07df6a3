// Names people give things (a subscribe address, an API token) are shown on one line: in a
// table, in a calendar app's list, in an iCalendar property. A line break in one would break out
// of the line it is written on.

/** Control characters (C0, DEL, C1: tabs, line breaks, escapes) and Unicode's line and paragraph separators. */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
const CONTROL_RUNS = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

export const hasControlCharacters = (text: string) => CONTROL.test(text);

/** The text on one line: each run of control characters becomes one space. For names stored before they were checked. */
export const oneLine = (text: string) => text.replace(CONTROL_RUNS, " ").trim();

/**
 * A name as iCalendar TEXT (RFC 5545 3.3.11), on one line, with backslash, semicolon and comma
 * escaped. ical-generator escapes an event's fields but writes the calendar's NAME and
 * X-WR-CALNAME as it is given them; it folds long lines itself.
 */
export const icalText = (text: string) => oneLine(text).replace(/[\\;,]/g, (c) => `\\${c}`);

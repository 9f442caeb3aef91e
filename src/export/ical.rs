//! iCalendar (RFC 5545) feeds of sessions, for calendar applications to subscribe to. Times are
//! local to Asia/Ho_Chi_Minh and carried with its VTIMEZONE (UTC+7 all year, no daylight
//! saving), so every application shows 07:30 as 07:30 wherever the phone happens to be.

use std::fmt::Write as _;

use time::PrimitiveDateTime;

pub const TZID: &str = "Asia/Ho_Chi_Minh";

/// One event of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable across feeds and edits ("session-42@truongchinhtri.example.vn"), so an edited
    /// session replaces its old copy in the calendar instead of adding one.
    pub uid: String,
    /// Raised on each edit (the session's version).
    pub sequence: i32,
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
}

/// A whole calendar: its name and events. `stamp` is the time the feed was produced (UTC).
pub fn calendar(name: &str, stamp: PrimitiveDateTime, events: &[Event]) -> String {
    let mut out = String::with_capacity(512 + events.len() * 400);
    for line in
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Boiduong//Lich hoc//VI", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    push_line(&mut out, &format!("X-WR-TIMEZONE:{TZID}"));
    // How often a subscribed calendar should fetch the feed again (RFC 7986, and the older
    // property Outlook and others read).
    push_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    push_line(&mut out, "X-PUBLISHED-TTL:PT1H");
    for line in [
        "BEGIN:VTIMEZONE",
        &format!("TZID:{TZID}"),
        "BEGIN:STANDARD",
        "DTSTART:19750613T000000",
        "TZOFFSETFROM:+0700",
        "TZOFFSETTO:+0700",
        "TZNAME:ICT",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        push_line(&mut out, line);
    }
    let stamp = format!("{}Z", timestamp(stamp));
    for event in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape(&event.uid)));
        push_line(&mut out, &format!("SEQUENCE:{}", event.sequence.max(0)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(&mut out, &format!("DTSTART;TZID={TZID}:{}", timestamp(event.starts_at)));
        push_line(&mut out, &format!("DTEND;TZID={TZID}:{}", timestamp(event.ends_at)));
        push_line(&mut out, &format!("SUMMARY:{}", escape(&event.summary)));
        if !event.location.is_empty() {
            push_line(&mut out, &format!("LOCATION:{}", escape(&event.location)));
        }
        if !event.description.is_empty() {
            push_line(&mut out, &format!("DESCRIPTION:{}", escape(&event.description)));
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// 20260312T073000
fn timestamp(t: PrimitiveDateTime) -> String {
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// TEXT values escape backslash, semicolon and comma, and carry line breaks as \n.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets (a continuation starts with one space), never
/// inside a UTF-8 character, ended by CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event() -> Event {
        Event {
            uid: "session-7@boiduong.test".into(),
            sequence: 2,
            starts_at: datetime!(2026-03-12 07:30),
            ends_at: datetime!(2026-03-12 11:00),
            summary: "Bài 1. Khái quát lịch sử Đảng Cộng sản Việt Nam — Nhận thức về Đảng khóa II năm 2026".into(),
            location: "Phòng A2, Cơ sở Buôn Ma Thuột, 01 Lê Duẩn; phường Buôn Ma Thuột".into(),
            description: "Giảng viên: TS. Phạm Minh Tuấn\nBuổi 1".into(),
        }
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets() {
        let ics = calendar("Lịch học", datetime!(2026-03-01 00:00), &[event()]);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in ics.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            assert!(std::str::from_utf8(line.as_bytes()).is_ok());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(
            "SUMMARY:Bài 1. Khái quát lịch sử Đảng Cộng sản Việt Nam — Nhận thức về Đảng khóa II năm 2026\r\n"
        ));
        assert!(unfolded.contains("LOCATION:Phòng A2\\, Cơ sở Buôn Ma Thuột\\, 01 Lê Duẩn\\; phường Buôn Ma Thuột"));
        assert!(unfolded.contains("DESCRIPTION:Giảng viên: TS. Phạm Minh Tuấn\\nBuổi 1"));
        assert!(unfolded.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20260312T073000\r\n"));
        assert!(unfolded.contains("DTEND;TZID=Asia/Ho_Chi_Minh:20260312T110000\r\n"));
        assert!(unfolded.contains("DTSTAMP:20260301T000000Z\r\n"));
        assert!(unfolded.contains("TZOFFSETTO:+0700"));
        assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn a_calendar_parser_reads_it_back() {
        let ics = calendar("Lịch học, khóa II", datetime!(2026-03-01 00:00), &[event()]);
        let unfolded = icalendar::parser::unfold(&ics);
        let parsed = icalendar::parser::read_calendar(&unfolded).expect("valid iCalendar");
        let prop = |c: &icalendar::parser::Component, name: &str| {
            c.find_prop(name).map(|p| p.val.as_str().to_owned()).unwrap_or_default()
        };
        let name = parsed.properties.iter().find(|p| p.name.as_str() == "X-WR-CALNAME").unwrap();
        assert_eq!(name.val.as_str(), "Lịch học, khóa II");
        let zone = parsed.components.iter().find(|c| c.name.as_str() == "VTIMEZONE").expect("a VTIMEZONE");
        assert_eq!(prop(zone, "TZID"), TZID);
        let written = event();
        let read = parsed.components.iter().find(|c| c.name.as_str() == "VEVENT").expect("an event");
        assert_eq!(prop(read, "SUMMARY"), written.summary);
        assert_eq!(prop(read, "LOCATION"), written.location);
        assert_eq!(prop(read, "DESCRIPTION"), written.description);
        let start = read.find_prop("DTSTART").unwrap();
        assert_eq!(start.val.as_str(), "20260312T073000");
        assert_eq!(start.params[0].key.as_str(), "TZID");
        assert_eq!(start.params[0].val.as_ref().map(|v| v.as_str()), Some(TZID));
    }
}

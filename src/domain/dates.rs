//! Dates as Vietnamese users read and type them: dd/mm/yyyy, and the long form of documents.

use time::{Date, Month};

/// "05/06/2026".
pub fn format(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), u8::from(date.month()), date.year())
}

pub fn format_opt(date: Option<Date>) -> String {
    date.map(format).unwrap_or_default()
}

/// "ngày 05 tháng 6 năm 2026", as Party documents write it.
pub fn format_long(date: Date) -> String {
    format!("ngày {:02} tháng {} năm {}", date.day(), u8::from(date.month()), date.year())
}

/// Accepts dd/mm/yyyy (also with - or .) and the yyyy-mm-dd of a browser date field.
pub fn parse(input: &str) -> Option<Date> {
    let input = input.trim();
    let parts: Vec<&str> = input.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (day, month, year) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    let year: i32 = year.parse().ok().filter(|y| (1900..=2200).contains(y))?;
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year, month, day.parse().ok()?).ok()
}

/// yyyy-mm-dd, what an `<input type="date">` expects as its value.
pub fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

pub fn today() -> Date {
    time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7)).date()
}

pub fn now() -> time::PrimitiveDateTime {
    let now = time::OffsetDateTime::now_utc();
    time::PrimitiveDateTime::new(now.date(), now.time())
}

/// A stored UTC timestamp shown in Vietnam's time: "05/06/2026 14:03".
pub fn format_timestamp(ts: time::PrimitiveDateTime) -> String {
    let local = ts.assume_utc().to_offset(time::macros::offset!(+7));
    format!("{} {:02}:{:02}", format(local.date()), local.hour(), local.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn formats() {
        assert_eq!(format(date!(2026 - 06 - 05)), "05/06/2026");
        assert_eq!(format_long(date!(2026 - 06 - 05)), "ngày 05 tháng 6 năm 2026");
    }

    #[test]
    fn parses_typed_and_browser_dates() {
        assert_eq!(parse("05/06/2026"), Some(date!(2026 - 06 - 05)));
        assert_eq!(parse("5/6/2026"), Some(date!(2026 - 06 - 05)));
        assert_eq!(parse("2026-06-05"), Some(date!(2026 - 06 - 05)));
        assert_eq!(parse("31/02/2026"), None);
        assert_eq!(parse("hôm qua"), None);
        assert_eq!(parse(""), None);
    }
}

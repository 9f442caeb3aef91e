//! What the API reads from a request (ids, paging) and how it writes dates and scores. Ids and
//! page numbers are read here rather than by serde, so that "abc", "-1" or a number too large
//! for the database answer 400 with a message saying what is expected, not a generic error.

use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, PrimitiveDateTime};
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;

/// A record's id from the path: a positive whole number.
pub fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|v| *v > 0).ok_or(ApiError::BadRequest("api.error.id"))
}

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 500;

/// Paging of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(value_type = Option<i64>, minimum = 1, example = 1)]
    pub page: Option<String>,
    /// Items per page, 1 to 500 (50 when left out).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500, example = 50)]
    pub per_page: Option<String>,
}

/// A page: its number (from 1) and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn offset(self) -> usize {
        usize::try_from((self.page - 1).saturating_mul(self.per_page)).unwrap_or(usize::MAX)
    }

    /// One page of a list held in memory.
    pub fn slice<T>(self, items: Vec<T>) -> (Vec<T>, i64) {
        let total = items.len() as i64;
        let page = items.into_iter().skip(self.offset()).take(self.per_page as usize).collect();
        (page, total)
    }
}

impl PageParams {
    pub fn paging(&self) -> Result<Paging, ApiError> {
        let number = |raw: &Option<String>, default: i64, max: i64, key: &'static str| match raw.as_deref() {
            None | Some("") => Ok(default),
            Some(text) => {
                text.trim().parse::<i64>().ok().filter(|v| (1..=max).contains(v)).ok_or(ApiError::BadRequest(key))
            }
        };
        // Deep pages stop where no list could reach, so the offset never overflows.
        let page = number(&self.page, 1, 1_000_000, "api.error.page")?;
        let per_page = number(&self.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, "api.error.per_page")?;
        Ok(Paging { page, per_page })
    }
}

/// Where a page of a list sits in the whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageInfo {
    pub page: i64,
    pub per_page: i64,
    /// How many items the whole list has.
    pub total: i64,
}

impl PageInfo {
    pub fn new(paging: Paging, total: i64) -> Self {
        Self { page: paging.page, per_page: paging.per_page, total }
    }
}

/// A date, ISO 8601: "2026-03-12".
pub fn date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

pub fn opt_date(d: Option<Date>) -> Option<String> {
    d.map(date)
}

/// A session time, stored as Vietnam's wall-clock time (UTC+7 all year, no summer time), with
/// its offset: "2026-03-12T07:30:00+07:00".
pub fn local_time(t: PrimitiveDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+07:00")).unwrap_or_default()
}

/// A stored UTC timestamp: "2026-03-12T00:30:00Z".
pub fn utc_time(t: PrimitiveDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")).unwrap_or_default()
}

/// A score kept in tenths, as a number with one decimal: 85 → 8.5.
pub fn score(tenths: i32) -> f64 {
    f64::from(tenths) / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn params(page: &str, per_page: &str) -> PageParams {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        PageParams { page: some(page), per_page: some(per_page) }
    }

    #[test]
    fn paging_refuses_what_is_not_a_page() {
        assert_eq!(params("", "").paging().unwrap(), Paging { page: 1, per_page: 50 });
        assert_eq!(params("3", "20").paging().unwrap(), Paging { page: 3, per_page: 20 });
        for (page, per_page) in [("-1", ""), ("0", ""), ("abc", ""), ("1.5", ""), ("99999999999999999999", "")] {
            assert!(params(page, per_page).paging().is_err(), "page={page}");
        }
        for per_page in ["0", "501", "x"] {
            assert!(params("", per_page).paging().is_err(), "per_page={per_page}");
        }
        let deepest = params("1000000", "500").paging().unwrap();
        assert_eq!(deepest.offset(), 499_999_500);
        assert_eq!(Paging { page: 2, per_page: 2 }.slice(vec![1, 2, 3, 4, 5]), (vec![3, 4], 5));
    }

    #[test]
    fn ids_are_positive_whole_numbers() {
        assert_eq!(id("42").unwrap(), 42);
        for bad in ["0", "-3", "abc", "1e3", "99999999999999999999", ""] {
            assert!(id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_times_and_scores_read_as_iso_and_numbers() {
        assert_eq!(date(date!(2026 - 03 - 02)), "2026-03-02");
        assert_eq!(local_time(datetime!(2026-03-12 07:30)), "2026-03-12T07:30:00+07:00");
        assert_eq!(utc_time(datetime!(2026-03-12 00:30:05)), "2026-03-12T00:30:05Z");
        assert_eq!(serde_json::to_string(&score(85)).unwrap(), "8.5");
        assert_eq!(serde_json::to_string(&score(80)).unwrap(), "8.0");
    }
}

//! Calendar dates (`YYYY-MM-DD`) for provider policies that change on a given day, and the
//! run's date: the system clock, or `MAILLINT_TODAY` so that tests and reports can pin it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The environment variable that sets the run's date (`YYYY-MM-DD`).
pub const TODAY_VAR: &str = "MAILLINT_TODAY";

/// Why a text is not a [`Date`], or why the run's date could not be set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not written `YYYY-MM-DD` (four, two and two digits).
    #[error("`{0}` is not a date written YYYY-MM-DD")]
    Malformed(String),
    /// The text is written `YYYY-MM-DD` but names no day (`2026-02-29`, `2026-13-01`).
    #[error("`{0}` is no such day")]
    NoSuchDay(String),
    /// `MAILLINT_TODAY` is set to something that is not a date.
    #[error("{var}: {0}", var = TODAY_VAR)]
    Today(Box<DateError>),
}

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists (`2026-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// The day after.
    pub fn next_day(self) -> Date {
        if self.day < days_in_month(self.year, self.month) {
            Date { day: self.day + 1, ..self }
        } else if self.month < 12 {
            Date { month: self.month + 1, day: 1, ..self }
        } else {
            Date { year: self.year + 1, month: 1, day: 1 }
        }
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The run's date: `MAILLINT_TODAY` when set (an error when it is not a date), else the
    /// system clock's day in UTC.
    pub fn today() -> Result<Date, DateError> {
        match std::env::var(TODAY_VAR) {
            Ok(text) => text.trim().parse().map_err(|e| DateError::Today(Box::new(e))),
            Err(_) => {
                let seconds = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                Ok(Date::from_unix_days((seconds / 86_400) as i64))
            }
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        let bad = || DateError::Malformed(text.to_owned());
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let number =
            |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok()).flatten();
        let (Some(year), Some(month), Some(day)) = (number(y), number(m), number(d)) else {
            return Err(bad());
        };
        Date::new(year, month as u8, day as u8).ok_or_else(|| DateError::NoSuchDay(text.to_owned()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_print_and_step() {
        let date: Date = "2026-12-31".parse().unwrap();
        assert_eq!(date.to_string(), "2026-12-31");
        assert_eq!(date.next_day().to_string(), "2027-01-01");
        assert_eq!("2024-02-28".parse::<Date>().unwrap().next_day().to_string(), "2024-02-29");
        assert_eq!("2026-02-28".parse::<Date>().unwrap().next_day().to_string(), "2026-03-01");
        for bad in
            ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01x", "", "+026-01-01"]
        {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2026-12-06".parse::<Date>().unwrap() < "2027-01-01".parse().unwrap());
    }

    #[test]
    fn errors_say_what_is_wrong_with_the_text() {
        let err = "2026-1-01".parse::<Date>().unwrap_err();
        assert_eq!(err, DateError::Malformed("2026-1-01".to_owned()));
        assert_eq!(err.to_string(), "`2026-1-01` is not a date written YYYY-MM-DD");
        let err = "2026-02-29".parse::<Date>().unwrap_err();
        assert_eq!(err.to_string(), "`2026-02-29` is no such day");
        assert_eq!(
            DateError::Today(Box::new(err)).to_string(),
            "MAILLINT_TODAY: `2026-02-29` is no such day"
        );
    }

    #[test]
    fn unix_days_map_to_civil_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(20_427).to_string(), "2025-12-05");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
    }
}

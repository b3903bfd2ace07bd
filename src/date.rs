//! Calendar dates, shared by every stage: days since 1970-01-01 (the rule VM's
//! encoding), the strict `YYYY-MM-DD` parser, and today's date or the date a build
//! is fixed to (`SOURCE_DATE_EPOCH`). Dates are proleptic Gregorian, as in jiff.

use jiff::civil::Date;

/// Days since 1970-01-01 of the proleptic Gregorian date `y`-`m`-`d` (Howard Hinnant's
/// `days_from_civil`). `m` must be 1–12 and `d` a day of that month; other input gives an
/// unspecified number but never panics.
#[must_use]
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date (year, month 1–12, day 1–31) that is `days` after 1970-01-01
/// (Howard Hinnant's `civil_from_days`). Exact whenever the year fits in an `i32`.
#[must_use]
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days.wrapping_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let y = yoe.wrapping_add(era.wrapping_mul(400)) + i64::from(m <= 2);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "m is 1–12 and d 1–31; y is documented to wrap"
    )]
    (y as i32, m as u32, d as u32)
}

/// Days since 1970-01-01 of a civil date.
#[must_use]
pub fn days(d: Date) -> i64 {
    days_from_civil(i32::from(d.year()), d.month() as u32, d.day() as u32)
}

/// The civil date `days` after 1970-01-01, or `None` outside the years jiff can
/// represent (-9999..=9999).
#[must_use]
pub fn from_days(days: i64) -> Option<Date> {
    let (y, m, d) = civil_from_days(days);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// What every reader says of a text that is not a date (a policy file, a case file, a
/// JSON Lines or CSV row alike; each adds where, in its own terms).
pub fn not_a_date(text: &str, why: &str) -> String {
    format!("`{text}` is not a date ({why})")
}

/// Parses `YYYY-MM-DD` strictly (no times, no other formats).
pub fn parse(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err("expected `YYYY-MM-DD`".into());
    }
    let y: i16 = s[0..4].parse().map_err(|_| "bad year")?;
    let m: i8 = s[5..7].parse().map_err(|_| "bad month")?;
    let day: i8 = s[8..10].parse().map_err(|_| "bad day")?;
    Date::new(y, m, day).map_err(|_| {
        if (1..=12).contains(&m) {
            format!("month {m} of {y} has no day {day}")
        } else {
            format!("there is no month {m}")
        }
    })
}

/// Today's date (UTC), from the system clock.
#[must_use]
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    from_days((secs / 86_400) as i64).unwrap_or(jiff::civil::date(1970, 1, 1))
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC) when it is set to a whole
/// number, as the Reproducible Builds convention defines it.
#[must_use]
pub fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// The date a build is made on: `SOURCE_DATE_EPOCH`'s day when set, else today (UTC).
/// What a published page says is in force depends on it, so a fixed epoch keeps two
/// builds byte-identical.
#[must_use]
pub fn build_date() -> Date {
    source_date_epoch()
        .and_then(|s| from_days(s.div_euclid(86_400)))
        .unwrap_or_else(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse("2022-05-24").is_ok());
        assert_eq!(
            parse("2022-02-30").unwrap_err(),
            "month 2 of 2022 has no day 30"
        );
        assert_eq!(parse("2022-13-01").unwrap_err(), "there is no month 13");
        assert!(parse("22-5-24").is_err());
        assert!(parse("2022-05-24T00:00").is_err());
    }

    #[test]
    fn days_round_trip() {
        let d = jiff::civil::date(2023, 7, 1);
        assert_eq!(from_days(days(d)), Some(d));
        assert_eq!(days(jiff::civil::date(1970, 1, 1)), 0);
        assert_eq!(from_days(i64::MAX / 2), None);
    }
}

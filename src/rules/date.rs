//! Rule language, calendar helpers used from lexing (date literals) to **evaluating** (`age`,
//! `+ months(n)`): proleptic Gregorian dates as days since 1970-01-01.
//!
//! The evaluator works on dates from 0000-01-01 to 9999-12-31 ([`DATE_MIN`]..=[`DATE_MAX`]);
//! `age` and date arithmetic outside that span give *unknown*.

/// 0000-01-01 as days since 1970-01-01.
pub(super) const DATE_MIN: i64 = -719_528;
/// 9999-12-31 as days since 1970-01-01.
pub(super) const DATE_MAX: i64 = 2_932_896;

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

/// [`civil_from_days`] for a day in [`DATE_MIN`]..=[`DATE_MAX`], by the faster 32-bit
/// algorithm of Neri and Schneider ("Euclidean affine functions and their application to
/// calendar algorithms", 2022). Tested equal to `civil_from_days` on every day of the span.
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    reason = "the day is in range, so every intermediate fits in a u32"
)]
pub(super) fn civil_in_domain(days: i64) -> (i32, u32, u32) {
    // Shift so that every day in the span is a positive u32 (Neri–Schneider's s = 82).
    const SHIFT: u32 = 82;
    const K: i64 = 719_468 + 146_097 * SHIFT as i64;
    const L: u32 = 400 * SHIFT;
    debug_assert!((DATE_MIN..=DATE_MAX).contains(&days));
    let n1 = 4 * (days + K) as u32 + 3;
    let century = n1 / 146_097;
    let of_century = n1 % 146_097 / 4;
    let p2 = 2_939_745_u64 * u64::from(4 * of_century + 3);
    let of_year = (p2 as u32) / 2_939_745 / 4; // from 1 March
    let n3 = 2141 * of_year + 197_913;
    let (month, day) = (n3 >> 16, (n3 & 0xFFFF) / 2141 + 1);
    let jan_feb = of_year >= 306;
    let year = (100 * century + (p2 >> 32) as u32) as i32 - L as i32 + i32::from(jan_feb);
    (year, if jan_feb { month - 12 } else { month }, day)
}

pub(super) fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` (1–12) of year `y`; 0 for a month out of range.
pub(super) fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Full years of someone born on `birth` on the day `on`; birthdays on 29 February fall on
/// 1 March in common years. `None` if a date is outside [`DATE_MIN`]..=[`DATE_MAX`].
#[inline]
pub(super) fn age(birth: i64, on: i64) -> Option<i64> {
    if !(DATE_MIN..=DATE_MAX).contains(&birth) || !(DATE_MIN..=DATE_MAX).contains(&on) {
        return None;
    }
    let (y1, m1, d1) = civil_in_domain(birth);
    let (y2, m2, d2) = civil_in_domain(on);
    Some(i64::from(y2) - i64::from(y1) - i64::from((m2, d2) < (m1, d1)))
}

/// `date` plus `n` calendar months, clamped to the last day of the month
/// (2024-01-31 + 1 month = 2024-02-29). `None` outside 0000-01-01..=9999-12-31.
#[inline]
pub(super) fn add_months(date: i64, n: i64) -> Option<i64> {
    if !(DATE_MIN..=DATE_MAX).contains(&date) {
        return None;
    }
    let (y, m, d) = civil_in_domain(date);
    let month0 = (i64::from(y) * 12 + i64::from(m) - 1).checked_add(n)?;
    let y = i32::try_from(month0.div_euclid(12))
        .ok()
        .filter(|y| (0..=9999).contains(y))?;
    let m = u32::try_from(month0.rem_euclid(12)).ok()? + 1;
    Some(days_from_civil(y, m, d.min(days_in_month(y, m))))
}

/// `date` plus `n` days. `None` outside 0000-01-01..=9999-12-31.
#[inline]
pub(super) fn add_days(date: i64, n: i64) -> Option<i64> {
    if !(DATE_MIN..=DATE_MAX).contains(&date) {
        return None;
    }
    date.checked_add(n)
        .filter(|d| (DATE_MIN..=DATE_MAX).contains(d))
}

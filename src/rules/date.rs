//! Rule language, calendar helpers used from lexing (date literals) to **evaluating** (`age`,
//! `+ months(n)`): proleptic Gregorian dates as days since 1970-01-01.
//!
//! The evaluator works on dates from 0000-01-01 to 9999-12-31 ([`DATE_MIN`]..=[`DATE_MAX`]);
//! `age` and date arithmetic outside that span give *unknown*.

/// 0000-01-01 as days since 1970-01-01.
pub(super) const DATE_MIN: i64 = -719_528;
/// 9999-12-31 as days since 1970-01-01.
pub(super) const DATE_MAX: i64 = 2_932_896;

pub use crate::date::{civil_from_days, days_from_civil};

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

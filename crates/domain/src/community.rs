//! Community group purchase, pure rules: where a pickup point is and whether
//! a store reaches it; when a campaign's cut-off falls in the leader's local
//! time; whether a campaign met its threshold.

use crate::{DomainError, Timestamp};

crate::status_enum! {
    /// A leader's application for a pickup point, as the operator decided it.
    pub enum CommunityStatus { Applied = "applied", Approved = "approved", Rejected = "rejected" }
}

crate::status_enum! {
    /// A campaign takes orders while open and closes once, into success or failure.
    pub enum CampaignStatus { Open = "open", Closing = "closing", Succeeded = "succeeded", Failed = "failed" }
}

crate::status_enum! {
    /// At the close each product is kept (its threshold met) or dropped.
    pub enum CampaignItemStatus { Open = "open", Kept = "kept", Dropped = "dropped" }
}

/// Mean Earth radius used for great-circle distances.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A place on Earth, kept as integer micro-degrees so that it stores and
/// compares exactly; the distance maths alone uses floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeoPoint {
    lat_micro: i64,
    lng_micro: i64,
}

impl GeoPoint {
    pub fn parse(lat: f64, lng: f64) -> Result<Self, DomainError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(DomainError::invalid("lat", "a latitude between -90 and 90"));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(DomainError::invalid("lng", "a longitude between -180 and 180"));
        }
        Ok(GeoPoint { lat_micro: (lat * 1e6).round() as i64, lng_micro: (lng * 1e6).round() as i64 })
    }

    pub fn from_micro(lat_micro: i64, lng_micro: i64) -> Result<Self, DomainError> {
        Self::parse(lat_micro as f64 / 1e6, lng_micro as f64 / 1e6)
    }

    pub fn lat_micro(&self) -> i64 {
        self.lat_micro
    }

    pub fn lng_micro(&self) -> i64 {
        self.lng_micro
    }

    /// Great-circle (haversine) distance in metres.
    pub fn distance_m(&self, other: &GeoPoint) -> f64 {
        let (la1, lo1) = ((self.lat_micro as f64 / 1e6).to_radians(), (self.lng_micro as f64 / 1e6).to_radians());
        let (la2, lo2) = ((other.lat_micro as f64 / 1e6).to_radians(), (other.lng_micro as f64 / 1e6).to_radians());
        let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    /// Whether a store at `self` serving `radius_m` reaches `pickup`.
    pub fn reaches(&self, pickup: &GeoPoint, radius_m: i64) -> bool {
        self.distance_m(pickup) <= radius_m as f64
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A time of day, to the second, as a leader types it: `23:00` or `22:59:30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay(i64);

impl TimeOfDay {
    pub fn hm(hour: u32, minute: u32) -> Result<Self, DomainError> {
        Self::hms(hour, minute, 0)
    }

    fn hms(hour: u32, minute: u32, second: u32) -> Result<Self, DomainError> {
        if hour > 23 || minute > 59 || second > 59 {
            return Err(DomainError::invalid("cutoff", "a time of day such as 23:00"));
        }
        Ok(TimeOfDay(hour as i64 * 3600 + minute as i64 * 60 + second as i64))
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("cutoff", "a time of day such as 23:00");
        let parts: Vec<u32> = text
            .trim()
            .split(':')
            .map(|p| if p.len() == 2 { p.parse().map_err(|_| bad()) } else { Err(bad()) })
            .collect::<Result<_, _>>()?;
        match parts[..] {
            [h, m] => Self::hms(h, m, 0),
            [h, m, s] => Self::hms(h, m, s),
            _ => Err(bad()),
        }
    }

    pub fn seconds(self) -> i64 {
        self.0
    }
}

/// A local wall-clock time in a fixed UTC offset (China has one, and no
/// daylight saving): the instant of `at` on the local day containing `now`.
/// A cut-off already passed today is tomorrow's.
pub fn next_cutoff(now: Timestamp, at: TimeOfDay, utc_offset_minutes: i64) -> Result<Timestamp, DomainError> {
    check_offset(utc_offset_minutes)?;
    let offset_ms = utc_offset_minutes * 60_000;
    let local_ms = now.millis() + offset_ms;
    let day_start_local = local_ms.div_euclid(86_400_000) * 86_400_000;
    let mut cutoff_local = day_start_local + at.seconds() * 1000;
    if cutoff_local <= local_ms {
        cutoff_local += 86_400_000;
    }
    Ok(Timestamp::from_millis(cutoff_local - offset_ms))
}

pub fn check_offset(utc_offset_minutes: i64) -> Result<(), DomainError> {
    if !(-14 * 60..=14 * 60).contains(&utc_offset_minutes) {
        return Err(DomainError::invalid("utc_offset_minutes", "between -840 and 840"));
    }
    Ok(())
}

/// The local calendar date (`YYYY-MM-DD`) of an instant, for delivery dates.
pub fn local_date(at: Timestamp, utc_offset_minutes: i64) -> String {
    let days = (at.millis() + utc_offset_minutes * 60_000).div_euclid(86_400_000);
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The local date and time (`YYYY-MM-DD HH:MM`) of an instant at a fixed
/// UTC offset: a community's cut-off as its pickup point's clock shows it.
pub fn local_date_time(at: Timestamp, utc_offset_minutes: i64) -> String {
    let minute_of_day = (at.millis() + utc_offset_minutes * 60_000).div_euclid(60_000).rem_euclid(1440);
    format!("{} {:02}:{:02}", local_date(at, utc_offset_minutes), minute_of_day / 60, minute_of_day % 60)
}

/// A fixed offset's name: `UTC+8`, `UTC+5:30`, `UTC-3`, `UTC`.
pub fn zone_name(utc_offset_minutes: i64) -> String {
    let (sign, m) = if utc_offset_minutes < 0 { ('-', -utc_offset_minutes) } else { ('+', utc_offset_minutes) };
    match (m / 60, m % 60) {
        (0, 0) => "UTC".to_owned(),
        (h, 0) => format!("UTC{sign}{h}"),
        (h, min) => format!("UTC{sign}{h}:{min:02}"),
    }
}

/// Orders are accepted strictly before the cut-off.
pub fn accepts_orders(now: Timestamp, cutoff: Timestamp) -> bool {
    now < cutoff
}

/// A campaign (or one product of it) succeeds when at least `threshold`
/// units were ordered.
pub fn threshold_met(ordered_units: i64, threshold: i64) -> bool {
    ordered_units >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_and_zone_names_across_midnight() {
        // 2026-11-30 16:30 UTC is 00:30 on December 1st in Beijing.
        let at = Timestamp::from_millis(1_796_056_200_000);
        assert_eq!(local_date_time(at, 0), "2026-11-30 16:30");
        assert_eq!(local_date_time(at, 480), "2026-12-01 00:30");
        assert_eq!(local_date_time(at, -180), "2026-11-30 13:30");
        assert_eq!(local_date_time(at, 330), "2026-11-30 22:00");
        assert_eq!(zone_name(480), "UTC+8");
        assert_eq!(zone_name(330), "UTC+5:30");
        assert_eq!(zone_name(-180), "UTC-3");
        assert_eq!(zone_name(0), "UTC");
    }

    const BEIJING: i64 = 8 * 60;

    /// Unix milliseconds of a UTC date and time.
    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> Timestamp {
        Timestamp::from_millis((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * 1000)
    }

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 11, 23), 20_780);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn the_23_00_cutoff_is_beijing_time_to_the_second() {
        // 22:59:59 in Beijing is 14:59:59 UTC: today's cut-off, one second away.
        let now = utc(2026, 11, 23, 14, 59, 59);
        let cutoff = next_cutoff(now, TimeOfDay::hm(23, 0).unwrap(), BEIJING).unwrap();
        assert_eq!(cutoff, utc(2026, 11, 23, 15, 0, 0));
        assert!(accepts_orders(now, cutoff));
        assert!(!accepts_orders(cutoff, cutoff));
        // At 23:00:00 exactly, today's has passed: the next is tomorrow's.
        assert_eq!(next_cutoff(cutoff, TimeOfDay::hm(23, 0).unwrap(), BEIJING).unwrap(), utc(2026, 11, 24, 15, 0, 0));
    }

    #[test]
    fn the_local_day_is_not_the_utc_day() {
        // 01:00 on the 24th in Beijing is still the 23rd in UTC.
        let now = utc(2026, 11, 23, 17, 0, 0);
        assert_eq!(next_cutoff(now, TimeOfDay::hm(23, 0).unwrap(), BEIJING).unwrap(), utc(2026, 11, 24, 15, 0, 0));
        // A negative offset: 23:00 in UTC-05:00 is 04:00 UTC next day.
        assert_eq!(next_cutoff(utc(2026, 11, 23, 12, 0, 0), TimeOfDay::hm(23, 0).unwrap(), -300).unwrap(), utc(2026, 11, 24, 4, 0, 0));
    }

    #[test]
    fn bad_times_and_offsets_are_refused() {
        let now = utc(2026, 1, 1, 0, 0, 0);
        assert!(TimeOfDay::hm(24, 0).is_err());
        assert!(TimeOfDay::hm(23, 60).is_err());
        for bad in ["", "23", "23:0", "23:00:60", "x:00", "23:00:00:00", "-1:00"] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert!(next_cutoff(now, TimeOfDay::hm(23, 0).unwrap(), 15 * 60).is_err());
    }

    #[test]
    fn cutoffs_take_seconds_and_local_dates_follow_the_offset() {
        let at = TimeOfDay::parse("22:59:30").unwrap();
        assert_eq!(next_cutoff(utc(2026, 11, 23, 14, 59, 29), at, BEIJING).unwrap(), utc(2026, 11, 23, 14, 59, 30));
        assert_eq!(local_date(utc(2026, 11, 23, 16, 0, 0), BEIJING), "2026-11-24");
        assert_eq!(local_date(utc(2026, 11, 23, 16, 0, 0), 0), "2026-11-23");
        assert_eq!(local_date(utc(2024, 2, 29, 0, 0, 0), 0), "2024-02-29");
        assert_eq!(local_date(utc(1970, 1, 1, 0, 0, 0), -60), "1969-12-31");
    }

    #[test]
    fn thresholds_need_at_least_the_number() {
        assert!(threshold_met(10, 10));
        assert!(!threshold_met(9, 10));
    }

    #[test]
    fn distances_are_great_circle() {
        let tiananmen = GeoPoint::parse(39.9087, 116.3975).unwrap();
        let wangfujing = GeoPoint::parse(39.9149, 116.4105).unwrap();
        let d = tiananmen.distance_m(&wangfujing);
        assert!((1250.0..1350.0).contains(&d), "{d}");
        // One degree of latitude is about 111.2 km everywhere.
        let a = GeoPoint::parse(10.0, 20.0).unwrap();
        let b = GeoPoint::parse(11.0, 20.0).unwrap();
        assert!((a.distance_m(&b) - 111_195.0).abs() < 50.0);
    }

    #[test]
    fn a_3_km_radius_reaches_pickup_points_within_it() {
        let store = GeoPoint::parse(39.9087, 116.3975).unwrap();
        let near = GeoPoint::parse(39.9149, 116.4105).unwrap();
        let far = GeoPoint::parse(39.9087, 116.5).unwrap();
        assert!(store.reaches(&near, 3000));
        assert!(!store.reaches(&far, 3000));
        assert!(store.reaches(&store, 0));
    }

    #[test]
    fn coordinates_are_validated_and_exact() {
        assert!(GeoPoint::parse(91.0, 0.0).is_err());
        assert!(GeoPoint::parse(0.0, 181.0).is_err());
        assert!(GeoPoint::parse(f64::NAN, 0.0).is_err());
        let p = GeoPoint::parse(39.908_7, 116.397_5).unwrap();
        assert_eq!((p.lat_micro(), p.lng_micro()), (39_908_700, 116_397_500));
        assert_eq!(GeoPoint::from_micro(39_908_700, 116_397_500).unwrap(), p);
    }
}

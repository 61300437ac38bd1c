//! Timestamps: parsing the date formats found in label rows and writing the reference's one output format,
//! `"%a, %d %b %Y %H:%M:%S UTC"`. Timestamps are held as UTC seconds since the epoch (the output has no
//! sub-second part, so nothing is lost).

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes `secs` in the reference's output format, e.g. `"Thu, 09 Feb 2023 14:12:03 UTC"`.
pub fn format_timestamp(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = WEEKDAYS[usize::try_from(days.rem_euclid(7)).unwrap_or(0)];
    let (h, m, s) = (rem / 3600, (rem / 60) % 60, rem % 60);
    format!(
        "{weekday}, {day:02} {} {year:04} {h:02}:{m:02}:{s:02} UTC",
        MONTHS[(month - 1) as usize]
    )
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let part = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &c in part {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

fn checked_secs(year: u32, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    let dim = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => return None,
    };
    if year == 0 || day == 0 || day > dim || h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(i64::from(year), month, day) * 86_400 + i64::from(h * 3600 + m * 60 + s))
}

/// `YYYY-MM-DD HH:MM:SS` or ISO-8601 `YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH[:MM]]`; no zone means UTC.
fn parse_iso_like(s: &str) -> Option<i64> {
    let mut c = Cursor { b: s.as_bytes(), i: 0 };
    let year = c.digits(4)?;
    c.eat(b'-')?;
    let month = c.digits(2)?;
    c.eat(b'-')?;
    let day = c.digits(2)?;
    if c.done() {
        return checked_secs(year, month, day, 0, 0, 0);
    }
    match c.peek()? {
        b'T' | b't' | b' ' => c.i += 1,
        _ => return None,
    }
    let h = c.digits(2)?;
    c.eat(b':')?;
    let m = c.digits(2)?;
    let mut sec = 0;
    if c.eat(b':').is_some() {
        sec = c.digits(2)?;
        if c.eat(b'.').is_some() || c.eat(b',').is_some() {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.i += 1;
            }
            if c.i == start {
                return None;
            }
        }
    }
    let base = checked_secs(year, month, day, h, m, sec)?;
    if c.done() {
        return Some(base);
    }
    let offset = match c.peek()? {
        b'Z' | b'z' => {
            c.i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            c.i += 1;
            let oh = c.digits(2)?;
            c.eat(b':');
            let om = if c.done() { 0 } else { c.digits(2)? };
            let off = i64::from(oh * 3600 + om * 60);
            if sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    c.done().then_some(base - offset)
}

/// `Thu, 09 Feb 2023 14:12:03 UTC` / `... GMT` (the weekday is not checked, as in the reference).
fn parse_long_format(s: &str) -> Option<i64> {
    parse_long_format_fixed(s.as_bytes()).or_else(|| parse_long_format_general(s))
}

fn parse_long_format_general(s: &str) -> Option<i64> {
    let rest = s.strip_suffix(" UTC").or_else(|| s.strip_suffix(" GMT"))?;
    let (_, rest) = rest.split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let mon = parts.next()?;
    let month = u32::try_from(MONTHS.iter().position(|m| m.eq_ignore_ascii_case(mon))? + 1).ok()?;
    let year: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let mut c = Cursor {
        b: time.as_bytes(),
        i: 0,
    };
    let h = c.digits(2)?;
    c.eat(b':')?;
    let m = c.digits(2)?;
    c.eat(b':')?;
    let sec = c.digits(2)?;
    if !c.done() {
        return None;
    }
    checked_secs(year, month, day, h, m, sec)
}

/// The long format in its exact written layout (`Ddd, DD Mon YYYY HH:MM:SS UTC`), read by position: this is
/// how every timestamp in an exported row looks, and the general reader below splits strings. `None` means
/// "not in this layout" (the general reader then decides).
fn parse_long_format_fixed(b: &[u8]) -> Option<i64> {
    let b: &[u8; 29] = b.try_into().ok()?;
    if !b[..3].iter().all(u8::is_ascii_alphabetic)
        || b[3..5] != *b", "
        || !matches!(&b[25..], b" UTC" | b" GMT")
        || b[7] != b' '
        || b[11] != b' '
        || b[16] != b' '
        || b[19] != b':'
        || b[22] != b':'
    {
        return None;
    }
    let num = |at: usize, n: usize| -> Option<u32> {
        b[at..at + n]
            .iter()
            .try_fold(0u32, |v, &c| c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0')))
    };
    let mon = [
        b[8].to_ascii_lowercase(),
        b[9].to_ascii_lowercase(),
        b[10].to_ascii_lowercase(),
    ];
    let month = MONTHS_LOWER.iter().position(|m| *m == mon)? + 1;
    checked_secs(
        num(12, 4)?,
        u32::try_from(month).ok()?,
        num(5, 2)?,
        num(17, 2)?,
        num(20, 2)?,
        num(23, 2)?,
    )
}

const MONTHS_LOWER: [[u8; 3]; 12] = [
    *b"jan", *b"feb", *b"mar", *b"apr", *b"may", *b"jun", *b"jul", *b"aug", *b"sep", *b"oct", *b"nov", *b"dec",
];

/// Parses the date formats the core understands natively. `None` means "not one of them": the caller may
/// then try a more general parser (the Python binding falls back to `dateutil`, as the reference does).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let t = s.trim();
    parse_iso_like(t).or_else(|| parse_long_format(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates() {
        let t = parse_timestamp("2023-02-09 14:12:03").unwrap();
        assert_eq!(format_timestamp(t), "Thu, 09 Feb 2023 14:12:03 UTC");
        assert_eq!(format_timestamp(0), "Thu, 01 Jan 1970 00:00:00 UTC");
        assert_eq!(format_timestamp(-1), "Wed, 31 Dec 1969 23:59:59 UTC");
        assert_eq!(format_timestamp(951_782_400), "Tue, 29 Feb 2000 00:00:00 UTC");
    }

    #[test]
    fn parses_every_native_form() {
        let want = parse_timestamp("2023-02-09 12:12:03").unwrap();
        for s in [
            "2023-02-09T14:12:03+02:00",
            "2023-02-09T12:12:03Z",
            "2023-02-09T12:12:03.123456Z",
            "2023-02-09T12:12:03",
            "Thu, 09 Feb 2023 12:12:03 GMT",
            "Mon, 09 Feb 2023 12:12:03 UTC",
            "2023-02-09T10:12:03-0200",
            "  Thu, 09 Feb 2023 12:12:03 UTC ",
            "thu, 09 feb 2023 12:12:03 UTC",
            "Thu, 9 Feb 2023 12:12:03 UTC",
        ] {
            assert_eq!(parse_timestamp(s), Some(want), "{s}");
        }
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for s in [
            "",
            "2023",
            "2023-13-01",
            "2023-02-30 00:00:00",
            "Thu, 09 Foo 2023 12:12:03 UTC",
            "日本語",
            "2023-02-09T1",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
    }

    #[test]
    fn fixed_layout_reader_agrees_with_the_general_one() {
        let base = *b"Thu, 09 Feb 2023 12:12:03 UTC";
        let subs = [b'0', b'1', b'2', b'9', b' ', b':', b',', b'a', b'Z', b'+', b'-', 0xC3];
        let mut tried = 0;
        for i in 0..base.len() {
            for &c in &subs {
                let mut b = base;
                b[i] = c;
                let Ok(s) = std::str::from_utf8(&b) else { continue };
                if let Some(t) = parse_long_format_fixed(s.as_bytes()) {
                    assert_eq!(parse_long_format_general(s), Some(t), "{s}");
                    tried += 1;
                }
            }
        }
        assert!(tried > 50);
        for s in [
            "Sun, 29 Feb 2024 23:59:59 GMT",
            "mon, 01 jAN 1970 00:00:00 UTC",
            "Wed, 31 Dec 9999 23:59:59 UTC",
        ] {
            assert_eq!(
                parse_long_format_fixed(s.as_bytes()),
                parse_long_format_general(s),
                "{s}"
            );
        }
    }

    #[test]
    fn civil_round_trip() {
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}

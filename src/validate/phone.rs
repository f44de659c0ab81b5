//! Phone numbers: a mainland mobile (`1[3-9]` + 9 digits, optionally +86) or a landline
//! with its area code (`0` + 2-3 digits, then 7-8 digits, optional extension).
//! Spaces, dashes and full-width digits are accepted and normalised.
//! Called by: `visits`, `pickups`.

use crate::error::{Error, ErrorCode, Result};

/// Normalises and validates; returns `1381234 5678` as `13812345678`, a landline as `010-12345678`.
pub fn parse(field: &'static str, input: &str) -> Result<String> {
    let cleaned: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '—' => '-',
            '＋' => '+',
            _ => c,
        })
        .collect();
    if cleaned.is_empty() {
        return Err(Error::required(field));
    }
    let bad = || {
        Error::invalid(field, ErrorCode::PhoneFormat, "is not a mobile number (11 digits starting 13-19) or a landline with its area code (e.g. 010-12345678)")
    };
    let digits_only = cleaned.strip_prefix("+86").or_else(|| cleaned.strip_prefix("0086")).unwrap_or(&cleaned);
    let plain: String = digits_only.chars().filter(|c| *c != '-').collect();
    if !plain.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if plain.starts_with('1') {
        let ok = plain.len() == 11 && matches!(plain.as_bytes()[1], b'3'..=b'9');
        return if ok { Ok(plain) } else { Err(bad()) };
    }
    if plain.starts_with('0') && digits_only == cleaned {
        return landline(&cleaned).ok_or_else(bad);
    }
    Err(bad())
}

/// `0AA(A)-NNNNNNN(N)[-EXT]` with or without the first dash.
fn landline(text: &str) -> Option<String> {
    let mut parts = text.split('-');
    let first = parts.next()?;
    let (area, number) = match parts.next() {
        Some(number) => (first.to_string(), number.to_string()),
        // No dash: 3-digit area codes are 010 and 02X; the rest have 4 digits.
        None => {
            let area_len = if first.starts_with("010") || first.starts_with("02") { 3 } else { 4 };
            if first.len() <= area_len {
                return None;
            }
            (first[..area_len].to_string(), first[area_len..].to_string())
        }
    };
    let extension = parts.next();
    if parts.next().is_some() || !(3..=4).contains(&area.len()) || !(7..=8).contains(&number.len()) {
        return None;
    }
    if let Some(ext) = extension {
        if ext.is_empty() || ext.len() > 6 {
            return None;
        }
        return Some(format!("{area}-{number}-{ext}"));
    }
    Some(format!("{area}-{number}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines_are_normalised() {
        let ok = |s: &str| parse("phone", s).unwrap();
        assert_eq!(ok("138 1234 5678"), "13812345678");
        assert_eq!(ok("+86 13812345678"), "13812345678");
        assert_eq!(ok("１３８１２３４５６７８"), "13812345678");
        assert_eq!(ok("010-12345678"), "010-12345678");
        assert_eq!(ok("01012345678"), "010-12345678");
        assert_eq!(ok("0755 2345678"), "0755-2345678");
        assert_eq!(ok("021-12345678-801"), "021-12345678-801");
    }

    #[test]
    fn wrong_numbers_say_what_a_phone_looks_like() {
        for bad in ["1381234567", "123456789012", "12812345678", "abc", "010-123", "+86 010-12345678", "13812345678x"] {
            let err = parse("phone", bad).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::PhoneFormat, Some("phone")), "{bad}");
        }
        assert_eq!(parse("phone", " ").unwrap_err().code(), ErrorCode::Required);
    }
}

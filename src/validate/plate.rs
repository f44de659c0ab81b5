//! Chinese licence plates (车牌号).
//!
//! Normalising: upper case, full-width letters and digits to half-width, spaces, dots and
//! hyphens dropped. Plates never use the letters I and O, so after the province character
//! `O` is read as `0` and `I` as `1`, and the guard is told (`corrected`).
//! Standard plates have 7 characters (province, letter and 5 more), new-energy plates 8
//! (province, letter and 6 more, with D or F first (small) or last (large)). Anything else (警, 学, 挂, 港, 澳,
//! 使, 领, 应急, WJ, military) is a `special` plate the guard must confirm.
//! Called by: `vehicles`, `watchlist`, `visits`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};

/// Province (and municipality) abbreviations that start a civil plate.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlateKind {
    Standard,
    NewEnergy,
    /// Confirmed by the guard: police, coach, trailer, Hong Kong/Macau, embassy, military…
    Special,
}

impl PlateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlateKind::Standard => "standard",
            PlateKind::NewEnergy => "new_energy",
            PlateKind::Special => "special",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Plate {
    pub plate: String,
    pub kind: PlateKind,
    /// `O`→`0` or `I`→`1` was applied: show the guard what was typed and what is kept.
    pub corrected: bool,
}

/// Upper case, half-width, no spaces, dots or hyphens.
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '·' | '•' | '-' | '－' | '。'))
        .map(|c| match c {
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// Validates a plate as typed. `allow_special`: the guard confirmed a plate that fits no
/// civil form; it is then kept as typed (normalised).
pub fn parse(field: &'static str, input: &str, allow_special: bool) -> Result<Plate> {
    let typed = normalise(input);
    if typed.is_empty() {
        return Err(Error::required(field));
    }
    let mut chars: Vec<char> = typed.chars().collect();
    let civil = PROVINCES.contains(chars[0]);
    let mut corrected = false;
    if civil {
        for c in chars.iter_mut().skip(1) {
            let fixed = match *c {
                'O' => '0',
                'I' => '1',
                other => other,
            };
            corrected |= fixed != *c;
            *c = fixed;
        }
    }
    let plate: String = chars.iter().collect();
    let kind = civil_kind(&chars);
    match kind {
        Some(kind) => Ok(Plate { plate, kind, corrected }),
        None if allow_special && chars.len() <= 10 && chars.iter().all(|c| c.is_alphanumeric()) => {
            Ok(Plate { plate: typed, kind: PlateKind::Special, corrected: false })
        }
        None => Err(plate_error(field, &chars, civil, corrected, &plate)),
    }
}

fn civil_kind(chars: &[char]) -> Option<PlateKind> {
    if chars.len() < 7 || !PROVINCES.contains(chars[0]) || !chars[1].is_ascii_uppercase() || !chars[2..].iter().all(|c| is_serial_char(*c)) {
        return None;
    }
    match chars.len() {
        7 => Some(PlateKind::Standard),
        8 => {
            let serial = &chars[2..];
            // Small: D or F, a letter or digit, then 4 digits. Large: 5 digits, then D or F.
            let small = matches!(serial[0], 'D' | 'F') && serial[2..].iter().all(char::is_ascii_digit);
            let large = matches!(serial[5], 'D' | 'F') && serial[..5].iter().all(char::is_ascii_digit);
            (small || large).then_some(PlateKind::NewEnergy)
        }
        _ => None,
    }
}

fn plate_error(field: &'static str, chars: &[char], civil: bool, corrected: bool, plate: &str) -> Error {
    let (code, message) = if !civil {
        (
            ErrorCode::PlateNotCivil,
            "does not start with a province character (e.g. 京, 粤): if it is a special plate (警, 使, WJ, military), confirm it as special",
        )
    } else if chars.len() < 7 {
        (ErrorCode::PlateTooShort, "is too short: a plate has 7 characters (8 for new-energy vehicles)")
    } else if chars.len() > 8 {
        (ErrorCode::PlateTooLong, "is too long: a plate has 7 characters (8 for new-energy vehicles)")
    } else if !chars[1].is_ascii_uppercase() {
        (ErrorCode::PlateLetter, "the second character must be a letter (the issuing office)")
    } else {
        (ErrorCode::PlateFormat, "is not a valid plate: check each character, or confirm it as a special plate")
    };
    let err = Error::invalid(field, code, message).with_param("plate", plate);
    if corrected {
        err.with_param("corrected", "1")
    } else {
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_plates_of_each_kind() {
        let table = [
            ("京A12345", "京A12345", PlateKind::Standard),
            ("京a 12345", "京A12345", PlateKind::Standard),
            ("粤Ｂ·１２３４５", "粤B12345", PlateKind::Standard),
            ("京AD12345", "京AD12345", PlateKind::NewEnergy),
            ("京ADA1234", "京ADA1234", PlateKind::NewEnergy),
            ("粤B12345F", "粤B12345F", PlateKind::NewEnergy),
            ("沪C2Z8K9", "沪C2Z8K9", PlateKind::Standard),
        ];
        for (typed, expected, kind) in table {
            let plate = parse("plate", typed, false).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!((plate.plate.as_str(), plate.kind, plate.corrected), (expected, kind, false), "{typed}");
        }
    }

    #[test]
    fn o_and_i_are_corrected_with_a_notice() {
        let plate = parse("plate", "京AO12I4", false).unwrap();
        assert_eq!((plate.plate.as_str(), plate.corrected), ("京A01214", true));
        let err = parse("plate", "京I12345", false).unwrap_err();
        assert_eq!(
            (err.code(), err.params()["plate"].as_str(), err.params().get("corrected").map(String::as_str)),
            (ErrorCode::PlateLetter, "京112345", Some("1"))
        );
    }

    #[test]
    fn invalid_plates_say_what_is_wrong() {
        let code = |s: &str| parse("plate", s, false).unwrap_err().code();
        assert_eq!(code("京A1234"), ErrorCode::PlateTooShort);
        assert_eq!(code("ABCDEFG"), ErrorCode::PlateNotCivil);
        assert_eq!(code("京A123456789"), ErrorCode::PlateTooLong);
        assert_eq!(code("京AB12345"), ErrorCode::PlateFormat);
        assert_eq!(code("京A1234警"), ErrorCode::PlateFormat);
        assert_eq!(parse("plate", "  ", false).unwrap_err().code(), ErrorCode::Required);
    }

    #[test]
    fn special_plates_pass_once_confirmed() {
        for typed in ["京A1234警", "WJ1234567", "粤Z1234港", "使123456", "VA12345"] {
            assert!(parse("plate", typed, false).is_err(), "{typed} needs confirming");
            let plate = parse("plate", typed, true).unwrap();
            assert_eq!(plate.kind, PlateKind::Special, "{typed}");
        }
        assert!(parse("plate", "<script>", true).is_err());
    }
}

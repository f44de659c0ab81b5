//! Resident identity card numbers (居民身份证号码, GB 11643-1999).
//!
//! 18 characters: 6-digit area code (first two = province), 8-digit birth date, 3-digit
//! sequence, and a check character (ISO 7064 MOD 11-2: `0`-`9` or `X`). The 15-digit
//! pre-1999 form (6 area, YYMMDD in the 1900s, 3 sequence) is accepted and widened to 18.
//! Input is normalised first: spaces dropped, full-width digits and letters mapped to ASCII,
//! a lower-case `x` upper-cased. Each failure names the part that is wrong.
//! Must not: look anything up in the database. Called by: `visits` (and later pick-ups).

use chrono::NaiveDate;

use crate::error::{Error, ErrorCode, Result};

/// First two digits of the area code that are in use (GB/T 2260 provinces, plus 71 Taiwan,
/// 81 Hong Kong, 82 Macau, 83 Taiwan residents' residence permits).
const PROVINCES: &[u32] =
    &[11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A valid 18-character resident ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CnId {
    pub number: String,
    pub birth_date: NaiveDate,
    /// True when the input was the 15-digit old form (the number is its 18-digit equivalent).
    pub widened_from_15: bool,
}

/// The check character for the first 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// Drops spaces, maps full-width characters to ASCII and upper-cases `x`.
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ｘ' | 'Ｘ' | 'x' => 'X',
            _ => c,
        })
        .collect()
}

/// Validates a resident ID number as typed, with `today` bounding the birth date.
pub fn parse(input: &str, today: NaiveDate) -> Result<CnId> {
    const FIELD: &str = "id_number";
    let number = normalise(input);
    if number.is_empty() {
        return Err(Error::required(FIELD));
    }
    // Only ASCII digits and X from here on, so byte offsets below are character offsets.
    if !number.chars().all(|c| c.is_ascii_digit() || c == 'X') {
        return Err(characters_error());
    }
    match number.len() {
        18 if !number[..17].contains('X') => {}
        15 if !number.contains('X') => {}
        18 | 15 => return Err(characters_error()),
        length => {
            return Err(Error::invalid(FIELD, ErrorCode::IdNumberLength, "must have 18 characters (or 15 digits for an old card)").with_param("length", length));
        }
    }
    let widened_from_15 = number.len() == 15;
    let first17 = if widened_from_15 { format!("{}19{}", &number[..6], &number[6..]) } else { number[..17].to_string() };

    let province: u32 = first17[..2].parse().unwrap_or(0);
    if !PROVINCES.contains(&province) {
        return Err(Error::invalid(FIELD, ErrorCode::IdNumberProvince, "the first two digits are not a province code: check the number")
            .with_param("province", &first17[..2]));
    }
    let birth_date = NaiveDate::parse_from_str(&first17[6..14], "%Y%m%d")
        .ok()
        .filter(|d| *d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default())
        .ok_or_else(|| {
            Error::invalid(FIELD, ErrorCode::IdNumberBirthDate, "digits 7-14 are not a real birth date: check the number").with_param("birth", &first17[6..14])
        })?;
    if birth_date > today {
        return Err(Error::invalid(FIELD, ErrorCode::IdNumberBirthFuture, "the birth date (digits 7-14) is in the future: check the number")
            .with_param("birth", birth_date));
    }
    let expected = check_char(&first17).ok_or_else(characters_error)?;
    if !widened_from_15 && !number.ends_with(expected) {
        return Err(Error::invalid(FIELD, ErrorCode::IdNumberCheckDigit, "the last character does not match the others: a digit was mistyped"));
    }
    Ok(CnId { number: format!("{first17}{expected}"), birth_date, widened_from_15 })
}

fn characters_error() -> Error {
    Error::invalid("id_number", ErrorCode::IdNumberCharacters, "may contain only digits and a final X")
}

/// Shows only the last four characters: `**************123X`.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let keep = chars.len().min(4);
    let hidden = chars.len() - keep;
    "*".repeat(hidden) + &chars[hidden..].iter().collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// A synthetic valid number with the given first 17 digits.
    fn valid(first17: &str) -> String {
        format!("{first17}{}", check_char(first17).unwrap())
    }

    #[test]
    fn the_published_gb11643_sample_is_valid() {
        // The worked example of GB 11643-1999: 11010519491231002X.
        let id = parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(check_char("11010519491231002"), Some('X'));
    }

    #[test]
    fn lower_case_x_full_width_digits_and_spaces_are_normalised() {
        assert_eq!(parse("110105 19491231 002x", today()).unwrap().number, "11010519491231002X");
        assert_eq!(parse("１１０１０５１９４９１２３１００２Ｘ", today()).unwrap().number, "11010519491231002X");
    }

    #[test]
    fn a_15_digit_number_is_widened_to_18() {
        let id = parse("110105491231002", today()).unwrap();
        assert!(id.widened_from_15);
        assert_eq!(id.number, "11010519491231002X");
    }

    #[test]
    fn each_failure_names_its_part() {
        let code = |s: &str| parse(s, today()).unwrap_err().code();
        assert_eq!(code("1101051949123100"), ErrorCode::IdNumberLength);
        assert_eq!(code("11010519491231002A"), ErrorCode::IdNumberCharacters);
        assert_eq!(code("abc"), ErrorCode::IdNumberCharacters);
        assert_eq!(code(&valid("99010519491231002")), ErrorCode::IdNumberProvince);
        assert_eq!(code(&valid("11010519490231002")), ErrorCode::IdNumberBirthDate);
        assert_eq!(code(&valid("11010520300101002")), ErrorCode::IdNumberBirthFuture);
        assert_eq!(code("110105194912310021"), ErrorCode::IdNumberCheckDigit);
        assert_eq!(code("  "), ErrorCode::Required);
        assert_eq!(parse("1101051949123100", today()).unwrap_err().field(), Some("id_number"));
    }

    #[test]
    fn mask_keeps_the_last_four() {
        assert_eq!(mask("11010519491231002X"), "**************002X");
        assert_eq!(mask("12"), "12");
    }

    proptest! {
        #[test]
        fn changing_any_single_digit_of_a_valid_number_is_rejected(pos in 0usize..17, delta in 1u32..10) {
            let number = "11010519491231002X";
            let mut chars: Vec<char> = number.chars().collect();
            let d = chars[pos].to_digit(10).unwrap();
            chars[pos] = char::from_digit((d + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            prop_assert!(parse(&changed, today()).is_err(), "{changed} was accepted");
        }

        #[test]
        fn parse_never_panics(input in "\\PC{0,30}") {
            let _ = parse(&input, today());
        }
    }
}

//! The visitor slip's code (回执): the visit's number in digits, so a USB scanner types it
//! correctly under any keyboard layout or input method, and Enter opens the visit.
//!
//! Form: `80` + the visit id in 8 digits + a Luhn check digit (11 digits). The prefix tells
//! a slip from a pass code (much longer); the check digit catches a misread or mistyped digit.
//! Called by: `visits` (to print it and to find a visit from a scan).

use crate::error::{Error, ErrorCode, Result};

const PREFIX: &str = "80";

fn luhn_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// The slip code of a visit.
pub fn encode(visit_id: i64) -> String {
    let body = format!("{PREFIX}{visit_id:08}");
    format!("{body}{}", luhn_digit(&body))
}

/// The visit id in a scanned or typed slip code (full-width digits and spaces accepted).
pub fn decode(input: &str) -> Result<i64> {
    let digits: String = crate::validate::cn_id::normalise(input);
    let bad = || Error::invalid("slip_code", ErrorCode::SlipCodeInvalid, "this is not a visitor slip code: scan the QR code on the slip again");
    if digits.len() != 11 || !digits.starts_with(PREFIX) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (body, check) = digits.split_at(10);
    if check.parse::<u32>().ok() != Some(luhn_digit(body)) {
        return Err(bad());
    }
    body[2..].parse().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_code_round_trips_and_full_width_digits_are_read() {
        assert_eq!(encode(42).len(), 11);
        assert_eq!(decode(&encode(42)).unwrap(), 42);
        let full_width: String = encode(7).chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
        assert_eq!(decode(&full_width).unwrap(), 7);
        assert_eq!(decode("12345").unwrap_err().code(), ErrorCode::SlipCodeInvalid);
    }

    proptest! {
        #[test]
        fn any_single_wrong_digit_is_caught(id in 1i64..99_999_999, pos in 0usize..11, delta in 1u32..10) {
            let code = encode(id);
            let mut chars: Vec<char> = code.chars().collect();
            chars[pos] = char::from_digit((chars[pos].to_digit(10).unwrap() + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            prop_assert!(decode(&changed).is_err(), "{changed} was accepted");
        }
    }
}

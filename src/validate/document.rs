//! Identity documents a visitor may show: the resident ID card (checked fully, see
//! `cn_id`), a passport, a Hong Kong/Macau or Taiwan travel permit, or another document.
//! Called by: `visits`, `watchlist`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cn_id;
use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// 居民身份证
    #[default]
    ResidentId,
    /// 护照
    Passport,
    /// 港澳居民来往内地通行证
    HkMacauPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    Other,
}

impl DocType {
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::ResidentId => "resident_id",
            DocType::Passport => "passport",
            DocType::HkMacauPermit => "hk_macau_permit",
            DocType::TaiwanPermit => "taiwan_permit",
            DocType::Other => "other",
        }
    }

    pub fn parse(text: Option<&str>) -> DocType {
        match text {
            Some("passport") => DocType::Passport,
            Some("hk_macau_permit") => DocType::HkMacauPermit,
            Some("taiwan_permit") => DocType::TaiwanPermit,
            Some("other") => DocType::Other,
            _ => DocType::ResidentId,
        }
    }
}

/// Normalises and validates a document number of the given type (field `id_number`).
pub fn parse(doc_type: DocType, input: &str, today: NaiveDate) -> Result<String> {
    const FIELD: &str = "id_number";
    if doc_type == DocType::ResidentId {
        return Ok(cn_id::parse(input, today)?.number);
    }
    // Full-width letters from an input method (Ｈ, ｍ) count as the ASCII ones.
    let number: String = cn_id::normalise(input)
        .chars()
        .map(|c| match c {
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_uppercase();
    if number.is_empty() {
        return Err(Error::required(FIELD));
    }
    let alnum = number.chars().all(|c| c.is_ascii_alphanumeric());
    let ok = match doc_type {
        DocType::Passport => alnum && (5..=20).contains(&number.len()),
        // H or M and 8 (or 10) digits.
        DocType::HkMacauPermit => {
            // By characters, never by byte offsets: the first one may be any Unicode character.
            let mut chars = number.chars();
            let prefix = chars.next();
            let digits = chars.as_str();
            matches!(prefix, Some('H' | 'M')) && [8, 10].contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
        }
        DocType::TaiwanPermit => alnum && (8..=10).contains(&number.len()),
        DocType::Other | DocType::ResidentId => (1..=30).contains(&number.chars().count()) && !number.chars().any(char::is_control),
    };
    if !ok {
        return Err(Error::invalid(FIELD, ErrorCode::IdNumberFormat, "does not look like a number of this document type: check the type and the number")
            .with_param("docType", doc_type.as_str()));
    }
    Ok(number)
}

/// Masks all but the last four characters, whatever the document.
pub fn mask(number: &str) -> String {
    cn_id::mask(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn each_document_type_has_its_own_form() {
        assert_eq!(parse(DocType::Passport, "e1234 5678", today()).unwrap(), "E12345678");
        assert_eq!(parse(DocType::HkMacauPermit, "H12345678", today()).unwrap(), "H12345678");
        assert_eq!(parse(DocType::TaiwanPermit, "12345678", today()).unwrap(), "12345678");
        assert_eq!(parse(DocType::Other, "军官证 123", today()).unwrap(), "军官证123");
        for (doc, bad) in [(DocType::Passport, "E1"), (DocType::HkMacauPermit, "X12345678"), (DocType::TaiwanPermit, "12-34")] {
            assert_eq!(parse(doc, bad, today()).unwrap_err().code(), ErrorCode::IdNumberFormat, "{bad}");
        }
        assert_eq!(parse(DocType::ResidentId, "110105194912310021", today()).unwrap_err().code(), ErrorCode::IdNumberCheckDigit);
    }

    #[test]
    fn full_width_permit_letters_count_as_ascii() {
        assert_eq!(parse(DocType::HkMacauPermit, "Ｈ１２３４５６７８", today()).unwrap(), "H12345678");
        assert_eq!(parse(DocType::Passport, "ｅ１２３４５６７８", today()).unwrap(), "E12345678");
    }

    #[test]
    fn a_permit_number_starting_with_a_multibyte_character_is_an_error_not_a_panic() {
        // Typed through an input method: a CJK character, an accented letter, a combining mark.
        for typed in ["中12345678", "é12345678", "\u{301}H12345678", "Ｈ１２３４５６７８９"] {
            let err = parse(DocType::HkMacauPermit, typed, today()).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::IdNumberFormat, Some("id_number")), "{typed}");
        }
    }
}

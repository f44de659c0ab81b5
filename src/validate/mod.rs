//! Input validators shared by the record modules. Each returns a normalised value or an
//! `Invalid` error that names its field. Must not: touch the database.
//! Called by: `visits`, `guards`, `site` (and later vehicles, passes, duty).

pub mod cn_id;
pub mod document;
pub mod phone;
pub mod plate;

use crate::error::{Error, ErrorCode, Result};

/// A required one-line text: trimmed, non-empty, at most `max` characters, no control
/// characters (a scanner's stray Tab or a pasted newline would corrupt slips and exports).
pub fn required_text(field: &'static str, input: &str, max: usize) -> Result<String> {
    let value = input.trim();
    if value.is_empty() {
        return Err(Error::required(field));
    }
    let count = value.chars().count();
    if count > max {
        return Err(Error::invalid(field, ErrorCode::TooLong, format!("is {count} characters long; at most {max} are allowed"))
            .with_param("max", max)
            .with_param("length", count));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, ErrorCode::ControlCharacters, "contains a control character (tab or line break): retype it"));
    }
    Ok(value.to_string())
}

/// Characters a person's name may hold besides letters (CJK or Latin): the middle dot of
/// minority and foreign names in Chinese (阿卜杜·热合曼), spaces, hyphens, apostrophes, periods.
const NAME_PUNCTUATION: &[char] = &['·', '•', '.', ' ', '-', '\'', '’'];

/// A person's name: required, at most `max` characters, letters and name punctuation only
/// (markup or digits in a name are a typing or scanning mistake, never a real name).
pub fn person_name(field: &'static str, input: &str, max: usize) -> Result<String> {
    let name = required_text(field, input, max)?;
    let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(bad) = name.chars().find(|c| !c.is_alphabetic() && !NAME_PUNCTUATION.contains(c)) {
        return Err(Error::invalid(field, ErrorCode::NameCharacters, format!("may hold only letters, spaces and · (found `{bad}`)")).with_param("char", bad));
    }
    Ok(name)
}

/// An optional one-line text: empty means absent.
pub fn optional_text(field: &'static str, input: Option<&str>, max: usize) -> Result<Option<String>> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => required_text(field, text, max).map(Some),
    }
}

/// A PIN: 6 to 12 ASCII digits (full-width digits from an input method are mapped back).
pub fn pin(field: &'static str, input: &str) -> Result<String> {
    let pin: String = input
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if pin.is_empty() {
        return Err(Error::required(field));
    }
    if !(6..=12).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(field, ErrorCode::PinFormat, "must be 6 to 12 digits").with_param("min", 6).with_param("max", 12));
    }
    Ok(pin)
}

/// The largest quantity of goods accepted: anything above is a typing slip, not a load.
const QUANTITY_MAX: f64 = 999_999_999.0;

/// A quantity of goods: a positive number (decimals allowed, e.g. 2.5 吨), typed as text so a
/// word like "lots" gets a clear message instead of being lost in a number field.
pub fn quantity(field: &'static str, input: &str) -> Result<f64> {
    let text = input.trim().replace(['，', '．'], ".");
    if text.is_empty() {
        return Err(Error::required(field));
    }
    match text.parse::<f64>() {
        Ok(q) if q.is_nan() => Err(Error::invalid(field, ErrorCode::QuantityFormat, "must be a number, e.g. 3 or 2.5")),
        Ok(q) if q <= 0.0 => Err(Error::invalid(field, ErrorCode::NotPositive, "must be more than 0")),
        Ok(q) if q > QUANTITY_MAX => Err(Error::invalid(field, ErrorCode::AboveMaximum, "is too large").with_param("max", QUANTITY_MAX as i64)),
        Ok(q) => Ok((q * 1000.0).round() / 1000.0),
        Err(_) => Err(Error::invalid(field, ErrorCode::QuantityFormat, "must be a number, e.g. 3 or 2.5")),
    }
}

/// A local date typed as `YYYY-MM-DD`.
pub fn date(field: &'static str, input: &str) -> Result<chrono::NaiveDate> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Error::required(field));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| Error::invalid(field, ErrorCode::DateFormat, "must be a date like 2026-11-28"))
}

/// An integer setting within `min..=max`.
pub fn in_range(field: &'static str, value: i64, min: i64, max: i64) -> Result<i64> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid(field, ErrorCode::OutOfRange, format!("must be between {min} and {max}")).with_param("min", min).with_param("max", max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(required_text("name", "  张伟 ", 50).unwrap(), "张伟");
        assert_eq!(required_text("name", "   ", 50).unwrap_err().code(), ErrorCode::Required);
        let long = "张".repeat(51);
        let err = required_text("name", &long, 50).unwrap_err();
        assert_eq!((err.code(), err.field(), err.params()["max"].as_str()), (ErrorCode::TooLong, Some("name"), "50"));
        assert_eq!(required_text("name", "a\tb", 50).unwrap_err().code(), ErrorCode::ControlCharacters);
        assert_eq!(required_text("name", &"张".repeat(50), 50).unwrap().chars().count(), 50);
    }

    #[test]
    fn person_names_are_letters_and_name_punctuation() {
        assert_eq!(person_name("name", "阿卜杜·热合曼", 50).unwrap(), "阿卜杜·热合曼");
        assert_eq!(person_name("name", "Mary  O'Brien", 50).unwrap(), "Mary O'Brien");
        for bad in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "张伟2", "a;b"] {
            let err = person_name("name", bad, 50).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::NameCharacters, Some("name")), "{bad}");
        }
    }

    #[test]
    fn quantities_are_positive_numbers() {
        assert_eq!(quantity("quantity", " 2.5 ").unwrap(), 2.5);
        assert_eq!(quantity("quantity", "-3").unwrap_err().code(), ErrorCode::NotPositive);
        assert_eq!(quantity("quantity", "0").unwrap_err().code(), ErrorCode::NotPositive);
        assert_eq!(quantity("quantity", "lots").unwrap_err().code(), ErrorCode::QuantityFormat);
        assert_eq!(quantity("quantity", "NaN").unwrap_err().code(), ErrorCode::QuantityFormat);
        let too_large = quantity("quantity", "2e9").unwrap_err();
        assert_eq!((too_large.code(), too_large.params().get("max").map(String::as_str)), (ErrorCode::AboveMaximum, Some("999999999")));
        assert_eq!(quantity("quantity", "inf").unwrap_err().code(), ErrorCode::AboveMaximum);
        assert_eq!(quantity("quantity", "999999999").unwrap(), 999_999_999.0);
        assert_eq!(date("due_on", "2026-02-30").unwrap_err().code(), ErrorCode::DateFormat);
    }

    #[test]
    fn pins_are_six_to_twelve_digits() {
        assert_eq!(pin("pin", "１２３４５６").unwrap(), "123456");
        assert_eq!(pin("pin", "12345").unwrap_err().code(), ErrorCode::PinFormat);
        assert_eq!(pin("pin", "1234567890123").unwrap_err().code(), ErrorCode::PinFormat);
        assert_eq!(pin("pin", "12345a").unwrap_err().code(), ErrorCode::PinFormat);
        assert_eq!(pin("pin", "").unwrap_err().code(), ErrorCode::Required);
    }
}

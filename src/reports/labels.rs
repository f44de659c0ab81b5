//! How exports name things in the site's language: document types, vehicle types, scan
//! outcomes and search kinds, each keyed by its enum so a new value does not compile
//! without a name. The names are the UI's (`ui/src/lib/i18n`); the tests below read both
//! dictionaries and hold them equal, so a name changed on screen must change here too.
//!
//! Owns: the labels. Must not: format times or numbers. Called by: `export`.

use serde::de::DeserializeOwned;

use crate::passes::scan::Outcome;
use crate::search::SearchKind;
use crate::site::Language;
use crate::validate::document::DocType;
use crate::vehicles::VehicleType;

/// `zh` or `en`, as the site's language asks.
pub(super) fn tr(language: Language, zh: &str, en: &str) -> String {
    match language {
        Language::ZhCn => zh.to_string(),
        Language::En => en.to_string(),
    }
}

/// An enum from its stored code (`snake_case`, as serde writes it); none for an unknown code.
fn from_code<T: DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(code)).ok()
}

/// A document type (UI `docTypes`).
pub(super) fn doc_label(language: Language, doc: DocType) -> String {
    let (zh, en) = match doc {
        DocType::ResidentId => ("居民身份证", "Resident ID card"),
        DocType::Passport => ("护照", "Passport"),
        DocType::HkMacauPermit => ("港澳居民来往内地通行证", "Hong Kong/Macau permit"),
        DocType::TaiwanPermit => ("台湾居民来往大陆通行证", "Taiwan permit"),
        DocType::Other => ("其他证件", "Other document"),
    };
    tr(language, zh, en)
}

/// A vehicle type by its stored code (UI `vehicleTypes`); an unknown code is "other".
pub(super) fn vehicle_type_label(language: Language, code: &str) -> String {
    let (zh, en) = match from_code(code).unwrap_or(VehicleType::Other) {
        VehicleType::Car => ("小客车", "Car"),
        VehicleType::Van => ("面包车", "Van"),
        VehicleType::Truck => ("货车", "Truck"),
        VehicleType::Bus => ("客车", "Bus"),
        VehicleType::Motorcycle => ("摩托车", "Motorcycle"),
        VehicleType::Other => ("其他", "Other"),
    };
    tr(language, zh, en)
}

/// A scan outcome by its stored code (UI `passes.outcomes`); an unknown code is shown as is.
pub(super) fn outcome_label(language: Language, code: &str) -> String {
    let Some(outcome) = from_code::<Outcome>(code) else {
        return code.to_string();
    };
    let (zh, en) = match outcome {
        Outcome::Valid => ("通过", "VALID"),
        Outcome::Expired => ("已过期", "Expired"),
        Outcome::NotYetValid => ("未生效", "Not yet valid"),
        Outcome::OutsideWindow => ("不在通行时段", "Outside the daily hours"),
        Outcome::WrongGate => ("非本门岗", "Not for this gate"),
        Outcome::Revoked => ("已注销", "Revoked"),
        Outcome::Forged => ("伪造（签名无效）", "Forged (bad signature)"),
        Outcome::KeyDistrusted => ("签发密钥已停用", "Signing key withdrawn"),
        Outcome::KeyMisused => ("伪造（密钥被盗用）", "Forged (stolen signing key)"),
        Outcome::UnknownKey => ("未知发证单位", "Unknown issuer"),
        Outcome::Malformed => ("无法识别", "Unreadable"),
        Outcome::AlreadyInside => ("已在校内（防回传）", "Already inside (anti-passback)"),
        Outcome::UsesExhausted => ("次数已用完", "No uses left"),
        Outcome::ClockBehind => ("本机时间异常", "PC clock in doubt"),
    };
    tr(language, zh, en)
}

/// What kind of record a search result is. In Chinese the UI's group heading (`search.kinds`)
/// names one record as well as the group; in English the heading is a plural ("Visitors")
/// and a row of the export names one record, so the English names are singular here.
pub(super) fn search_kind_label(language: Language, kind: SearchKind) -> String {
    let (zh, en) = match kind {
        SearchKind::Visit => ("访客", "Visit"),
        SearchKind::Pickup => ("中途离园", "Pick-up"),
        SearchKind::Vehicle => ("车辆", "Vehicle"),
        SearchKind::Pass => ("通行证", "Pass"),
        SearchKind::Duty => ("值班记录", "Duty entry"),
    };
    tr(language, zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICTIONARIES: [(Language, &str); 2] =
        [(Language::ZhCn, include_str!("../../ui/src/lib/i18n/zh-CN.ts")), (Language::En, include_str!("../../ui/src/lib/i18n/en.ts"))];

    /// The `key: 'label'` pairs of the block that `opening` (e.g. `"  docTypes: {"`, with its
    /// indentation) starts in a UI dictionary; the block ends at its indentation's `},`.
    fn ui_labels(dictionary: &str, opening: &str) -> Vec<(String, String)> {
        let indent = &opening[..opening.len() - opening.trim_start().len()];
        let block = dictionary.split(&format!("\n{opening}\n")).nth(1).unwrap_or_else(|| panic!("no `{opening}` block"));
        let block = block.split(&format!("\n{indent}}},")).next().unwrap();
        block
            .lines()
            .filter_map(|line| line.trim().trim_end_matches(',').split_once(": "))
            .map(|(key, label)| (key.to_string(), label.trim_matches(['\'', '"']).replace("\\'", "'")))
            .collect()
    }

    /// Every entry of the UI block is a known code whose label here equals the UI's.
    fn assert_same_as_ui<T: DeserializeOwned>(opening: &str, variants: usize, label: impl Fn(Language, T) -> String) {
        for (language, dictionary) in DICTIONARIES {
            let labels = ui_labels(dictionary, opening);
            assert_eq!(labels.len(), variants, "`{opening}` in {language:?}: {labels:?}");
            for (code, ui_label) in labels {
                let value = from_code::<T>(&code).unwrap_or_else(|| panic!("`{code}` of `{opening}` is not a code the core knows"));
                assert_eq!(label(language, value), ui_label, "`{code}` of `{opening}` in {language:?}");
            }
        }
    }

    #[test]
    fn document_types_are_named_as_on_the_visitor_form() {
        assert_same_as_ui::<DocType>("  docTypes: {", 5, doc_label);
    }

    #[test]
    fn vehicle_types_are_named_as_on_the_vehicle_desk() {
        assert_same_as_ui::<VehicleType>("  vehicleTypes: {", 6, |language, t| {
            vehicle_type_label(language, serde_json::to_value(t).unwrap().as_str().unwrap())
        });
    }

    #[test]
    fn scan_outcomes_are_named_as_on_the_passes_screen() {
        assert_same_as_ui::<Outcome>("    outcomes: {", 14, |language, o| outcome_label(language, serde_json::to_value(o).unwrap().as_str().unwrap()));
    }

    #[test]
    fn search_kinds_are_named_as_in_the_chinese_search_headings() {
        let search_section = DICTIONARIES[0].1.split("\n  search: {\n").nth(1).expect("a search section");
        let labels = ui_labels(search_section, "    kinds: {");
        let search_kinds: Vec<_> = labels.iter().filter(|(code, _)| from_code::<SearchKind>(code).is_some()).collect();
        assert_eq!(search_kinds.len(), SearchKind::ALL.len(), "{labels:?}");
        for (code, ui_label) in search_kinds {
            assert_eq!(&search_kind_label(Language::ZhCn, from_code(code).unwrap()), ui_label, "{code}");
        }
    }
}

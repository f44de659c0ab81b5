//! Personal data (PIPL) under the audit chain: a salted commitment instead of the data.
//!
//! A record keeps its personal fields (name, ID number, …) in plain columns beside a random
//! `pii_salt`, and `pii_commitment = SHA-256(DOMAIN ‖ salt ‖ canonical fields)`. The audit
//! snapshot holds only the commitment. While the salt exists, `verify` can prove the data is
//! what was written; a retention purge deletes data and salt together, and the chain still
//! verifies. Must not: store or log the data anywhere else. Called by: each module that
//! writes personal data (`visits`, `vehicles`, `pickups`, `pickers`, `passes`, `watchlist`), `audit`.

use rand::RngCore;
use sha2::{Digest, Sha256};

const DOMAIN: &[u8] = b"gatehouse/pii/v1";

/// A fresh 16-byte random salt.
pub fn new_salt() -> Vec<u8> {
    let mut salt = vec![0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    salt
}

/// The commitment to `fields` (name, value) under `salt`, as lower-case hex. Absent (None)
/// fields are left out, so a later migration that adds a personal column (NULL in old rows)
/// does not change the commitment of the rows written before it.
pub fn commitment(salt: &[u8], fields: &[(&str, Option<&str>)]) -> String {
    let canonical: serde_json::Map<String, serde_json::Value> =
        fields.iter().filter_map(|(name, value)| value.map(|v| ((*name).to_string(), serde_json::Value::String(v.to_string())))).collect();
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(salt);
    hasher.update(serde_json::Value::Object(canonical).to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// A personal column's value as the commitment sees it: text as is, a blob (a photo) as
/// the hex SHA-256 of its bytes, NULL as absent.
pub fn value_text(value: rusqlite::types::ValueRef<'_>) -> Option<String> {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(hex::encode(Sha256::digest(b))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_depends_on_salt_and_every_field() {
        let base = commitment(b"salt", &[("name", Some("张伟")), ("id_number", None)]);
        assert_ne!(base, commitment(b"salt2", &[("name", Some("张伟")), ("id_number", None)]));
        assert_ne!(base, commitment(b"salt", &[("name", Some("章伟")), ("id_number", None)]));
        assert_ne!(base, commitment(b"salt", &[("name", Some("张伟")), ("id_number", Some(""))]));
        assert_ne!(base, commitment(b"salt", &[("name", None), ("id_number", None)]));
        assert_eq!(base, commitment(b"salt", &[("id_number", None), ("name", Some("张伟"))]));
        assert_eq!(base, commitment(b"salt", &[("name", Some("张伟"))]), "an absent field is left out");
    }
}

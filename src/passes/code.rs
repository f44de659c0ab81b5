//! The pass code: a compact signed payload written as digits only.
//!
//! Payload (big-endian): version u8 (1) · key id u32 · serial u32 · valid from u32 and
//! valid to u32 (minutes since 2020-01-01 UTC) · daily window start u16 and end u16 (local
//! minutes of the day; 0xFFFF: none) · gates u16 (bit i-1: gate i; 0: every gate) · kind u8
//! · max uses u16 (0: no limit) · name hint (length u8 + up to 6 bytes of UTF-8). Then the
//! Ed25519 signature (64 bytes) over `DOMAIN ‖ payload`. No ID number or phone is in it.
//!
//! Digits: the bytes in chunks of 7, each written as exactly 17 decimal digits (2^56 <
//! 10^17); a last, shorter chunk of k bytes takes the fewest digits that can hold it (3, 5,
//! 8, 10, 13 or 15), so the length alone tells how many bytes there are. Digits only means
//! QR numeric mode, and a keyboard-wedge scanner types it right under any layout or input
//! method; full-width digits are mapped back. Must not: touch the database.
//! Called by: `passes` (issue, scan), the CLI.

use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

pub const VERSION: u8 = 1;
const DOMAIN: &[u8] = b"gatehouse/pass/v1\0";
const CHUNK_BYTES: usize = 7;
const CHUNK_DIGITS: usize = 17;
/// Digits needed for a last chunk of 1..=6 bytes.
const TAIL_DIGITS: [usize; 7] = [0, 3, 5, 8, 10, 13, 15];
const NO_WINDOW: u16 = 0xFFFF;
const NAME_HINT_MAX_BYTES: usize = 6;
const SIGNATURE_BYTES: usize = 64;
/// 2020-01-01T00:00:00Z in ms.
const EPOCH_MS: i64 = 1_577_836_800_000;

/// What a pass says, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub key_id: u32,
    pub serial: u32,
    /// Minute precision: whole minutes since 2020.
    pub valid_from_ms: i64,
    pub valid_to_ms: i64,
    /// Local minutes of the day, [start, end).
    pub window: Option<(u16, u16)>,
    pub gates: u16,
    pub kind: u8,
    pub max_uses: u16,
    pub name_hint: String,
}

/// Why a code could not even be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Not digits, wrong length, or the bytes do not form a payload.
    Malformed,
    /// A version this build does not know.
    UnknownVersion,
}

fn minutes(ms: i64) -> u32 {
    ((ms - EPOCH_MS).max(0) / 60_000).min(i64::from(u32::MAX)) as u32
}

fn from_minutes(m: u32) -> i64 {
    EPOCH_MS + i64::from(m) * 60_000
}

/// The first characters of a name that fit 6 bytes of UTF-8 (2 Chinese characters).
pub fn name_hint(name: &str) -> String {
    let mut hint = String::new();
    for c in name.chars() {
        if hint.len() + c.len_utf8() > NAME_HINT_MAX_BYTES {
            break;
        }
        hint.push(c);
    }
    hint
}

impl Payload {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        out.push(VERSION);
        out.extend(self.key_id.to_be_bytes());
        out.extend(self.serial.to_be_bytes());
        out.extend(minutes(self.valid_from_ms).to_be_bytes());
        out.extend(minutes(self.valid_to_ms).to_be_bytes());
        let (start, end) = self.window.unwrap_or((NO_WINDOW, NO_WINDOW));
        out.extend(start.to_be_bytes());
        out.extend(end.to_be_bytes());
        out.extend(self.gates.to_be_bytes());
        out.push(self.kind);
        out.extend(self.max_uses.to_be_bytes());
        let hint = name_hint(&self.name_hint);
        out.push(hint.len() as u8);
        out.extend(hint.as_bytes());
        out
    }

    fn from_bytes(bytes: &[u8]) -> Result<Payload, DecodeError> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.u8()? != VERSION {
            return Err(DecodeError::UnknownVersion);
        }
        let key_id = reader.u32()?;
        let serial = reader.u32()?;
        let valid_from_ms = from_minutes(reader.u32()?);
        let valid_to_ms = from_minutes(reader.u32()?);
        let (start, end) = (reader.u16()?, reader.u16()?);
        let window = match (start, end) {
            (NO_WINDOW, NO_WINDOW) => None,
            (s, e) if s < 1440 && e <= 1440 => Some((s, e)),
            _ => return Err(DecodeError::Malformed),
        };
        let gates = reader.u16()?;
        let kind = reader.u8()?;
        let max_uses = reader.u16()?;
        let hint_len = reader.u8()? as usize;
        if hint_len > NAME_HINT_MAX_BYTES {
            return Err(DecodeError::Malformed);
        }
        let name_hint = String::from_utf8(reader.take(hint_len)?.to_vec()).map_err(|_| DecodeError::Malformed)?;
        if reader.at != bytes.len() {
            return Err(DecodeError::Malformed);
        }
        Ok(Payload { key_id, serial, valid_from_ms, valid_to_ms, window, gates, kind, max_uses, name_hint })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let slice = self.bytes.get(self.at..self.at + n).ok_or(DecodeError::Malformed)?;
        self.at += n;
        Ok(slice)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.take(2)?.try_into().map_err(|_| DecodeError::Malformed)?))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().map_err(|_| DecodeError::Malformed)?))
    }
}

fn signed_message(payload: &[u8]) -> Vec<u8> {
    [DOMAIN, payload].concat()
}

/// Signs `payload` and writes the code as digits.
pub fn encode(payload: &Payload, key: &SigningKey) -> String {
    let bytes = payload.to_bytes();
    let signature = key.sign(&signed_message(&bytes));
    let mut all = bytes;
    all.extend(signature.to_bytes());
    bytes_to_digits(&all)
}

/// A read code: the payload, and the signature to check against the key it names.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub payload: Payload,
    payload_bytes: Vec<u8>,
    signature: Signature,
}

impl Decoded {
    /// True when the signature is the key's own over this payload.
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        key.verify(&signed_message(&self.payload_bytes), &self.signature).is_ok()
    }
}

/// Maps full-width digits to ASCII and drops spaces and a trailing newline.
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Reads a code as scanned or typed. The signature is not checked here.
pub fn decode(input: &str) -> Result<Decoded, DecodeError> {
    let digits = normalise(input);
    let bytes = digits_to_bytes(&digits).ok_or(DecodeError::Malformed)?;
    if bytes.len() <= SIGNATURE_BYTES {
        return Err(DecodeError::Malformed);
    }
    let (payload_bytes, signature) = bytes.split_at(bytes.len() - SIGNATURE_BYTES);
    let signature = Signature::from_slice(signature).map_err(|_| DecodeError::Malformed)?;
    let payload = Payload::from_bytes(payload_bytes)?;
    Ok(Decoded { payload, payload_bytes: payload_bytes.to_vec(), signature })
}

fn bytes_to_digits(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 5 / 2);
    for chunk in bytes.chunks(CHUNK_BYTES) {
        let value = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let width = if chunk.len() == CHUNK_BYTES { CHUNK_DIGITS } else { TAIL_DIGITS[chunk.len()] };
        out.push_str(&format!("{value:0width$}"));
    }
    out
}

fn digits_to_bytes(digits: &str) -> Option<Vec<u8>> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = digits.len() / CHUNK_DIGITS;
    let rest = digits.len() % CHUNK_DIGITS;
    let tail_bytes = if rest == 0 { 0 } else { TAIL_DIGITS.iter().position(|d| *d == rest)? };
    let mut out = Vec::with_capacity(full * CHUNK_BYTES + tail_bytes);
    let mut push = |text: &str, n: usize| -> Option<()> {
        let value: u64 = text.parse().ok()?;
        if n < 8 && value >> (8 * n) != 0 {
            return None;
        }
        out.extend(&value.to_be_bytes()[8 - n..]);
        Some(())
    };
    for i in 0..full {
        push(&digits[i * CHUNK_DIGITS..(i + 1) * CHUNK_DIGITS], CHUNK_BYTES)?;
    }
    if tail_bytes > 0 {
        push(&digits[full * CHUNK_DIGITS..], tail_bytes)?;
    }
    Some(out)
}

/// A UTC instant at minute precision, as the code stores it.
pub fn to_minute(ms: i64) -> i64 {
    from_minutes(minutes(ms))
}

/// For display in the CLI.
pub fn utc(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn payload() -> Payload {
        Payload {
            key_id: 0xA1B2_C3D4,
            serial: 42,
            valid_from_ms: to_minute(1_795_831_200_000),
            valid_to_ms: to_minute(1_795_831_200_000 + 30 * 86_400_000),
            window: Some((360, 1320)),
            gates: 0b11,
            kind: 1,
            max_uses: 0,
            name_hint: "张伟".into(),
        }
    }

    fn valid_code() -> String {
        encode(&payload(), &key(7))
    }

    #[test]
    fn a_code_round_trips_and_verifies_only_with_its_key() {
        let code = valid_code();
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let decoded = decode(&code).unwrap();
        assert_eq!(decoded.payload, payload());
        assert!(decoded.signed_by(&key(7).verifying_key()));
        assert!(!decoded.signed_by(&key(8).verifying_key()));
        let full_width: String = code.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
        assert!(decode(&(full_width + "\n")).unwrap().signed_by(&key(7).verifying_key()));
    }

    #[test]
    fn the_name_hint_is_cut_to_whole_characters() {
        assert_eq!(name_hint("欧阳娜娜"), "欧阳");
        assert_eq!(name_hint("Li"), "Li");
    }

    #[test]
    fn short_and_garbage_inputs_are_malformed() {
        for bad in ["", "abc", "123", "80000000421", &"9".repeat(200)] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    fn refused(changed: &str) -> bool {
        decode(changed).map_or(true, |d| !d.signed_by(&key(7).verifying_key()) || d.payload != payload())
    }

    proptest! {
        #[test]
        fn every_single_digit_change_is_refused(pos in 0usize..400, delta in 1u32..10) {
            let code = valid_code();
            let pos = pos % code.len();
            let mut chars: Vec<char> = code.chars().collect();
            chars[pos] = char::from_digit((chars[pos].to_digit(10).unwrap() + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            prop_assert!(refused(&changed));
        }

        #[test]
        fn truncation_or_extension_is_refused(cut in 1usize..50, extra in "[0-9]{1,20}") {
            let code = valid_code();
            prop_assert!(refused(&code[..code.len() - cut]));
            let extended = code.clone() + &extra;
            prop_assert!(refused(&extended));
        }

        #[test]
        fn no_input_panics(input in "\\PC{0,300}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&input);
            let _ = decode(&bytes_to_digits(&bytes));
        }
    }
}

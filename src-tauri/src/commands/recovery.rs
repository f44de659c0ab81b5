//! The recovery sheet's QR code (issue 13). The set-up screen and Settings already hold the
//! recovery key (from `setup_site` / `show_recovery_key`); this only draws it, with the same
//! QR renderer as the visitor slips (`gatehouse::qr`, level Q). Needs no login and reads no
//! database: it takes a key and gives back a picture of that key, nothing else. The key is
//! parsed first (the core's rule), so only a well-formed key is drawn, always in its printed
//! form (16 groups of 4, which is also what the recovery-key box accepts from a scanner).
//! The sheet is printed through the system dialog only, never saved beside the database.

use gatehouse::DatabaseKey;

use super::CommandResult;

/// The QR code of `recovery_key` as an SVG `data:` URL, for the printed recovery sheet.
#[tauri::command(async)]
pub fn recovery_key_qr(recovery_key: String) -> CommandResult<String> {
    let key = DatabaseKey::parse_recovery(&recovery_key)?;
    Ok(gatehouse::qr::svg_data_url(&key.recovery_text())?)
}

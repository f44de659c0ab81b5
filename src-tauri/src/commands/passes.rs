//! Holiday passes: issue (one or a sheet), cards, revocation, keys, scanning at the gate.

use gatehouse::guards::SupervisorOverride;
use gatehouse::passes::import::{self, PassImportReport};
use gatehouse::passes::keys::{self, Distrusted, KeyImportConfirmation, KeyImportPreview, PassKey, PublicKeyExport};
use gatehouse::passes::revocation::{self, RevocationFile, RevocationImport};
use gatehouse::passes::scan::{self, Direction, ScanLogRow, ScanResult};
use gatehouse::passes::{self, NewPass, PassCard, PassRow};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn issue_pass(desk: State<'_, Desk>, pass: NewPass) -> CommandResult<PassCard> {
    guarded("issue_pass", || {
        let (actor, db) = desk.actor()?;
        Ok(passes::issue(db, &actor, &pass)?)
    })
}

#[tauri::command(async)]
pub fn import_passes(desk: State<'_, Desk>, file_name: String, bytes: Vec<u8>) -> CommandResult<PassImportReport> {
    guarded("import_passes", || {
        let (actor, db) = desk.actor()?;
        Ok(import::import(db, &actor, &file_name, &bytes)?)
    })
}

#[tauri::command(async)]
pub fn get_pass_import_template() -> CommandResult<String> {
    guarded("get_pass_import_template", || Ok(import::template_csv()))
}

#[tauri::command(async)]
pub fn list_passes(desk: State<'_, Desk>, query: String) -> CommandResult<Vec<PassRow>> {
    guarded("list_passes", || {
        let (actor, db) = desk.actor()?;
        Ok(passes::list(db, &actor, &query)?)
    })
}

#[tauri::command(async)]
pub fn get_pass_card(desk: State<'_, Desk>, pass_id: i64) -> CommandResult<PassCard> {
    guarded("get_pass_card", || {
        let (actor, db) = desk.actor()?;
        Ok(passes::card(db, &actor, pass_id)?)
    })
}

#[tauri::command(async)]
pub fn revoke_pass(desk: State<'_, Desk>, pass_id: i64, reason: String) -> CommandResult<PassRow> {
    guarded("revoke_pass", || {
        let (actor, db) = desk.actor()?;
        Ok(passes::revoke(db, &actor, pass_id, &reason)?)
    })
}

#[tauri::command(async)]
pub fn scan_pass(desk: State<'_, Desk>, code: String, direction: Direction) -> CommandResult<ScanResult> {
    guarded("scan_pass", || {
        let (actor, db) = desk.actor()?;
        Ok(scan::scan(db, &actor, &code, direction)?)
    })
}

#[tauri::command(async)]
pub fn override_pass_refusal(desk: State<'_, Desk>, scan_id: i64, approval: SupervisorOverride) -> CommandResult<ScanResult> {
    guarded("override_pass_refusal", || {
        let (actor, db) = desk.actor()?;
        Ok(scan::override_refusal(db, &actor, scan_id, &approval)?)
    })
}

#[tauri::command(async)]
pub fn list_pass_scans(desk: State<'_, Desk>, refused_only: bool) -> CommandResult<Vec<ScanLogRow>> {
    guarded("list_pass_scans", || {
        let (actor, db) = desk.actor()?;
        Ok(scan::log(db, &actor, refused_only, 200)?)
    })
}

#[tauri::command(async)]
pub fn list_pass_keys(desk: State<'_, Desk>) -> CommandResult<Vec<PassKey>> {
    guarded("list_pass_keys", || {
        let (actor, db) = desk.actor()?;
        Ok(keys::list(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn rotate_pass_key(desk: State<'_, Desk>) -> CommandResult<PassKey> {
    guarded("rotate_pass_key", || {
        let (actor, db) = desk.actor()?;
        Ok(keys::rotate(db, &actor)?)
    })
}

/// Distrusts (停用) a key, own or imported; permanent (supervisor, reason required).
#[tauri::command(async)]
pub fn distrust_pass_key(desk: State<'_, Desk>, key_id: u32, reason: String) -> CommandResult<Distrusted> {
    let (actor, db) = desk.actor()?;
    Ok(keys::distrust(db, &actor, key_id, &reason)?)
}

#[tauri::command(async)]
pub fn export_pass_key(desk: State<'_, Desk>) -> CommandResult<PublicKeyExport> {
    guarded("export_pass_key", || {
        let (actor, db) = desk.actor()?;
        Ok(keys::export_public(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn preview_pass_key_import(desk: State<'_, Desk>, json: String) -> CommandResult<KeyImportPreview> {
    guarded("preview_pass_key_import", || {
        let (actor, db) = desk.actor()?;
        Ok(keys::preview_import(db, &actor, &json)?)
    })
}

#[tauri::command(async)]
pub fn import_pass_key(desk: State<'_, Desk>, json: String, confirmation: KeyImportConfirmation) -> CommandResult<PassKey> {
    guarded("import_pass_key", || {
        let (actor, db) = desk.actor()?;
        Ok(keys::import_public(db, &actor, &json, &confirmation)?)
    })
}

#[tauri::command(async)]
pub fn export_revocations(desk: State<'_, Desk>) -> CommandResult<RevocationFile> {
    guarded("export_revocations", || {
        let (actor, db) = desk.actor()?;
        Ok(revocation::export(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn import_revocations(desk: State<'_, Desk>, json: String) -> CommandResult<RevocationImport> {
    guarded("import_revocations", || {
        let (actor, db) = desk.actor()?;
        Ok(revocation::import(db, &actor, &json)?)
    })
}

/// The code in a camera frame of a pass (`null`: no readable QR code in it).
#[tauri::command(async)]
pub fn decode_pass_frame(desk: State<'_, Desk>, frame: Vec<u8>) -> CommandResult<Option<String>> {
    guarded("decode_pass_frame", || {
        desk.actor()?;
        Ok(passes::decode_camera_frame(&frame)?)
    })
}

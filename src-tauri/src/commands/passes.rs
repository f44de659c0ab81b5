//! Holiday passes: issue (one or a sheet), cards, revocation, keys, scanning at the gate.

use gatehouse::guards::SupervisorOverride;
use gatehouse::passes::import::{self, PassImportReport};
use gatehouse::passes::keys::{self, Distrusted, PassKey, PublicKeyExport};
use gatehouse::passes::revocation::{self, RevocationImport, RevocationList};
use gatehouse::passes::scan::{self, Direction, ScanLogRow, ScanResult};
use gatehouse::passes::{self, NewPass, PassCard, PassRow};
use tauri::State;

use super::CommandResult;
use crate::state::Desk;

#[tauri::command(async)]
pub fn issue_pass(desk: State<'_, Desk>, pass: NewPass) -> CommandResult<PassCard> {
    let (actor, db) = desk.actor()?;
    Ok(passes::issue(db, &actor, &pass)?)
}

#[tauri::command(async)]
pub fn import_passes(desk: State<'_, Desk>, file_name: String, bytes: Vec<u8>) -> CommandResult<PassImportReport> {
    let (actor, db) = desk.actor()?;
    Ok(import::import(db, &actor, &file_name, &bytes)?)
}

#[tauri::command(async)]
pub fn get_pass_import_template() -> CommandResult<String> {
    Ok(import::template_csv())
}

#[tauri::command(async)]
pub fn list_passes(desk: State<'_, Desk>, query: String) -> CommandResult<Vec<PassRow>> {
    let (actor, db) = desk.actor()?;
    Ok(passes::list(db, &actor, &query)?)
}

#[tauri::command(async)]
pub fn get_pass_card(desk: State<'_, Desk>, pass_id: i64) -> CommandResult<PassCard> {
    let (actor, db) = desk.actor()?;
    Ok(passes::card(db, &actor, pass_id)?)
}

#[tauri::command(async)]
pub fn revoke_pass(desk: State<'_, Desk>, pass_id: i64, reason: String) -> CommandResult<PassRow> {
    let (actor, db) = desk.actor()?;
    Ok(passes::revoke(db, &actor, pass_id, &reason)?)
}

#[tauri::command(async)]
pub fn scan_pass(desk: State<'_, Desk>, code: String, direction: Direction) -> CommandResult<ScanResult> {
    let (actor, db) = desk.actor()?;
    Ok(scan::scan(db, &actor, &code, direction)?)
}

#[tauri::command(async)]
pub fn override_pass_refusal(desk: State<'_, Desk>, scan_id: i64, approval: SupervisorOverride) -> CommandResult<ScanResult> {
    let (actor, db) = desk.actor()?;
    Ok(scan::override_refusal(db, &actor, scan_id, &approval)?)
}

#[tauri::command(async)]
pub fn list_pass_scans(desk: State<'_, Desk>, refused_only: bool) -> CommandResult<Vec<ScanLogRow>> {
    let (actor, db) = desk.actor()?;
    Ok(scan::log(db, &actor, refused_only, 200)?)
}

#[tauri::command(async)]
pub fn list_pass_keys(desk: State<'_, Desk>) -> CommandResult<Vec<PassKey>> {
    let (actor, db) = desk.actor()?;
    Ok(keys::list(db, &actor)?)
}

#[tauri::command(async)]
pub fn rotate_pass_key(desk: State<'_, Desk>) -> CommandResult<PassKey> {
    let (actor, db) = desk.actor()?;
    Ok(keys::rotate(db, &actor)?)
}

/// Distrusts (停用) a key, own or imported; permanent (supervisor, reason required).
#[tauri::command(async)]
pub fn distrust_pass_key(desk: State<'_, Desk>, key_id: u32, reason: String) -> CommandResult<Distrusted> {
    let (actor, db) = desk.actor()?;
    Ok(keys::distrust(db, &actor, key_id, &reason)?)
}

#[tauri::command(async)]
pub fn export_pass_key(desk: State<'_, Desk>) -> CommandResult<PublicKeyExport> {
    let (actor, db) = desk.actor()?;
    Ok(keys::export_public(db, &actor)?)
}

#[tauri::command(async)]
pub fn import_pass_key(desk: State<'_, Desk>, json: String) -> CommandResult<PassKey> {
    let (actor, db) = desk.actor()?;
    Ok(keys::import_public(db, &actor, &json)?)
}

#[tauri::command(async)]
pub fn export_revocations(desk: State<'_, Desk>) -> CommandResult<RevocationList> {
    let (actor, db) = desk.actor()?;
    Ok(revocation::export(db, &actor)?)
}

#[tauri::command(async)]
pub fn import_revocations(desk: State<'_, Desk>, json: String) -> CommandResult<RevocationImport> {
    let (actor, db) = desk.actor()?;
    Ok(revocation::import(db, &actor, &json)?)
}

/// The code in a camera frame of a pass (`null`: no readable QR code in it).
#[tauri::command(async)]
pub fn decode_pass_frame(desk: State<'_, Desk>, frame: Vec<u8>) -> CommandResult<Option<String>> {
    desk.actor()?;
    Ok(scan::decode_frame(&frame)?)
}

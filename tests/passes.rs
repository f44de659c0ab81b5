//! Holiday passes: issue, scan at the gate (every outcome), override, revocation lists
//! between gates, bulk import, and the printed QR decoded back.

use gatehouse::actor::Actor;
use gatehouse::guards::SupervisorOverride;
use gatehouse::passes::scan::{self, Direction, Outcome};
use gatehouse::passes::{self, code, import, keys, revocation, NewPass, PassKind, PassStatus};
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{Fixture, SUPERVISOR_PIN, T0_MS};

const DAY: i64 = 86_400_000;

fn new_pass(name: &str) -> NewPass {
    NewPass {
        kind: PassKind::HolidayResident,
        holder_name: name.into(),
        department: "计算机学院2023级".into(),
        phone: Some("13812345678".into()),
        id_number: None,
        valid_from_ms: T0_MS - DAY,
        valid_to_ms: T0_MS + 30 * DAY,
        daily_window: "06:00-22:00".into(),
        gates: vec![1],
        approved_by: "学工处".into(),
        ..Default::default()
    }
}

/// A supervisor's PIN approval at `fx` with a note.
fn approval(fx: &Fixture, pin: &str) -> SupervisorOverride {
    SupervisorOverride { supervisor_id: fx.guard_id("王主管"), pin: pin.into(), reason: "与东门打印件核对一致".into() }
}

/// Imports a key file at `fx` the way a supervisor does: the fingerprint on screen, confirmed with the PIN.
fn import_key(fx: &Fixture, supervisor: &Actor, json: &str) -> gatehouse::Result<keys::PassKey> {
    let preview = keys::preview_import(&fx.db, supervisor, json)?;
    keys::import_public(&fx.db, supervisor, json, &keys::KeyImportConfirmation { fingerprint: preview.fingerprint, approval: approval(fx, SUPERVISOR_PIN) })
}

fn outcome(fx: &Fixture, guard: &Actor, code: &str, direction: Direction) -> Outcome {
    scan::scan(&fx.db, guard, code, direction).unwrap().outcome
}

#[test]
fn an_issued_pass_is_valid_then_already_inside_then_out() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    assert!(card.code.bytes().all(|b| b.is_ascii_digit()) && card.qr_data_url.starts_with("data:image/svg+xml"));
    let guard = fx.guard();
    let first = scan::scan(&fx.db, &guard, &card.code, Direction::In).unwrap();
    assert_eq!((first.outcome, first.accepted, first.holder_name.as_str()), (Outcome::Valid, true, "张伟"));
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::AlreadyInside);
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::Out), Outcome::Valid);
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::Valid);
    let log = scan::log(&fx.db, &guard, false, 10).unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(scan::log(&fx.db, &guard, true, 10).unwrap().len(), 1);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn each_refusal_names_its_reason() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    let issue = |new: NewPass| passes::issue(&fx.db, &supervisor, &new).unwrap().code;
    let later = issue(NewPass { valid_from_ms: T0_MS + DAY, valid_to_ms: T0_MS + 2 * DAY, ..new_pass("李娜") });
    let past = issue(NewPass { valid_from_ms: T0_MS - 3 * DAY, valid_to_ms: T0_MS - DAY, ..new_pass("王芳") });
    let night = issue(NewPass { daily_window: "22:00-06:00".into(), ..new_pass("赵六") });
    let other_gate = issue(NewPass { gates: vec![2], ..new_pass("钱七") });
    let once = issue(NewPass { max_uses: Some(1), ..new_pass("孙八") });
    assert_eq!(outcome(&fx, &guard, &later, Direction::In), Outcome::NotYetValid);
    assert_eq!(outcome(&fx, &guard, &past, Direction::In), Outcome::Expired);
    assert_eq!(outcome(&fx, &guard, &night, Direction::In), Outcome::OutsideWindow, "10:00 is outside 22:00-06:00");
    assert_eq!(outcome(&fx, &guard, &other_gate, Direction::In), Outcome::WrongGate);
    assert_eq!(outcome(&fx, &guard, &once, Direction::In), Outcome::Valid);
    assert_eq!(outcome(&fx, &guard, &once, Direction::Out), Outcome::Valid);
    assert_eq!(outcome(&fx, &guard, &once, Direction::In), Outcome::UsesExhausted);
    assert_eq!(outcome(&fx, &guard, "12345", Direction::In), Outcome::Malformed);

    let valid = issue(new_pass("周九"));
    let mut forged: Vec<char> = valid.chars().collect();
    let last = forged.len() - 20;
    forged[last] = if forged[last] == '1' { '2' } else { '1' };
    let forged: String = forged.into_iter().collect();
    assert!(matches!(outcome(&fx, &guard, &forged, Direction::In), Outcome::Forged | Outcome::Malformed));
}

#[test]
fn a_revoked_pass_is_refused_and_a_supervisor_can_still_let_the_holder_in() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    passes::revoke(&fx.db, &supervisor, card.pass.id, "学生已离校").unwrap();
    assert_eq!(passes::revoke(&fx.db, &supervisor, card.pass.id, "again").unwrap_err().code(), ErrorCode::PassAlreadyRevoked);
    let guard = fx.guard();
    let refused = scan::scan(&fx.db, &guard, &card.code, Direction::In).unwrap();
    assert_eq!((refused.outcome, refused.accepted, refused.revoke_reason.as_str()), (Outcome::Revoked, false, "学生已离校"));
    let approval = SupervisorOverride { supervisor_id: supervisor.guard_id(), pin: SUPERVISOR_PIN.into(), reason: "返校取物，已核实".into() };
    let let_in = scan::override_refusal(&fx.db, &guard, refused.scan_id, &approval).unwrap();
    assert!(let_in.accepted);
    let conn = fx.conn();
    assert!(conn.execute("DELETE FROM pass_scan", []).is_err(), "scans are sealed");
}

#[test]
fn a_second_gate_verifies_offline_with_the_imported_key_and_revocation_list() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let card = passes::issue(&site_a.db, &supervisor_a, &new_pass("张伟")).unwrap();

    let site_b = Fixture::new();
    let supervisor_b = site_b.supervisor();
    let guard_b = site_b.guard();
    assert_eq!(outcome(&site_b, &guard_b, &card.code, Direction::In), Outcome::UnknownKey);
    let key = serde_json::to_string(&keys::export_public(&site_a.db, &supervisor_a).unwrap()).unwrap();
    import_key(&site_b, &supervisor_b, &key).unwrap();
    let at_b = scan::scan(&site_b.db, &guard_b, &card.code, Direction::In).unwrap();
    assert_eq!((at_b.outcome, at_b.holder_name.as_str()), (Outcome::Valid, "张伟"), "the name hint travels in the code");
    assert_eq!(outcome(&site_b, &guard_b, &card.code, Direction::Out), Outcome::Valid);

    let old_list = serde_json::to_string(&revocation::export(&site_a.db, &supervisor_a).unwrap()).unwrap();
    passes::revoke(&site_a.db, &supervisor_a, card.pass.id, "证件遗失").unwrap();
    let new_list = serde_json::to_string(&revocation::export(&site_a.db, &supervisor_a).unwrap()).unwrap();
    assert_eq!(revocation::import(&site_b.db, &supervisor_b, &new_list).unwrap().entries, 1);
    assert_eq!(outcome(&site_b, &guard_b, &card.code, Direction::In), Outcome::Revoked);
    let err = revocation::import(&site_b.db, &supervisor_b, &old_list).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RevocationListOld);
    assert_eq!(revocation::import(&site_b.db, &supervisor_b, &new_list).unwrap_err().code(), ErrorCode::RevocationListOld, "a replayed list is refused");
    let tampered = new_list.replace("证件遗失", "证件找回");
    assert_eq!(revocation::import(&site_b.db, &supervisor_b, &tampered).unwrap_err().code(), ErrorCode::RevocationListInvalid);
    assert_eq!(revocation::import(&site_a.db, &supervisor_a, &new_list).unwrap_err().code(), ErrorCode::RevocationListOwn);
}

#[test]
fn a_rotated_key_signs_new_passes_and_old_ones_still_verify() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let old = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    keys::rotate(&fx.db, &supervisor).unwrap();
    let new = passes::issue(&fx.db, &supervisor, &new_pass("李娜")).unwrap();
    assert_ne!(old.pass.key_id, new.pass.key_id);
    let guard = fx.guard();
    assert_eq!(outcome(&fx, &guard, &old.code, Direction::In), Outcome::Valid);
    assert_eq!(outcome(&fx, &guard, &new.code, Direction::In), Outcome::Valid);
    assert_eq!(keys::list(&fx.db, &supervisor).unwrap().iter().filter(|k| k.current).count(), 1);
    assert_eq!(keys::list(&fx.db, &guard).unwrap_err().kind(), ErrorKind::Forbidden);
}

#[test]
fn only_supervisors_issue_and_bad_passes_name_the_field() {
    let fx = Fixture::new();
    let guard = fx.guard();
    assert_eq!(passes::issue(&fx.db, &guard, &new_pass("张伟")).unwrap_err().kind(), ErrorKind::Forbidden);
    let supervisor = fx.supervisor();
    let field = |new: NewPass| passes::issue(&fx.db, &supervisor, &new).unwrap_err().field();
    let code = |new: NewPass| {
        let err = passes::issue(&fx.db, &supervisor, &new).unwrap_err();
        (err.field(), err.code())
    };
    assert_eq!(code(NewPass { valid_to_ms: T0_MS - 2 * DAY, ..new_pass("张伟") }), (Some("valid_to_ms"), ErrorCode::EndsBeforeStart));
    assert_eq!(code(NewPass { valid_to_ms: T0_MS + 401 * DAY, ..new_pass("张伟") }), (Some("valid_to_ms"), ErrorCode::ValidityTooLong));
    assert_eq!(code(NewPass { max_uses: Some(0), ..new_pass("张伟") }), (Some("max_uses"), ErrorCode::BelowMinimum));
    assert_eq!(field(NewPass { daily_window: "6点到22点".into(), ..new_pass("张伟") }), Some("daily_window"));
    assert_eq!(field(NewPass { gates: vec![17], ..new_pass("张伟") }), Some("gates"));
    assert_eq!(field(NewPass { holder_name: "".into(), ..new_pass("张伟") }), Some("holder_name"));
    assert!(passes::list(&fx.db, &supervisor, "").unwrap().is_empty());
}

#[test]
fn a_bulk_import_with_one_bad_row_issues_nothing() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let good = format!("{}\n留校学生,张伟,计算机学院,13812345678,,2026-11-28,2027-01-31,06:00-22:00,1,,学工处\n", import::TEMPLATE_HEADER);
    let bad = format!("{good}教职工,李娜,总务处,12345,,2026-11-28,2027-01-31,,,,人事处\n外星人,王芳,x,,,2026-11-28,2027-01-31,,,,x\n");
    let report = import::import(&fx.db, &supervisor, "passes.csv", bad.as_bytes()).unwrap();
    let problems: Vec<(u64, &str)> = report.problems.iter().map(|p| (p.row, p.field.as_str())).collect();
    assert_eq!(problems, vec![(3, "phone"), (4, "kind")]);
    assert!(report.issued.is_empty() && passes::list(&fx.db, &supervisor, "").unwrap().is_empty());
    let report = import::import(&fx.db, &supervisor, "passes.csv", good.as_bytes()).unwrap();
    assert_eq!(report.issued.len(), 1);
    assert!(import::import(&fx.db, &supervisor, "passes.xlsx", b"not a workbook").is_err());
}

#[test]
fn the_printed_qr_decodes_back_to_the_code() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    let png = passes::qr_png(&card.code, 4).unwrap();
    let image = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, card.code);
}

#[test]
fn a_camera_frame_of_the_card_decodes_to_the_code_and_a_blank_frame_to_nothing() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    // A camera frame: the QR code pasted on a larger grey background, as JPEG.
    let qr = image::load_from_memory(&passes::qr_png(&card.code, 4).unwrap()).unwrap().to_luma8();
    let mut frame = image::GrayImage::from_pixel(qr.width() + 200, qr.height() + 120, image::Luma([200]));
    image::imageops::overlay(&mut frame, &qr, 100, 60);
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageLuma8(frame).to_rgb8().write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    assert_eq!(scan::decode_frame(&jpeg).unwrap().as_deref(), Some(card.code.as_str()));
    let mut blank = Vec::new();
    image::RgbImage::from_pixel(320, 240, image::Rgb([90, 90, 90])).write_to(&mut std::io::Cursor::new(&mut blank), image::ImageFormat::Png).unwrap();
    assert_eq!(scan::decode_frame(&blank).unwrap(), None);
    assert!(scan::decode_frame(b"not an image").is_err());
}

/// The secret half of a key, as a forger holding a copy of it would use it.
fn secret_of(fx: &Fixture, key_id: u32) -> ed25519_dalek::SigningKey {
    let secret: Vec<u8> = fx.db.read(|c| Ok(c.query_row("SELECT secret_key FROM pass_key WHERE key_id = ?1", [key_id], |r| r.get(0))?)).unwrap();
    ed25519_dalek::SigningKey::from_bytes(&secret.try_into().unwrap())
}

/// A pass signed directly with `key`, as no gate would issue it.
fn forge(key_id: u32, serial: u32, key: &ed25519_dalek::SigningKey, valid_from_ms: i64, valid_to_ms: i64) -> String {
    let payload = code::Payload {
        key_id,
        serial,
        valid_from_ms: code::to_minute(valid_from_ms),
        valid_to_ms: code::to_minute(valid_to_ms),
        window: None,
        gates: 0,
        kind: 1,
        max_uses: 0,
        name_hint: "假冒".into(),
    };
    code::encode(&payload, key)
}

fn audit_actions(fx: &Fixture, action: &str) -> i64 {
    fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE action = ?1", [action], |r| r.get(0))?)).unwrap()
}

#[test]
fn a_pass_signed_by_a_distrusted_imported_key_is_refused_at_once() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let card = passes::issue(&site_a.db, &supervisor_a, &new_pass("张伟")).unwrap();
    let key_json = serde_json::to_string(&keys::export_public(&site_a.db, &supervisor_a).unwrap()).unwrap();
    assert!(!key_json.contains("secret"), "the export is the public half only");
    let list_json = serde_json::to_string(&revocation::export(&site_a.db, &supervisor_a).unwrap()).unwrap();

    let site_b = Fixture::new();
    let supervisor_b = site_b.supervisor();
    let guard_b = site_b.guard();
    import_key(&site_b, &supervisor_b, &key_json).unwrap();
    assert_eq!(outcome(&site_b, &guard_b, &card.code, Direction::Out), Outcome::Valid);

    let key_id = card.pass.key_id;
    assert_eq!(keys::distrust(&site_b.db, &guard_b, key_id, "密钥泄露").unwrap_err().kind(), ErrorKind::Forbidden);
    let empty = keys::distrust(&site_b.db, &supervisor_b, key_id, "  ").unwrap_err();
    assert_eq!((empty.field(), empty.code()), (Some("distrust_reason"), ErrorCode::Required));
    assert_eq!(keys::distrust(&site_b.db, &supervisor_b, 12_345, "密钥泄露").unwrap_err().code(), ErrorCode::KeyNotFound);
    let done = keys::distrust(&site_b.db, &supervisor_b, key_id, "A门岗电脑失窃，密钥可能泄露").unwrap();
    assert_eq!(done.replaced_by, None, "an imported key is not replaced here");
    assert_eq!((done.key.distrust_reason.as_str(), done.key.distrusted_by.as_str()), ("A门岗电脑失窃，密钥可能泄露", "王主管"));
    assert!(done.key.distrusted_at_ms.is_some());

    let refused = scan::scan(&site_b.db, &guard_b, &card.code, Direction::In).unwrap();
    assert_eq!((refused.outcome, refused.accepted), (Outcome::KeyDistrusted, false));
    assert_eq!(scan::check(&site_b.db, &card.code, Direction::In, None, None).unwrap().outcome, Outcome::KeyDistrusted, "pass verify answers the same");
    let log = scan::log(&site_b.db, &guard_b, true, 10).unwrap();
    assert_eq!(log[0].outcome, Outcome::KeyDistrusted, "the refusal is logged with its outcome");

    assert_eq!(keys::distrust(&site_b.db, &supervisor_b, key_id, "again").unwrap_err().code(), ErrorCode::KeyAlreadyDistrusted);
    assert_eq!(import_key(&site_b, &supervisor_b, &key_json).unwrap_err().code(), ErrorCode::KeyAlreadyDistrusted, "re-importing does not trust it again");
    assert_eq!(revocation::import(&site_b.db, &supervisor_b, &list_json).unwrap_err().code(), ErrorCode::KeyDistrusted);
    assert_eq!(audit_actions(&site_b, "pass_key_distrusted"), 1);
    assert!(site_b.db.read(gatehouse::audit::verify).unwrap().is_ok());
    let conn = site_b.conn();
    assert!(conn.execute("UPDATE pass_key SET distrusted_at_ms = NULL", []).is_err(), "distrust is permanent");
}

#[test]
fn distrusting_the_current_key_refuses_its_passes_and_a_new_key_signs_from_then_on() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    let old = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    let done = keys::distrust(&fx.db, &supervisor, old.pass.key_id, "签名密钥可能泄露").unwrap();
    let replacement = done.replaced_by.expect("the current key is replaced in the same transaction");
    assert!(replacement.current && replacement.own && !done.key.current && done.key.retired_at_ms.is_some());
    assert_eq!(outcome(&fx, &guard, &old.code, Direction::In), Outcome::KeyDistrusted);

    let new = passes::issue(&fx.db, &supervisor, &new_pass("李娜")).unwrap();
    assert_eq!(new.pass.key_id, replacement.key_id, "only the current key signs");
    assert_eq!(outcome(&fx, &guard, &new.code, Direction::In), Outcome::Valid);
    assert_eq!(keys::export_public(&fx.db, &supervisor).unwrap().key_id, replacement.key_id);
    let lists = revocation::export(&fx.db, &supervisor).unwrap().lists;
    assert_eq!(lists.iter().map(|l| l.issuer_key_id).collect::<Vec<_>>(), vec![replacement.key_id], "a distrusted key signs no list");
    let listed = keys::list(&fx.db, &supervisor).unwrap();
    assert_eq!(listed.iter().filter(|k| k.current).count(), 1);
    assert_eq!(listed.iter().filter(|k| k.distrusted_at_ms.is_some()).map(|k| k.key_id).collect::<Vec<_>>(), vec![old.pass.key_id]);
    assert_eq!((audit_actions(&fx, "pass_key_distrusted"), audit_actions(&fx, "pass_key_retired")), (1, 1));
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
    let conn = fx.conn();
    let sql = format!("UPDATE pass_key SET current = 0; UPDATE pass_key SET current = 1 WHERE key_id = {}", old.pass.key_id);
    assert!(conn.execute_batch(&sql).is_err(), "a distrusted key never signs again");
}

#[test]
fn a_pass_forged_with_a_retired_keys_secret_is_refused() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    // Issued before the rotation, some of it in advance (valid from ten days on).
    let before = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    let in_advance =
        passes::issue(&fx.db, &supervisor, &NewPass { valid_from_ms: T0_MS + 10 * DAY, valid_to_ms: T0_MS + 20 * DAY, ..new_pass("李娜") }).unwrap();
    let old_key_id = before.pass.key_id;
    let stolen = secret_of(&fx, old_key_id);
    keys::rotate(&fx.db, &supervisor).unwrap();

    fx.clock.set_ms(T0_MS + 2 * 3_600_000);
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    let forged = forge(old_key_id, 9_999, &stolen, T0_MS + 3_600_000, T0_MS + 30 * DAY);
    let refused = scan::scan(&fx.db, &guard, &forged, Direction::In).unwrap();
    assert_eq!((refused.outcome, refused.accepted), (Outcome::KeyMisused, false));
    assert_eq!(scan::check(&fx.db, &forged, Direction::In, None, None).unwrap().outcome, Outcome::KeyMisused, "pass verify answers the same");
    assert_eq!(scan::log(&fx.db, &guard, true, 10).unwrap()[0].outcome, Outcome::KeyMisused);
    assert_eq!(outcome(&fx, &guard, &before.code, Direction::In), Outcome::Valid, "passes signed before the rotation still verify");
    let at = Some(T0_MS + 11 * DAY);
    assert_eq!(scan::check(&fx.db, &in_advance.code, Direction::In, Some(1), at).unwrap().outcome, Outcome::Valid, "a pass issued in advance is not a forgery");
    let other_terms = forge(old_key_id, in_advance.pass.serial, &stolen, T0_MS + 10 * DAY, T0_MS + 25 * DAY);
    assert_eq!(scan::check(&fx.db, &other_terms, Direction::In, Some(1), at).unwrap().outcome, Outcome::KeyMisused, "its serial with other terms is");

    // The current key's secret cannot make a pass longer than the cap either.
    let current = keys::list(&fx.db, &supervisor).unwrap().into_iter().find(|k| k.current).unwrap().key_id;
    let too_long = forge(current, 9_998, &secret_of(&fx, current), T0_MS - DAY, T0_MS + 401 * DAY);
    assert_eq!(outcome(&fx, &guard, &too_long, Direction::In), Outcome::KeyMisused);
    assert_eq!(outcome(&fx, &guard, &forge(current, 9_997, &secret_of(&fx, current), T0_MS - DAY, T0_MS + 30 * DAY), Direction::In), Outcome::Valid);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

// ---- revocation lists: numbers across restores, issue time, own keys only (issue 15 item 5) ----

/// Logs the supervisor in on a database opened outside the fixture (a restored copy).
fn supervisor_on(db: &gatehouse::Db) -> Actor {
    let id = gatehouse::guards::list_login_guards(db).unwrap().into_iter().find(|g| g.name == "王主管").unwrap().id;
    let mut session = gatehouse::session::Session::new();
    session.log_in(db, id, SUPERVISOR_PIN).unwrap();
    session.handover_actor(db).unwrap()
}

/// Gate B with gate A's public key imported.
fn gate_b_trusting(site_a: &Fixture, supervisor_a: &Actor) -> (Fixture, Actor) {
    let site_b = Fixture::new();
    let supervisor_b = site_b.supervisor();
    let key = serde_json::to_string(&keys::export_public(&site_a.db, supervisor_a).unwrap()).unwrap();
    import_key(&site_b, &supervisor_b, &key).unwrap();
    (site_b, supervisor_b)
}

#[test]
fn revocation_list_numbers_keep_growing_after_a_restore_so_other_gates_accept_the_next_list() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let first = passes::issue(&site_a.db, &supervisor_a, &new_pass("张伟")).unwrap();
    passes::revoke(&site_a.db, &supervisor_a, first.pass.id, "证件遗失").unwrap();
    let (site_b, supervisor_b) = gate_b_trusting(&site_a, &supervisor_a);
    let backup_file = site_a.dir.path().join("backup.db");
    gatehouse::backup::backup_to(&site_a.db, &backup_file).unwrap();

    // Exported twice after the backup (twice in the same millisecond: the counter alone
    // keeps them apart), and the newer one imported at gate B.
    let before = revocation::export(&site_a.db, &supervisor_a).unwrap();
    let sent = revocation::export(&site_a.db, &supervisor_a).unwrap();
    assert!(sent.lists[0].number > before.lists[0].number, "every export has a new number");
    revocation::import(&site_b.db, &supervisor_b, &serde_json::to_string(&sent).unwrap()).unwrap();

    // Gate A's PC is restored from the older backup; a second pass is revoked there.
    site_a.clock.advance(chrono::Duration::minutes(10));
    let restored_path = site_a.dir.path().join("restored").join("gatehouse.db");
    gatehouse::backup::restore(&restored_path, &backup_file, &site_a.keys, None).unwrap();
    let restored = gatehouse::Db::open(&restored_path, site_a.clock.clone(), &site_a.keys).unwrap();
    let supervisor_r = supervisor_on(&restored);
    let second = passes::issue(&restored, &supervisor_r, &new_pass("李娜")).unwrap();
    passes::revoke(&restored, &supervisor_r, second.pass.id, "已离校").unwrap();
    let after = revocation::export(&restored, &supervisor_r).unwrap();
    assert!(after.lists[0].number > sent.lists[0].number, "continues above every number sent before the restore");
    let imported = revocation::import(&site_b.db, &supervisor_b, &serde_json::to_string(&after).unwrap()).unwrap();
    assert_eq!(imported.entries, 2, "gate B takes the list made after the restore");
    assert_eq!(outcome(&site_b, &site_b.guard(), &second.code, Direction::In), Outcome::Revoked);
}

#[test]
fn the_next_list_number_is_above_every_number_seen_from_other_gates() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let (site_b, supervisor_b) = gate_b_trusting(&site_a, &supervisor_a);
    // Gate A's clock runs an hour ahead of gate B's.
    site_a.clock.advance(chrono::Duration::hours(1));
    let from_a = revocation::export(&site_a.db, &supervisor_a).unwrap();
    revocation::import(&site_b.db, &supervisor_b, &serde_json::to_string(&from_a).unwrap()).unwrap();
    let own = revocation::export(&site_b.db, &supervisor_b).unwrap();
    assert!(own.lists[0].number > from_a.lists[0].number);
}

#[test]
fn a_revocation_list_carries_its_issue_time_under_the_signature() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let (site_b, supervisor_b) = gate_b_trusting(&site_a, &supervisor_a);
    site_a.clock.advance(chrono::Duration::minutes(5));
    let file = revocation::export(&site_a.db, &supervisor_a).unwrap();
    assert_eq!(file.lists[0].issued_at_ms, T0_MS + 5 * 60_000);
    let json = serde_json::to_string(&file).unwrap();
    let backdated = json.replace(&format!("\"issuedAtMs\":{}", T0_MS + 5 * 60_000), &format!("\"issuedAtMs\":{}", T0_MS + 60 * 60_000));
    assert_ne!(backdated, json);
    assert_eq!(revocation::import(&site_b.db, &supervisor_b, &backdated).unwrap_err().code(), ErrorCode::RevocationListInvalid, "the time is signed");
    let imported = revocation::import(&site_b.db, &supervisor_b, &json).unwrap();
    assert_eq!(imported.issued_at_ms, T0_MS + 5 * 60_000);
    let body: String = site_b.conn().query_row("SELECT body FROM audit_event WHERE action = 'revocation_list_imported'", [], |r| r.get(0)).unwrap();
    assert!(body.contains(&format!("\"issuedAtMs\":{}", T0_MS + 5 * 60_000)), "the import's audit event names the issue time: {body}");
}

/// Re-signs `list` with the secret of `key_id` read behind the app's back, as a gate that
/// wanted to revoke other gates' passes would.
fn resign(fx: &Fixture, list: &mut revocation::RevocationList) {
    use ed25519_dalek::Signer;
    let secret: Vec<u8> = fx.conn().query_row("SELECT secret_key FROM pass_key WHERE key_id = ?1", [list.issuer_key_id], |r| r.get(0)).unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().unwrap());
    let body = serde_json::json!({
        "format": "gatehouse-revocations/2", "issuerKeyId": list.issuer_key_id, "number": list.number,
        "issuedAtMs": list.issued_at_ms, "entries": list.entries,
    });
    let bytes = [b"gatehouse/revocations/v2\0".as_slice(), body.to_string().as_bytes()].concat();
    list.signature = hex::encode(key.sign(&bytes).to_bytes());
}

#[test]
fn a_list_revokes_only_passes_of_the_key_that_signed_it() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let old = passes::issue(&site_a.db, &supervisor_a, &new_pass("张伟")).unwrap();
    let old_key = serde_json::to_string(&keys::export_public(&site_a.db, &supervisor_a).unwrap()).unwrap();
    keys::rotate(&site_a.db, &supervisor_a).unwrap();
    passes::revoke(&site_a.db, &supervisor_a, old.pass.id, "证件遗失").unwrap();
    let (site_b, supervisor_b) = gate_b_trusting(&site_a, &supervisor_a);

    // The honest file: the current key's (empty) list first, then the retired key's.
    let file = revocation::export(&site_a.db, &supervisor_a).unwrap();
    assert_eq!(file.lists.len(), 2);
    assert!(file.lists[0].entries.is_empty() && file.lists[1].entries[0].key_id == old.pass.key_id);

    // The current key's list made to carry an entry for another key is refused whole.
    let mut forged = file.clone();
    let foreign = forged.lists[1].entries[0].clone();
    forged.lists[0].entries.push(foreign);
    resign(&site_a, &mut forged.lists[0]);
    let err = revocation::import(&site_b.db, &supervisor_b, &serde_json::to_string(&forged).unwrap()).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::RevocationEntryForeign, Some("revocation_file")));
    assert!(err.to_string().contains("only revoke its own passes"));
    let count = |fx: &Fixture| -> i64 { fx.conn().query_row("SELECT count(*) FROM imported_revocation", [], |r| r.get(0)).unwrap() };
    assert_eq!(count(&site_b), 0, "nothing was imported");

    // Gate B does not know the retired key: its list is skipped (its passes are refused anyway).
    let imported = revocation::import(&site_b.db, &supervisor_b, &serde_json::to_string(&file).unwrap()).unwrap();
    assert_eq!((imported.lists, imported.skipped, imported.entries), (1, 1, 0));
    // Once it knows it, the retired key's list revokes its pass there.
    import_key(&site_b, &supervisor_b, &old_key).unwrap();
    let next = revocation::export(&site_a.db, &supervisor_a).unwrap();
    let imported = revocation::import(&site_b.db, &supervisor_b, &serde_json::to_string(&next).unwrap()).unwrap();
    assert_eq!((imported.lists, imported.entries), (2, 1));
    assert_eq!(outcome(&site_b, &site_b.guard(), &old.code, Direction::In), Outcome::Revoked);
}

#[test]
fn a_list_in_the_first_format_is_refused_asking_for_a_new_export() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let (site_b, supervisor_b) = gate_b_trusting(&site_a, &supervisor_a);
    let key_id = keys::list(&site_a.db, &supervisor_a).unwrap()[0].key_id;
    // As the previous release wrote it: numbered by its entry count, undated.
    let old = serde_json::json!({ "format": "gatehouse-revocations/1", "issuerKeyId": key_id, "number": 0, "entries": [], "signature": "00".repeat(64) });
    let err = revocation::import(&site_b.db, &supervisor_b, &old.to_string()).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::RevocationListOutdated, Some("revocation_file")));
    assert!(err.to_string().contains("export its list again"));
}

// ---- public keys from other gates, confirmed by fingerprint (issue 15 item 8) ----

#[test]
fn another_gates_key_is_imported_only_after_a_supervisor_confirms_its_fingerprint() {
    let site_a = Fixture::new();
    let supervisor_a = site_a.supervisor();
    let card = passes::issue(&site_a.db, &supervisor_a, &new_pass("张伟")).unwrap();
    let key_json = serde_json::to_string(&keys::export_public(&site_a.db, &supervisor_a).unwrap()).unwrap();
    // The exporting gate shows the fingerprint in its key list: six groups of four digits.
    let at_a = keys::list(&site_a.db, &supervisor_a).unwrap()[0].fingerprint.clone();
    assert_eq!(at_a.split(' ').map(str::len).collect::<Vec<_>>(), vec![4; 6], "{at_a}");
    assert!(at_a.chars().all(|c| c == ' ' || c.is_ascii_digit()));

    let site_b = Fixture::new();
    let supervisor_b = site_b.supervisor();
    let guard_b = site_b.guard();
    let preview = keys::preview_import(&site_b.db, &supervisor_b, &key_json).unwrap();
    assert_eq!((preview.fingerprint.as_str(), preview.already_imported), (at_a.as_str(), false), "both gates show the same fingerprint");
    assert_eq!(keys::preview_import(&site_b.db, &guard_b, &key_json).unwrap_err().kind(), ErrorKind::Forbidden);
    let stored = |fx: &Fixture| -> i64 { fx.conn().query_row("SELECT count(*) FROM pass_key WHERE secret_key IS NULL", [], |r| r.get(0)).unwrap() };
    assert_eq!(stored(&site_b), 0, "a preview stores nothing");

    let confirm = |fingerprint: &str, pin: &str| keys::KeyImportConfirmation { fingerprint: fingerprint.into(), approval: approval(&site_b, pin) };
    // A key file swapped on the way: its fingerprint is not the one printed at gate A.
    let other = Fixture::new();
    let other_supervisor = other.supervisor();
    let swapped = serde_json::to_string(&keys::export_public(&other.db, &other_supervisor).unwrap()).unwrap();
    let err = keys::import_public(&site_b.db, &supervisor_b, &swapped, &confirm(&at_a, SUPERVISOR_PIN)).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::FingerprintMismatch, Some("fingerprint")));
    assert!(err.to_string().contains("do not import it"), "{err}");
    let err = keys::import_public(&site_b.db, &supervisor_b, &key_json, &confirm("  ", SUPERVISOR_PIN)).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::Required, Some("fingerprint")));
    assert!(keys::import_public(&site_b.db, &supervisor_b, &key_json, &confirm(&at_a, "999999")).is_err(), "a wrong PIN imports nothing");
    assert_eq!(stored(&site_b), 0);
    assert_eq!(outcome(&site_b, &guard_b, &card.code, Direction::In), Outcome::UnknownKey);

    // Typed as read out on the phone: full-width digits and dashes are fine.
    let typed: String =
        at_a.replace(' ', "-").chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { c }).collect();
    let key = keys::import_public(&site_b.db, &supervisor_b, &key_json, &confirm(&typed, SUPERVISOR_PIN)).unwrap();
    assert_eq!((key.own, key.fingerprint.as_str()), (false, at_a.as_str()));
    assert_eq!(outcome(&site_b, &guard_b, &card.code, Direction::In), Outcome::Valid);
    let body: String = site_b.conn().query_row("SELECT body FROM audit_event WHERE action = 'pass_key_imported'", [], |r| r.get(0)).unwrap();
    assert!(body.contains(&at_a) && body.contains("与东门打印件核对一致"), "the audit event records the fingerprint: {body}");
    assert!(keys::preview_import(&site_b.db, &supervisor_b, &key_json).unwrap().already_imported);
    assert!(site_b.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn anti_passback_follows_the_order_of_scans_not_a_clock_set_back() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &new_pass("张伟")).unwrap();
    let guard = fx.guard();
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::Valid);
    // The PC's clock is set back 4 minutes (inside the tolerance, see the next test); the
    // holder leaves and comes back: by time the way out is older than the way in.
    fx.clock.set_ms(T0_MS - 4 * 60_000);
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::Out), Outcome::Valid);
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::Valid, "the last scan was the way out");
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::AlreadyInside);
}

/// Issue 15 item 7: the holder hint a scan logs is kept beside a salted commitment, not in
/// the chain; the scan log stays sealed except for the purge of that hint (and of its salt),
/// which the chain still verifies; anything else is refused by the database itself.
#[test]
fn a_scan_keeps_the_holder_hint_out_of_the_chain_and_stays_sealed_but_for_its_purge() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &new_pass("犇骉")).unwrap();
    passes::revoke(&fx.db, &supervisor, card.pass.id, "学生已离校").unwrap();
    let guard = fx.guard();
    let refused = scan::scan(&fx.db, &guard, &card.code, Direction::In).unwrap();
    scan::override_refusal(&fx.db, &guard, refused.scan_id, &approval(&fx, SUPERVISOR_PIN)).unwrap();
    let bodies: Vec<String> = fx
        .db
        .read(|c| Ok(c.prepare("SELECT body FROM audit_event WHERE entity = 'pass_scan'")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?))
        .unwrap();
    assert_eq!(bodies.len(), 2);
    assert!(bodies.iter().all(|b| !b.contains("犇骉") && b.contains("pii_commitment")), "{bodies:?}");
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());

    let conn = fx.conn();
    for sql in [
        "UPDATE pass_scan SET outcome = 'valid' WHERE id = 1",
        "UPDATE pass_scan SET holder_hint = '李四' WHERE id = 1",
        "UPDATE pass_scan SET holder_hint = NULL WHERE id = 1",
        "UPDATE pass_scan SET pii_salt = NULL WHERE id = 1",
        "UPDATE pass_scan SET holder_hint = NULL, pii_salt = NULL, pii_commitment = 'x' WHERE id = 1",
        "UPDATE pass_scan SET holder_hint = NULL, pii_salt = NULL, accepted = 1 WHERE id = 1",
        "UPDATE pass_scan SET pii_salt = x'00', pii_commitment = 'x' WHERE id = 1",
        "DELETE FROM pass_scan WHERE id = 1",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("sealed"), "{sql}: {err}");
    }
    // The retention purge's update: the hint and its salt go, the rest (the commitment) stays.
    conn.execute("UPDATE pass_scan SET holder_hint = NULL, pii_salt = NULL WHERE id = 1", []).unwrap();
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok(), "the purged scan still verifies");
    assert!(conn.execute("UPDATE pass_scan SET pii_salt = x'00', pii_commitment = 'x' WHERE id = 1", []).is_err(), "a purged scan gets no new commitment");
}

/// Issue 15 item 4: with the clock set back behind the times already recorded, an expired
/// pass would read as valid. A pass that passes every check is held for a supervisor on the
/// way in (`clock_behind`); the way out is not held; the supervisor's let-in is logged.
#[test]
fn a_pass_scanned_in_while_the_clock_is_behind_needs_a_supervisor() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let card = passes::issue(&fx.db, &supervisor, &NewPass { valid_to_ms: T0_MS + DAY, ..new_pass("张伟") }).unwrap();
    let guard = fx.guard();
    // Two days later the pass has expired; then the clock is set back to the day it was valid.
    fx.clock.set_ms(T0_MS + 2 * DAY);
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::Expired);
    fx.clock.set_ms(T0_MS);
    let held = scan::scan(&fx.db, &guard, &card.code, Direction::In).unwrap();
    assert_eq!((held.outcome, held.accepted), (Outcome::ClockBehind, false), "an expired pass is not let in by a clock set back");
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::Out), Outcome::Valid, "leaving is not held up");
    let let_in = scan::override_refusal(&fx.db, &guard, held.scan_id, &approval(&fx, SUPERVISOR_PIN)).unwrap();
    assert_eq!((let_in.outcome, let_in.accepted), (Outcome::ClockBehind, true));
    // Within 5 minutes of the last record a pass scans as usual.
    fx.clock.set_ms(T0_MS + 2 * DAY - 4 * 60_000);
    assert_eq!(outcome(&fx, &guard, &card.code, Direction::In), Outcome::Expired);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// Issue 17 item 2: the pass list's status is the scan's own verdict on the pass (the UI no
/// longer works it out): not yet valid, active, used up, expired, revoked, and a distrusted
/// key's passes marked as such.
#[test]
fn the_pass_list_status_follows_the_scans_checks() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    let status = |name: &str| passes::list(&fx.db, &guard, name).unwrap()[0].status;
    let later = passes::issue(&fx.db, &supervisor, &NewPass { valid_from_ms: T0_MS + 2 * DAY, valid_to_ms: T0_MS + 9 * DAY, ..new_pass("周未来") }).unwrap();
    assert_eq!(later.pass.status, PassStatus::NotYetValid);
    let once = passes::issue(&fx.db, &supervisor, &NewPass { max_uses: Some(1), ..new_pass("吴一次") }).unwrap();
    assert_eq!(status("吴一次"), PassStatus::Active);
    assert_eq!(outcome(&fx, &guard, &once.code, Direction::In), Outcome::Valid);
    assert_eq!(status("吴一次"), PassStatus::UsedUp);
    let short = passes::issue(&fx.db, &supervisor, &NewPass { valid_to_ms: T0_MS + DAY, ..new_pass("郑短期") }).unwrap();
    let revoked = passes::issue(&fx.db, &supervisor, &new_pass("冯注销")).unwrap();
    assert_eq!(passes::revoke(&fx.db, &supervisor, revoked.pass.id, "证件遗失").unwrap().status, PassStatus::Revoked);
    fx.clock.set_ms(T0_MS + 3 * DAY);
    assert_eq!((status("周未来"), status("郑短期")), (PassStatus::Active, PassStatus::Expired));
    assert_eq!(outcome(&fx, &guard, &short.code, Direction::In), Outcome::Expired);
    keys::distrust(&fx.db, &supervisor, later.pass.key_id, "密钥泄露").unwrap();
    assert_eq!(status("周未来"), PassStatus::KeyDistrusted);
    assert_eq!(outcome(&fx, &guard, &later.code, Direction::In), Outcome::KeyDistrusted);
}

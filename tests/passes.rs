//! Holiday passes: issue, scan at the gate (every outcome), override, revocation lists
//! between gates, bulk import, and the printed QR decoded back.

use gatehouse::guards::{Actor, SupervisorOverride};
use gatehouse::passes::scan::{self, Direction, Outcome};
use gatehouse::passes::{self, import, keys, revocation, NewPass, PassKind};
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
    keys::import_public(&site_b.db, &supervisor_b, &key).unwrap();
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

//! Import and image limits (issue 15, item 2): files over 10 MB, sheets over 50,000 rows or
//! 50 columns (an XLSX by its declared dimension, before its cells are read), XLSX parts
//! that unpack past their cap, and pictures larger than their limit in pixels are refused
//! with a clear error on the file's field, nothing imported and nothing allocated for them.

use std::io::{Cursor, Write};
use std::process::{Command, Stdio};

use gatehouse::passes::import as pass_import;
use gatehouse::{photo, signature, staff, ErrorCode, ErrorKind};

use crate::util::Fixture;

/// A workbook with cells at A1 and XFD1048576 (its dimension is the whole sheet).
fn bomb_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "类型").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

/// A valid one-pass workbook.
fn one_pass_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (column, text) in pass_import::TEMPLATE_HEADER.split(',').enumerate() {
        sheet.write_string(0, column as u16, text).unwrap();
    }
    for (column, text) in
        ["留校学生", "张三", "计算机学院", "13800000000", "", "2027-01-10 00:00", "2027-02-20 23:59", "06:00-22:00", "1", "", "学工处"].iter().enumerate()
    {
        sheet.write_string(1, column as u16, *text).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// `xlsx` with the part `entry` replaced by `inflated` bytes of XML that deflate to almost
/// nothing (a zip bomb of a few hundred KB).
fn with_bomb_entry(xlsx: &[u8], entry: &str, inflated: usize) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for index in 0..source.len() {
        let file = source.by_index(index).unwrap();
        let name = file.name().unwrap().to_string();
        if name != entry {
            out.raw_copy_file(file).unwrap();
            continue;
        }
        drop(file);
        out.start_file(name, deflated).unwrap();
        out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..inflated / chunk.len() {
            out.write_all(&chunk).unwrap();
        }
        out.write_all(b"</t></si></sst>").unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn csv_with(rows: usize, columns: usize) -> Vec<u8> {
    let mut text = String::from(pass_import::TEMPLATE_HEADER);
    text.push('\n');
    let line = vec!["x"; columns].join(",");
    for _ in 1..rows {
        text.push_str(&line);
        text.push('\n');
    }
    text.into_bytes()
}

fn assert_refused(err: gatehouse::Error, code: ErrorCode) {
    assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Invalid, code, Some("import_file")), "{err}");
}

#[test]
fn a_sheet_with_cells_at_a1_and_xfd1048576_is_refused_by_its_dimension_and_nothing_is_issued() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let before = fx.counts("pass");
    let err = pass_import::import(&fx.db, &supervisor, "bomb.xlsx", &bomb_xlsx()).unwrap_err();
    assert_eq!(err.params().get("rows").map(String::as_str), Some("1048576"), "{err}");
    assert_eq!(err.params().get("columns").map(String::as_str), Some("16384"), "{err}");
    assert_refused(err, ErrorCode::ImportSheetTooLarge);
    assert_eq!(fx.counts("pass"), before);
}

#[test]
fn xlsx_parts_that_unpack_past_their_cap_are_refused_naming_the_part() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let before = fx.counts("pass");
    let valid = one_pass_xlsx();
    for entry in ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"] {
        let bomb = with_bomb_entry(&valid, entry, 80 << 20);
        assert!(bomb.len() < 1 << 20, "the bomb is small: {} bytes", bomb.len());
        let err = pass_import::import(&fx.db, &supervisor, "passes.xlsx", &bomb).unwrap_err();
        assert_eq!(err.params().get("entry").map(String::as_str), Some(entry), "{err}");
        assert_refused(err, ErrorCode::ImportEntryTooLarge);
    }
    assert_eq!(fx.counts("pass"), before);
    // The same workbook without a bomb imports.
    assert_eq!(pass_import::import(&fx.db, &supervisor, "passes.xlsx", &valid).unwrap().issued.len(), 1);
}

#[test]
fn import_files_over_10_mb_are_refused_before_reading_for_passes_and_staff() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let mut big = csv_with(2, 11);
    big.resize(10 * 1024 * 1024 + 1, b'\n');
    let before = (fx.counts("pass"), fx.counts("staff"));
    assert_refused(pass_import::import(&fx.db, &supervisor, "passes.csv", &big).unwrap_err(), ErrorCode::ImportFileTooLarge);
    assert_refused(pass_import::import(&fx.db, &supervisor, "passes.xlsx", &big).unwrap_err(), ErrorCode::ImportFileTooLarge);
    let text = format!("姓名,部门,分机\n张三,教务处,8001\n{}", " ".repeat(10 * 1024 * 1024));
    assert_refused(staff::import_csv(&fx.db, &supervisor, &text).unwrap_err(), ErrorCode::ImportFileTooLarge);
    assert_eq!((fx.counts("pass"), fx.counts("staff")), before);
}

#[test]
fn sheets_over_50000_rows_or_50_columns_are_refused_whole_for_passes_and_staff() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let before = (fx.counts("pass"), fx.counts("staff"));
    for (rows, columns) in [(50_001, 11), (3, 51)] {
        let err = pass_import::import(&fx.db, &supervisor, "passes.csv", &csv_with(rows, columns)).unwrap_err();
        assert_refused(err, ErrorCode::ImportSheetTooLarge);
    }
    let many_rows = format!("姓名,部门,分机\n{}", "张三,教务处,8001\n".repeat(50_000));
    assert_refused(staff::import_csv(&fx.db, &supervisor, &many_rows).unwrap_err(), ErrorCode::ImportSheetTooLarge);
    let wide = format!("张三,教务处,8001{}\n", ",x".repeat(48));
    assert_refused(staff::import_csv(&fx.db, &supervisor, &wide).unwrap_err(), ErrorCode::ImportSheetTooLarge);
    assert_eq!((fx.counts("pass"), fx.counts("staff")), before);
    // At the limits, the staff import still reads: 50 columns are fine.
    let at_limit = format!("张三,教务处,8001{}\n", ",".repeat(47));
    assert_eq!(staff::import_csv(&fx.db, &supervisor, &at_limit).unwrap().imported, 1);
}

/// A PNG whose header claims `width` x `height` pixels (with a valid CRC) and whose data is
/// a 1 x 1 image's: a few dozen bytes.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::GrayImage::from_pixel(1, 1, image::Luma([0])).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), ... CRC after 13 bytes.
    out[16..20].copy_from_slice(&width.to_be_bytes());
    out[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&out[12..29]);
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_photo_claiming_30000_by_30000_pixels_is_refused_from_its_header() {
    let bomb = png_claiming(30_000, 30_000);
    assert!(bomb.len() < 100);
    let err = photo::normalise("photo", &bomb).unwrap_err();
    assert_eq!((err.code(), err.field(), err.params().get("maxWidth").map(String::as_str)), (ErrorCode::PhotoDimensions, Some("photo"), Some("4096")));
    // Under the 512 MiB default of `image` (10,000 x 10,000 grey): refused all the same.
    assert_eq!(photo::normalise("photo", &png_claiming(10_000, 10_000)).unwrap_err().code(), ErrorCode::PhotoDimensions);
    assert_eq!(photo::normalise("photo", &png_claiming(4096, 4097)).unwrap_err().code(), ErrorCode::PhotoDimensions);
}

#[test]
fn camera_frames_are_capped_in_bytes_and_pixels() {
    assert_eq!(gatehouse::passes::decode_camera_frame(&png_claiming(30_000, 30_000)).unwrap_err().code(), ErrorCode::PhotoDimensions);
    let mut huge = png_claiming(100, 100);
    huge.resize(8 * 1024 * 1024 + 1, 0);
    let err = gatehouse::passes::decode_camera_frame(&huge).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::PhotoTooLarge, Some("camera")));
}

#[test]
fn a_signature_larger_than_the_pad_is_refused_from_its_header() {
    let err = signature::normalise("outgoing_signature", &png_claiming(30_000, 30_000)).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::SignatureTooLarge, Some("outgoing_signature")));
    assert_eq!(err.params().get("maxWidth").map(String::as_str), Some("2000"));
    assert_eq!(signature::normalise("s", &png_claiming(2000, 1001)).unwrap_err().code(), ErrorCode::SignatureTooLarge);
}

/// Runs the CLI and returns its exit code, stdout, stderr and peak memory in KiB when
/// /usr/bin/time is there to measure it. (This process's own rusage of a child would count
/// the test binary's memory: a spawned child's peak includes its parent's until exec.)
fn gatehouse_measured(args: &[&str], keys: &std::path::Path) -> (Option<i32>, String, String, Option<i64>) {
    let time = std::path::Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut command = Command::new(time);
        command.args(["-f", "peak_kib=%M", env!("CARGO_BIN_EXE_gatehouse")]);
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_gatehouse"))
    };
    let out = command.args(args).env_remove("GATEHOUSE_DB").env("GATEHOUSE_KEY_FILE", keys).stdin(Stdio::null()).output().unwrap();
    let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut peak = None;
    if let Some(at) = stderr.rfind("peak_kib=") {
        peak = stderr[at + "peak_kib=".len()..].trim().parse().ok();
        stderr.truncate(at);
    }
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), stderr, peak)
}

#[test]
fn cli_pass_import_refuses_the_a1_xfd1048576_bomb_with_a_clear_message_in_little_memory() {
    let fx = Fixture::new();
    let bomb = fx.dir.path().join("bomb.xlsx");
    std::fs::write(&bomb, bomb_xlsx()).unwrap();
    let db = fx.path();
    let (code, stdout, stderr, peak_kib) =
        gatehouse_measured(&["--db", db.to_str().unwrap(), "pass", "import", bomb.to_str().unwrap(), "--pin", crate::util::SUPERVISOR_PIN], fx.keys.path());
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stderr.contains("import_file: the sheet has 1048576 rows and 16384 columns"), "{stderr}");
    match peak_kib {
        Some(peak_kib) => {
            println!("bomb.xlsx refused, peak memory {} MB", peak_kib / 1024);
            assert!(peak_kib < 200 * 1024, "peak memory {peak_kib} KiB");
        }
        None => println!("bomb.xlsx refused (no /usr/bin/time here to measure peak memory)"),
    }
    assert_eq!(fx.counts("pass").0, 0);

    // A good sheet through the same command: the report lists the passes issued.
    let good = fx.dir.path().join("passes.xlsx");
    std::fs::write(&good, one_pass_xlsx()).unwrap();
    let (code, stdout, stderr, _) =
        gatehouse_measured(&["--db", db.to_str().unwrap(), "pass", "import", good.to_str().unwrap(), "--pin", crate::util::SUPERVISOR_PIN], fx.keys.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("张三") && stdout.ends_with("issued 1 passes\n"), "{stdout}");
}

//! Real-window tests of issue 6: holiday passes issued, scanned at the gate (the scanner
//! types the code's digits + Enter into `pass-scan-input`), revoked, and refused when the
//! code is from another site's key or not a code at all.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::Locator;

use crate::flows::*;
use crate::harness::{e2e_test, App};

const HOLDER: &str = "陈老师";

/// `--from` yesterday `--to` in a week, local dates: valid now whenever the test runs.
fn validity() -> (String, String) {
    let today = chrono::Local::now().date_naive();
    let from = (today - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    let to = (today + chrono::Duration::days(7)).format("%Y-%m-%d").to_string();
    (from, to)
}

/// Issue a staff pass with the CLI on `db` (whose supervisor PIN is `PIN`); returns the
/// code's digits (the CLI prints `serial N`, then the digits).
fn cli_issue_pass(db: &Path, holder: &str) -> Result<String> {
    let (from, to) = validity();
    let out = run_cli(&[
        "--db",
        &db_arg(db)?,
        "pass",
        "issue",
        "--kind",
        "staff",
        "--holder",
        holder,
        "--department",
        "教务处",
        "--from",
        &from,
        "--to",
        &to,
        "--pin",
        PIN,
    ])?;
    let mut lines = out.lines().map(str::trim).filter(|l| !l.is_empty());
    let serial = lines.next().unwrap_or_default();
    ensure!(serial.starts_with("serial "), "`pass issue` printed {out:?}");
    let digits = lines.next().context("no code digits after the serial")?.to_string();
    ensure!(digits.len() > 50 && digits.chars().all(|c| c.is_ascii_digit()), "code is not digits: {digits:?}");
    Ok(digits)
}

/// Where `prepare` leaves the digits of the pass it issued, for the test body.
fn code_file(db: &Path) -> std::path::PathBuf {
    db.with_file_name("pass-code.txt")
}

/// A set-up database with one staff pass for 陈老师, issued by the CLI.
fn init_db_with_pass(db: &Path) -> Result<()> {
    init_db(db)?;
    let digits = cli_issue_pass(db, HOLDER)?;
    std::fs::write(code_file(db), digits)?;
    Ok(())
}

/// Open 通行证 at the scan screen (the default tab; from another tab, its tab).
async fn open_scan(app: &App) -> Result<()> {
    if !app.visible_now("pass-scan-input").await? {
        app.click("nav-passes").await?;
        app.el("passes-tab-scan").await?;
        if !app.visible_now("pass-scan-input").await? {
            app.click("passes-tab-scan").await?;
        }
    }
    app.el("pass-scan-input").await?;
    Ok(())
}

/// What the answer says: (data-outcome, data-accepted, data-tone).
async fn verdict(result: &Element) -> Result<(String, String, String)> {
    Ok((
        result.attr("data-outcome").await?.unwrap_or_default(),
        result.attr("data-accepted").await?.unwrap_or_default(),
        result.attr("data-tone").await?.unwrap_or_default(),
    ))
}

/// Scan as a keyboard-wedge scanner does: it types the digits, then Enter, into whatever
/// has the focus (the scan input, or e.g. the tab just clicked: the page must route the
/// digits to the scan input). Takes the previous answer off the screen first; returns the
/// new answer.
async fn scan(app: &App, digits: &str) -> Result<Element> {
    if app.visible_now("pass-result").await? {
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;
    }
    press(app, digits).await?;
    app.wait_for("the scanned digits in pass-scan-input", || async { Ok((app.value("pass-scan-input").await? == digits).then_some(())) }).await?;
    wait_focus(app, "pass-scan-input").await?;
    press(app, ENTER).await.context("Enter after the digits")?;
    app.el("pass-result").await.context("the full-screen answer")
}

/// Scan and check the outcome; returns the answer.
async fn scan_expect(app: &App, digits: &str, outcome: &str, accepted: bool) -> Result<Element> {
    let result = scan(app, digits).await?;
    let (got, acc, tone) = verdict(&result).await?;
    ensure!(
        got == outcome && acc == accepted.to_string(),
        "scan answered outcome {got:?} accepted {acc:?} (tone {tone:?}), want {outcome:?} accepted {accepted}"
    );
    let want_tone = if accepted { "ok" } else { "refused" };
    ensure!(tone == want_tone, "outcome {got} has tone {tone:?}, want {want_tone:?}");
    let title = app.text("pass-result-title").await?;
    ensure!(has_cjk(&title), "pass-result-title is {title:?}");
    Ok(result)
}

/// Rows of the scan log as (outcome, accepted), newest first, once there are `n`.
async fn wait_log_rows(app: &App, n: usize) -> Result<Vec<(String, String)>> {
    app.wait_for(&format!("{n} rows in the scan log"), || async move {
        let rows = app.all_now("scan-log-row").await?;
        if rows.len() != n {
            return Ok(None);
        }
        let mut out = Vec::new();
        for r in rows {
            out.push((r.attr("data-outcome").await?.unwrap_or_default(), r.attr("data-accepted").await?.unwrap_or_default()));
        }
        Ok(Some(out))
    })
    .await
}

#[test]
fn pass_issued_in_the_ui_scans_green_with_the_holders_name() {
    e2e_test("pass_issued_in_the_ui_scans_green_with_the_holders_name", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("issue");
        app.click("nav-passes").await?;
        app.click("passes-tab-manage").await?;
        app.select("issue-pass-kind", "staff").await?;
        app.type_into("issue-pass-holder", HOLDER).await?;
        app.type_into("issue-pass-department", "教务处").await?;
        app.type_into("issue-pass-approved-by", "保卫处").await?;
        app.click("issue-pass-submit").await?;

        app.step("card");
        app.el("pass-card-dialog").await.context("the card dialog after issuing")?;
        let code_text = app.text("pass-card-code").await?;
        let digits: String = code_text.chars().filter(|c| c.is_ascii_digit()).collect();
        ensure!(digits.len() > 50, "pass-card-code shows {code_text:?}");
        // WebKitWebDriver's element text leaves out the card's name line (one line, ellipsis
        // on overflow) although it is on screen: read the rendered text (innerText) instead.
        let layout = app.el("pass-card-layout").await?.prop("innerText").await?.unwrap_or_default();
        ensure!(layout.contains(HOLDER), "the card does not show the holder: {layout:?}");
        app.step("card-save-pdf");
        app.click("pass-card-save-pdf").await?;
        wait_saved_pdf(&app).await?;
        app.click("pass-card-close").await?;
        app.wait_gone("pass-card-dialog").await?;
        let row = wait_row(&app, "pass-row", HOLDER).await?;
        ensure!(row.attr("data-status").await?.as_deref() == Some("active"), "the new pass is not active");

        app.step("scan");
        app.click("passes-tab-scan").await?;
        open_scan(&app).await?;
        scan_expect(&app, &digits, "valid", true).await?;
        let name = app.text("pass-result-name").await?;
        ensure!(name.contains(HOLDER), "pass-result-name is {name:?}, want {HOLDER:?}");
        app.el("pass-result-direction").await?;

        app.step("log");
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;
        let rows = wait_log_rows(&app, 1).await?;
        ensure!(rows[0] == ("valid".into(), "true".into()), "scan log row {:?}", rows[0]);
        let row = wait_row(&app, "scan-log-row", HOLDER).await.context("the log names the holder")?;
        let _ = row;
        // The focus comes back to the input for the next scan.
        wait_focus(&app, "pass-scan-input").await?;
        Ok(())
    });
}

#[test]
fn revoked_pass_scans_red_revoked_with_the_reason() {
    e2e_test("revoked_pass_scans_red_revoked_with_the_reason", init_db_with_pass, |app| async move {
        let digits = std::fs::read_to_string(code_file(app.db()))?;

        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("scan-valid");
        open_scan(&app).await?;
        scan_expect(&app, &digits, "valid", true).await?;

        app.step("revoke");
        // The full-screen answer covers the tabs until it goes (a click on it, Esc, 4 s).
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;
        app.click("passes-tab-manage").await?;
        let row = wait_row(&app, "pass-row", HOLDER).await?;
        let pass_id = row.attr("data-pass-id").await?.context("pass-row without data-pass-id")?;
        row.find(Locator::Css("[data-testid=\"pass-revoke\"]")).await?.click().await?;
        app.el("pass-revoke-dialog").await?;
        let reason = "教职工调离，收回通行证";
        app.type_into("pass-revoke-reason", reason).await?;
        app.click("pass-revoke-ok").await?;
        app.wait_gone("pass-revoke-dialog").await?;
        let css = format!("[data-testid=\"pass-row\"][data-pass-id=\"{pass_id}\"][data-status=\"revoked\"]");
        let revoked = app
            .wait_for("the pass row marked revoked", || {
                let css = css.clone();
                let c = app.client();
                async move { Ok(c.find_all(Locator::Css(&css)).await?.into_iter().next()) }
            })
            .await?;
        let note = revoked.find(Locator::Css("[data-testid=\"pass-revoke-note\"]")).await?.text().await?;
        ensure!(note.contains(reason), "pass-revoke-note {note:?} lacks the reason");

        app.step("scan-revoked");
        app.click("passes-tab-scan").await?;
        open_scan(&app).await?;
        // Leaving, so that only the revocation can refuse it (not anti-passback).
        app.click("pass-direction-out").await?;
        scan_expect(&app, &digits, "revoked", false).await?;
        let name = app.text("pass-result-name").await?;
        ensure!(name.contains(HOLDER), "pass-result-name is {name:?}");
        let detail = app.text("pass-result-detail").await?;
        ensure!(detail.contains(reason), "pass-result-detail {detail:?} lacks the revoke reason");

        app.step("scan-revoked-in");
        // Coming in again: still revoked.
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;
        app.click("pass-direction-in").await?;
        scan_expect(&app, &digits, "revoked", false).await?;
        Ok(())
    });
}

#[test]
fn a_code_signed_with_another_sites_key_is_unknown_key() {
    e2e_test("a_code_signed_with_another_sites_key_is_unknown_key", init_db, |app| async move {
        app.step("other-site");
        // Another site: its own database and so its own signing key.
        let other = tempfile::Builder::new().prefix("gatehouse-e2e-other-site-").tempdir()?;
        let other_db = other.path().join("other.db");
        run_cli(&["--db", &db_arg(&other_db)?, "init", "--site", "另一所学校", "--gate", "北门", "--supervisor", "赵主管", "--pin", PIN])?;
        let foreign = cli_issue_pass(&other_db, "周同学")?;

        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("scan");
        open_scan(&app).await?;
        scan_expect(&app, &foreign, "unknown_key", false).await?;
        let name = app.text("pass-result-name").await?;
        ensure!(!name.contains("周同学"), "an unknown key's holder is shown as if trusted: {name:?}");
        app.el("pass-override").await.context("a refusal offers the supervisor's let-in")?;

        app.step("log");
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;
        let rows = wait_log_rows(&app, 1).await?;
        ensure!(rows[0] == ("unknown_key".into(), "false".into()), "scan log row {:?}", rows[0]);
        Ok(())
    });
}

#[test]
fn malformed_scans_are_refused_and_the_log_lists_the_refused_scans() {
    e2e_test("malformed_scans_are_refused_and_the_log_lists_the_refused_scans", init_db_with_pass, |app| async move {
        let digits = std::fs::read_to_string(code_file(app.db()))?;

        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        open_scan(&app).await?;

        app.step("valid");
        scan_expect(&app, &digits, "valid", true).await?;

        app.step("random-digits");
        scan_expect(&app, "31415926535897932384", "malformed", false).await?;

        app.step("truncated");
        // A real code cut short (a scan that stopped half-way) is refused too.
        let result = scan(&app, &digits[..digits.len() - 7]).await?;
        let (outcome, accepted, _) = verdict(&result).await?;
        ensure!(accepted == "false", "a truncated code was accepted ({outcome})");
        ensure!(outcome == "malformed" || outcome == "forged", "a truncated code answered {outcome:?}");

        app.step("log-all");
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;
        let rows = wait_log_rows(&app, 3).await?;
        ensure!(rows[0] == (outcome.clone(), "false".into()), "newest log row {:?}", rows[0]);
        ensure!(rows[1] == ("malformed".into(), "false".into()), "second log row {:?}", rows[1]);
        ensure!(rows[2] == ("valid".into(), "true".into()), "oldest log row {:?}", rows[2]);

        app.step("log-refused-only");
        app.click("scan-log-refused-only").await?;
        let rows = wait_log_rows(&app, 2).await?;
        ensure!(rows.iter().all(|(_, acc)| acc == "false"), "refused-only log shows {rows:?}");
        ensure!(rows.iter().any(|(o, _)| o == "malformed"), "refused-only log lacks the malformed scan: {rows:?}");
        // The scan input still has the focus after the toggle.
        wait_focus(&app, "pass-scan-input").await?;
        Ok(())
    });
}

/// Issue 15 item 8: another gate's public key file chosen on the keys tab shows its
/// fingerprint (the same the exporting gate's CLI printed) and is imported only after the
/// supervisor's PIN; its passes then scan valid. Screenshots in zh-CN and English.
#[test]
fn another_gates_key_is_imported_after_the_supervisor_confirms_its_fingerprint() {
    e2e_test("another_gates_key_is_imported_after_the_supervisor_confirms_its_fingerprint", init_db, |app| async move {
        app.step("other-gate");
        let other = tempfile::Builder::new().prefix("gatehouse-e2e-other-gate-").tempdir()?;
        let other_db = other.path().join("other.db");
        run_cli(&["--db", &db_arg(&other_db)?, "init", "--site", "示例学校北门", "--gate", "北门", "--supervisor", "赵主管", "--pin", PIN])?;
        let foreign = cli_issue_pass(&other_db, "周同学")?;
        let key_file = other.path().join("north-key.json");
        let out = run_cli(&["--db", &db_arg(&other_db)?, "pass", "key", "export", &key_file.to_string_lossy(), "--pin", PIN])?;
        let printed = out.lines().find_map(|l| l.trim().strip_prefix("fingerprint ")).context("`pass key export` printed no fingerprint")?.to_string();

        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        app.click("nav-passes").await?;
        app.click("passes-tab-keys").await?;
        // This gate has issued nothing yet: no key of its own, and none imported.
        app.el("pass-key-rotate").await?;

        for lang in ["zh-CN", "en"] {
            app.step(&format!("choose-file-{lang}"));
            if lang == "en" {
                app.select("lang-switch", "en").await?;
            }
            file_input(&app, "pass-key-import-file").await?.send_keys(&key_file.to_string_lossy()).await?;
            app.el("override-dialog").await?;
            let shown = app.text("pass-key-import-fingerprint").await?;
            ensure!(shown.trim() == printed, "the dialog shows {shown:?}, the other gate printed {printed:?}");
            screenshot_at(&app, "override-dialog", &format!("pass-key-import-fingerprint-{lang}")).await?;
            if lang == "zh-CN" {
                // Compared and found different: cancelled, nothing imported.
                app.click("override-cancel").await?;
                app.wait_gone("override-dialog").await?;
                ensure!(app.all_now("pass-key-row").await?.is_empty(), "cancel imported a key");
                continue;
            }
            app.step("wrong-pin");
            approve_override(&app, "000000", "compared with the North gate's printout").await?;
            app.el("error-pin").await?;
            ensure!(app.all_now("pass-key-row").await?.is_empty(), "a wrong PIN imported the key");
            app.step("confirm");
            approve_override(&app, PIN, "compared with the North gate's printout").await?;
            app.wait_gone("override-dialog").await?;
            let message = app.text("pass-keys-message").await?;
            ensure!(message.contains(&printed), "pass-keys-message {message:?} lacks the fingerprint");
        }
        let rows = app.all_now("pass-key-row").await?;
        ensure!(rows.len() == 1, "{} key rows after the import", rows.len());
        let mut found = false;
        for row in rows {
            if row.attr("data-own").await?.as_deref() == Some("false") {
                let fp = row.find(Locator::Css("[data-testid=\"pass-key-fingerprint\"]")).await?.text().await?;
                ensure!(fp.trim() == printed, "imported row shows {fp:?}");
                found = true;
            }
        }
        ensure!(found, "no imported key row");
        screenshot_at(&app, "pass-key-list", "pass-key-list-fingerprints-en").await?;

        app.step("scan");
        app.select("lang-switch", "zh-CN").await?;
        app.click("passes-tab-scan").await?;
        open_scan(&app).await?;
        scan_expect(&app, &foreign, "valid", true).await?;
        Ok(())
    });
}

/// A file input (drawn as a styled button, the input itself visually hidden), to send a path to.
async fn file_input(app: &App, id: &str) -> Result<Element> {
    Ok(app.client().find(Locator::Css(&format!("[data-testid=\"{id}\"]"))).await?)
}

/// Issue 15 item 5 on screen: exporting the revocation list names the file (after the current
/// key's list number) and the entries; screenshots in zh-CN and English.
#[test]
fn the_revocation_list_export_names_its_file_in_both_languages() {
    e2e_test("the_revocation_list_export_names_its_file_in_both_languages", init_db_with_pass, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        app.click("nav-passes").await?;
        app.click("passes-tab-keys").await?;
        for lang in ["zh-CN", "en"] {
            app.step(&format!("export-{lang}"));
            app.select("lang-switch", lang).await?;
            app.click("pass-revocations-export").await?;
            let message = app.text("pass-keys-message").await?;
            ensure!(message.contains("gatehouse-revocations-") && message.contains(".json"), "pass-keys-message is {message:?}");
            screenshot_at(&app, "pass-keys-message", &format!("pass-revocations-exported-{lang}")).await?;
        }
        Ok(())
    });
}

/// Issue 15 item 4: the PC's clock reads 2 hours earlier than the last time recorded (it was
/// set back after the record). The status bar turns red and says so, a valid pass scanned in
/// is held for a supervisor (`clock_behind`), and once a supervisor confirms the date with
/// their PIN the bar clears and the same pass scans valid. Screenshots in zh-CN and English.
#[test]
fn a_clock_set_back_turns_the_bar_red_and_holds_passes_until_a_supervisor_confirms_the_date() {
    let prepare = |db: &Path| -> Result<()> {
        init_db_with_pass(db)?;
        let ahead = chrono::Utc::now().timestamp_millis() + 2 * 3_600_000;
        open_keyed(db)?.execute("UPDATE clock_high_water SET at_ms = ?1", [ahead])?;
        Ok(())
    };
    e2e_test("a_clock_set_back_turns_the_bar_red_and_holds_passes", prepare, |app| async move {
        let digits = std::fs::read_to_string(code_file(app.db()))?;
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("red-bar");
        let doubt = app.el("status-clock-doubt").await.context("the clock warning in the status bar")?;
        ensure!(doubt.attr("data-kind").await?.as_deref() == Some("behind"), "the warning is not the 'behind' one");
        let text = doubt.text().await?;
        ensure!(text.contains("小时") && text.contains("主管"), "the warning reads {text:?}");
        let background: String = serde_json::from_value(app.js("return getComputedStyle(document.querySelector('footer.status')).backgroundColor;").await?)?;
        ensure!(background == "rgb(155, 28, 28)", "the status bar is {background}, not red");
        for lang in ["en", "zh-CN"] {
            app.select("lang-switch", lang).await?;
            screenshot_at(&app, "status-clock-doubt", &format!("clock-behind-{lang}")).await?;
        }

        app.step("scan-held");
        open_scan(&app).await?;
        scan_expect(&app, &digits, "clock_behind", false).await?;
        app.el("pass-override").await.context("a clock refusal offers the supervisor's let-in")?;
        app.click("pass-result-dismiss").await?;
        app.wait_gone("pass-result").await?;

        app.step("confirm-date");
        app.click("status-confirm-date").await?;
        app.el("override-dialog").await?;
        app.type_into("override-reason", "已与手机网络时间核对").await?;
        // A wrong PIN: said at the PIN, in Chinese; the clock stays in doubt.
        app.type_into("override-pin", WRONG_PIN).await?;
        app.click("override-ok").await?;
        let wrong = app.text("error-pin").await.context("the wrong PIN's error in the confirm dialog")?;
        ensure!(has_cjk(&wrong), "error-pin is {wrong:?}");
        ensure!(app.visible_now("status-clock-doubt").await?, "a wrong PIN cleared the clock warning");
        app.type_into("override-pin", PIN).await?;
        app.click("override-ok").await?;
        app.wait_gone("override-dialog").await?;
        app.wait_gone("status-clock-doubt").await.context("the warning after the supervisor confirmed the date")?;

        app.step("scan-valid");
        open_scan(&app).await?;
        scan_expect(&app, &digits, "valid", true).await?;
        Ok(())
    });
}

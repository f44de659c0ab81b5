//! Real-window tests of issue 13: the recovery key shown once after set-up (it is the key
//! file's key, and only a confirmation leads to the login), shown again in Settings, and a
//! backup restored at set-up on a new PC with the recovery key (a wrong key is refused at
//! its field and changes nothing).

use std::path::Path;

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use gatehouse::KeyFile;

use crate::flows::*;
use crate::harness::{e2e_test, App};

/// The other site: a database made on the "old PC" with a key file of its own.
const OLD_SITE: &str = "旧校区中学";
const OLD_SUPERVISOR: &str = "赵主管";

async fn screenshot(app: &App, name: &str) -> Result<()> {
    // Give the window a frame to paint what the last step changed.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screen_png(name)
}

fn recovery_text(key_file: &Path) -> Result<String> {
    let key = KeyFile::at(key_file).load().map_err(|e| anyhow::anyhow!("load {}: {e}", key_file.display()))?;
    Ok(key.recovery_text())
}

/// Names of the files in the folder of `db` (the staged restore and kept copies live there).
fn names_beside(db: &Path) -> Result<Vec<String>> {
    Ok(std::fs::read_dir(db.parent().context("db dir")?)?.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
}

#[test]
fn set_up_shows_the_key_files_recovery_key_once_and_login_waits_for_the_confirmation() {
    e2e_test(
        "set_up_shows_the_key_files_recovery_key_once_and_login_waits_for_the_confirmation",
        |_| Ok(()),
        |app| async move {
            app.step("fill-setup");
            fill_setup(&app).await?;

            app.step("recovery-key-shown");
            let shown = shown_recovery_key(&app).await?;
            let expected = recovery_text(&app.key_file())?;
            ensure!(shown == expected, "the screen shows {shown:?}, the key file holds {expected:?}");
            ensure!(app.all_now("recovery-key-group").await?.len() == 16, "the key is not in 16 groups");
            app.step("recovery-key-hint");
            let hint = app.text("recovery-confirm-first").await?;
            ensure!(has_cjk(&hint), "recovery-confirm-first is {hint:?}");
            ensure!(!app.el("recovery-continue").await?.is_enabled().await?, "continue enabled before confirming");
            app.step("recovery-key-screenshot");
            screenshot(&app, "recovery-key-zh").await?;

            app.step("print-sheet");
            // Under WebDriver window.print() returns at once; the sheet must be made (QR from
            // the core) without an error, and nothing may be saved beside the database.
            // window.print() does nothing under WebDriver: stand in for it and keep a copy of
            // the sheet as it was at print time, shown on screen for a screenshot.
            app.js("window.print = () => {
                   const root = document.querySelector('#recovery-print-root');
                   const copy = document.createElement('div');
                   copy.id = 'sheet-preview';
                   copy.style.cssText = 'position:fixed;inset:0;overflow:auto;background:#fff;z-index:9999;padding:12mm;';
                   copy.innerHTML = root.innerHTML;
                   document.body.appendChild(copy);
                 };")
                .await?;
            app.click("recovery-print").await?;
            app.wait_for("the print button back", || async { Ok(app.el("recovery-print").await?.is_enabled().await?.then_some(())) }).await?;
            ensure!(!app.visible_now("recovery-print-error").await?, "printing the recovery sheet failed");
            let sheet_text = app.text("recovery-sheet").await.context("the sheet at print time")?;
            for want in [SITE, GATE] {
                ensure!(sheet_text.contains(want), "the sheet lacks {want:?}: {sheet_text:?}");
            }
            let on_sheet: String = app.text("recovery-sheet-key").await?.chars().filter(char::is_ascii_hexdigit).collect();
            ensure!(on_sheet == expected.replace('-', ""), "the sheet shows the key {on_sheet:?}, want {expected:?}");
            let qr_src = app.el("recovery-sheet-qr").await?.attr("src").await?.unwrap_or_default();
            ensure!(qr_src.starts_with("data:image/svg+xml;base64,"), "the sheet's QR is {qr_src:.60}");
            screenshot(&app, "recovery-sheet-zh").await?;
            app.js("document.querySelector('#sheet-preview').remove();").await?;
            let sheet = app.js("return document.querySelector('#recovery-print-root').children.length").await?;
            ensure!(sheet.as_u64() == Some(0), "the recovery sheet stayed in the page after printing");
            let exports = app.db().parent().context("db dir")?.join("exports");
            let saved = std::fs::read_dir(&exports).map(|d| d.count()).unwrap_or(0);
            ensure!(saved == 0, "{saved} file(s) in {} after printing the recovery sheet", exports.display());

            app.step("qr-of-the-key");
            // The command the sheet uses draws exactly the printed key (and refuses anything else).
            let script = format!(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('recovery_key_qr', {{ recoveryKey: '{}' }})
                   .then((url) => done(url), (err) => done('error:' + JSON.stringify(err)));",
                expected.to_lowercase()
            );
            let qr = app.client().execute_async(&script, vec![]).await?;
            let qr = qr.as_str().unwrap_or_default().to_string();
            ensure!(qr.starts_with("data:image/svg+xml;base64,"), "recovery_key_qr gave {qr:.80}");

            app.step("confirm-and-login");
            app.step("english");
            app.select("lang-switch", "en").await?;
            app.wait_for("English", || async {
                let hint = app.text("recovery-confirm-first").await?;
                Ok((!has_cjk(&hint)).then_some(()))
            })
            .await?;
            ensure!(shown_recovery_key(&app).await? == expected, "the key changed with the language");
            screenshot(&app, "recovery-key-en").await?;
            app.select("lang-switch", "zh-CN").await?;

            app.step("confirm");
            confirm_recovery_key(&app).await?;
            app.el("login-pin").await.context("login screen after the confirmation")?;
            login(&app, SUPERVISOR, PIN).await?;

            app.step("settings-show-again");
            open_settings(&app, "recovery-section").await?;
            app.js("document.querySelector('[data-testid=\"recovery-show\"]').scrollIntoView({block: 'center'});").await?;
            app.click("recovery-show").await?;
            let logged = app.text("recovery-logged").await?;
            ensure!(has_cjk(&logged), "recovery-logged is {logged:?}");
            let again = shown_recovery_key(&app).await?;
            ensure!(again == expected, "Settings shows {again:?}, the key file holds {expected:?}");
            screenshot(&app, "recovery-key-settings-zh").await?;
            let n = sqlite(app.db(), "SELECT count(*) FROM audit_event")?;
            ensure!(n.parse::<i64>().unwrap_or(0) > 0, "no audit events");
            // Below it now comes the This PC panel, so the button may sit under the status bar.
            app.js("document.querySelector('[data-testid=\"recovery-hide\"]').scrollIntoView({block: 'center'});").await?;
            app.click("recovery-hide").await?;
            app.wait_gone("recovery-key").await?;
            Ok(())
        },
    );
}

/// An old PC's site, with its own key file, backed up to "the USB drive" beside the test's
/// database; the app under test starts on a new PC (no database, no key file).
fn old_pc_backup(db: &Path) -> Result<()> {
    let old_db = beside_db(db, "old-pc/gatehouse.db");
    let old_key = beside_db(db, "old-pc-config/database.key");
    std::fs::create_dir_all(old_db.parent().context("old db dir")?)?;
    std::fs::create_dir_all(beside_db(db, "usb"))?;
    let old = db_arg(&old_db)?;
    run_cli_with_key(&old_key, &["--db", &old, "init", "--site", OLD_SITE, "--gate", GATE, "--supervisor", OLD_SUPERVISOR, "--pin", PIN])?;
    run_cli_with_key(&old_key, &["--db", &old, "stress", "--visits", "1", "--pin", PIN])?;
    run_cli_with_key(&old_key, &["--db", &old, "backup", &db_arg(&beside_db(db, "usb/old-pc-backup.db"))?])?;
    Ok(())
}

#[test]
fn restore_at_set_up_on_a_new_pc_needs_the_recovery_key_and_restarts_on_the_backup() {
    e2e_test("restore_at_set_up_on_a_new_pc_needs_the_recovery_key_and_restarts_on_the_backup", old_pc_backup, |app| async move {
        let backup = beside_db(app.db(), "usb/old-pc-backup.db");
        let old_key = recovery_text(&beside_db(app.db(), "old-pc-config/database.key"))?;
        // The backup is encrypted: the stock tool cannot read it either.
        stock_sqlite3_cannot_read(&backup)?;

        app.step("open-restore");
        app.el("setup-site-name").await?;
        app.click("setup-restore-open").await?;
        app.el("setup-restore").await?;
        app.type_into("setup-restore-file", backup.to_str().context("utf-8")?).await?;
        let fresh_key = std::fs::read(app.key_file()).context("the new PC's own key file")?;

        app.step("no-key");
        app.click("setup-restore-submit").await?;
        let no_key = app.text("error-recovery_key").await?;
        ensure!(has_cjk(&no_key), "error-recovery_key without a key is {no_key:?}");

        app.step("wrong-key");
        // Well-formed, but not the key this backup was made with.
        let wrong = "0123-4567-89AB-CDEF-0123-4567-89AB-CDEF-0123-4567-89AB-CDEF-0123-4567-89AB-CDEF";
        app.type_into("setup-restore-key", wrong).await?;
        app.click("setup-restore-submit").await?;
        let wrong_msg = app
            .wait_for("the wrong-key message", || async {
                let t = app.text("error-recovery_key").await?;
                Ok((t != no_key).then_some(t))
            })
            .await?;
        ensure!(has_cjk(&wrong_msg), "error-recovery_key for a wrong key is {wrong_msg:?}");
        ensure!(!app.visible_now("error-backup_file").await?, "a wrong key shown at the file");
        screenshot(&app, "restore-at-setup-wrong-key-zh").await?;
        ensure!(std::fs::read(app.key_file())? == fresh_key, "a wrong key changed the key file");
        let names = names_beside(app.db())?;
        ensure!(!names.iter().any(|n| n.ends_with(".restore")), "a wrong key staged a restore: {names:?}");

        app.step("english");
        app.select("lang-switch", "en").await?;
        let english = app
            .wait_for("the English message", || async {
                let t = app.text("error-recovery_key").await?;
                Ok((!has_cjk(&t)).then_some(t))
            })
            .await?;
        ensure!(english.contains("another key"), "error-recovery_key in English is {english:?}");
        screenshot(&app, "restore-at-setup-wrong-key-en").await?;
        app.select("lang-switch", "zh-CN").await?;
        app.wait_for("Chinese again", || async { Ok(has_cjk(&app.text("error-recovery_key").await?).then_some(())) }).await?;

        app.step("malformed-key");
        app.type_into("setup-restore-key", "1234").await?;
        app.click("setup-restore-submit").await?;
        let format_msg = app
            .wait_for("the format message", || async {
                let t = app.text("error-recovery_key").await?;
                Ok((t != wrong_msg).then_some(t))
            })
            .await?;
        ensure!(has_cjk(&format_msg), "error-recovery_key for a malformed key is {format_msg:?}");

        app.step("right-key");
        // As a person types it from the sheet: lower case, spaces instead of dashes.
        let typed = old_key.to_lowercase().replace('-', " ");
        app.type_into("setup-restore-key", &typed).await?;
        app.click("setup-restore-submit").await?;
        let msg = app.text("setup-restore-restarting").await?;
        ensure!(has_cjk(&msg), "setup-restore-restarting is {msg:?}");

        app.step("restarted-on-the-backup");
        // The app restarts by itself (outside WebDriver's session) and puts the staged
        // file in place at open; the key file now holds the old PC's key.
        let db = app.db().to_path_buf();
        app.wait_for("the staged restore to be applied", || {
            let db = db.clone();
            async move {
                let names = names_beside(&db)?;
                Ok((!names.iter().any(|n| n.ends_with(".restore"))).then_some(()))
            }
        })
        .await?;
        ensure!(recovery_text(&app.key_file())? == old_key, "the key file does not hold the backup's key");
        app.wait_for("the restored site in the database", || async { Ok(sqlite(app.db(), "SELECT site_name FROM site").ok().filter(|s| s == OLD_SITE)) })
            .await?;
        stock_sqlite3_cannot_read(app.db())?;

        app.step("relaunch-under-webdriver");
        // The restarted window is not WebDriver's: end it and start the app again.
        app.wait_for("the restarted app", || async { Ok((!app.app_pids().is_empty()).then_some(())) }).await?;
        app.kill_app_hard().await?;
        app.relaunch().await?;

        app.step("login-restored-site");
        app.el("login-pin").await.context("the login screen of the restored site")?;
        ensure!(!app.visible_now("setup-site-name").await?, "set-up shown after the restore");
        let select = app.el("login-guard").await?;
        let mut names = Vec::new();
        for opt in select.find_all(Locator::Css("option")).await? {
            names.push(opt.text().await?);
        }
        ensure!(names.iter().any(|n| n.contains(OLD_SUPERVISOR)), "login offers {names:?}");
        login(&app, OLD_SUPERVISOR, PIN).await?;
        let site = app.text("status-site").await?;
        ensure!(site.contains(OLD_SITE), "status-site shows {site:?}");
        let out = run_cli(&["--db", &db_arg(app.db())?, "verify"])?;
        ensure!(out.starts_with("ok"), "verify printed {out:?}");
        Ok(())
    });
}

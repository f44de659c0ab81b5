//! Real-window tests of issue 7: the backup folder set in Settings, "back up now", the
//! dashboard's backup line, and bad folders / a short retention refused next to their field.

use anyhow::{ensure, Context, Result};

use crate::flows::*;
use crate::harness::{artifacts_dir, e2e_test, App};

/// Click a button after scrolling it to the middle of the page's scroll container (the
/// settings page is long; a button at the window's edge may sit under the status bar).
async fn click_centered(app: &App, id: &str) -> Result<()> {
    app.el(id).await?;
    app.js(&format!(r#"document.querySelector('[data-testid="{id}"]').scrollIntoView({{block: 'center', inline: 'nearest'}});"#)).await?;
    app.click(id).await
}

async fn scroll_to(app: &App, id: &str) -> Result<()> {
    app.el(id).await?;
    app.js(&format!(r#"document.querySelector('[data-testid="{id}"]').scrollIntoView({{block: 'center', inline: 'nearest'}});"#)).await?;
    Ok(())
}

/// Saves the webview as `test-artifacts/e2e/<name>.png` (for people to look at).
async fn screenshot(app: &App, name: &str) -> Result<()> {
    let png = app.client().screenshot().await?;
    std::fs::create_dir_all(artifacts_dir())?;
    std::fs::write(artifacts_dir().join(format!("{name}.png")), png)?;
    Ok(())
}

async fn tone(app: &App) -> Result<String> {
    Ok(app.el("dashboard-backup").await?.attr("data-tone").await?.unwrap_or_default())
}

#[test]
fn a_backup_folder_set_in_settings_and_backup_now_show_success_on_the_dashboard() {
    e2e_test(
        "a_backup_folder_set_in_settings_and_backup_now_show_success_on_the_dashboard",
        |db| {
            init_db(db)?;
            std::fs::create_dir_all(db.parent().context("db dir")?.join("usb"))?;
            Ok(())
        },
        |app| async move {
            let usb = app.db().parent().context("db dir")?.join("usb");
            app.step("login");
            login(&app, SUPERVISOR, PIN).await?;

            app.step("no-folder-warning");
            let warning = app.text("dashboard-backup-warning").await?;
            ensure!(has_cjk(&warning), "dashboard-backup-warning is {warning:?}");
            ensure!(tone(&app).await? == "warn", "no folder should be a warning");
            screenshot(&app, "backup-dashboard-no-folder-zh").await?;

            app.step("set-folder");
            open_settings(&app, "data-settings").await?;
            scroll_to(&app, "settings-backup-dir").await?;
            app.type_into("settings-backup-dir", usb.to_str().context("utf-8 path")?).await?;
            click_centered(&app, "data-settings-submit").await?;
            app.el("toast").await.context("saved toast")?;
            ensure!(!app.visible_now("error-backup_dir").await?, "an error after a good folder");

            app.step("backup-now");
            click_centered(&app, "backup-now").await?;
            app.wait_for("a backup file in the folder", || {
                let usb = usb.clone();
                async move {
                    let found = std::fs::read_dir(&usb)?.filter_map(|e| e.ok()).any(|e| e.file_name().to_string_lossy().starts_with("gatehouse-backup-"));
                    Ok(found.then_some(()))
                }
            })
            .await?;
            app.step("backup-list");
            scroll_to(&app, "restore-section").await?;
            app.el("backup-files").await.context("the new backup listed for restore")?;
            screenshot(&app, "backup-settings-zh").await?;

            app.step("dashboard-success");
            app.click("nav-dashboard").await?;
            app.wait_for("the dashboard's backup line to turn ok", || async { Ok((tone(&app).await? == "ok").then_some(())) }).await?;
            ensure!(!app.visible_now("dashboard-backup-warning").await?, "a warning after a good backup");
            let last = app.text("dashboard-backup-last").await?;
            ensure!(last.chars().any(|c| c.is_ascii_digit()), "dashboard-backup-last is {last:?}, want the time");
            screenshot(&app, "backup-dashboard-ok-zh").await?;

            app.step("english");
            app.select("lang-switch", "en").await?;
            app.wait_for("English", || async {
                let text = app.text("dashboard-backup-last").await?;
                Ok(text.contains("Last good backup").then_some(()))
            })
            .await?;
            screenshot(&app, "backup-dashboard-ok-en").await?;
            Ok(())
        },
    );
}

#[test]
fn a_bad_backup_folder_or_a_short_retention_shows_the_error_next_to_the_field() {
    e2e_test("a_bad_backup_folder_or_a_short_retention_shows_the_error_next_to_the_field", init_db, |app| async move {
        let dir = app.db().parent().context("db dir")?.to_path_buf();
        let a_file = dir.join("a-file.txt");
        std::fs::write(&a_file, "not a folder")?;
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        open_settings(&app, "data-settings").await?;

        app.step("missing-folder");
        let missing = dir.join("no-usb-drive");
        scroll_to(&app, "settings-backup-dir").await?;
        app.type_into("settings-backup-dir", missing.to_str().context("utf-8")?).await?;
        click_centered(&app, "data-settings-submit").await?;
        let msg_missing = app.text("error-backup_dir").await?;
        ensure!(has_cjk(&msg_missing), "error-backup_dir is {msg_missing:?}");
        ensure!(app.value("settings-backup-dir").await? == missing.to_str().unwrap_or_default(), "the typed folder was not kept");

        app.step("not-a-folder");
        app.type_into("settings-backup-dir", a_file.join("sub").to_str().context("utf-8")?).await?;
        click_centered(&app, "data-settings-submit").await?;
        app.wait_for("a different message for a path under a file", || async {
            let text = app.text("error-backup_dir").await?;
            Ok((text != msg_missing).then_some(()))
        })
        .await?;
        screenshot(&app, "backup-bad-folder-zh").await?;

        app.step("short-retention");
        app.type_into("settings-backup-dir", "").await?;
        app.type_into("settings-retention-days", "5").await?;
        click_centered(&app, "data-settings-submit").await?;
        let msg = app.text("error-retention_days").await?;
        ensure!(msg.contains("30"), "error-retention_days is {msg:?}, want the minimum (30)");
        ensure!(!app.visible_now("error-backup_dir").await?, "the folder error stayed after the folder was cleared");

        app.step("backup-now-without-folder");
        click_centered(&app, "backup-now").await?;
        let msg = app.text("error-backup_dir").await?;
        ensure!(has_cjk(&msg), "error-backup_dir is {msg:?}");

        app.step("restore-a-file-that-is-not-a-backup");
        scroll_to(&app, "restore-file").await?;
        app.type_into("restore-file", a_file.to_str().context("utf-8")?).await?;
        click_centered(&app, "restore-submit").await?;
        app.el("restore-confirm").await.context("the confirmation dialog")?;
        app.click("confirm-ok").await?;
        let msg = app.text("error-backup_file").await?;
        ensure!(has_cjk(&msg), "error-backup_file is {msg:?}");
        ensure!(!app.visible_now("restore-restarting").await?, "a bad file was staged");
        let staged = app.db().with_extension("db.restore");
        ensure!(!staged.exists(), "{} exists after a refused restore", staged.display());
        app.wait_gone("restore-confirm").await?;
        scroll_to(&app, "restore-file").await?;
        screenshot(&app, "restore-bad-file-zh").await?;

        app.step("english");
        app.select("lang-switch", "en").await?;
        app.type_into("settings-backup-dir", missing.to_str().context("utf-8")?).await?;
        app.type_into("settings-retention-days", "180").await?;
        click_centered(&app, "data-settings-submit").await?;
        app.wait_for("the English message", || async {
            let text = app.text("error-backup_dir").await?;
            Ok(text.contains("backup folder does not exist").then_some(()))
        })
        .await?;
        screenshot(&app, "backup-bad-folder-en").await?;

        app.step("nothing-saved");
        let saved = sqlite(app.db(), "SELECT coalesce(backup_dir, '') || '|' || coalesce(retention_days, 180) FROM site")?;
        ensure!(saved.trim() == "|180", "the site row holds {saved:?} after refused input");
        Ok(())
    });
}

#[test]
fn a_restore_is_checked_then_the_app_restarts_on_the_backup_keeping_the_old_database() {
    e2e_test(
        "a_restore_is_checked_then_the_app_restarts_on_the_backup_keeping_the_old_database",
        |db| {
            init_db(db)?;
            let dir = db.parent().context("db dir")?;
            run_cli(&["--db", &db_arg(db)?, "backup", &db_arg(&dir.join("before-visits.db"))?])?;
            // One visit after the backup: the restore must take it away again.
            run_cli(&["--db", &db_arg(db)?, "stress", "--visits", "1", "--pin", PIN])?;
            Ok(())
        },
        |app| async move {
            let dir = app.db().parent().context("db dir")?.to_path_buf();
            let backup = dir.join("before-visits.db");
            ensure!(sqlite(app.db(), "SELECT count(*) FROM visit")?.trim() == "1", "the fixture has one visit");
            app.step("login");
            login(&app, SUPERVISOR, PIN).await?;
            open_settings(&app, "restore-section").await?;

            app.step("confirm");
            scroll_to(&app, "restore-file").await?;
            app.type_into("restore-file", backup.to_str().context("utf-8")?).await?;
            click_centered(&app, "restore-submit").await?;
            app.el("restore-confirm").await?;
            screenshot(&app, "restore-confirm-zh").await?;
            app.click("confirm-ok").await?;
            let msg = app.text("restore-restarting").await?;
            ensure!(has_cjk(&msg), "restore-restarting is {msg:?}");

            app.step("restarted-on-the-backup");
            // The app restarts by itself; the new process applies the staged file at open.
            app.wait_for("the staged restore to be applied", || {
                let dir = dir.clone();
                async move {
                    let names: Vec<String> = std::fs::read_dir(&dir)?.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
                    let staged = names.iter().any(|n| n == "gatehouse.db.restore");
                    let kept = names.iter().any(|n| n.starts_with("gatehouse.db.before-restore-"));
                    Ok((!staged && kept).then_some(()))
                }
            })
            .await?;
            app.wait_for("the restore to be recorded in the chain", || async {
                let n = sqlite(app.db(), "SELECT count(*) FROM audit_event WHERE action = 'database_restored'")?;
                Ok((n.trim() == "1").then_some(()))
            })
            .await?;
            ensure!(sqlite(app.db(), "SELECT count(*) FROM visit")?.trim() == "0", "the restored database still has the later visit");
            let out = run_cli(&["--db", &db_arg(app.db())?, "verify"])?;
            ensure!(out.starts_with("ok"), "verify printed {out:?}");
            Ok(())
        },
    );
}

//! Real-window tests: the built `gatehouse-desktop` binary driven through WebDriver
//! (tauri-driver + WebKitWebDriver) under a private Xvfb, one fresh database per test.
//!
//! Not part of `cargo test --workspace` (the target has `test = false`): they need the
//! built UI, the desktop binary, Xvfb and tauri-driver. Run them with `make e2e`, which
//! builds what they need and runs `cargo test --workspace --test e2e`.
//! A failing step leaves screenshots and the app's log in `test-artifacts/e2e/`.
//!
//! The tests find elements only by the `data-testid`s in docs/ui-contract.md.
//! Linux only: WebKitGTK's WebDriver, Xvfb, D-Bus, /proc and process groups.
#![cfg(target_os = "linux")]

mod backup;
mod desk;
mod duty;
mod flows;
mod harness;
mod hostile;
mod logs;
mod package;
mod passes;
mod pickups;
mod recovery;
mod reports;
mod search;
mod vehicles;
mod visitors;

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;

use flows::*;
use harness::{e2e_test, App};

/// The text of `<html lang>`.
async fn html_lang(app: &App) -> Result<String> {
    let v = app.js("return document.documentElement.lang").await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[test]
fn first_run_setup_then_login_shows_the_shell() {
    e2e_test(
        "first_run_setup_then_login_shows_the_shell",
        |_| Ok(()),
        |app| async move {
            app.step("setup-screen");
            // A fresh database: the app must ask for the site before anything else.
            app.el("setup-site-name").await?;
            ensure!(!app.visible_now("login-pin").await?, "login shown before setup");
            ensure!(!app.visible_now("nav-dashboard").await?, "shell shown before setup");

            app.step("fill-setup");
            fill_setup(&app).await?;

            app.step("recovery-key");
            // Issue 13: the recovery key comes first, and only a confirmation leads on.
            ensure!(!app.visible_now("login-pin").await?, "login shown before the recovery key was confirmed");
            confirm_recovery_key(&app).await?;

            app.step("login-screen");
            app.el("login-pin").await.context("login screen after setup")?;
            ensure!(!app.visible_now("setup-site-name").await?, "setup still shown");

            app.step("login");
            login(&app, SUPERVISOR, PIN).await?;

            app.step("shell");
            for nav in ["nav-dashboard", "nav-visitors", "nav-settings"] {
                app.el(nav).await?;
            }
            // The status bar names the site and the guard that were just set up.
            let site = app.text("status-site").await?;
            ensure!(site.contains(SITE), "status-site shows {site:?}, want {SITE:?}");
            let guard = app.text("status-guard").await?;
            ensure!(guard.contains(SUPERVISOR), "status-guard shows {guard:?}, want {SUPERVISOR:?}");
            Ok(())
        },
    );
}

#[test]
fn visitor_check_in_shows_masked_id_then_check_out_removes_the_row() {
    e2e_test("visitor_check_in_shows_masked_id_then_check_out_removes_the_row", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("check-in");
        let id = valid_id("123");
        check_in(&app, &Visitor { name: "张伟", id_number: &id, host: "李老师", purpose: "送材料" }).await?;

        app.step("on-site-row");
        let row = wait_on_site_row(&app, "张伟").await?;
        let text = row.text().await?;
        let last4 = &id[14..];
        ensure!(text.contains(last4), "row {text:?} lacks the last 4 of the ID ({last4})");
        // Only the last four may show: not the whole number, not the region or birth date.
        ensure!(!text.contains(&id), "row shows the full ID number: {text:?}");
        ensure!(!text.contains("110101"), "row shows the region code: {text:?}");
        ensure!(!text.contains("19900307"), "row shows the birth date: {text:?}");
        let masked = text.split_whitespace().find(|w| w.ends_with(last4)).with_context(|| format!("no masked ID in {text:?}"))?;
        let shown = masked.chars().filter(|c| c.is_ascii_digit() || *c == 'X').count();
        ensure!(shown == 4, "masked ID {masked:?} shows {shown} digits, want 4");
        ensure!(text.contains("李老师"), "row lacks the host: {text:?}");
        let visit_id = row.attr("data-visit-id").await?.context("on-site-row without data-visit-id")?;

        app.step("check-out");
        row.find(Locator::Css("[data-testid=\"check-out\"]")).await.context("check-out button in the row")?.click().await?;
        app.el("confirm-dialog").await?;
        app.click("confirm-ok").await?;

        app.step("row-gone");
        let css = format!("[data-testid=\"on-site-row\"][data-visit-id=\"{visit_id}\"]");
        app.wait_for("the checked-out row to leave the list", || {
            let css = css.clone();
            let c = app.client();
            async move { Ok(c.find_all(Locator::Css(&css)).await?.is_empty().then_some(())) }
        })
        .await?;
        app.wait_gone("confirm-dialog").await?;
        app.el("on-site-empty").await.context("empty-list message after the only visitor left")?;
        Ok(())
    });
}

#[test]
fn language_switch_to_english_and_back() {
    e2e_test("language_switch_to_english_and_back", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("chinese-by-default");
        ensure!(html_lang(&app).await? == "zh-CN", "default <html lang> is {:?}", html_lang(&app).await?);
        let nav = app.text("nav-visitors").await?;
        ensure!(has_cjk(&nav), "nav-visitors is {nav:?}, want Chinese by default");

        app.step("to-english");
        app.select("lang-switch", "en").await?;
        app.wait_for("<html lang=en>", || async { Ok((html_lang(&app).await? == "en").then_some(())) }).await?;
        let visitors = app.text("nav-visitors").await?;
        ensure!(visitors.trim() == "Visitors", "nav-visitors is {visitors:?}");
        let settings = app.text("nav-settings").await?;
        ensure!(settings.trim() == "Settings", "nav-settings is {settings:?}");
        app.click("nav-visitors").await?;
        let title = app.text("page-title").await?;
        ensure!(title.contains("Visitors") && !has_cjk(&title), "page-title is {title:?}");

        app.step("back-to-chinese");
        app.select("lang-switch", "zh-CN").await?;
        app.wait_for("<html lang=zh-CN>", || async { Ok((html_lang(&app).await? == "zh-CN").then_some(())) }).await?;
        let nav = app.text("nav-visitors").await?;
        ensure!(has_cjk(&nav) && !nav.contains("Visitors"), "nav-visitors is {nav:?}");
        let title = app.text("page-title").await?;
        ensure!(has_cjk(&title), "page-title is {title:?}");
        Ok(())
    });
}

#[test]
fn wrong_pin_shows_an_error_and_stays_on_login() {
    e2e_test("wrong_pin_shows_an_error_and_stays_on_login", init_db, |app| async move {
        app.step("wrong-pin");
        submit_login(&app, SUPERVISOR, WRONG_PIN).await?;
        let msg = app.text("error-pin").await?;
        ensure!(has_cjk(&msg), "error-pin is {msg:?}, want a Chinese message");

        app.step("still-on-login");
        app.el("login-pin").await?;
        ensure!(!app.visible_now("nav-dashboard").await?, "shell shown after a wrong PIN");

        app.step("right-pin-after");
        // The error must not wedge the screen: the right PIN still gets in.
        login(&app, SUPERVISOR, PIN).await?;
        Ok(())
    });
}

#[test]
fn invalid_visitor_input_shows_field_errors_and_markup_is_never_run() {
    e2e_test("invalid_visitor_input_shows_field_errors_and_markup_is_never_run", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("empty-name");
        let bad_id = wrong_check_id("456");
        fill_and_submit_visitor(&app, &Visitor { name: "", id_number: &bad_id, host: "李老师", purpose: "面试" }).await?;
        let empty_name_msg = app.text("error-name").await?;
        ensure!(has_cjk(&empty_name_msg), "error-name is {empty_name_msg:?}");
        ensure!(app.value("visitor-id-number").await? == bad_id, "ID number not kept");
        ensure!(app.value("visitor-host").await? == "李老师", "host not kept");
        ensure!(app.value("visitor-purpose").await? == "面试", "purpose not kept");

        app.step("bad-check-digit");
        // The core names one field per error, so with the name fixed the ID's turn comes
        // (a UI that shows both at once passes too).
        if !app.visible_now("error-id_number").await? {
            app.type_into("visitor-name", "赵敏").await?;
            app.click("visitor-submit").await?;
        }
        let msg = app.text("error-id_number").await?;
        ensure!(has_cjk(&msg), "error-id_number is {msg:?}");
        ensure!(app.value("visitor-id-number").await? == bad_id, "ID number not kept");
        ensure!(!app.visible_now("toast").await?, "a toast after a rejected check-in");

        app.step("nothing-added");
        app.click("nav-dashboard").await?;
        app.el("dashboard-people").await?;
        app.el("on-site-empty").await.context("on-site list should still be empty")?;
        ensure!(app.all_now("on-site-row").await?.is_empty(), "a row was added");

        app.step("markup-name");
        // The core refuses markup in a person's name (it is never a real name): that must
        // come back as a field error, not run.
        let script = "<script>alert(1)</script>";
        fill_and_submit_visitor(&app, &Visitor { name: script, id_number: &valid_id("789"), host: "李老师", purpose: "面试" }).await?;
        let msg = app.text("error-name").await?;
        ensure!(has_cjk(&msg), "error-name is {msg:?}");
        // A different mistake gets different words: the same text for both would mean the
        // UI fell back to its generic message instead of saying what is wrong.
        ensure!(msg != empty_name_msg, "same message for an empty name and for markup: {msg:?}");
        ensure!(app.value("visitor-name").await? == script, "name not kept");
        ensure!(!app.alert_open().await, "an alert is open: the name ran as script");

        app.step("markup-purpose");
        // Free text is stored as typed and must be shown as text. An <img onerror> would
        // run if it reached innerHTML (a <script> inserted that way would not).
        let markup = "<img src=x onerror=alert(1)><b>面试</b>";
        check_in(&app, &Visitor { name: "赵敏", id_number: &valid_id("789"), host: "李老师", purpose: markup }).await?;
        let row = wait_on_site_row(&app, "赵敏").await?;
        let text = row.text().await?;
        ensure!(text.contains(markup), "row {text:?} does not show the purpose literally");
        for tag in ["img", "b", "script"] {
            ensure!(row.find_all(Locator::Css(tag)).await?.is_empty(), "the purpose became a <{tag}> element");
        }
        ensure!(!app.alert_open().await, "an alert is open: the purpose ran as script");
        Ok(())
    });
}

#[test]
fn check_in_survives_sigkill_of_the_app() {
    e2e_test("check_in_survives_sigkill_of_the_app", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("check-in");
        let id = valid_id("246");
        check_in(&app, &Visitor { name: "孙丽", id_number: &id, host: "周老师", purpose: "开会" }).await?;

        app.step("sigkill");
        // Right after the toast: the UI said "saved", so the row must be committed already.
        app.kill_app_hard().await?;

        app.step("verify-cli");
        let db = app.db().to_str().context("db path")?.to_string();
        let out = run_cli(&["--db", &db, "verify"]).context("`gatehouse verify` after SIGKILL")?;
        ensure!(out.starts_with("ok"), "verify printed {out:?}");

        app.step("read-with-the-key");
        // Read the file with our own SQLCipher connection and the key file (WAL replay
        // included), not with the app: the committed row is there.
        let on_site = sqlite(app.db(), "SELECT name FROM visit WHERE checked_out_at_ms IS NULL;")?;
        ensure!(on_site == "孙丽", "the keyed read sees visitors on site {on_site:?}, want \"孙丽\"");
        // Issue 13: without the key the stock tool sees no database at all.
        stock_sqlite3_cannot_read(app.db())?;

        app.step("relaunch");
        app.relaunch().await?;
        login(&app, SUPERVISOR, PIN).await?;
        wait_on_site_row(&app, "孙丽").await?;
        Ok(())
    });
}

/// Issue 15 item 6: the login screen's language switch writes nothing to the site's
/// settings; five wrong PINs make the account wait, and the error says how long (English,
/// then zh-CN); the supervisor's dashboard then shows the repeated wrong PINs.
#[test]
fn wrong_pins_say_how_long_to_wait_and_show_on_the_supervisors_dashboard() {
    const GUARD: &str = "李保安";
    e2e_test(
        "wrong_pins_say_how_long_to_wait_and_show_on_the_supervisors_dashboard",
        |db| {
            init_db(db)?;
            let keys = gatehouse::KeyFile::at(harness::key_file_for(db));
            let core = gatehouse::Db::open(db, gatehouse::Clock::System, &keys).map_err(|e| anyhow::anyhow!("{e}"))?;
            let supervisor_id = gatehouse::guards::list_login_guards(&core).map_err(|e| anyhow::anyhow!("{e}"))?[0].id;
            let mut session = gatehouse::session::Session::new();
            session.log_in(&core, supervisor_id, PIN).map_err(|e| anyhow::anyhow!("{e}"))?;
            let supervisor = session.actor(&core).map_err(|e| anyhow::anyhow!("{e}"))?;
            let guard = gatehouse::guards::NewGuard { name: GUARD.into(), role: gatehouse::actor::Role::Guard, pin: "583920".into() };
            gatehouse::guards::add_guard(&core, &supervisor, &guard).map_err(|e| anyhow::anyhow!("{e}"))?;
            session.log_out(&core).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(())
        },
        |app| async move {
            app.step("language-before-login");
            app.el("login-guard").await?;
            app.select("lang-switch", "en").await?;
            app.wait_for("<html lang=en>", || async { Ok((html_lang(&app).await? == "en").then_some(())) }).await?;
            let stored = sqlite(app.db(), "SELECT count(*) FROM preference WHERE key = 'language'")?;
            ensure!(stored.trim() == "0", "the login screen wrote the site's language: {stored:?}");

            app.step("five-wrong-pins");
            // Each answer differs (tries left, then the wait): wait for it before the next.
            let mut previous = String::new();
            for _ in 0..5 {
                submit_login(&app, GUARD, WRONG_PIN).await?;
                let before = previous.clone();
                previous = app
                    .wait_for("the next answer to a wrong PIN", || {
                        let before = before.clone();
                        let app = &app;
                        async move {
                            let now = if app.visible_now("error-pin").await? { app.text("error-pin").await? } else { String::new() };
                            Ok((!now.is_empty() && now != before).then_some(now))
                        }
                    })
                    .await?;
            }
            let msg = app.text("error-pin").await?;
            ensure!(msg.contains("wait 1 min"), "error-pin is {msg:?}");
            app.screen_png("login-wait-en")?;

            app.step("wait-in-chinese");
            app.select("lang-switch", "zh-CN").await?;
            app.wait_for("the wait in Chinese", || async {
                let msg = app.text("error-pin").await?;
                Ok(msg.contains("等 1 分钟").then_some(()))
            })
            .await?;
            app.screen_png("login-wait-zh")?;

            app.step("supervisor-dashboard");
            login(&app, SUPERVISOR, PIN).await?;
            let panel = app.text("dashboard-failed-logins").await?;
            ensure!(panel.contains(GUARD) && panel.contains('5'), "dashboard-failed-logins is {panel:?}");
            app.screen_png("dashboard-failed-logins-zh")?;
            app.select("lang-switch", "en").await?;
            app.wait_for("English panel", || async { Ok(app.text("dashboard-failed-logins").await?.contains("wrong PINs").then_some(())) }).await?;
            app.screen_png("dashboard-failed-logins-en")?;
            Ok(())
        },
    );
}

//! Issue 16 at the desk: one instance (a second launch brings the running window to the
//! front), and this PC's preferences set by a supervisor (start on boot writes the XDG
//! autostart entry; full screen is remembered), in zh-CN and English.

use anyhow::{ensure, Context, Result};

use crate::flows::*;
use crate::harness::{e2e_test, App};

/// The app's mapped windows and whether one of them is the top-most window on the screen.
async fn app_windows(app: &App) -> Result<(usize, bool)> {
    let windows = app.top_level_windows()?;
    let ours = windows.iter().filter(|(_, class)| class == "gatehouse-desktop").count();
    let on_top = windows.last().is_some_and(|(_, class)| class == "gatehouse-desktop");
    Ok((ours, on_top))
}

#[test]
fn a_second_launch_leaves_one_window_in_front() {
    e2e_test("a_second_launch_leaves_one_window_in_front", init_db, |app| async move {
        app.step("running");
        app.el("login-pin").await?;
        let first = app.app_pids();
        ensure!(first.len() == 1, "app processes before: {first:?}");
        let (count, _) = app_windows(&app).await?;
        ensure!(count == 1, "{count} app windows before the second launch");

        app.step("covered");
        let _cover = app.cover_screen()?;
        app.wait_for("another window over the app", || async { Ok((!app_windows(&app).await?.1).then_some(())) }).await?;

        app.step("second-launch");
        let status = app.launch_again()?;
        ensure!(status.success(), "the second launch ended with {status}");
        ensure!(app.app_pids() == first, "app processes after: {:?}, before: {first:?}", app.app_pids());

        app.step("in-front");
        app.wait_for("the running window in front", || async { Ok(app_windows(&app).await?.1.then_some(())) }).await?;
        let (count, _) = app_windows(&app).await?;
        ensure!(count == 1, "{count} app windows after the second launch");
        app.screen_png("second-launch-in-front")?;
        // Still the same, working window.
        login(&app, SUPERVISOR, PIN).await?;
        Ok(())
    });
}

/// Brings the panel to the middle of the window: at the bottom of the long settings page the
/// status bar and a toast would cover its checkboxes (and the screenshots would miss it).
async fn show_panel(app: &App) -> Result<()> {
    app.js("document.querySelector('[data-testid=\"desk-settings\"]').scrollIntoView({block: 'center'})").await?;
    Ok(())
}

#[test]
fn a_supervisor_turns_on_start_on_boot_and_full_screen_for_this_pc() {
    e2e_test("a_supervisor_turns_on_start_on_boot_and_full_screen_for_this_pc", init_db, |app| async move {
        let config = app.db().parent().context("test dir")?.join("config");
        let entry = config.join("autostart").join("gatehouse.desktop");

        app.step("settings-zh");
        login(&app, SUPERVISOR, PIN).await?;
        app.click("nav-settings").await?;
        app.el("desk-settings").await?;
        show_panel(&app).await?;
        let boot = app.el("desk-start-on-boot").await?;
        ensure!(!boot.is_selected().await?, "start on boot is on before anyone chose it");
        ensure!(!entry.exists(), "an autostart entry exists before anyone chose it");

        app.step("start-on-boot-on");
        boot.click().await?;
        wait_toast(&app, "本机设置已保存").await?;
        let text = std::fs::read_to_string(&entry).with_context(|| format!("read {}", entry.display()))?;
        let exec = format!("Exec=\"{}\"", crate::harness::desktop_bin()?.display());
        ensure!(text.contains(&exec) && text.contains("Name[zh_CN]=门卫值班"), "autostart entry:\n{text}");

        app.step("full-screen-on");
        app.click("desk-full-screen").await?;
        app.wait_for("desk.json to say full screen", || async {
            let stored = std::fs::read_to_string(config.join("gatehouse").join("desk.json")).unwrap_or_default();
            Ok(stored.contains("\"full_screen\": true").then_some(()))
        })
        .await?;
        show_panel(&app).await?;
        app.screen_png("desk-settings-zh")?;

        app.step("english");
        app.select("lang-switch", "en").await?;
        app.wait_for("the English panel", || async { Ok(app.text("desk-settings").await?.contains("Start when the computer starts").then_some(())) }).await?;
        show_panel(&app).await?;
        app.screen_png("desk-settings-en")?;

        app.step("start-on-boot-off");
        app.click("desk-start-on-boot").await?;
        app.wait_for("the autostart entry to go", || async { Ok((!entry.exists()).then_some(())) }).await?;
        ensure!(app.el("desk-full-screen").await?.is_selected().await?, "full screen went off with start on boot");
        Ok(())
    });
}

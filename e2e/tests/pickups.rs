//! Real-window tests for issue 14 item 8 (kindergarten authorised pickers): a listed picker
//! chosen with one key, and a picker not on the list stopped until the class teacher's
//! confirmation (name and how) is recorded. The class list is imported with the CLI
//! (`gatehouse pickers import`), as a supervisor would from the settings screen.
//!
//! Elements are found only by the `data-testid`s of docs/ui-contract.md.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;

use crate::flows::*;
use crate::harness::{e2e_test, App};

/// A set-up database with 小一班's list: 张小明 may be picked up by 张伟 (1) or 李芳 (2).
fn init_db_with_pickers(db: &Path) -> Result<()> {
    init_db(db)?;
    let file = db.parent().context("temp dir")?.join("pickers.csv");
    std::fs::write(
        &file,
        "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位\n小一班,张小明,张伟,父亲,13812345678,123X\n小一班,张小明,李芳,母亲,13987654321,0021\n",
    )?;
    run_cli(&["--db", &db_arg(db)?, "pickers", "import", file.to_str().context("UTF-8 path")?, "--pin", PIN])?;
    Ok(())
}

/// Logged in, on the pick-up tab, the focus in the child's name.
async fn open_pickups(app: &App) -> Result<()> {
    login(app, SUPERVISOR, PIN).await?;
    app.click("nav-visitors").await?;
    app.click("visitors-tab-pickups").await?;
    wait_focus(app, "pickup-child-name").await
}

/// Types the child's name and chooses the child from the lists with Enter.
async fn choose_child(app: &App, name: &str) -> Result<()> {
    press(app, name).await?;
    wait_row(app, "pickup-child-option", name).await?;
    press(app, ENTER).await?;
    app.el("pickup-child-chosen").await?;
    wait_focus(app, "pickup-pickers").await.context("after choosing the child the focus is on the numbered pickers")
}

#[test]
fn a_listed_picker_is_chosen_with_one_key_and_recorded_with_a_masked_phone() {
    e2e_test("a_listed_picker_is_chosen_with_one_key_and_recorded_with_a_masked_phone", init_db_with_pickers, |app| async move {
        app.step("open");
        open_pickups(&app).await?;

        app.step("choose-child");
        choose_child(&app, "张小明").await?;
        let options = app.all_now("pickup-picker-option").await?;
        ensure!(options.len() == 2, "{} pickers listed for 张小明", options.len());
        let listed = app.text("pickup-pickers").await?;
        ensure!(listed.contains("139****4321") && !listed.contains("13987654321"), "phones are masked on the list: {listed:?}");
        app.screen_png("pickups-listed-zh")?;

        app.step("key-2");
        press(&app, "2").await?;
        let chosen = app.text("pickup-chosen").await?;
        ensure!(chosen.contains("李芳"), "key 2 chose {chosen:?}");
        ensure!(!app.visible_now("pickup-stopped").await?, "a listed picker is not stopped");

        app.step("enter-saves");
        press(&app, ENTER).await?;
        let row = wait_row(&app, "pickup-row", "李芳").await?;
        ensure!(row.attr("data-on-list").await?.as_deref() == Some("true"), "the pick-up is marked on the list");
        let text = row.text().await?;
        ensure!(text.contains("139****4321") && !text.contains("13987654321"), "the row's phone is masked: {text:?}");
        wait_focus(&app, "pickup-child-name").await.context("the form is ready for the next child")?;

        app.step("settings-lists");
        open_settings(&app, "picker-classes").await?;
        let class = app.text("picker-class-row").await?;
        ensure!(class.contains("小一班"), "the class list is shown: {class:?}");
        screenshot_at(&app, "picker-classes", "pickers-settings-zh").await?;
        app.select("lang-switch", "en").await?;
        app.wait_for("the English list title", || async { Ok(app.text("picker-classes").await?.contains("Class").then_some(())) }).await?;
        screenshot_at(&app, "picker-classes", "pickers-settings-en").await?;
        Ok(())
    });
}

#[test]
fn an_unknown_picker_is_stopped_then_let_through_after_the_teachers_confirmation() {
    e2e_test("an_unknown_picker_is_stopped_then_let_through_after_the_teachers_confirmation", init_db_with_pickers, |app| async move {
        app.step("open");
        open_pickups(&app).await?;

        app.step("someone-not-on-the-list");
        choose_child(&app, "张小明").await?;
        press(&app, "0").await?;
        wait_focus(&app, "pickup-picker-name").await?;
        let banner = app.text("pickup-stopped").await?;
        ensure!(banner.contains("班主任"), "the stop banner says the class teacher must confirm: {banner:?}");

        app.step("fill-picker");
        app.type_into("pickup-picker-name", "赵大妈").await?;
        app.type_into("pickup-relation", "邻居").await?;
        app.type_into("pickup-picker-id", &valid_id("321")).await?;
        app.type_into("pickup-phone", "13600002222").await?;

        app.step("stopped-without-teacher");
        press(&app, ENTER).await?;
        app.el("error-teacher").await.context("the core stops the pick-up at the teacher's field")?;
        wait_focus(&app, "pickup-teacher").await?;
        ensure!(app.all_now("pickup-row").await?.is_empty(), "nothing was recorded");
        app.screen_png("pickups-stopped-zh")?;

        app.step("teacher-name-without-how");
        app.type_into("pickup-teacher", "刘老师").await?;
        press(&app, ENTER).await?;
        app.el("error-teacher_confirmation").await.context("how the teacher confirmed is required too")?;
        ensure!(app.all_now("pickup-row").await?.is_empty(), "still nothing recorded");

        app.step("confirmed-by-phone");
        app.client().find(Locator::Css(r#"[data-testid="pickup-confirmation"][data-confirmation="phone"]"#)).await?.click().await?;
        app.click("pickup-submit").await?;
        let row = wait_row(&app, "pickup-row", "赵大妈").await?;
        ensure!(row.attr("data-on-list").await?.as_deref() == Some("false"), "the pick-up is marked not on the list");
        let text = row.text().await?;
        ensure!(text.contains("刘老师") && text.contains("电话确认"), "the row names the teacher and how: {text:?}");
        ensure!(text.contains("136****2222") && !text.contains("13600002222"), "the row's phone is masked: {text:?}");

        app.step("english");
        app.select("lang-switch", "en").await?;
        choose_child_again_for_screenshot(&app).await?;
        app.screen_png("pickups-stopped-en")?;
        Ok(())
    });
}

/// In English, the stop banner for a screenshot (nothing is saved).
async fn choose_child_again_for_screenshot(app: &App) -> Result<()> {
    app.click("pickup-child-name").await?;
    choose_child(app, "张小明").await?;
    press(app, "0").await?;
    let banner = app.text("pickup-stopped").await?;
    ensure!(banner.contains("class teacher"), "the English stop banner: {banner:?}");
    Ok(())
}

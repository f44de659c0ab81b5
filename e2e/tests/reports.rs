//! Real-window tests of the reports section (统计报表, issue 7): the visitors registered in
//! the test are counted, the per-hour chart is drawn, and an export writes a CSV file under
//! exports/ with masked ID numbers; the page in English too. Screenshots of the page (both
//! languages) are written to test-artifacts/e2e/ for a person to look at.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;

use crate::flows::*;
use crate::harness::{artifacts_dir, e2e_test, App};

/// The web view as a PNG under test-artifacts/e2e/ (kept whether the test passes or not).
async fn screenshot(app: &App, name: &str) -> Result<()> {
    let png = app.client().screenshot().await?;
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("reports-{name}.png")), png)?;
    Ok(())
}

#[test]
fn reports_count_todays_visitors_draw_the_chart_and_export_a_masked_csv() {
    e2e_test("reports_count_todays_visitors_draw_the_chart_and_export_a_masked_csv", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("check-in");
        let first = valid_id("311");
        check_in(&app, &Visitor { name: "张伟", id_number: &first, host: "李老师", purpose: "送材料" }).await?;
        check_in(&app, &Visitor { name: "王芳", id_number: &valid_id("312"), host: "李老师", purpose: "面试" }).await?;
        check_in(&app, &Visitor { name: "赵敏", id_number: &valid_id("313"), host: "陈老师", purpose: "面试" }).await?;

        app.step("open-reports");
        app.click("nav-reports").await?;
        app.el("reports-page").await?;
        let title = app.text("page-title").await?;
        ensure!(title.contains("统计报表"), "page-title is {title:?}");
        app.wait_for("3 visitors counted", || async { Ok((app.text("reports-visitors-total").await?.trim() == "3").then_some(())) }).await?;

        app.step("chart");
        let chart = app.el("hour-chart").await?;
        ensure!(chart.attr("data-total").await?.as_deref() == Some("3"), "chart total is not 3");
        let mut drawn = 0;
        for bar in chart.find_all(Locator::Css("rect[data-count]")).await? {
            drawn += bar.attr("data-count").await?.unwrap_or_default().parse::<i64>().unwrap_or(0);
        }
        ensure!(drawn == 3, "the bars hold {drawn} visitors, want 3");
        let hosts = app.text("reports-per-host").await?;
        ensure!(hosts.contains("李老师") && hosts.contains('2') && hosts.contains("陈老师"), "per host: {hosts:?}");
        let purposes = app.text("reports-per-purpose").await?;
        ensure!(purposes.contains("面试") && purposes.contains("送材料"), "per purpose: {purposes:?}");
        ensure!(app.visible_now("reports-full-ids").await?, "a supervisor sees the full-ID choice");
        screenshot(&app, "zh-CN").await?;
        app.js(r#"document.querySelector('[data-testid="hour-chart"]').scrollIntoView({block: 'start'});"#).await?;
        screenshot(&app, "zh-CN-chart").await?;
        app.js(r#"document.querySelector('[data-testid="reports-page"]').scrollIntoView({block: 'start'});"#).await?;

        app.step("bad-range");
        app.click("reports-preset-custom").await?;
        app.type_into("reports-from", "2026-11-28").await?;
        app.type_into("reports-to", "2026-11-01").await?;
        app.click("reports-show").await?;
        let msg = app.text("error-to").await?;
        ensure!(has_cjk(&msg), "error-to is {msg:?}");
        // The figures of the last good range stay.
        ensure!(app.text("reports-visitors-total").await?.trim() == "3", "figures lost after a bad range");

        app.step("export-csv");
        app.click("reports-preset-today").await?;
        app.wait_for("the range error to clear", || async { Ok((!app.visible_now("error-to").await?).then_some(())) }).await?;
        app.select("reports-export-what", "visits").await?;
        app.click("reports-export-csv").await?;
        let toast = wait_toast(&app, ".csv").await?;
        let exports = app.db().parent().context("db dir")?.join("exports");
        let csv = std::fs::read_dir(&exports)?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("visits-")) && p.extension().is_some_and(|e| e == "csv"))
            .with_context(|| format!("no visits-*.csv in {}", exports.display()))?;
        ensure!(toast.contains(&*csv.file_name().unwrap().to_string_lossy()), "toast {toast:?} does not name {}", csv.display());
        let bytes = std::fs::read(&csv)?;
        ensure!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "no UTF-8 BOM");
        let text = String::from_utf8(bytes[3..].to_vec())?;
        ensure!(text.lines().count() == 4, "want a header and 3 rows: {text}");
        ensure!(text.contains("张伟") && text.contains(&first[14..]) && !text.contains(&first), "ID not masked: {text}");

        app.step("save-pdf");
        app.click("reports-save-pdf").await?;
        let toast = wait_toast(&app, ".pdf").await?;
        let pdf = std::fs::read_dir(&exports)?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("reports-")) && p.extension().is_some_and(|e| e == "pdf"))
            .with_context(|| format!("no reports-*.pdf in {}", exports.display()))?;
        ensure!(toast.contains(&*pdf.file_name().unwrap().to_string_lossy()), "toast {toast:?} does not name {}", pdf.display());
        ensure!(std::fs::read(&pdf)?.starts_with(b"%PDF"), "{} is not a PDF", pdf.display());
        // Keep a copy for a person to look at.
        std::fs::copy(&pdf, artifacts_dir().join("reports-layout.pdf"))?;
        ensure!(!app.visible_now("reports-layout").await?, "the print layout shows on screen");

        app.step("guard-sees-no-full-id-choice");
        open_settings(&app, "guard-list").await?;
        app.type_into("guard-add-name", "李保安").await?;
        app.select("guard-add-role", "guard").await?;
        app.type_into("guard-add-pin", "582947").await?;
        app.click("guard-add-submit").await?;
        wait_row(&app, "guard-row", "李保安").await.context("the new guard's row")?;
        app.click("logout-button").await?;
        login(&app, "李保安", "582947").await?;
        app.click("nav-reports").await?;
        app.wait_for("3 visitors counted for the guard", || async { Ok((app.text("reports-visitors-total").await?.trim() == "3").then_some(())) }).await?;
        app.el("reports-export-csv").await?;
        ensure!(!app.visible_now("reports-full-ids").await?, "a guard sees the full-ID choice");

        app.step("english");
        app.select("lang-switch", "en").await?;
        app.wait_for("English title", || async { Ok(app.text("page-title").await?.contains("Reports").then_some(())) }).await?;
        let nav = app.text("nav-reports").await?;
        ensure!(nav.trim() == "Reports", "nav-reports is {nav:?}");
        let heading = app.text("reports-visitors").await?;
        ensure!(heading.contains("Visitor statistics") && !heading.contains("访客统计"), "visitors panel: {heading:?}");
        screenshot(&app, "en").await?;
        Ok(())
    });
}

//! Real-window tests of issue 8's hostile input: markup typed into free-text fields is stored
//! as typed and always shown as text, never turned into elements or run.
//!
//! The purpose field has its own test in main.rs; here: a visitor's organisation and host
//! (the on-site board), the items brought in (the check-out dialog), and a duty entry's place
//! and text (the duty timeline). Each payload would, if it reached `innerHTML`, create an
//! `<img src=x>` (or `<svg>`, `<a>`) whose handler sets `window.__gatehouse_pwned`.
//! (The CSP forbids inline handlers as a second wall; the test checks the first one: no
//! element is created at all.)

use anyhow::{ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::Locator;

use crate::flows::*;
use crate::harness::{e2e_test, App};

const ORGANISATION: &str = r#"<img src=x onerror="window.__gatehouse_pwned='org'">某公司"#;
// The host may be 50 characters at most.
const HOST: &str = r#"<b onclick="__gatehouse_pwned=1">陈老师</b>"#;
const ITEMS: &str = r#"<script>window.__gatehouse_pwned='items'</script><img src=x onerror="window.__gatehouse_pwned='items'">笔记本电脑"#;
const PLACE: &str = r#"<svg onload="window.__gatehouse_pwned='place'">"#;
const ENTRY: &str = r#"<img src=x onerror="window.__gatehouse_pwned='entry'"><a href="javascript:window.__gatehouse_pwned='a'">东门</a>巡查正常"#;

/// No element the payloads could have created exists anywhere in the page, and the flag they
/// set is still undefined.
async fn nothing_injected(app: &App, whence: &str) -> Result<()> {
    let found = app
        .js(r#"return {
                 img: document.querySelectorAll('img[src="x"]').length,
                 svg: document.querySelectorAll('svg[onload]').length,
                 js: document.querySelectorAll('a[href^="javascript:"]').length,
                 handlers: document.querySelectorAll('[onerror], [onclick], [onload]').length,
                 script: [...document.scripts].filter(s => s.textContent.includes('__gatehouse_pwned')).length,
                 flag: typeof window.__gatehouse_pwned,
               };"#)
        .await?;
    let want = serde_json::json!({ "img": 0, "svg": 0, "js": 0, "handlers": 0, "script": 0, "flag": "undefined" });
    ensure!(found == want, "{whence}: markup became elements or ran: {found}");
    ensure!(!app.alert_open().await, "{whence}: an alert is open");
    Ok(())
}

async fn text_in(scope: &Element, id: &str) -> Result<String> {
    Ok(scope.find(Locator::Css(&format!("[data-testid=\"{id}\"]"))).await.with_context(|| format!("{id} inside"))?.text().await?)
}

#[test]
fn markup_in_organisation_host_and_items_shows_as_text_on_the_board_and_at_check_out() {
    e2e_test("markup_in_organisation_host_and_items_shows_as_text_on_the_board_and_at_check_out", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("fill");
        open_visitor_form(&app).await?;
        app.type_into("visitor-name", "赵敏").await?;
        app.type_into("visitor-id-number", &valid_id("531")).await?;
        app.type_into("visitor-organisation", ORGANISATION).await?;
        app.type_into("visitor-host", HOST).await?;
        app.type_into("visitor-purpose", "送材料").await?;
        app.type_into("visitor-items", ITEMS).await?;
        app.click("visitor-submit").await?;
        let toast = app.text("toast").await.context("success toast after check-in")?;
        ensure!(!toast.trim().is_empty(), "empty toast");

        app.step("board");
        let row = wait_on_site_row(&app, "赵敏").await?;
        let text = row.text().await?;
        ensure!(text.contains(ORGANISATION), "row {text:?} does not show the organisation literally");
        ensure!(text.contains(HOST), "row {text:?} does not show the host literally");
        nothing_injected(&app, "on-site board").await?;

        app.step("check-out-dialog");
        // The board's list scrolls inside its panel: bring the button into view first.
        app.js(r#"document.querySelector('[data-testid="check-out"]').scrollIntoView({block: 'center'}); return null;"#).await?;
        row.find(Locator::Css("[data-testid=\"check-out\"]")).await?.click().await?;
        let dialog = app.el("checkout-dialog").await?;
        let items = text_in(&dialog, "checkout-items-in").await?;
        ensure!(items.trim() == ITEMS, "checkout-items-in is {items:?}, want the typed text");
        nothing_injected(&app, "check-out dialog").await?;
        app.click("checkout-cancel").await?;
        app.wait_gone("checkout-dialog").await?;
        Ok(())
    });
}

#[test]
fn markup_in_a_duty_entry_shows_as_text_on_the_timeline() {
    e2e_test("markup_in_a_duty_entry_shows_as_text_on_the_timeline", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("entry");
        app.click("nav-duty").await?;
        app.el("entry-form").await.context("duty entry form")?;
        app.select("entry-kind", "other").await?;
        app.type_into("entry-place", PLACE).await?;
        app.type_into("entry-text", ENTRY).await?;
        app.el("entry-submit").await?;
        app.js(r#"document.querySelector('[data-testid="entry-submit"]').scrollIntoView({block: 'center'}); return null;"#).await?;
        app.click("entry-submit").await?;

        app.step("timeline");
        let entry = wait_row(&app, "duty-entry", "巡查正常").await?;
        let text = entry.text().await?;
        ensure!(text.contains(ENTRY), "entry {text:?} does not show the text literally");
        ensure!(text.contains(PLACE), "entry {text:?} does not show the place literally");
        nothing_injected(&app, "duty timeline").await?;
        Ok(())
    });
}

//! Real-window tests of issue 5: the duty log (值班日志) and the shift handover (交接班).
//!
//! The signatures are drawn on the pads with WebDriver pointer actions (a mouse pressed,
//! moved through several points across the canvas, released), the way a guard signs.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::Locator;

use crate::flows::*;
use crate::harness::{e2e_test, App};

/// The second guard, who takes over the shift.
const GUARD: &str = "李保安";
const GUARD_PIN: &str = "582947";

/// Pick the `<option>` of `<select data-testid=id>` whose text contains `needle`; returns
/// its value (guard ids and item ids are not known to the test).
async fn select_by_text(app: &App, id: &str, needle: &str) -> Result<String> {
    let select = app.el(id).await?;
    let value = app
        .wait_for(&format!("option {needle:?} in [data-testid={id}]"), || {
            let select = select.clone();
            async move {
                for opt in select.find_all(Locator::Css("option")).await? {
                    if opt.text().await?.contains(needle) {
                        return Ok(opt.attr("value").await?);
                    }
                }
                Ok(None)
            }
        })
        .await?;
    app.select(id, &value).await?;
    Ok(value)
}

/// Option values of `<select data-testid=id>`, right now.
async fn option_values(app: &App, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for opt in app.el(id).await?.find_all(Locator::Css("option")).await? {
        out.push(opt.attr("value").await?.unwrap_or_default());
    }
    Ok(out)
}

/// Settings → guard accounts: add a guard (role guard) and wait for its row.
async fn add_guard(app: &App, name: &str, pin: &str) -> Result<()> {
    open_settings(app, "guard-list").await?;
    app.type_into("guard-add-name", name).await?;
    app.select("guard-add-role", "guard").await?;
    app.type_into("guard-add-pin", pin).await?;
    app.click("guard-add-submit").await?;
    wait_row(app, "guard-row", name).await.context("the new guard's row")?;
    Ok(())
}

/// Open 值班日志 and wait for its entry form.
async fn open_duty(app: &App) -> Result<()> {
    app.click("nav-duty").await?;
    app.el("entry-form").await.context("duty entry form")?;
    app.el("open-items").await?;
    Ok(())
}

/// Click a button after scrolling it to the middle of its scroll container.
/// WebKitWebDriver scrolls an element only until it touches the window's bottom edge, which
/// leaves a button at the end of a long form half under the status bar (outside the
/// scrolling `.content`); its click then lands on the status bar without any error.
async fn click_centered(app: &App, id: &str) -> Result<()> {
    app.el(id).await?;
    app.js(&format!(r#"document.querySelector('[data-testid="{id}"]').scrollIntoView({{block: 'center', inline: 'nearest'}});"#)).await?;
    app.click(id).await
}

/// Save the entry form as filled, and wait for its entry (by text) on the timeline.
async fn submit_entry(app: &App, text: &str) -> Result<fantoccini::elements::Element> {
    app.type_into("entry-text", text).await?;
    click_centered(app, "entry-submit").await?;
    match wait_row(app, "duty-entry", text).await {
        Ok(row) => Ok(row),
        Err(e) => {
            // Say what the page says instead (an error next to a field, the toast...).
            let alerts = app
                .js(r#"return [...document.querySelectorAll('[role=alert], [data-testid=toast]')].map(e => (e.dataset.testid || '') + ': ' + e.textContent.trim());"#)
                .await
                .unwrap_or_default();
            Err(e.context(format!("the new entry on the timeline (page alerts: {alerts})")))
        }
    }
}

/// The `data-step` the handover wizard is on.
async fn wait_step(app: &App, step: &str) -> Result<()> {
    let css = format!("[data-testid=\"handover-wizard\"][data-step=\"{step}\"]");
    app.wait_for(&format!("handover wizard at step {step}"), || {
        let css = css.clone();
        let c = app.client();
        async move { Ok((!c.find_all(Locator::Css(&css)).await?.is_empty()).then_some(())) }
    })
    .await
}

/// Ink on a signature canvas, measured in the page: (dark pixels, bounding box width,
/// height) in the canvas's own 900×300 pixels.
async fn ink(app: &App, pad: &str) -> Result<(u64, u64, u64)> {
    let v = app
        .js(&format!(
            r#"const c = document.querySelector('[data-testid="{pad}"]');
               const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
               let n = 0, x0 = 1e9, y0 = 1e9, x1 = -1, y1 = -1;
               for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {{
                 const i = (y * c.width + x) * 4;
                 if (d[i + 3] > 128 && d[i] < 160) {{ n++; x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }}
               }}
               return [n, n ? x1 - x0 + 1 : 0, n ? y1 - y0 + 1 : 0];"#
        ))
        .await?;
    let a = v.as_array().context("ink() did not return an array")?;
    let n = |i: usize| a.get(i).and_then(|x| x.as_u64()).unwrap_or(0);
    Ok((n(0), n(1), n(2)))
}

/// Bring a pad into the viewport (pointer actions do not scroll) and return its CSS size.
async fn pad_in_view(app: &App, pad: &str) -> Result<(fantoccini::elements::Element, f64, f64)> {
    let el = app.el(pad).await?;
    let v = app
        .js(&format!(
            r#"const c = document.querySelector('[data-testid="{pad}"]');
               c.scrollIntoView({{block: 'center', inline: 'center'}});
               const r = c.getBoundingClientRect(); return [r.width, r.height];"#
        ))
        .await?;
    let w = v[0].as_f64().context("pad width")?;
    let h = v[1].as_f64().context("pad height")?;
    ensure!(w > 100.0 && h > 30.0, "pad [data-testid={pad}] is only {w}×{h} px on screen");
    Ok((el, w, h))
}

/// Sign on a pad with the mouse: press at the left, move through a zigzag across most of
/// its width, release. A real stroke, as a guard's hand would draw it.
async fn draw_signature(app: &App, pad: &str) -> Result<()> {
    let (el, w, h) = pad_in_view(app, pad).await?;
    // Offsets from the pad's centre, as fractions of its size.
    const PATH: [(f64, f64); 10] =
        [(-0.40, 0.10), (-0.32, -0.28), (-0.24, 0.25), (-0.15, -0.20), (-0.05, 0.28), (0.05, -0.25), (0.14, 0.22), (0.23, -0.15), (0.32, 0.20), (0.40, -0.05)];
    let at = |(fx, fy): (f64, f64), ms: u64| PointerAction::MoveToElement {
        element: el.clone(),
        duration: Some(Duration::from_millis(ms)),
        x: (fx * w).round(),
        y: (fy * h).round(),
    };
    let mut mouse = MouseActions::new("signing-hand".into()).then(at(PATH[0], 0)).then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
    for p in &PATH[1..] {
        mouse = mouse.then(at(*p, 60));
    }
    mouse = mouse.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    let c = app.client();
    c.perform_actions(mouse).await.with_context(|| format!("draw on [data-testid={pad}]"))?;
    c.release_actions().await?;
    // The stroke must really be on the canvas, across most of it (not a dot).
    let (n, bw, bh) = ink(app, pad).await?;
    ensure!(n >= 150 && bw >= 450 && bh >= 60, "pad {pad} holds {n} ink pixels over {bw}×{bh} after a stroke");
    Ok(())
}

/// A single click on a pad: one dot, which is not a signature.
async fn dot_on_pad(app: &App, pad: &str) -> Result<()> {
    let (el, _, _) = pad_in_view(app, pad).await?;
    let mouse = MouseActions::new("dot".into())
        .then(PointerAction::MoveToElement { element: el, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    let c = app.client();
    c.perform_actions(mouse).await?;
    c.release_actions().await?;
    let (n, _, _) = ink(app, pad).await?;
    ensure!(n > 0, "the dot left no ink on {pad}");
    Ok(())
}

/// Open 交接班 on a fresh wizard, at the summary, once the core's summary is in.
async fn open_handover(app: &App) -> Result<()> {
    app.click("nav-handover").await?;
    app.el("handover-wizard").await?;
    wait_step(app, "summary").await?;
    app.text("summary-duty-entries").await.context("shift summary loaded")?;
    // The toast of the last save sits over the wizard's 下一步 button for 4 s (bottom
    // right, 1280×800): let it go, as a guard would have to (see the report of issue 5).
    app.wait_gone("toast").await?;
    Ok(())
}

/// From the summary to the sign step: every check OK, keys × 3 handed over, a note.
async fn wizard_to_sign(app: &App) -> Result<()> {
    app.click("handover-next").await?;
    wait_step(app, "check").await?;
    app.click("handover-check-all-ok").await?;
    let items = app.all_now("handover-check-item").await?;
    ensure!(!items.is_empty(), "the new site has no handover checklist");
    for item in &items {
        let answer = item.attr("data-answer").await?.unwrap_or_default();
        let label = item.attr("data-item").await?.unwrap_or_default();
        ensure!(answer == "ok", "check item {label:?} answered {answer:?} after 全部正常");
    }
    app.click("handover-next").await?;

    wait_step(app, "items").await?;
    click_choice(app, "handed-over-choice", "keys").await?;
    app.type_into("handed-over-count", "3").await?;
    app.type_into("handover-notes", "东门钥匙3把已清点").await?;
    app.click("handover-next").await?;
    wait_step(app, "sign").await?;
    Ok(())
}

/// On the sign step: both PINs, the incoming guard, both signatures drawn.
async fn sign_both(app: &App, incoming: &str, incoming_pin: &str) -> Result<()> {
    app.type_into("handover-outgoing-pin", PIN).await?;
    draw_signature(app, "signature-outgoing").await?;
    select_by_text(app, "handover-incoming-guard", incoming).await?;
    app.type_into("handover-incoming-pin", incoming_pin).await?;
    draw_signature(app, "signature-incoming").await?;
    Ok(())
}

/// Review and seal; returns the 16-hex fingerprint shown on the slip.
async fn seal(app: &App, incoming: &str) -> Result<String> {
    app.click("handover-next").await?;
    wait_step(app, "seal").await?;
    let review = app.text("handover-review").await?;
    ensure!(review.contains(SUPERVISOR) && review.contains(incoming), "review {review:?} lacks the two guards");
    app.click("handover-seal").await?;
    app.el("handover-view").await.context("the sealed handover")?;
    app.el("handover-sealed").await?;
    let fp_text = app.text("handover-fingerprint").await?;
    fingerprint_in(&fp_text).with_context(|| format!("no 16-hex fingerprint in {fp_text:?}"))
}

/// The first run of exactly 16 hex digits in `text`.
fn fingerprint_in(text: &str) -> Option<String> {
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            if run.len() == 16 {
                return Some(run.to_lowercase());
            }
            run.clear();
        }
    }
    None
}

/// Wait for the status bar to name `name` as the guard on duty.
async fn wait_status_guard(app: &App, name: &str) -> Result<()> {
    let last = std::cell::RefCell::new(String::new());
    app.wait_for(&format!("status-guard showing {name:?}"), || {
        let last = &last;
        async move {
            let t = app.text("status-guard").await?;
            let hit = t.contains(name);
            *last.borrow_mut() = t;
            Ok(hit.then_some(()))
        }
    })
    .await
    .with_context(|| format!("status-guard shows {:?}", last.borrow()))
}

/// Click the `[data-testid=id][data-choice=choice]` quick button.
async fn click_choice(app: &App, id: &str, choice: &str) -> Result<()> {
    let css = format!("[data-testid=\"{id}\"][data-choice=\"{choice}\"]");
    let c = app.client();
    let el = app
        .wait_for(&css, || {
            let css = css.clone();
            let c = c.clone();
            async move { Ok(c.find_all(Locator::Css(&css)).await?.into_iter().next()) }
        })
        .await?;
    el.click().await.with_context(|| format!("click {css}"))
}

/// Click the follow-up deadline quick button "in `days` days".
async fn click_deadline(app: &App, days: u32) -> Result<()> {
    let css = format!("[data-testid=\"deadline-choice\"][data-days=\"{days}\"]");
    app.client().find(Locator::Css(&css)).await?.click().await?;
    Ok(())
}

#[test]
fn handover_signed_by_two_guards_is_sealed_and_its_slip_pdf_has_the_fingerprint() {
    e2e_test("handover_signed_by_two_guards_is_sealed_and_its_slip_pdf_has_the_fingerprint", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("add-guard");
        add_guard(&app, GUARD, GUARD_PIN).await?;

        app.step("duty-entry");
        open_duty(&app).await?;
        app.select("entry-kind", "call").await?;
        app.type_into("entry-place", "门卫室").await?;
        submit_entry(&app, "保卫处来电询问东门夜间值守情况").await?;

        app.step("summary");
        open_handover(&app).await?;
        let entries = app.text("summary-duty-entries").await?;
        ensure!(entries.trim() == "1", "summary-duty-entries is {entries:?}, want 1");

        app.step("check-and-items");
        wizard_to_sign(&app).await?;

        app.step("sign");
        let outgoing = app.value("handover-outgoing-guard").await?;
        let incoming_choices = option_values(&app, "handover-incoming-guard").await?;
        ensure!(!incoming_choices.contains(&outgoing), "the outgoing guard ({outgoing}) is offered as incoming: {incoming_choices:?}");
        sign_both(&app, GUARD, GUARD_PIN).await?;

        app.step("seal");
        let fingerprint = seal(&app, GUARD).await?;
        // Independently of the app: the first 16 hex digits of the seal's audit event.
        let db = app.db().to_path_buf();
        let chain = sqlite(&db, "SELECT lower(hex(hash)) FROM audit_event WHERE entity = 'handover' ORDER BY seq LIMIT 1;")?;
        ensure!(chain.starts_with(&fingerprint), "slip fingerprint {fingerprint} is not the seal event's hash {chain}");
        let slip = app.text("handover-slip").await?;
        ensure!(slip.contains(SUPERVISOR) && slip.contains(GUARD), "slip lacks the guards: {slip:?}");
        for img in ["handover-signature-outgoing", "handover-signature-incoming"] {
            let src = app.el(img).await?.attr("src").await?.unwrap_or_default();
            ensure!(src.starts_with("data:image/png"), "{img} src is {:?}", &src[..src.len().min(40)]);
        }

        app.step("incoming-on-duty");
        wait_status_guard(&app, GUARD).await?;

        app.step("save-pdf");
        app.click("handover-save-pdf").await?;
        let toast = wait_toast(&app, ".pdf").await?;
        let exports = db.parent().context("db dir")?.join("exports");
        let pdf = app
            .wait_for("the handover PDF under exports/", || {
                let exports = exports.clone();
                async move {
                    let Ok(dir) = std::fs::read_dir(&exports) else { return Ok(None) };
                    for e in dir.flatten() {
                        let name = e.file_name().to_string_lossy().into_owned();
                        if name.starts_with("handover") && name.ends_with(".pdf") && e.metadata()?.len() > 0 {
                            return Ok(Some(e.path()));
                        }
                    }
                    Ok(None)
                }
            })
            .await?;
        ensure!(toast.contains(&*pdf.file_name().unwrap().to_string_lossy()), "toast {toast:?} does not name {}", pdf.display());
        let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().context("run pdftotext (install poppler-utils)")?;
        ensure!(out.status.success(), "pdftotext failed on {}", pdf.display());
        let text = String::from_utf8_lossy(&out.stdout);
        ensure!(text.to_lowercase().contains(&fingerprint), "the PDF {} does not contain the fingerprint {fingerprint}; its text: {text:?}", pdf.display());
        let prints = app.el("handover-prints").await?.attr("data-prints").await?.unwrap_or_default();
        ensure!(prints == "1", "handover-prints data-prints is {prints:?} after one PDF");
        Ok(())
    });
}

#[test]
fn handover_refuses_a_blank_or_dotted_signature_the_same_guard_and_a_wrong_pin() {
    e2e_test("handover_refuses_a_blank_or_dotted_signature_the_same_guard_and_a_wrong_pin", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        add_guard(&app, GUARD, GUARD_PIN).await?;

        app.step("to-sign");
        open_handover(&app).await?;
        wizard_to_sign(&app).await?;

        app.step("blank-outgoing");
        // Everything but the outgoing guard's signature.
        app.type_into("handover-outgoing-pin", PIN).await?;
        select_by_text(&app, "handover-incoming-guard", GUARD).await?;
        app.type_into("handover-incoming-pin", GUARD_PIN).await?;
        draw_signature(&app, "signature-incoming").await?;
        app.click("handover-next").await?;
        let msg = app.text("error-outgoing_signature").await?;
        ensure!(has_cjk(&msg), "error-outgoing_signature is {msg:?}");
        wait_step(&app, "sign").await?;
        ensure!(!app.visible_now("error-incoming_signature").await?, "the signed pad shows an error");
        // Jumping straight to the seal step is stopped at the same place.
        app.el("handover-step").await?;
        let seal_step = app.client().find(Locator::Css("[data-testid=\"handover-step\"][data-step=\"seal\"]")).await?;
        seal_step.click().await?;
        wait_step(&app, "sign").await?;
        app.el("error-outgoing_signature").await?;

        app.step("dot-outgoing");
        dot_on_pad(&app, "signature-outgoing").await?;
        app.click("handover-next").await?;
        wait_step(&app, "sign").await?;
        app.el("error-outgoing_signature").await.context("a one-dot signature was accepted")?;

        app.step("same-guard");
        // The incoming choice never offers the outgoing guard...
        let outgoing = app.value("handover-outgoing-guard").await?;
        ensure!(!option_values(&app, "handover-incoming-guard").await?.contains(&outgoing), "the outgoing guard is offered as incoming");
        // ...and switching the outgoing guard to the one already chosen as incoming is refused.
        draw_signature(&app, "signature-outgoing").await?;
        ensure!(!app.visible_now("error-outgoing_signature").await?, "error stays after signing");
        let guard_id = select_by_text(&app, "handover-outgoing-guard", GUARD).await?;
        ensure!(!option_values(&app, "handover-incoming-guard").await?.contains(&guard_id), "{GUARD} is offered on both sides");
        app.click("handover-next").await?;
        wait_step(&app, "sign").await?;
        let msg = app.text("error-incoming_guard_id").await?;
        ensure!(has_cjk(&msg), "error-incoming_guard_id is {msg:?}");

        app.step("wrong-pin");
        // Back to the right sides, but the incoming guard mistypes the PIN: the core
        // refuses it at the seal, the wizard returns to the sign step and clears that PIN.
        select_by_text(&app, "handover-outgoing-guard", SUPERVISOR).await?;
        app.type_into("handover-outgoing-pin", PIN).await?;
        select_by_text(&app, "handover-incoming-guard", GUARD).await?;
        app.type_into("handover-incoming-pin", "194628").await?;
        app.click("handover-next").await?;
        wait_step(&app, "seal").await?;
        app.click("handover-seal").await?;
        wait_step(&app, "sign").await?;
        let msg = app.text("error-incoming_pin").await?;
        ensure!(has_cjk(&msg), "error-incoming_pin is {msg:?}");
        ensure!(app.value("handover-incoming-pin").await?.is_empty(), "the wrong PIN was kept");

        app.step("nothing-sealed");
        ensure!(!app.visible_now("handover-view").await?, "a handover was sealed");
        let n = sqlite(app.db(), "SELECT count(*) FROM handover;")?;
        ensure!(n == "0", "{n} handovers in the database after refusals");
        let guard = app.text("status-guard").await?;
        ensure!(guard.contains(SUPERVISOR), "status-guard is {guard:?}: the shift changed hands");
        Ok(())
    });
}

#[test]
fn spot_check_and_an_open_item_survive_a_handover_and_the_next_shift_closes_it() {
    e2e_test("spot_check_and_an_open_item_survive_a_handover_and_the_next_shift_closes_it", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        add_guard(&app, GUARD, GUARD_PIN).await?;

        app.step("spot-check");
        open_duty(&app).await?;
        app.select("entry-kind", "spot_check").await?;
        app.select("entry-spot-check-mode", "phone").await?;
        app.type_into("entry-spot-check-by", "保卫处张科长").await?;
        let spot = submit_entry(&app, "查岗：人员在岗，登记本记录完整").await?;
        ensure!(spot.attr("data-kind").await?.as_deref() == Some("spot_check"), "the spot check entry has kind {:?}", spot.attr("data-kind").await?);
        let text = spot.text().await?;
        ensure!(text.contains("保卫处张科长"), "spot check entry lacks who checked: {text:?}");
        let badge = spot.find(Locator::Css("[data-testid=\"entry-spot-check-verified\"]")).await?;
        ensure!(badge.attr("data-verified").await?.as_deref() == Some("false"), "a phone check is not marked unverified");

        app.step("open-item");
        app.select("entry-kind", "equipment_check").await?;
        app.type_into("entry-place", "东门岗亭").await?;
        app.type_into("follow-up-title", "3号摄像头画面模糊").await?;
        app.type_into("follow-up-owner", "后勤处").await?;
        click_deadline(&app, 3).await?;
        ensure!(!app.value("follow-up-deadline").await?.is_empty(), "no deadline after 3 天内");
        submit_entry(&app, "检查监控：3号摄像头画面模糊，已报后勤处").await?;
        let item = wait_row(&app, "open-item", "3号摄像头画面模糊").await?;
        let item_id = item.attr("data-item-id").await?.context("open-item without data-item-id")?;

        app.step("handover-lists-item");
        open_handover(&app).await?;
        let open = app.text("summary-open-items").await?;
        ensure!(open.contains("3号摄像头画面模糊"), "summary-open-items is {open:?}");
        wizard_to_sign(&app).await?;
        sign_both(&app, GUARD, GUARD_PIN).await?;
        seal(&app, GUARD).await?;
        let slip = app.text("handover-slip").await?;
        ensure!(slip.contains("3号摄像头画面模糊"), "the slip does not list the open item: {slip:?}");
        wait_status_guard(&app, GUARD).await?;

        app.step("next-shift-sees-item");
        open_duty(&app).await?;
        let row = wait_row(&app, "open-item", "3号摄像头画面模糊").await?;
        ensure!(row.attr("data-item-id").await?.as_deref() == Some(item_id.as_str()), "another item id");

        app.step("close-item");
        app.select("entry-kind", "equipment_check").await?;
        row.find(Locator::Css("[data-testid=\"open-item-close\"]")).await?.click().await?;
        app.wait_for("the item in entry-closes-item", || async { Ok((app.value("entry-closes-item").await? == item_id).then_some(())) }).await?;
        let closing = submit_entry(&app, "3号摄像头已由后勤处修复，画面清晰").await?;
        let text = closing.text().await?;
        ensure!(text.contains(GUARD), "the closing entry is not by {GUARD}: {text:?}");

        // The correction waits for a supervisor's re-check (复查): the guard cannot close it.
        app.step("item-awaits-recheck");
        let css = format!("[data-testid=\"open-item\"][data-item-id=\"{item_id}\"][data-status=\"done\"]");
        let waiting = app
            .wait_for("the item marked corrected", || {
                let css = css.clone();
                let c = app.client();
                async move { Ok(c.find_all(Locator::Css(&css)).await?.into_iter().next()) }
            })
            .await?;
        ensure!(waiting.find_all(Locator::Css("[data-testid=\"open-item-close\"]")).await?.is_empty(), "a corrected item can be corrected again");
        scroll_to(&app, "open-items").await?;
        app.screen_png("open-item-awaiting-recheck")?;
        waiting.find(Locator::Css("[data-testid=\"open-item-review-close\"]")).await?.click().await?;
        app.el("override-dialog").await?;
        app.screen_png("recheck-dialog")?;
        approve_override(&app, PIN, "现场复查，画面清晰").await?;
        app.wait_gone("override-dialog").await?;

        app.step("item-gone");
        wait_no_row(&app, "open-item", "data-item-id", &item_id).await?;
        app.el("open-items-empty").await?;
        let n = sqlite(app.db(), &format!("SELECT count(*) FROM duty_entry WHERE closes_item_id = {item_id};"))?;
        ensure!(n == "1", "{n} entries close item {item_id}");

        app.step("reports");
        app.click("nav-reports").await?;
        scroll_to(&app, "reports-supervision-panel").await?;
        let figures = app.text("reports-supervision").await?;
        ensure!(figures.contains("电话查岗（未核实）"), "reports-supervision is {figures:?}");
        app.screen_png("reports-supervision")?;
        to_english(&app).await?;
        scroll_to(&app, "reports-supervision-panel").await?;
        app.screen_png("reports-supervision-en")?;
        Ok(())
    });
}

#[test]
fn a_voided_entry_stays_visible_marked_with_its_correction() {
    e2e_test("a_voided_entry_stays_visible_marked_with_its_correction", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("incident");
        open_duty(&app).await?;
        app.select("entry-kind", "incident").await?;
        app.select("entry-severity", "medium").await?;
        app.select("entry-incident-category", "other").await?;
        app.type_into("entry-place", "西侧围墙").await?;
        let wrong = "西侧围墙发现一处破损";
        let entry = submit_entry(&app, wrong).await?;
        let entry_id = entry.attr("data-entry-id").await?.context("duty-entry without data-entry-id")?;

        app.step("void-needs-reason");
        entry.find(Locator::Css("[data-testid=\"entry-void\"]")).await?.click().await?;
        app.el("void-dialog").await?;
        app.click("void-ok").await?;
        let msg = app.text("error-void_reason").await?;
        ensure!(has_cjk(&msg), "error-void_reason is {msg:?}");

        app.step("void");
        let reason = "记错地点，应为北侧围墙";
        app.type_into("void-reason", reason).await?;
        app.click("void-ok").await?;
        app.wait_gone("void-dialog").await?;

        app.step("both-visible");
        let css = format!("[data-testid=\"duty-entry\"][data-entry-id=\"{entry_id}\"][data-voided=\"true\"]");
        let voided = app
            .wait_for("the entry marked voided", || {
                let css = css.clone();
                let c = app.client();
                async move { Ok(c.find_all(Locator::Css(&css)).await?.into_iter().next()) }
            })
            .await?;
        let text = voided.text().await?;
        ensure!(text.contains(wrong), "the voided entry lost its text: {text:?}");
        voided.find(Locator::Css("[data-testid=\"entry-voided\"]")).await.context("voided badge")?;
        let note = voided.find(Locator::Css("[data-testid=\"entry-void-note\"]")).await?.text().await?;
        ensure!(note.contains(reason), "entry-void-note {note:?} lacks the reason");
        ensure!(voided.find_all(Locator::Css("[data-testid=\"entry-void\"]")).await?.is_empty(), "a voided entry can be voided again");

        // The correction: a new entry that names the voided one; the note names it back.
        let mut correction = None;
        for e in app.all_now("duty-entry").await? {
            if e.find_all(Locator::Css("[data-testid=\"entry-correction\"]")).await?.is_empty() {
                continue;
            }
            correction = Some(e);
        }
        let correction = correction.context("no entry-correction on the timeline")?;
        let cid = correction.attr("data-entry-id").await?.unwrap_or_default();
        ensure!(cid != entry_id, "the correction is the voided entry itself");
        ensure!(correction.attr("data-voided").await?.as_deref() == Some("false"), "the correction is voided");
        let line = correction.find(Locator::Css("[data-testid=\"entry-correction\"]")).await?.text().await?;
        ensure!(line.contains(&entry_id), "entry-correction {line:?} does not name entry {entry_id}");
        ensure!(note.contains(&cid), "entry-void-note {note:?} does not name the correction {cid}");
        let n = app.all_now("duty-entry").await?.len();
        ensure!(n == 2, "{n} entries on the timeline, want the entry and its correction");
        Ok(())
    });
}

#[test]
fn another_guards_log_in_leads_into_the_handover_or_a_supervisors_takeover() {
    e2e_test("another_guards_log_in_leads_into_the_handover_or_a_supervisors_takeover", init_db, |app| async move {
        app.step("two-guards");
        login(&app, SUPERVISOR, PIN).await?;
        add_guard(&app, "李保安", "582947").await?;
        add_guard(&app, "赵保安", "613048").await?;
        app.click("logout-button").await?;

        app.step("first-goes-on-duty");
        login(&app, "李保安", "582947").await?;
        ensure!(!app.visible_now("takeover-banner").await?, "the first guard is asked to take over");
        wait_status_guard(&app, "李保安").await?;
        app.click("logout-button").await?;

        app.step("second-is-led-into-the-handover");
        login(&app, "赵保安", "613048").await?;
        let banner = app.text("takeover-banner").await?;
        ensure!(banner.contains("李保安"), "takeover-banner is {banner:?}");
        app.el("handover-wizard").await.context("the handover wizard under the banner")?;
        let id_of = |name: &str| sqlite(app.db(), &format!("SELECT id FROM guard WHERE name = '{name}'"));
        let (outgoing, incoming) = (id_of("李保安")?, id_of("赵保安")?);
        app.wait_for("the wizard to hand over from 李保安 to 赵保安", || {
            let (outgoing, incoming) = (outgoing.clone(), incoming.clone());
            let c = app.client();
            async move {
                // On the sign step, not shown yet: read the selects where they are.
                let value = |id: &'static str| {
                    let c = c.clone();
                    async move { c.find(Locator::Css(&format!("[data-testid=\"{id}\"]"))).await?.prop("value").await }
                };
                let (out, inc) = (value("handover-outgoing-guard").await?, value("handover-incoming-guard").await?);
                Ok((out.as_deref() == Some(outgoing.as_str()) && inc.as_deref() == Some(incoming.as_str())).then_some(()))
            }
        })
        .await?;
        // Nothing else opens until the desk changes hands.
        app.click("nav-visitors").await?;
        app.el("takeover-banner").await?;
        ensure!(!app.visible_now("visitor-name").await?, "the visitor form opened before the takeover");

        app.step("takeover-without-handover");
        app.click("takeover-without-handover").await?;
        approve_override(&app, PIN, "李保安临时离岗未交班").await?;
        app.wait_gone("override-dialog").await?;
        app.wait_gone("takeover-banner").await?;
        wait_status_guard(&app, "赵保安").await?;
        let flag = app.text("dashboard-takeovers").await?;
        ensure!(flag.contains("赵保安") && flag.contains("李保安") && flag.contains(SUPERVISOR), "dashboard-takeovers is {flag:?}");
        let saved = sqlite(
            app.db(),
            "SELECT w.how, g.name, p.name, s.name, w.reason FROM duty_watch w JOIN guard g ON g.id = w.guard_id \
             JOIN guard p ON p.id = w.previous_guard_id JOIN guard s ON s.id = w.approved_by",
        )?;
        ensure!(saved == format!("without_handover|赵保安|李保安|{SUPERVISOR}|李保安临时离岗未交班"), "saved takeover is {saved:?}");
        Ok(())
    });
}

/// Scroll `[data-testid=id]` to the top of its scroll container (for a screenshot of it).
async fn scroll_to(app: &App, id: &str) -> Result<()> {
    app.el(id).await?;
    app.js(&format!(r#"document.querySelector('[data-testid="{id}"]').scrollIntoView({{block: 'start'}});"#)).await?;
    Ok(())
}

/// Switch the UI to English and wait for it.
async fn to_english(app: &App) -> Result<()> {
    app.select("lang-switch", "en").await?;
    app.wait_for("<html lang=en>", || async {
        let v = app.js("return document.documentElement.lang").await?;
        Ok((v.as_str() == Some("en")).then_some(()))
    })
    .await
}

/// The error shown at `field` (`error-<field>`), waited for.
async fn field_error(app: &App, field: &str) -> Result<String> {
    app.text(&format!("error-{field}")).await.with_context(|| format!("no error at {field}"))
}

#[test]
fn a_desk_spot_check_is_confirmed_by_the_supervisors_own_pin() {
    e2e_test("a_desk_spot_check_is_confirmed_by_the_supervisors_own_pin", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        open_duty(&app).await?;

        app.step("no-supervisor");
        app.select("entry-kind", "spot_check").await?;
        app.select("entry-spot-check-mode", "in_person").await?;
        app.type_into("entry-text", "夜间现场查岗，人员在岗").await?;
        click_centered(&app, "entry-submit").await?;
        let msg = field_error(&app, "spot_check_supervisor_id").await?;
        ensure!(has_cjk(&msg), "error-spot_check_supervisor_id is {msg:?}");

        app.step("wrong-pin");
        select_by_text(&app, "entry-spot-check-supervisor", SUPERVISOR).await?;
        app.type_into("entry-spot-check-pin", WRONG_PIN).await?;
        click_centered(&app, "entry-submit").await?;
        let msg = field_error(&app, "spot_check_pin").await?;
        ensure!(has_cjk(&msg) && msg.contains("密码"), "error-spot_check_pin is {msg:?}");
        ensure!(app.value("entry-spot-check-pin").await?.is_empty(), "the wrong PIN stays in the field");
        ensure!(app.value("entry-text").await? == "夜间现场查岗，人员在岗", "the text was lost");
        ensure!(app.all_now("duty-entry").await?.is_empty(), "a spot check with a wrong PIN was saved");
        app.screen_png("spot-check-wrong-pin")?;

        app.step("right-pin");
        app.type_into("entry-spot-check-pin", PIN).await?;
        click_centered(&app, "entry-submit").await?;
        let row = wait_row(&app, "duty-entry", "夜间现场查岗").await?;
        let badge = row.find(Locator::Css("[data-testid=\"entry-spot-check-verified\"]")).await?;
        ensure!(badge.attr("data-verified").await?.as_deref() == Some("true"), "the desk check is not marked confirmed");
        let text = row.text().await?;
        ensure!(text.contains(SUPERVISOR), "the entry does not name the checking supervisor: {text:?}");
        let stored = sqlite(app.db(), "SELECT spot_check_verified || '/' || (spot_check_supervisor_id IS NOT NULL) FROM duty_entry;")?;
        ensure!(stored == "1/1", "stored as {stored:?}");
        app.screen_png("spot-check-confirmed")?;
        to_english(&app).await?;
        app.wait_gone("toast").await?;
        app.screen_png("spot-check-confirmed-en")?;
        Ok(())
    });
}

#[test]
fn a_serious_incident_is_refused_without_reported_to_then_saved_with_it() {
    e2e_test("a_serious_incident_is_refused_without_reported_to_then_saved_with_it", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        open_duty(&app).await?;

        app.step("fire-without-report");
        app.select("entry-kind", "incident").await?;
        app.select("entry-severity", "high").await?;
        app.select("entry-incident-category", "fire").await?;
        app.el("serious-hint").await.context("no hint that a fire must be reported")?;
        app.type_into("entry-place", "配电房").await?;
        app.type_into("entry-text", "配电房冒烟，已用灭火器扑灭").await?;
        click_centered(&app, "entry-submit").await?;
        let msg = field_error(&app, "reported_to").await?;
        ensure!(has_cjk(&msg) && msg.contains("报告对象"), "error-reported_to is {msg:?}");
        ensure!(app.all_now("duty-entry").await?.is_empty(), "a fire without reported to was saved");
        app.screen_png("serious-incident-refused")?;

        app.step("no-time");
        click_choice(&app, "reported-to-choice", "fire").await?;
        click_centered(&app, "entry-submit").await?;
        let msg = field_error(&app, "reported_at_ms").await?;
        ensure!(has_cjk(&msg), "error-reported_at_ms is {msg:?}");
        ensure!(app.value("entry-text").await? == "配电房冒烟，已用灭火器扑灭", "the text was lost");

        app.step("saved");
        app.click("entry-reported-at-now").await?;
        click_centered(&app, "entry-submit").await?;
        let row = wait_row(&app, "duty-entry", "配电房冒烟").await?;
        let text = row.text().await?;
        ensure!(text.contains("119") && text.contains("火情"), "the entry lacks 119 or its category: {text:?}");
        let stored = sqlite(app.db(), "SELECT incident_category || '/' || reported_to || '/' || (reported_at_ms IS NOT NULL) FROM duty_entry;")?;
        ensure!(stored == "fire/119/1", "stored as {stored:?}");
        app.screen_png("serious-incident-saved")?;
        to_english(&app).await?;
        app.wait_gone("toast").await?;
        app.select("entry-incident-category", "theft").await?;
        app.el("serious-hint").await?;
        app.screen_png("serious-incident-en")?;
        Ok(())
    });
}

#[test]
fn a_failed_joint_check_leads_to_each_problems_follow_up_before_the_seal() {
    e2e_test("a_failed_joint_check_leads_to_each_problems_follow_up_before_the_seal", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        add_guard(&app, GUARD, GUARD_PIN).await?;
        open_handover(&app).await?;
        click_centered(&app, "handover-next").await?;
        wait_step(&app, "check").await?;

        app.step("problem");
        let first = app.all_now("handover-check-item").await?.into_iter().next().context("no check items")?;
        let label = first.attr("data-item").await?.unwrap_or_default();
        first.find(Locator::Css("[data-testid=\"handover-check-problem\"]")).await?.click().await?;
        app.click("handover-check-all-ok").await?;
        app.type_into("handover-check-note", "1号钥匙缺失").await?;
        click_centered(&app, "handover-next").await?;
        let msg = field_error(&app, "problem_deadline").await?;
        ensure!(has_cjk(&msg), "error-problem_deadline is {msg:?}");
        app.el("handover-problems-missing").await?;

        app.step("follow-up");
        let css = "[data-testid=\"handover-problem-deadline-choice\"][data-days=\"3\"]";
        app.client().find(Locator::Css(css)).await?.click().await?;
        click_centered(&app, "handover-next").await?;
        let msg = field_error(&app, "problem_reported_to").await?;
        ensure!(has_cjk(&msg), "error-problem_reported_to is {msg:?}");
        app.screen_png("handover-problem-follow-up")?;
        click_choice(&app, "handover-problem-reported-to-choice", "securityOffice").await?;
        app.click("handover-problem-reported-now").await?;
        to_english(&app).await?;
        scroll_to(&app, "handover-problem").await?;
        app.screen_png("handover-problem-follow-up-en")?;
        click_centered(&app, "handover-next").await?;
        wait_step(&app, "items").await?;
        click_choice(&app, "handed-over-choice", "keys").await?;
        app.type_into("handed-over-count", "2").await?;
        click_centered(&app, "handover-next").await?;
        wait_step(&app, "sign").await?;
        sign_both(&app, GUARD, GUARD_PIN).await?;
        seal(&app, GUARD).await?;

        app.step("item-reported");
        let stored =
            sqlite(app.db(), "SELECT reported_to || '/' || (reported_at_ms IS NOT NULL) || '/' || (opened_by_handover_id IS NOT NULL) FROM follow_up;")?;
        ensure!(stored == "保卫处值班室/1/1", "follow-up stored as {stored:?} for {label:?}");
        Ok(())
    });
}

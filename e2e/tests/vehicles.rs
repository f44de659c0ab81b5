//! Real-window tests for issue 4 (vehicles and goods): a truck enters with a delivery and
//! leaves with an exit permit where one item is missing (held, then released by the
//! supervisor); a registered staff car passes with one action; returnable goods show as
//! overdue after their due date; bad plates and quantities are refused at the field.
//!
//! Elements are found only by the `data-testid`s of docs/ui-contract.md.

use anyhow::{ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::Locator;

use crate::flows::*;
use crate::harness::{e2e_test, App};

/// `[data-testid=id]` inside `scope`.
async fn inside(scope: &Element, id: &str) -> Result<Element> {
    scope.find(Locator::Css(&format!("[data-testid=\"{id}\"]"))).await.with_context(|| format!("[data-testid={id}] inside the row"))
}

/// Wait until `[data-testid=id]` has attribute `attr` = `want`.
async fn wait_attr(app: &App, id: &str, attr: &str, want: &str) -> Result<()> {
    app.wait_for(&format!("[data-testid={id}] with {attr}={want:?}"), || async move {
        let got = app.el(id).await?.attr(attr).await?;
        Ok((got.as_deref() == Some(want)).then_some(()))
    })
    .await
}

/// Open 车辆 at the plate desk (from another section, or from another tab of 车辆) and
/// check that the plate field has the focus, as it must on arrival.
async fn open_desk(app: &App) -> Result<()> {
    if app.visible_now("vehicles-tab-desk").await? {
        app.click("vehicles-tab-desk").await?;
    } else {
        app.click("nav-vehicles").await?;
        wait_attr(app, "vehicles-tab-desk", "aria-selected", "true").await?;
    }
    app.el("plate-input").await?;
    wait_focus(app, "plate-input").await
}

/// Type a plate and Enter at the desk (the plate field has the focus).
async fn enter_plate(app: &App, plate: &str) -> Result<()> {
    wait_focus(app, "plate-input").await?;
    let input = app.el("plate-input").await?;
    input.clear().await?;
    crate::harness::note_typed(plate);
    input.send_keys(&format!("{plate}{ENTER}")).await.context("type the plate + Enter")?;
    Ok(())
}

/// Open the desk, type an unknown `plate` + Enter, and Enter again into the outside-vehicle
/// form (the focus lands on its first field).
async fn open_outside_form(app: &App, plate: &str) -> Result<()> {
    open_desk(app).await?;
    enter_plate(app, plate).await?;
    app.el("plate-outside").await.context("an unknown plate shows the outside-vehicle form")?;
    // Enter again moves on to the form.
    press(app, ENTER).await?;
    wait_focus(app, "vehicle-type").await
}

fn count(app: &App, table: &str) -> Result<String> {
    sqlite(app.db(), &format!("SELECT count(*) FROM {table}"))
}

/// Fill line `line` (1-based) of the exit permit's items.
async fn fill_permit_line(app: &App, line: usize, description: &str, quantity: &str, unit: &str) -> Result<Element> {
    let css = format!("[data-testid=\"permit-item\"][data-line=\"{line}\"]");
    let row = app
        .wait_for(&format!("permit line {line}"), || {
            let css = css.clone();
            let c = app.client();
            async move { Ok(c.find_all(Locator::Css(&css)).await?.into_iter().next()) }
        })
        .await?;
    for (id, text) in [("permit-item-description", description), ("permit-item-quantity", quantity), ("permit-item-unit", unit)] {
        let input = inside(&row, id).await?;
        input.clear().await?;
        crate::harness::note_typed(text);
        input.send_keys(text).await?;
        let value = input.prop("value").await?.unwrap_or_default();
        ensure!(value == text, "line {line} {id} holds {value:?} after typing {text:?}");
    }
    Ok(row)
}

#[test]
fn a_truck_enters_with_a_delivery_and_a_missing_item_holds_its_exit_permit() {
    e2e_test("a_truck_enters_with_a_delivery_and_a_missing_item_holds_its_exit_permit", init_db, |app| async move {
        const PLATE: &str = "京A12345";
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("plate-desk");
        open_outside_form(&app, PLATE).await?;
        let normalised = app.text("plate-normalised").await?;
        ensure!(normalised.trim() == PLATE, "plate-normalised is {normalised:?}");
        wait_attr(&app, "plate-kind", "data-kind", "standard").await?;

        app.step("outside-vehicle-form");
        app.select("vehicle-type", "truck").await?;
        app.type_into("vehicle-driver-name", "赵大勇").await?;
        app.type_into("vehicle-driver-phone", "13912345678").await?;
        app.type_into("vehicle-organisation", "示例物流").await?;
        app.type_into("vehicle-purpose", "送货").await?;
        let items = app.all_now("inspection-item").await?;
        ensure!(!items.is_empty(), "no vehicle checklist items to inspect");
        for item in &items {
            inside(item, "inspection-ok").await?.click().await?;
        }
        for item in &items {
            let label = item.attr("data-item").await?.unwrap_or_default();
            let answer = item.attr("data-answer").await?.unwrap_or_default();
            ensure!(answer == "ok", "inspection item {label:?} answered {answer:?}");
        }
        app.click("vehicle-submit").await?;
        wait_toast(&app, PLATE).await?;
        let row = wait_row(&app, "vehicle-row", PLATE).await?;
        let vehicle_id = row.attr("data-vehicle-id").await?.context("vehicle-row without data-vehicle-id")?;
        let saved = sqlite(
            app.db(),
            &format!(
                "SELECT plate, vehicle_type, driver_name, driver_phone, purpose, checked_out_at_ms IS NULL, \
                     (SELECT count(*) FROM json_each(inspection) WHERE json_extract(value, '$.ok') = 1) = \
                     json_array_length(inspection) FROM vehicle_visit WHERE id = {vehicle_id}"
            ),
        )?;
        ensure!(saved == format!("{PLATE}|truck|赵大勇|13912345678|送货|1|1"), "saved vehicle visit is {saved:?}");

        app.step("delivery");
        app.click("vehicles-tab-goods").await?;
        app.type_into("delivery-description", "办公用品").await?;
        app.type_into("delivery-quantity", "20").await?;
        app.type_into("delivery-unit", "箱").await?;
        app.type_into("delivery-recipient", "总务处").await?;
        app.select("delivery-vehicle", &vehicle_id).await?;
        app.click("delivery-submit").await?;
        let row = wait_row(&app, "delivery-row", "办公用品").await?;
        let text = row.text().await?;
        ensure!(text.contains(PLATE), "delivery row {text:?} does not name the truck");
        let qty = inside(&row, "delivery-quantity-shown").await?.text().await?;
        ensure!(qty.contains("20") && qty.contains("箱"), "delivery quantity shown as {qty:?}");
        let saved = sqlite(app.db(), "SELECT description, quantity, unit, recipient, vehicle_visit_id FROM delivery")?;
        ensure!(saved == format!("办公用品|20.0|箱|总务处|{vehicle_id}"), "saved delivery is {saved:?}");

        app.step("exit-permit");
        app.click("vehicles-tab-permits").await?;
        app.type_into("permit-number", "CZ-0418").await?;
        app.type_into("permit-department", "总务处").await?;
        app.type_into("permit-issued-by", "李主任").await?;
        app.select("permit-vehicle", &vehicle_id).await?;
        let line1 = fill_permit_line(&app, 1, "旧电脑", "2", "台").await?;
        inside(&line1, "permit-item-matched").await?.click().await?;
        wait_attr(&app, "permit-verdict", "data-verdict", "release").await?;
        app.click("permit-add-item").await?;
        let line2 = fill_permit_line(&app, 2, "显示器", "3", "台").await?;
        let note = inside(&line2, "permit-item-note").await?;
        note.send_keys("车上只有2台").await?;
        wait_attr(&app, "permit-verdict", "data-verdict", "hold").await?;
        app.type_into("permit-discrepancy-note", "少一台显示器，已联系总务处").await?;
        app.click("permit-submit").await?;

        app.step("held");
        wait_attr(&app, "permit-result", "data-status", "held").await?;
        let result = app.text("permit-result").await?;
        ensure!(result.contains("扣留"), "permit-result is {result:?}, want 扣留");
        ensure!(result.contains("车上只有2台"), "permit-result {result:?} lacks the missing item's note");
        let row = wait_row(&app, "permit-row", "CZ-0418").await?;
        ensure!(row.attr("data-status").await?.as_deref() == Some("held"), "permit-row not held");
        let saved = sqlite(
            app.db(),
            "SELECT outcome, status, discrepancy_note, vehicle_visit_id, \
                 json_extract(items, '$[1].matched'), json_extract(items, '$[1].note') FROM exit_permit",
        )?;
        ensure!(saved == format!("discrepancy|held|少一台显示器，已联系总务处|{vehicle_id}|0|车上只有2台"), "saved permit is {saved:?}");

        app.step("held-at-check-out");
        // The held truck is marked on the on-site list and refused a plain check-out: the
        // desk offers only the supervisor's release.
        open_desk(&app).await?;
        let row = wait_row(&app, "vehicle-row", PLATE).await?;
        let badge = inside(&row, "vehicle-goods-held").await?.text().await?;
        ensure!(badge.contains("CZ-0418"), "vehicle-goods-held is {badge:?}");
        enter_plate(&app, PLATE).await?;
        let held = app.text("plate-goods-held").await?;
        ensure!(held.contains("扣留") && held.contains("CZ-0418"), "plate-goods-held is {held:?}");
        app.el("vehicle-check-out").await?;
        press(&app, ENTER).await?;
        app.el("override-dialog").await.context("check-out of a held truck asks for a supervisor")?;
        let inside_still = sqlite(app.db(), &format!("SELECT checked_out_at_ms IS NULL FROM vehicle_visit WHERE id = {vehicle_id}"))?;
        ensure!(inside_still == "1", "the held truck left before the release");

        app.step("release-by-supervisor");
        approve_override(&app, PIN, "差额已核实，补开出门证").await?;
        app.wait_gone("override-dialog").await?;
        wait_toast(&app, PLATE).await?;
        let saved = sqlite(app.db(), "SELECT p.status, g.name, p.release_reason FROM exit_permit p JOIN guard g ON g.id = p.released_by")?;
        ensure!(saved == format!("released|{SUPERVISOR}|差额已核实，补开出门证"), "released permit is {saved:?}");

        app.step("checked-out");
        wait_no_row(&app, "vehicle-row", "data-vehicle-id", &vehicle_id).await?;
        app.el("vehicle-empty").await?;
        let out = sqlite(app.db(), &format!("SELECT checked_out_at_ms IS NOT NULL FROM vehicle_visit WHERE id = {vehicle_id}"))?;
        ensure!(out == "1", "the truck is not checked out in the database ({out:?})");
        Ok(())
    });
}

#[test]
fn a_registered_staff_car_passes_with_one_action() {
    e2e_test("a_registered_staff_car_passes_with_one_action", init_db, |app| async move {
        const PLATE: &str = "京B6E788";
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("register-in-settings");
        open_settings(&app, "regveh-add-plate").await?;
        app.type_into("regveh-add-plate", PLATE).await?;
        app.type_into("regveh-add-owner", "陈老师").await?;
        app.type_into("regveh-add-department", "教务处").await?;
        app.click("regveh-add-submit").await?;
        let row = wait_row(&app, "regveh-row", PLATE).await?;
        ensure!(row.attr("data-valid-today").await?.as_deref() == Some("true"), "registration not valid today");

        app.step("plate-desk");
        open_desk(&app).await?;
        enter_plate(&app, PLATE).await?;
        app.el("plate-registered").await.context("a registered plate is recognised")?;
        app.el("pass-registered").await?;
        ensure!(!app.visible_now("vehicle-submit").await?, "the outside-vehicle form shows for a registered car");

        app.step("one-enter");
        wait_focus(&app, "plate-input").await?;
        press(&app, ENTER).await?;
        wait_toast(&app, PLATE).await?;
        let row = wait_row(&app, "vehicle-row", PLATE).await?;
        let text = row.text().await?;
        ensure!(text.contains("陈老师"), "vehicle row {text:?} does not name the owner");
        // The desk is ready for the next car.
        app.wait_for("the desk to clear", || async { Ok(app.value("plate-input").await?.is_empty().then_some(())) }).await?;
        let saved = sqlite(
            app.db(),
            "SELECT v.plate, r.owner FROM vehicle_visit v JOIN registered_vehicle r ON r.id = v.registered_vehicle_id \
             WHERE v.checked_out_at_ms IS NULL",
        )?;
        ensure!(saved == format!("{PLATE}|陈老师"), "vehicles on site in the database: {saved:?}");

        app.step("dashboard");
        app.click("nav-dashboard").await?;
        wait_row(&app, "vehicle-row", PLATE).await?;
        app.wait_for("dashboard-vehicles = 1", || async { Ok((app.text("dashboard-vehicles").await?.trim() == "1").then_some(())) }).await?;
        Ok(())
    });
}

/// Save a returnable exit permit, every item matching, issued on `issued_on` and due on `due_on`.
async fn returnable_permit(app: &App, number: &str, item: &str, issued_on: &str, due_on: &str) -> Result<()> {
    if app.visible_now("permit-new").await? {
        app.click("permit-new").await?;
    }
    app.type_into("permit-number", number).await?;
    app.type_into("permit-department", "教务处").await?;
    app.type_into("permit-issued-by", "陈老师").await?;
    app.type_into("permit-issued-on", issued_on).await?;
    app.el("permit-returnable").await?.click().await?;
    app.type_into("permit-due-on", due_on).await?;
    let line = fill_permit_line(app, 1, item, "1", "台").await?;
    inside(&line, "permit-item-matched").await?.click().await?;
    wait_attr(app, "permit-verdict", "data-verdict", "release").await?;
    app.click("permit-submit").await?;
    wait_attr(app, "permit-result", "data-status", "released").await?;
    let result = app.text("permit-result").await?;
    ensure!(result.contains(number), "permit-result {result:?} is not for {number}");
    Ok(())
}

#[test]
fn returnable_goods_past_their_due_date_show_as_overdue() {
    e2e_test("returnable_goods_past_their_due_date_show_as_overdue", init_db, |app| async move {
        // The app runs on the real clock: date the permits relative to today's duty day.
        let today = duty_day_today();
        let day = |offset: i64| (today + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();

        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;
        app.click("nav-dashboard").await?;
        app.el("dashboard-people").await?;
        ensure!(!app.visible_now("dashboard-goods-overdue").await?, "overdue warning on an empty database");

        app.step("permits");
        app.click("nav-vehicles").await?;
        app.click("vehicles-tab-permits").await?;
        // Lent 10 days ago, due back 3 days ago: overdue. Lent today, due in 5 days: not yet.
        returnable_permit(&app, "JC-0001", "投影仪", &day(-10), &day(-3)).await?;
        returnable_permit(&app, "JC-0002", "摄像机", &day(0), &day(5)).await?;

        app.step("goods-out-list");
        app.click("vehicles-tab-out").await?;
        let late = wait_row(&app, "goods-out-row", "JC-0001").await?;
        let on_time = wait_row(&app, "goods-out-row", "JC-0002").await?;
        ensure!(late.attr("data-overdue").await?.as_deref() == Some("true"), "JC-0001 is not overdue");
        inside(&late, "goods-overdue").await.context("overdue badge on JC-0001")?;
        ensure!(on_time.attr("data-overdue").await?.as_deref() == Some("false"), "JC-0002 is overdue");
        ensure!(on_time.find_all(Locator::Css("[data-testid=\"goods-overdue\"]")).await?.is_empty(), "overdue badge on JC-0002");
        let text = late.text().await?;
        ensure!(text.contains(&day(-3)), "JC-0001 row {text:?} does not show its due date");
        // Overdue first.
        let rows = app.all_now("goods-out-row").await?;
        ensure!(rows.len() == 2, "{} rows in 外借未还, want 2", rows.len());
        ensure!(rows[0].text().await?.contains("JC-0001"), "the overdue permit is not listed first");

        app.step("dashboard-count");
        app.click("nav-dashboard").await?;
        let warning = app.text("dashboard-goods-overdue").await?;
        ensure!(warning.contains('1') && has_cjk(&warning), "dashboard-goods-overdue is {warning:?}");

        app.step("warning-opens-goods-out");
        app.click("dashboard-goods-overdue").await?;
        wait_row(&app, "goods-out-row", "JC-0001").await?;
        wait_attr(&app, "vehicles-tab-out", "aria-selected", "true").await?;

        app.step("returned");
        let late = wait_row(&app, "goods-out-row", "JC-0001").await?;
        inside(&late, "goods-returned").await?.click().await?;
        app.el("confirm-dialog").await?;
        app.click("confirm-ok").await?;
        app.wait_for("JC-0001 to leave 外借未还", || async {
            for row in app.all_now("goods-out-row").await? {
                if row.text().await?.contains("JC-0001") {
                    return Ok(None);
                }
            }
            Ok(Some(()))
        })
        .await?;
        app.click("nav-dashboard").await?;
        app.el("dashboard-people").await?;
        app.wait_gone("dashboard-goods-overdue").await?;
        Ok(())
    });
}

#[test]
fn a_bad_plate_or_quantity_shows_a_field_error_and_saves_nothing() {
    e2e_test("a_bad_plate_or_quantity_shows_a_field_error_and_saves_nothing", init_db, |app| async move {
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("short-plate");
        open_desk(&app).await?;
        enter_plate(&app, "京A1234").await?;
        let msg = app.text("error-plate").await?;
        ensure!(has_cjk(&msg), "error-plate is {msg:?}");
        ensure!(!app.visible_now("plate-outside").await?, "the form is offered for an invalid plate");
        ensure!(!app.visible_now("vehicle-submit").await?, "the form is offered for an invalid plate");
        ensure!(app.value("plate-input").await? == "京A1234", "the typed plate was not kept");
        // Enter again on the same bad plate still saves nothing.
        press(&app, ENTER).await?;
        app.el("error-plate").await?;
        ensure!(count(&app, "vehicle_visit")? == "0", "a vehicle visit was saved");
        app.el("vehicle-empty").await?;

        app.step("delivery-quantity-lots");
        app.click("vehicles-tab-goods").await?;
        app.type_into("delivery-description", "打印纸").await?;
        app.type_into("delivery-quantity", "lots").await?;
        app.type_into("delivery-unit", "箱").await?;
        app.type_into("delivery-recipient", "教务处").await?;
        app.click("delivery-submit").await?;
        let msg = app.text("error-quantity").await?;
        ensure!(has_cjk(&msg), "error-quantity is {msg:?}");
        ensure!(app.value("delivery-quantity").await? == "lots", "the typed quantity was not kept");
        ensure!(app.value("delivery-description").await? == "打印纸", "the form was cleared");
        app.el("delivery-empty").await?;
        ensure!(count(&app, "delivery")? == "0", "a delivery was saved");

        app.step("permit-quantity-lots");
        app.click("vehicles-tab-permits").await?;
        app.type_into("permit-number", "CZ-0001").await?;
        app.type_into("permit-department", "总务处").await?;
        app.type_into("permit-issued-by", "李主任").await?;
        let line = fill_permit_line(&app, 1, "桌子", "lots", "张").await?;
        inside(&line, "permit-item-matched").await?.click().await?;
        app.click("permit-submit").await?;
        let msg = app.text("error-item_quantity").await?;
        ensure!(has_cjk(&msg), "error-item_quantity is {msg:?}");
        ensure!(!app.visible_now("permit-result").await?, "a permit result after a bad quantity");
        app.el("permit-empty").await?;
        ensure!(count(&app, "exit_permit")? == "0", "an exit permit was saved");
        Ok(())
    });
}

/// Wait until exactly `n` linked-visitor checkboxes are rendered.
async fn wait_linked(app: &App, n: usize) -> Result<Vec<i64>> {
    wait_visit_ids(app, "vehicle-linked-visit", n).await
}

#[test]
fn a_visitor_beyond_the_first_fifty_is_found_by_the_filter_and_linked_to_the_vehicle() {
    e2e_test("a_visitor_beyond_the_first_fifty_is_found_by_the_filter_and_linked_to_the_vehicle", init_db_with_120_on_site, |app| async move {
        const PLATE: &str = "京C55555";
        app.step("login");
        login(&app, SUPERVISOR, PIN).await?;

        app.step("outside-vehicle-form");
        open_outside_form(&app, PLATE).await?;
        app.type_into("vehicle-driver-name", "孙师傅").await?;
        app.type_into("vehicle-driver-phone", "13812345678").await?;
        app.type_into("vehicle-purpose", "接人").await?;

        app.step("first window");
        let first = wait_linked(&app, 50).await?;
        ensure!(first[0] == 120, "the newest visitor (120) should lead the list, got {first:?}");
        ensure!(!first.contains(&1), "visit 1 (the oldest) should be beyond the window");
        let more = app.text("vehicle-linked-more").await?;
        ensure!(more.contains("70"), "show-more should say 70 are not shown, got {more:?}");

        app.step("filter finds visit 1");
        // Visit 1 (the oldest): the stress ID of i = 0 ends in 000 + its check character.
        let last4 = format!("000{}", gb11643_check("11010119600101000"));
        app.type_into("vehicle-linked-filter", &last4).await?;
        let found = wait_linked(&app, 1).await?;
        ensure!(found == vec![1], "filtering by {last4:?} should show visit 1 alone, got {found:?}");
        ensure!(!app.visible_now("vehicle-linked-more").await?, "no show-more for one match");
        app.click("vehicle-linked-visit").await?;
        ensure!(app.el("vehicle-linked-visit").await?.prop("checked").await?.as_deref() == Some("true"), "visit 1 is not ticked after the click");

        app.step("ticked stays first whatever the filter");
        app.type_into("vehicle-linked-filter", "没有这个人").await?;
        app.el("vehicle-linked-no-match").await?;
        ensure!(wait_linked(&app, 1).await? == vec![1], "the ticked visitor left the list under a filter");
        clear_by_keys(&app, "vehicle-linked-filter").await?;
        let all = wait_linked(&app, 51).await?;
        ensure!(all[0] == 1 && all[1] == 120, "ticked visit 1 should come first, then 120..: {all:?}");
        screenshot_at(&app, "vehicle-linked-more", "vehicle-linked-window-zh").await?;

        app.step("english");
        app.select("lang-switch", "en").await?;
        let more = app.text("vehicle-linked-more").await?;
        ensure!(more.contains("Show 50 more") && more.contains("69 not shown"), "English show-more reads {more:?}");
        screenshot_at(&app, "vehicle-linked-filter", "vehicle-linked-window-en").await?;

        app.step("save");
        app.click("inspection-all-ok").await?;
        app.click("vehicle-submit").await?;
        wait_toast(&app, PLATE).await?;
        let linked = sqlite(app.db(), "SELECT l.visit_id FROM vehicle_visitor l JOIN vehicle_visit v ON v.id = l.vehicle_visit_id")?;
        ensure!(linked == "1", "the vehicle should be linked to visit 1 alone, got {linked:?}");
        Ok(())
    });
}

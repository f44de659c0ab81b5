//! Gatehouse-specific steps shared by the real-window tests: test data (valid Chinese ID
//! numbers), the admin CLI, and the screens' common paths (login, check in, on-site list).
//!
//! Everything here goes through the `data-testid`s of docs/ui-contract.md, never through
//! CSS classes or wording, so a restyled or retranslated UI does not break the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::Locator;

use crate::harness::{key_file_for, App};

pub const SITE: &str = "测试大学";
pub const GATE: &str = "东门";
pub const SUPERVISOR: &str = "王主管";
/// Not a run or a repeat, so a PIN-strength rule in the core does not reject it.
pub const PIN: &str = "730419";
pub const WRONG_PIN: &str = "730418";

/// The `gatehouse` admin CLI built for this test run.
/// It logs where the app does (the run's `XDG_STATE_HOME`), so the log check sees its files too.
pub fn cli() -> Command {
    let mut cmd = Command::new(crate::harness::cli_bin());
    cmd.env("XDG_STATE_HOME", crate::harness::state_dir());
    cmd
}

/// Run the CLI, fail with its output unless it exits 0. The database named by `--db` is
/// opened with its test key file (`harness::key_file_for`), the one the app is given.
pub fn run_cli(args: &[&str]) -> Result<String> {
    let db = args.iter().position(|a| *a == "--db").and_then(|i| args.get(i + 1)).context("run_cli needs --db")?;
    run_cli_with_key(&key_file_for(Path::new(db)), args)
}

/// Run the CLI with the database key file `key` (e.g. another site's, made in a test).
pub fn run_cli_with_key(key: &Path, args: &[&str]) -> Result<String> {
    args.iter().for_each(|a| crate::harness::note_typed(a));
    let out = cli().env("GATEHOUSE_KEY_FILE", key).args(args).output().context("run the gatehouse CLI")?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("`gatehouse {}` exited {}\nstdout: {stdout}\nstderr: {}", args.join(" "), out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(stdout)
}

/// Create a set-up database (site, gate, one supervisor) so that tests which are not about
/// the setup screen start at the login screen.
pub fn init_db(db: &Path) -> Result<()> {
    let db = db.to_str().context("temp path is not UTF-8")?;
    run_cli(&["--db", db, "init", "--site", SITE, "--gate", GATE, "--supervisor", SUPERVISOR, "--pin", PIN])?;
    Ok(())
}

/// GB 11643-1999 check character for the first 17 digits of a resident ID number.
pub fn gb11643_check(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    assert_eq!(first17.len(), 17, "need 17 digits");
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).expect("digits only") * w).sum();
    CHECK[(sum % 11) as usize]
}

/// A valid, synthetic ID number: region 110101, born 1990-03-07, sequence `seq` (3 digits).
pub fn valid_id(seq: &str) -> String {
    let first17 = format!("11010119900307{seq}");
    format!("{first17}{}", gb11643_check(&first17))
}

/// The same number with a check character that cannot be right.
pub fn wrong_check_id(seq: &str) -> String {
    let valid = valid_id(seq);
    let (first17, check) = valid.split_at(17);
    let wrong = if check == "0" { '1' } else { '0' };
    format!("{first17}{wrong}")
}

pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Log in from the login screen: pick the guard by name, type the PIN, submit.
pub async fn submit_login(app: &App, guard_name: &str, pin: &str) -> Result<()> {
    let select = app.el("login-guard").await?;
    // Option values are guard ids, which the test does not know: find the option by its text.
    let value = app
        .wait_for(&format!("login option {guard_name:?}"), || {
            let select = select.clone();
            async move {
                for opt in select.find_all(Locator::Css("option")).await? {
                    if opt.text().await?.contains(guard_name) {
                        return Ok(opt.attr("value").await?);
                    }
                }
                Ok(None)
            }
        })
        .await?;
    app.select("login-guard", &value).await?;
    app.type_into("login-pin", pin).await?;
    app.click("login-submit").await
}

/// Log in and wait for the shell (its navigation).
pub async fn login(app: &App, guard_name: &str, pin: &str) -> Result<()> {
    submit_login(app, guard_name, pin).await?;
    app.el("nav-dashboard").await.context("shell after login")?;
    Ok(())
}

pub struct Visitor<'a> {
    pub name: &'a str,
    pub id_number: &'a str,
    pub host: &'a str,
    pub purpose: &'a str,
}

/// Open the visitor form (nav-visitors) unless it is already on screen.
pub async fn open_visitor_form(app: &App) -> Result<()> {
    if !app.visible_now("visitor-name").await? {
        app.click("nav-visitors").await?;
    }
    app.el("visitor-name").await?;
    Ok(())
}

/// Fill the visitor form in the order the guard asks, and submit it.
pub async fn fill_and_submit_visitor(app: &App, v: &Visitor<'_>) -> Result<()> {
    open_visitor_form(app).await?;
    app.type_into("visitor-name", v.name).await?;
    app.type_into("visitor-id-number", v.id_number).await?;
    app.type_into("visitor-host", v.host).await?;
    app.type_into("visitor-purpose", v.purpose).await?;
    app.click("visitor-submit").await
}

/// Check a visitor in and wait for the success toast.
pub async fn check_in(app: &App, v: &Visitor<'_>) -> Result<()> {
    fill_and_submit_visitor(app, v).await?;
    // The toast of the check-in before stays up for 10 s: wait for the one naming this
    // visitor, or the next form would be typed while this save is still clearing it.
    app.wait_for(&format!("the check-in toast naming {}", v.name), || async move {
        let toast = app.text("toast").await?;
        Ok(toast.contains(v.name).then_some(()))
    })
    .await
    .context("success toast after check-in")
}

/// Go to Today (the dashboard) and wait for the on-site row whose text contains `needle`.
pub async fn wait_on_site_row(app: &App, needle: &str) -> Result<Element> {
    app.click("nav-dashboard").await?;
    // The Visitors page has an on-site list too (without the ID column): wait for Today's.
    app.el("dashboard-people").await?;
    app.el("on-site-list").await?;
    app.wait_for(&format!("on-site row containing {needle:?}"), || async move {
        for row in app.all_now("on-site-row").await? {
            if row.text().await?.contains(needle) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    })
    .await
}

// ---- issue 3 / issue 4 helpers (visitors.rs, vehicles.rs) ------------------------------

/// WebDriver key codes (the W3C "normalized key values").
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const ARROW_DOWN: &str = "\u{E015}";

/// The database path as the CLI wants it.
pub fn db_arg(db: &Path) -> Result<String> {
    Ok(db.to_str().context("temp path is not UTF-8")?.to_string())
}

/// A set-up database plus the demo staff directory (6 staff, no visits): 陈老师 (教务处),
/// 李主任 (总务处), 王老师 (学生处), 赵校长 (校长办公室), 刘会计 (财务处), 孙工 (后勤处).
pub fn init_db_with_staff(db: &Path) -> Result<()> {
    init_db(db)?;
    run_cli(&["--db", &db_arg(db)?, "demo", "--visits", "0", "--pin", PIN])?;
    Ok(())
}

/// The test database opened with its key, as any tool that holds the key file would
/// (SQLCipher: the stock `sqlite3` cannot read it, see `stock_sqlite3_cannot_read`).
pub fn open_keyed(db: &Path) -> Result<rusqlite::Connection> {
    open_with_key_file(db, &key_file_for(db))
}

/// `db` opened with the key in the key file `key`.
pub fn open_with_key_file(db: &Path, key: &Path) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(db).with_context(|| format!("open {}", db.display()))?;
    let key = gatehouse::KeyFile::at(key).load().map_err(|e| anyhow::anyhow!("load the key file {}: {e}", key.display()))?;
    conn.pragma_update(None, "key", key.pragma_value())?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// One query on the keyed database (the app may be running: WAL is read too), printed as
/// the sqlite3 tool would: columns joined by `|`, one line per row, reals with a decimal.
pub fn sqlite(db: &Path, sql: &str) -> Result<String> {
    use rusqlite::types::ValueRef;
    let conn = open_keyed(db)?;
    let mut stmt = conn.prepare(sql).with_context(|| format!("prepare {sql:?}"))?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).with_context(|| format!("run {sql:?}"))?;
    let mut lines = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns);
        for i in 0..columns {
            cells.push(match row.get_ref(i)? {
                ValueRef::Null => String::new(),
                ValueRef::Integer(v) => v.to_string(),
                ValueRef::Real(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.1}"),
                ValueRef::Real(v) => v.to_string(),
                ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
            });
        }
        lines.push(cells.join("|"));
    }
    Ok(lines.join("\n").trim().to_string())
}

/// The stock sqlite3 tool must not read the encrypted database: its stderr says "not a
/// database". (`select 1` reads no page, so ask for the schema.)
pub fn stock_sqlite3_cannot_read(db: &Path) -> Result<()> {
    let out = Command::new("sqlite3").arg(db).arg("SELECT count(*) FROM sqlite_master;").output().context("run sqlite3 (install the sqlite3 package)")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        !out.status.success() && stderr.contains("not a database"),
        "the stock sqlite3 read the database (exit {}, stdout {:?}, stderr {stderr:?})",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
    Ok(())
}

/// Fill the first-run set-up form (site, gate, supervisor, PIN twice) and submit it.
pub async fn fill_setup(app: &App) -> Result<()> {
    app.el("setup-site-name").await?;
    app.type_into("setup-site-name", SITE).await?;
    app.type_into("setup-gate-name", GATE).await?;
    app.type_into("setup-supervisor-name", SUPERVISOR).await?;
    app.type_into("setup-pin", PIN).await?;
    app.type_into("setup-pin-confirm", PIN).await?;
    app.click("setup-submit").await
}

/// The recovery key as the screen after set-up shows it (its groups joined by '-').
pub async fn shown_recovery_key(app: &App) -> Result<String> {
    app.el("recovery-key").await.context("the recovery key after set-up")?;
    let mut groups = Vec::new();
    for group in app.all_now("recovery-key-group").await? {
        groups.push(group.text().await?.trim().to_string());
    }
    Ok(groups.join("-"))
}

/// The set-up's last step: the recovery key is shown; tick "written down / kept by the
/// security office" and continue (the button stays disabled until then). Returns the key.
pub async fn confirm_recovery_key(app: &App) -> Result<String> {
    let key = shown_recovery_key(app).await?;
    ensure!(!app.el("recovery-continue").await?.is_enabled().await?, "continue is enabled before the recovery key was confirmed");
    app.click("recovery-confirm").await?;
    app.wait_for("continue enabled after the confirmation", || async { Ok(app.el("recovery-continue").await?.is_enabled().await?.then_some(())) }).await?;
    app.click("recovery-continue").await?;
    Ok(key)
}

/// A temp path beside the test's database (for files a test makes: another site, a USB).
pub fn beside_db(db: &Path, name: &str) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join(name)
}

/// The visitor slip's code, computed here independently of the app: "80", the visit id in 8
/// digits, then a Luhn check digit over those 10 digits.
pub fn slip_code(visit_id: i64) -> String {
    let body = format!("80{visit_id:08}");
    let sum: u32 = body
        .chars()
        .rev()
        .map(|c| c.to_digit(10).expect("digits"))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// The `data-testid` of the element that has the keyboard focus ("" when it has none).
pub async fn focused_testid(app: &App) -> Result<String> {
    let v = app.js("const e = document.activeElement; return e && e.dataset ? (e.dataset.testid || '') : '';").await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Wait until the keyboard focus is on `[data-testid=id]`.
pub async fn wait_focus(app: &App, id: &str) -> Result<()> {
    let last = std::cell::RefCell::new(String::new());
    let res = app
        .wait_for(&format!("focus on [data-testid={id}]"), || {
            let last = &last;
            async move {
                let now = focused_testid(app).await?;
                let hit = now == id;
                *last.borrow_mut() = now;
                Ok(hit.then_some(()))
            }
        })
        .await;
    res.with_context(|| format!("focus is on [data-testid={:?}]", last.borrow()))
}

/// Type `keys` (text and/or key codes) into whatever has the focus, as a keyboard would.
pub async fn press(app: &App, keys: &str) -> Result<()> {
    crate::harness::note_typed(keys);
    let focused = app.client().active_element().await.context("the focused element")?;
    focused.send_keys(keys).await.with_context(|| format!("send keys {keys:?} to the focused element"))
}

/// The first visible element with `data-testid=id` whose text contains `needle`.
pub async fn wait_row(app: &App, id: &str, needle: &str) -> Result<Element> {
    app.wait_for(&format!("[data-testid={id}] containing {needle:?}"), || async move {
        for row in app.all_now(id).await? {
            if row.is_displayed().await.unwrap_or(false) && row.text().await?.contains(needle) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    })
    .await
}

/// Wait until no `[data-testid=id]` has `attr` equal to `value`.
pub async fn wait_no_row(app: &App, id: &str, attr: &str, value: &str) -> Result<()> {
    let css = format!("[data-testid=\"{id}\"][{attr}=\"{value}\"]");
    app.wait_for(&format!("{css} to go away"), || {
        let css = css.clone();
        let c = app.client();
        async move { Ok(c.find_all(Locator::Css(&css)).await?.is_empty().then_some(())) }
    })
    .await
}

/// Wait for the toast to say something containing `needle`; returns its text.
pub async fn wait_toast(app: &App, needle: &str) -> Result<String> {
    let last = std::cell::RefCell::new(String::new());
    let res = app
        .wait_for(&format!("a toast containing {needle:?}"), || {
            let last = &last;
            async move {
                if !app.visible_now("toast").await? {
                    return Ok(None);
                }
                let t = app.el("toast").await?.text().await?;
                let hit = t.contains(needle);
                *last.borrow_mut() = t.clone();
                Ok(hit.then_some(t))
            }
        })
        .await;
    res.with_context(|| format!("last toast: {:?}", last.borrow()))
}

/// Wait for the "saved to …pdf" toast; returns the PDF it names, checked to be in exports/
/// beside the database and not empty.
pub async fn wait_saved_pdf(app: &App) -> Result<std::path::PathBuf> {
    let toast = wait_toast(app, ".pdf").await?;
    let exports = app.db().parent().context("db dir")?.join("exports");
    std::fs::read_dir(&exports)?
        .flatten()
        .find(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".pdf") && toast.contains(&name) && e.metadata().is_ok_and(|m| m.len() > 0)
        })
        .map(|e| e.path())
        .with_context(|| format!("no PDF named in the toast {toast:?} in {}", exports.display()))
}

/// Open 设置 (supervisor) and wait for `section_testid` to be on screen.
pub async fn open_settings(app: &App, section_testid: &str) -> Result<()> {
    app.click("nav-settings").await?;
    app.el(section_testid).await.context("settings section")?;
    Ok(())
}

/// In an open `override-dialog`: the (only) supervisor, `pin` and `reason`, then OK.
pub async fn approve_override(app: &App, pin: &str, reason: &str) -> Result<()> {
    app.el("override-dialog").await?;
    let select = app.el("override-supervisor").await?;
    // Option values are guard ids; pick the supervisor by name.
    let value = app
        .wait_for(&format!("override option {SUPERVISOR:?}"), || {
            let select = select.clone();
            async move {
                for opt in select.find_all(Locator::Css("option")).await? {
                    if opt.text().await?.contains(SUPERVISOR) {
                        return Ok(opt.attr("value").await?);
                    }
                }
                Ok(None)
            }
        })
        .await?;
    app.select("override-supervisor", &value).await?;
    app.type_into("override-pin", pin).await?;
    app.type_into("override-reason", reason).await?;
    app.click("override-ok").await
}

/// Today's duty day as the core names it (local date, duty day starting at 08:00, the
/// default), so that dates in tests are "N days ago" whatever time the tests run.
pub fn duty_day_today() -> chrono::NaiveDate {
    (chrono::Local::now().naive_local() - chrono::Duration::hours(8)).date()
}

/// Empty a text field the way a user does (Ctrl+A, Backspace), so the page sees an `input`
/// event. WebDriver's Element Clear does not fire one in WebKitWebDriver, so a Svelte
/// `bind:value` keeps the old text: `type_into(id, "")` alone does not empty the form state.
pub async fn clear_by_keys(app: &App, id: &str) -> Result<()> {
    let e = app.el(id).await?;
    e.send_keys("\u{E009}a\u{E000}\u{E003}").await.with_context(|| format!("Ctrl+A, Backspace in [data-testid={id}]"))?;
    let value = e.prop("value").await?.unwrap_or_default();
    ensure!(value.is_empty(), "[data-testid={id}] still holds {value:?}");
    Ok(())
}

/// A set-up database with 120 visitors on site (the admin CLI's `stress`, the core's own
/// check-in path): more than a windowed list (the board, linked visitors) renders at once.
pub fn init_db_with_120_on_site(db: &std::path::Path) -> Result<()> {
    init_db(db)?;
    run_cli(&["--db", &db_arg(db)?, "stress", "--visits", "120", "--pin", PIN])?;
    Ok(())
}

/// Scrolls `testid` into view and saves the window as `test-artifacts/e2e/<name>.png`.
pub async fn screenshot_at(app: &App, testid: &str, name: &str) -> Result<()> {
    app.js(&format!(r#"document.querySelector('[data-testid="{testid}"]').scrollIntoView({{block: 'center'}});"#)).await?;
    let png = app.client().screenshot().await?;
    std::fs::create_dir_all(crate::harness::artifacts_dir())?;
    std::fs::write(crate::harness::artifacts_dir().join(format!("{name}.png")), png)?;
    Ok(())
}

/// The `data-visit-id`s of the `testid` rows rendered right now, in order (the on-site
/// board's rows, the vehicle desk's linked-visitor checkboxes).
pub async fn visit_ids(app: &App, testid: &str) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for row in app.all_now(testid).await? {
        let id = row.attr("data-visit-id").await?.with_context(|| format!("{testid} without data-visit-id"))?;
        ids.push(id.parse()?);
    }
    Ok(ids)
}

/// Wait until exactly `n` `testid` rows are rendered; their `data-visit-id`s.
pub async fn wait_visit_ids(app: &App, testid: &str, n: usize) -> Result<Vec<i64>> {
    app.wait_for(&format!("{n} {testid} rows"), || async move {
        let ids = visit_ids(app, testid).await?;
        Ok((ids.len() == n).then_some(ids))
    })
    .await
}

//! Gatehouse-specific steps shared by the real-window tests: test data (valid Chinese ID
//! numbers), the admin CLI, and the screens' common paths (login, check in, on-site list).
//!
//! Everything here goes through the `data-testid`s of docs/ui-contract.md, never through
//! CSS classes or wording, so a restyled or retranslated UI does not break the tests.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::Locator;

use crate::harness::App;

pub const SITE: &str = "测试大学";
pub const GATE: &str = "东门";
pub const SUPERVISOR: &str = "王主管";
/// Not a run or a repeat, so a PIN-strength rule in the core does not reject it.
pub const PIN: &str = "730419";
pub const WRONG_PIN: &str = "730418";

/// The `gatehouse` admin CLI built for this test run.
pub fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
}

/// Run the CLI, fail with its output unless it exits 0.
pub fn run_cli(args: &[&str]) -> Result<String> {
    let out = cli().args(args).output().context("run the gatehouse CLI")?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "`gatehouse {}` exited {}\nstdout: {stdout}\nstderr: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}

/// Create a set-up database (site, gate, one supervisor) so that tests which are not about
/// the setup screen start at the login screen.
pub fn init_db(db: &Path) -> Result<()> {
    let db = db.to_str().context("temp path is not UTF-8")?;
    run_cli(&[
        "--db", db, "init", "--site", SITE, "--gate", GATE, "--supervisor", SUPERVISOR, "--pin", PIN,
    ])?;
    Ok(())
}

/// GB 11643-1999 check character for the first 17 digits of a resident ID number.
pub fn gb11643_check(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    assert_eq!(first17.len(), 17, "need 17 digits");
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).expect("digits only") * w)
        .sum();
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
    let toast = app.text("toast").await.context("success toast after check-in")?;
    ensure!(!toast.trim().is_empty(), "empty toast");
    Ok(())
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

//! Issue 16: the .deb that `make package` made, installed for real (`apt-get install
//! ./gatehouse_….deb` as root, through `sudo -n` otherwise): its files (`dpkg -L`), its
//! dependencies (no -dev package), the CLI's `--version`, the installed app started through
//! tauri-driver to the set-up screen, then `apt-get remove`, which leaves the data in place.
//!
//! `#[ignore]`: it changes the machine's packages, so only `make test` runs it, after
//! `make package` (`--ignored`).

use std::path::{Path, PathBuf};

use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use crate::harness::{e2e_test_of, repo_root};

const PACKAGE: &str = "gatehouse";

fn deb_path() -> Result<PathBuf> {
    let arch = output(Command::new("dpkg").arg("--print-architecture"))?;
    // `make test` makes it from the test build (GATEHOUSE_PACKAGE_PROFILE=debug), `make package` in release.
    let profile = std::env::var("GATEHOUSE_PACKAGE_PROFILE").unwrap_or_else(|_| "release".into());
    let deb = repo_root().join("target").join(profile).join("bundle/deb").join(format!("{PACKAGE}_{}_{}.deb", env!("CARGO_PKG_VERSION"), arch.trim()));
    ensure!(deb.is_file(), "{} not found: run `make package` first", deb.display());
    Ok(deb)
}

/// `apt-get`/`dpkg` as root: directly when we are root (CI), else through `sudo -n` (never
/// a password prompt), as scripts/deps.sh does.
fn as_root(program: &str) -> Command {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", program]);
        c
    };
    cmd.env("DEBIAN_FRONTEND", "noninteractive").stdin(std::process::Stdio::null());
    cmd
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("run {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} exited {}\n{}{}", out.status, String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Removes the package when the test ends, passed or failed, so a failure does not leave it
/// installed on the machine.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = as_root("apt-get").args(["remove", "-y", "-q", PACKAGE]).status();
    }
}

#[test]
#[ignore = "installs the .deb: run by `make test` after `make package`"]
fn the_installed_package_starts_to_the_set_up_screen_and_leaves_data_on_removal() {
    let deb = deb_path().unwrap_or_else(|e| panic!("{e:#}"));
    // apt wants a path with a slash to take a file rather than a package name.
    output(as_root("apt-get").args(["install", "-y", "-q", "--reinstall"]).arg(&deb)).unwrap_or_else(|e| panic!("{e:#}"));
    let installed = Installed;
    if let Err(e) = check_files() {
        panic!("{e:#}");
    }

    e2e_test_of(
        Path::new("/usr/bin/gatehouse-desktop"),
        "installed_package",
        |_| Ok(()),
        |app| async move {
            app.step("setup-screen");
            app.el("setup-site-name").await?;
            app.screen_png("installed-package-setup-screen")?;

            app.step("remove");
            // The app made its database and key at start; removing the package keeps both.
            ensure!(app.db().is_file() && app.key_file().is_file(), "no database or key file after the first start");
            output(as_root("apt-get").args(["remove", "-y", "-q", PACKAGE]))?;
            ensure!(!Path::new("/usr/bin/gatehouse-desktop").exists() && !Path::new("/usr/bin/gatehouse").exists(), "programs left after apt-get remove");
            ensure!(app.db().is_file() && app.key_file().is_file(), "apt-get remove took the database or the key file");
            Ok(())
        },
    );
    drop(installed);
}

fn check_files() -> Result<()> {
    let files = output(Command::new("dpkg").args(["-L", PACKAGE]))?;
    let has = |path: &str| files.lines().any(|l| l == path);
    for path in [
        "/usr/bin/gatehouse-desktop",
        "/usr/bin/gatehouse",
        "/usr/share/applications/gatehouse.desktop",
        "/usr/share/man/man1/gatehouse.1.gz",
        "/usr/share/man/man1/gatehouse-desktop.1.gz",
        "/usr/share/doc/gatehouse/copyright",
    ] {
        ensure!(has(path), "dpkg -L {PACKAGE} lacks {path}:\n{files}");
    }
    for size in ["16x16", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512"] {
        let icon = format!("/usr/share/icons/hicolor/{size}/apps/gatehouse-desktop.png");
        ensure!(has(&icon), "dpkg -L {PACKAGE} lacks {icon}:\n{files}");
    }
    let entry = std::fs::read_to_string("/usr/share/applications/gatehouse.desktop")?;
    for line in ["Name=Gatehouse", "Name[zh_CN]=门卫值班", "Exec=gatehouse-desktop", "Icon=gatehouse-desktop"] {
        ensure!(entry.lines().any(|l| l == line), "the desktop entry lacks {line:?}:\n{entry}");
    }
    let depends = output(Command::new("dpkg-query").args(["-W", "-f=${Depends}", PACKAGE]))?;
    ensure!(depends.contains("libwebkit2gtk-4.1-0") && depends.contains("fonts-noto-cjk"), "Depends: {depends}");
    ensure!(!depends.contains("-dev"), "a -dev package in Depends: {depends}");
    let version = output(Command::new("/usr/bin/gatehouse").arg("--version"))?;
    ensure!(version.trim() == format!("gatehouse {}", env!("CARGO_PKG_VERSION")), "gatehouse --version printed {version:?}");
    Ok(())
}

//! `make bench`, second half: the desktop app itself. App start to first screen (release
//! build under a private Xvfb) and memory (PSS of the app and its WebKit processes) after
//! start and after 1,000 check-ins, each against its baseline from the same run: the same
//! shell showing a blank page (`GATEHOUSE_BENCH_BLANK_PAGE`, no database, no UI), started
//! alternately with the app, so WebKit's own floor is measured rather than assumed. Prints
//! its rows like `benches/gatehouse.rs` and merges them into `target/bench.json`. Timings go
//! here, never into tests.
//!
//! How "first screen" is measured, with nothing subtracted: the clock starts when the
//! WebDriver session is requested (tauri-driver → WebKitWebDriver spawns the app then) and
//! stops when the setup screen's first field (`setup-site-name`, a fresh database) is in the
//! DOM and displayed, polled every 10 ms. So the figure includes WebKitWebDriver's own start
//! overhead and the polling: the real start is, if anything, a little quicker.
//!
//! Memory: the sum of `Pss` from `/proc/PID/smaps_rollup` over the app process and every
//! descendant (WebKitWebProcess, WebKitNetworkProcess, sandbox helpers). PSS splits shared
//! pages among the processes that map them, so the sum does not count a library twice. The
//! figure reported is that PSS as if no other WebKit app ran (`Run::alone_kb`): kernel PSS
//! also splits WebKit's pages with any other WebKit process on the machine (an e2e test, the
//! previous run still exiting), which made the same app read 173 MB instead of 238 MB.
//!
//! The 1,000 check-ins go through the app: the UI's own IPC (`check_in_visitor`, the command
//! the visitor form calls) executed inside the webview, after setting up the site and
//! logging in the same way; then the page reloads so the dashboard lists everyone on site.
//!
//! Needs: the release desktop binary (`make bench` builds it), Xvfb, tauri-driver and
//! WebKitWebDriver (`make deps`). `APP_BENCH_RUNS` sets the number of starts (default 5);
//! `APP_BENCH_SMAPS=DIR` also copies each measured process's `/proc/PID/smaps` into DIR
//! (`scripts/smaps-summary.py DIR` sums them by mapping).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use gatehouse_e2e::{free_port, http_get, Proc, Xvfb};
use hyper_util::client::legacy::connect::HttpConnector;

const CHECK_INS: usize = 1_000;
const PIN: &str = "246810";

/// A row of the table, in the shape of `benches/gatehouse.rs`'s (value, baseline from the
/// same run, their ratio).
struct Figure {
    name: String,
    value: String,
    baseline: String,
    ratio: Option<f64>,
    target: &'static str,
}

impl Figure {
    fn against(name: impl Into<String>, (value, base): (String, String), ratio: f64, target: &'static str) -> Figure {
        Figure { name: name.into(), value, baseline: base, ratio: Some(ratio), target }
    }

    fn new(name: impl Into<String>, value: String, target: &'static str) -> Figure {
        Figure { name: name.into(), value, baseline: String::new(), ratio: None, target }
    }
}

/// What a run's window shows: the app, or the bench's blank page in the same shell.
#[derive(Clone, Copy, PartialEq)]
enum Page {
    App,
    Blank,
}

impl Page {
    /// The element whose display ends the start clock.
    fn first_element(self) -> &'static str {
        match self {
            Page::App => "setup-site-name",
            Page::Blank => "blank-page",
        }
    }
}

/// The release binary: `target/release/gatehouse-desktop`, beside this bench's own
/// `target/release/deps/app-HASH` (also under CARGO_TARGET_DIR); GATEHOUSE_DESKTOP_BIN overrides.
fn desktop_bin() -> Result<PathBuf> {
    let path = match std::env::var_os("GATEHOUSE_DESKTOP_BIN") {
        Some(p) => PathBuf::from(p),
        None => {
            let exe = std::env::current_exe()?;
            exe.parent().and_then(Path::parent).ok_or_else(|| anyhow!("odd bench path {}", exe.display()))?.join("gatehouse-desktop")
        }
    };
    if !path.is_file() {
        bail!("{} not found: build the release app first (`make bench` and `make package` do)", path.display());
    }
    Ok(path.canonicalize()?)
}

/// One app run: its temp dir (database, HOME, XDG dirs), tauri-driver and the session.
struct Run {
    _dir: tempfile::TempDir,
    db: PathBuf,
    driver: Option<Proc>,
    client: Option<Client>,
}

impl Run {
    /// Starts tauri-driver, then times the session request to the page's first element.
    async fn start(bin: &Path, display: &str, page: Page) -> Result<(Run, Duration)> {
        let dir = tempfile::Builder::new().prefix("gatehouse-bench-app-").tempdir()?;
        let db = dir.path().join("gatehouse.db");
        let sub = |name: &str| -> Result<String> {
            let p = dir.path().join(name);
            std::fs::create_dir_all(&p)?;
            Ok(p.display().to_string())
        };
        let runtime = sub("runtime")?;
        std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        let (port, native) = (free_port()?, free_port()?);
        let mut cmd = Command::new("tauri-driver");
        cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("DISPLAY", display)
            .env("GDK_BACKEND", "x11")
            .env("GATEHOUSE_DB", &db)
            .env("HOME", sub("home")?)
            .env("XDG_DATA_HOME", sub("data")?)
            .env("XDG_CONFIG_HOME", sub("config")?)
            .env("XDG_CACHE_HOME", sub("cache")?)
            .env("XDG_RUNTIME_DIR", runtime)
            .env("NO_AT_BRIDGE", "1");
        if page == Page::Blank {
            cmd.env("GATEHOUSE_BENCH_BLANK_PAGE", "1");
        }
        let driver = Proc::spawn("tauri-driver", cmd, Duration::from_secs(5)).context("tauri-driver (`make deps` installs it)")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if http_get(port, "/status").is_ok_and(|b| b.chars().filter(|c| !c.is_whitespace()).collect::<String>().contains("\"ready\":true")) {
                break;
            }
            if Instant::now() > deadline {
                bail!("tauri-driver not ready after 30 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": bin, "args": [] }));
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps);

        let started = Instant::now();
        let client = tokio::time::timeout(Duration::from_secs(60), builder.connect(&format!("http://127.0.0.1:{port}")))
            .await
            .map_err(|_| anyhow!("no WebDriver session after 60 s"))??;
        let mut run = Run { _dir: dir, db, driver: Some(driver), client: Some(client) };
        run.wait_visible(page.first_element(), Duration::from_millis(10)).await?;
        let first_screen = started.elapsed();
        Ok((run, first_screen))
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("session")
    }

    async fn wait_visible(&mut self, testid: &str, poll: Duration) -> Result<()> {
        let css = format!("[data-testid=\"{testid}\"]");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            for e in self.client().find_all(Locator::Css(&css)).await? {
                if e.is_displayed().await.unwrap_or(false) {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!("{testid} not shown after 60 s");
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// Runs an async IPC script in the webview: `arguments[0]` is `args`, the last argument
    /// the WebDriver callback; the script resolves to `"ok"` or an error text.
    async fn invoke_script(&self, body: &str, args: serde_json::Value) -> Result<()> {
        let script = format!(
            "const done = arguments[arguments.length - 1]; const args = arguments[0];
             const invoke = window.__TAURI_INTERNALS__.invoke;
             (async () => {{ {body} }})().then(() => done('ok'), e => done('error: ' + JSON.stringify(e)));"
        );
        let out = self.client().execute_async(&script, vec![args]).await?;
        match out.as_str() {
            Some("ok") => Ok(()),
            other => bail!("in-app script failed: {other:?}"),
        }
    }

    /// Pids of this run's app (its binary, with our database in its environment) and of all
    /// their descendants.
    fn app_tree(&self, bin: &Path) -> Vec<i32> {
        let want_env = format!("GATEHOUSE_DB={}", self.db.display());
        let mut parents: Vec<(i32, i32)> = Vec::new();
        let mut roots = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
            if let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) {
                // The command name may hold spaces and parentheses: ppid follows the last ')'.
                if let Some(ppid) = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)).and_then(|p| p.parse().ok()) {
                    parents.push((pid, ppid));
                }
            }
            if std::fs::read_link(entry.path().join("exe")).ok().as_deref() == Some(bin) {
                let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
                if environ.split(|b| *b == 0).any(|v| v == want_env.as_bytes()) {
                    roots.push(pid);
                }
            }
        }
        let mut tree = roots;
        let mut i = 0;
        while i < tree.len() {
            let parent = tree[i];
            tree.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
            i += 1;
        }
        tree
    }

    /// (total PSS in kB, one "name pss" note per process).
    fn pss(&self, bin: &Path, label: &str) -> Result<(u64, Vec<String>)> {
        let tree = self.app_tree(bin);
        if tree.is_empty() {
            bail!("the app process was not found");
        }
        let mut total = 0;
        let mut notes = Vec::new();
        for pid in tree {
            let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else { continue };
            let kb: u64 = rollup.lines().find_map(|l| l.strip_prefix("Pss:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0);
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if let Some(dir) = std::env::var_os("APP_BENCH_SMAPS") {
                // Diagnosis: keep each process's full smaps to see where its PSS goes.
                let _ = std::fs::create_dir_all(&dir);
                let to = Path::new(&dir).join(format!("{label}-{}-{pid}.smaps", name.trim()));
                let _ = std::fs::copy(format!("/proc/{pid}/smaps"), to);
            }
            notes.push(format!("{} {} MB", name.trim(), kb / 1024));
            total += kb;
        }
        Ok((total, notes))
    }

    /// The tree's PSS as if no other WebKit app ran: for every physical page its processes
    /// map, (mappings in the tree) / (all mappings - mappings by other WebKit processes),
    /// from `/proc/PID/pagemap` and `/proc/kpagecount` (root only; None otherwise). Kernel
    /// PSS splits a page shared with *another* WebKit app (a second Gatehouse, an e2e test,
    /// a previous run still exiting) between them, so the same app reads 175 MB beside
    /// another and 245 MB alone; this figure does not move. Pages shared with the rest of
    /// the system (libc with Xvfb) are split as the kernel does. Equals kernel PSS when no
    /// other WebKit process runs.
    fn alone_kb(&self, bin: &Path) -> Option<u64> {
        let tree = self.app_tree(bin);
        let foreign: Vec<i32> = webkit_pids().into_iter().filter(|p| !tree.contains(p)).collect();
        let mine = pfn_mappings(&tree)?;
        let others = pfn_mappings(&foreign).unwrap_or_default();
        let mut kpagecount = std::fs::File::open("/proc/kpagecount").ok()?;
        let mut pss_pages = 0f64;
        let mut buf = [0u8; 8];
        for (pfn, k) in &mine {
            use std::io::{Seek, SeekFrom};
            kpagecount.seek(SeekFrom::Start(pfn * 8)).ok()?;
            kpagecount.read_exact(&mut buf).ok()?;
            let n = u64::from_le_bytes(buf) as f64;
            let f = others.get(pfn).copied().unwrap_or(0) as f64;
            let k = *k as f64;
            pss_pages += k / (n - f).max(k);
        }
        Some((pss_pages * 4.0) as u64)
    }

    /// Processes outside the tree that map WebKit's library: while any run, kernel PSS of
    /// the tree reads low (see `alone_kb`).
    fn foreign_webkit(&self, bin: &Path) -> usize {
        let tree = self.app_tree(bin);
        webkit_pids().into_iter().filter(|p| !tree.contains(p)).count()
    }

    async fn close(mut self) {
        if let Some(c) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), c.close()).await;
        }
        drop(self.driver.take());
    }
}

fn synthetic_id(i: usize) -> String {
    let first17 = format!("110101{}{:02}{:02}{:03}", 1960 + i % 40, 1 + i % 12, 1 + i % 28, i % 1000);
    format!("{first17}{}", gatehouse::validate::cn_id::check_char(&first17).expect("17 digits"))
}

fn median<T: Ord + Copy>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

/// Every process mapping WebKitGTK's library (apps, web and network processes).
fn webkit_pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()))
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/maps")).is_ok_and(|m| m.contains("libwebkit2gtk")))
        .collect()
}

/// Physical page -> how many times `pids` map it, from `/proc/PID/pagemap`. None without
/// the right to read page frames (every PFN then reads as 0).
fn pfn_mappings(pids: &[i32]) -> Option<std::collections::HashMap<u64, u32>> {
    use std::io::{Seek, SeekFrom};
    let mut counts = std::collections::HashMap::new();
    for pid in pids {
        let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else { continue };
        let Ok(mut pagemap) = std::fs::File::open(format!("/proc/{pid}/pagemap")) else { continue };
        for line in maps.lines() {
            let mut parts = line.split_whitespace();
            let (Some(range), Some(perms)) = (parts.next(), parts.next()) else { continue };
            // Reservations without access (JSC's gigacage, guard pages) hold no pages.
            if perms.starts_with("---") {
                continue;
            }
            let Some((a, b)) = range.split_once('-') else { continue };
            let (Ok(start), Ok(end)) = (u64::from_str_radix(a, 16), u64::from_str_radix(b, 16)) else { continue };
            let mut buf = vec![0u8; ((end - start) / 4096) as usize * 8];
            if pagemap.seek(SeekFrom::Start(start / 4096 * 8)).is_err() || pagemap.read_exact(&mut buf).is_err() {
                continue;
            }
            for entry in buf.chunks_exact(8) {
                let v = u64::from_le_bytes(entry.try_into().expect("8 bytes"));
                let pfn = v & ((1 << 55) - 1);
                if v >> 63 == 1 && pfn != 0 {
                    *counts.entry(pfn).or_insert(0) += 1;
                }
            }
        }
    }
    (!counts.is_empty() || pids.is_empty()).then_some(counts)
}

/// The memory figure of a run and its log line. The figure is the tree's PSS as if it ran
/// alone (`Run::alone_kb`) where the bench can read page frames (root), else kernel PSS;
/// the line gives both, per process, and how many other WebKit processes were running.
fn memory(run: &Run, bin: &Path, label: &str) -> Result<(u64, String)> {
    let (pss, notes) = run.pss(bin, label)?;
    let alone = run.alone_kb(bin);
    let foreign = run.foreign_webkit(bin);
    let mut line = format!("{} PSS ({})", mb(pss), notes.join(", "));
    match alone {
        Some(kb) => line.push_str(&format!("; alone {}", mb(kb))),
        None => line.push_str("; alone: n/a (reading page frames needs root)"),
    }
    if foreign > 0 {
        line.push_str(&format!("; {foreign} other WebKit process(es) running: PSS reads low"));
    }
    Ok((alone.unwrap_or(pss), line))
}

async fn measure(bin: &Path, display: &str, runs: usize) -> Result<Vec<Figure>> {
    let (mut starts, mut blank_starts) = (Vec::new(), Vec::new());
    let (mut idle, mut blank_idle) = (Vec::new(), Vec::new());
    let mut last = None;
    for i in 0..runs {
        // The blank page first, then the app: the machine's noise of the moment falls on both.
        let (blank, took) = Run::start(bin, display, Page::Blank).await.with_context(|| format!("blank page start {}", i + 1))?;
        blank_starts.push(took);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (kb, line) = memory(&blank, bin, &format!("blank{}", i + 1))?;
        eprintln!("blank page start {}: {:.0} ms to first element; {line}", i + 1, took.as_secs_f64() * 1000.0);
        blank_idle.push(kb);
        blank.close().await;

        let (run, took) = Run::start(bin, display, Page::App).await.with_context(|| format!("start {}", i + 1))?;
        starts.push(took);
        // Let the first screen settle (fonts, lazy chunks, GC) before reading memory.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (kb, line) = memory(&run, bin, &format!("start{}", i + 1))?;
        eprintln!("app start {}: {:.0} ms to first screen; {line}", i + 1, took.as_secs_f64() * 1000.0);
        idle.push(kb);
        if i + 1 == runs {
            last = Some(run);
        } else {
            run.close().await;
        }
    }
    let mut run = last.ok_or_else(|| anyhow!("no runs"))?;

    // Through the app: set up, log in, 1,000 check-ins, all over the UI's IPC.
    run.invoke_script(
        "await invoke('setup_site', { setup: { siteName: '基准学校', gateName: '东门', supervisorName: '王主管', pin: args.pin } });
         const guards = await invoke('list_login_guards');
         await invoke('log_in', { guardId: guards[0].id, pin: args.pin });",
        serde_json::json!({ "pin": PIN }),
    )
    .await?;
    let ids: Vec<String> = (0..CHECK_INS).map(synthetic_id).collect();
    let started = Instant::now();
    for chunk in ids.chunks(100) {
        run.invoke_script(
            "for (const id of args.ids) {
               await invoke('check_in_visitor', { visitor: {
                 name: '张伟', docType: 'resident_id', idNumber: id, phone: '13812345678', organisation: '某公司',
                 hostStaffId: null, host: '陈老师', purpose: '家长会', companions: 0, companionNames: null,
                 itemsIn: null, plate: null, expectedMinutes: null, notes: null, hostConfirmedBy: null,
                 photo: null, acknowledgedWatchlist: [], watchlistOverride: null } });
             }",
            serde_json::json!({ "ids": chunk }),
        )
        .await?;
    }
    let ipc = started.elapsed();
    // The UI shows what a guard would see now: the dashboard with 1,000 people on site.
    run.client().execute("location.reload(); return null;", vec![]).await?;
    run.wait_visible("on-site-row", Duration::from_millis(100)).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (after, line) = memory(&run, bin, "after")?;
    eprintln!("after {CHECK_INS} check-ins: {line}");
    run.close().await;

    let (start, blank_start) = (median(starts.clone()), median(blank_starts));
    let (idle_kb, blank_kb) = (median(idle), median(blank_idle));
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let blank = |text: String| format!("{text} blank page");
    Ok(vec![
        Figure::against(
            format!("app start to first screen, median of {runs}"),
            (ms(start), blank(ms(blank_start))),
            start.as_secs_f64() / blank_start.as_secs_f64().max(1e-9),
            "< 1 s",
        ),
        Figure::new("app start to first screen, slowest", ms(*starts.iter().max().expect("runs > 0")), ""),
        Figure::against(
            "app memory after start (PSS alone, app + WebKit)",
            (mb(idle_kb), blank(mb(blank_kb))),
            idle_kb as f64 / blank_kb.max(1) as f64,
            "< 200 MB",
        ),
        Figure::new(format!("{CHECK_INS} check-ins through the app (IPC)"), format!("{:.2} s", ipc.as_secs_f64()), ""),
        Figure::against(
            format!("app memory after {CHECK_INS} check-ins (PSS alone)"),
            (mb(after), blank(mb(blank_kb))),
            after as f64 / blank_kb.max(1) as f64,
            "< 200 MB",
        ),
    ])
}

/// Adds our rows to `target/bench.json` (written by the core bench), replacing older ones.
fn merge_json(figures: &[Figure]) -> Result<PathBuf> {
    // This package is the repository's `e2e/`; the core bench writes the same file.
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench.json");
    let mut rows: Vec<serde_json::Value> = std::fs::read_to_string(&out).ok().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    rows.retain(|r| !figures.iter().any(|f| r.get("figure").and_then(|v| v.as_str()) == Some(f.name.as_str())));
    rows.extend(
        figures.iter().map(|f| serde_json::json!({ "figure": f.name, "value": f.value, "baseline": f.baseline, "ratio": f.ratio, "target": f.target })),
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&rows)?)?;
    Ok(out)
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; there are no options to read.
    let runs = std::env::var("APP_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).filter(|n| *n > 0).unwrap_or(5);
    let bin = desktop_bin()?;
    let xvfb = Xvfb::start(Stdio::null())?;
    let display = xvfb.display.clone();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let figures = rt.block_on(measure(&bin, &display, runs))?;
    println!("{:<52} {:>10} {:>24} {:>7}  target", "figure", "value", "baseline (same run)", "ratio");
    for f in &figures {
        let ratio = f.ratio.map(|r| format!("x{r:.2}")).unwrap_or_default();
        println!("{:<52} {:>10} {:>24} {:>7}  {}", f.name, f.value, f.baseline, ratio, f.target);
    }
    let out = merge_json(&figures)?;
    println!("added to {}", out.display());
    Ok(())
}

//! Harness for the real-window tests: one private X server, one tauri-driver and one app
//! per test, each with its own temp dir (database, HOME, XDG dirs), all torn down at the end.
//!
//! Owns: starting and killing those processes, the WebDriver session, explicit waits, and
//! the evidence saved when a step fails (screenshots and the driver/app log).
//! Must not: know anything about Gatehouse screens; that is `flows.rs` and the tests.
//!
//! How a test runs (`e2e_test`): the test body gets an [`App`] handle, marks its steps with
//! [`App::step`] and returns `anyhow::Result`. When it fails (error or panic) the harness saves
//! `test-artifacts/e2e/<test>-<step>.png` (WebDriver screenshot of the webview) and
//! `<test>-<step>-screen.png` (the whole X screen, which works even when the app is gone),
//! prints their paths and the log path, then kills everything and fails the test.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use gatehouse_e2e::{free_port, http_get, log_file, require_on_path, Proc, Xvfb};
use hyper_util::client::legacy::connect::HttpConnector;

/// How long an explicit wait polls before it gives up. Generous because a debug build of a
/// WebKit app on 2 busy cores can take seconds to render; override with E2E_TIMEOUT_SECS.
pub fn wait_timeout() -> Duration {
    let secs = std::env::var("E2E_TIMEOUT_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    Duration::from_secs(secs)
}

/// Interval between polls of a wait: short enough to keep tests quick, long enough not to
/// flood WebKitWebDriver.
const POLL: Duration = Duration::from_millis(100);

/// Each test starts a whole WebKit app; several at once on a 2-core machine make every wait
/// flaky. Tests hold this lock for their whole run, so they are serial whatever
/// `--test-threads` says.
static SERIAL: Mutex<()> = Mutex::new(());

/// Repository root (this package is its `e2e/`): artifacts go under it, whatever the
/// current directory is.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e/ sits in the repository").to_path_buf()
}

pub fn artifacts_dir() -> PathBuf {
    repo_root().join("test-artifacts").join("e2e")
}

/// What one run of the suite shares between its tests: `state/` is every app's and CLI's
/// `XDG_STATE_HOME` (so the log files of the whole run are in one place) and `typed.txt`
/// holds what the tests typed. `make e2e` empties it first (`E2E_RUN_DIR`); the log check
/// (`logs.rs`) reads both after the suite.
pub fn run_dir() -> PathBuf {
    std::env::var_os("E2E_RUN_DIR").map(PathBuf::from).unwrap_or_else(|| artifacts_dir().join("run"))
}

pub fn state_dir() -> PathBuf {
    run_dir().join("state")
}

/// Notes text a test typed into the app or gave the CLI (key codes such as Enter dropped),
/// for the check that none of it reached a log file.
pub fn note_typed(text: &str) {
    let clean: String = text.chars().filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c)).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        return;
    }
    let _ = std::fs::create_dir_all(run_dir());
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(run_dir().join("typed.txt")) {
        let _ = writeln!(file, "{}", clean.replace('\n', " "));
    }
}

/// The profile dir this test binary was built into (target/debug for target/debug/deps/e2e-HASH,
/// also under CARGO_TARGET_DIR): the workspace's programs are beside it.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent().and_then(Path::parent).unwrap_or_else(|| panic!("unexpected test binary path {}", exe.display())).to_path_buf()
}

/// The admin CLI `gatehouse` of the same build (`cargo build --workspace --bins` makes it).
pub fn cli_bin() -> PathBuf {
    profile_dir().join("gatehouse")
}

/// The debug binary under test. `GATEHOUSE_DESKTOP_BIN` overrides it (an absolute path);
/// otherwise it sits in the profile dir (`profile_dir`).
pub fn desktop_bin() -> Result<PathBuf> {
    let path = match std::env::var_os("GATEHOUSE_DESKTOP_BIN") {
        Some(p) => PathBuf::from(p),
        None => profile_dir().join("gatehouse-desktop"),
    };
    if !path.is_file() {
        bail!(
            "app binary {} not found: build it first (`make e2e` does, or \
             `cargo build -p gatehouse-desktop` after `npm run build` in ui/)",
            path.display()
        );
    }
    path.canonicalize().context("canonicalize app binary path")
}

/// A private D-Bus session bus: the single-instance plugin finds a running app on it, as it
/// does on a desktop's session bus. `--print-address` says when it is ready.
struct SessionBus {
    #[allow(dead_code)]
    proc: Proc,
    address: String,
}

impl SessionBus {
    fn start(log: &Path) -> Result<Self> {
        require_on_path("dbus-daemon", "dbus")?;
        let mut cmd = Command::new("dbus-daemon");
        // A socket of its own choosing in /tmp: one in the test's folder would be longer
        // than a Unix socket path may be (108 bytes).
        cmd.args(["--session", "--nofork", "--print-address=1", "--address=unix:tmpdir=/tmp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file(log)?);
        let mut proc = Proc::spawn("dbus-daemon", cmd, Duration::from_secs(2))?;
        let stdout = proc.child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).context("read the address from dbus-daemon")?;
        let address = line.trim().to_string();
        ensure!(address.starts_with("unix:"), "dbus-daemon did not start (printed {line:?}); see {}", log.display());
        Ok(Self { proc, address })
    }
}

/// tauri-driver on free ports, with the environment the app will inherit.
struct Driver {
    proc: Proc,
    port: u16,
}

impl Driver {
    fn start(env: &[(String, String)], log: &Path) -> Result<Self> {
        require_on_path("tauri-driver", "tauri-driver (`cargo install tauri-driver --version '^2' --locked`)")?;
        require_on_path("WebKitWebDriver", "webkit2gtk-driver")?;
        let port = free_port()?;
        let native_port = free_port()?;
        let mut cmd = Command::new("tauri-driver");
        cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file(log)?)
            .stderr(log_file(log)?)
            // The app must not talk to a desktop session of whoever runs the tests.
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        // The app closes its database on SIGTERM within 1-2 s; give the chain 5 s.
        let proc = Proc::spawn("tauri-driver", cmd, Duration::from_secs(5))?;
        Ok(Self { proc, port })
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// tauri-driver accepts connections before WebKitWebDriver is up, so wait for
    /// `GET /status` to say `"ready": true` before asking for a session.
    fn wait_ready(&mut self, log: &Path) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = String::from("no answer");
        while Instant::now() < deadline {
            if let Some(status) = self.proc.exited() {
                bail!("tauri-driver exited ({status}); see {}", log.display());
            }
            match http_get(self.port, "/status") {
                Ok(body) => {
                    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                    if compact.contains("\"ready\":true") {
                        return Ok(());
                    }
                    last = body;
                }
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(POLL);
        }
        bail!("tauri-driver not ready after 30 s (last: {last}); see {}", log.display())
    }
}

/// What one test owns. Dropping it kills the driver chain (and with it the app), then Xvfb,
/// which also ends any window that escaped the process group.
struct Procs {
    driver: Option<Driver>,
    bus: Option<SessionBus>,
    xvfb: Option<Xvfb>,
}

impl Drop for Procs {
    fn drop(&mut self) {
        drop(self.driver.take());
        drop(self.bus.take());
        drop(self.xvfb.take());
    }
}

struct Inner {
    test: String,
    /// Held for its Drop, which deletes the database and HOME of this test.
    #[allow(dead_code)]
    dir: tempfile::TempDir,
    db: PathBuf,
    app_bin: PathBuf,
    log: PathBuf,
    display: String,
    env: Vec<(String, String)>,
    driver_url: Mutex<String>,
    client: Mutex<Option<Client>>,
    step: Mutex<String>,
    procs: Mutex<Option<Procs>>,
}

/// Handle on the app under test; cheap to clone (the test body owns one, the harness another
/// for the failure evidence).
#[derive(Clone)]
pub struct App(Arc<Inner>);

/// Run one real-window test. `prepare` runs before the app starts (for example to create the
/// database with the CLI); `body` drives the window.
pub fn e2e_test<P, F, Fut>(test: &str, prepare: P, body: F)
where
    P: FnOnce(&Path) -> Result<()>,
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let app_bin = desktop_bin().unwrap_or_else(|e| panic!("e2e {test}: {e:#}"));
    e2e_test_of(&app_bin, test, prepare, body)
}

/// `e2e_test` of another build of the app (the installed package's binary).
pub fn e2e_test_of<P, F, Fut>(app_bin: &Path, test: &str, prepare: P, body: F)
where
    P: FnOnce(&Path) -> Result<()>,
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let _serial = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");

    let app = match App::start(app_bin, test, prepare, &rt) {
        Ok(app) => app,
        Err(e) => panic!("e2e {test}: could not start the app: {e:#}"),
    };
    // A WebDriver call can hang for ever when the app wedges; bound the whole test so that
    // it fails with evidence instead of blocking CI.
    let limit = Duration::from_secs(std::env::var("E2E_TEST_TIMEOUT_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(180));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            match tokio::time::timeout(limit, body(app.clone())).await {
                Ok(result) => result,
                Err(_) => Err(anyhow!("test still running after {limit:?}; gave up")),
            }
        })
    }));
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(format!("{e:#}")),
        Err(panic) => {
            Some(panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "panic".into()))
        }
    };
    if let Some(msg) = failure {
        let step = app.current_step();
        let evidence = rt.block_on(app.save_evidence(&step));
        app.shutdown(&rt);
        panic!("e2e {test} failed at step `{step}`: {msg}\n{evidence}\nlog: {}", app.0.log.display());
    }
    app.shutdown(&rt);
}

impl App {
    fn start<P>(app_bin: &Path, test: &str, prepare: P, rt: &tokio::runtime::Runtime) -> Result<Self>
    where
        P: FnOnce(&Path) -> Result<()>,
    {
        let app_bin = app_bin.to_path_buf();
        std::fs::create_dir_all(artifacts_dir())?;
        let log = artifacts_dir().join(format!("{test}.log"));
        // A fresh log per run: the previous run's lines would only mislead.
        let _ = std::fs::remove_file(&log);

        let dir = tempfile::Builder::new().prefix(&format!("gatehouse-e2e-{test}-")).tempdir()?;
        let db = dir.path().join("gatehouse.db");
        prepare(&db).context("prepare")?;

        let xvfb = Xvfb::start(log_file(&log)?.into()).with_context(|| format!("see {}", log.display()))?;
        let display = xvfb.display.clone();
        let bus = SessionBus::start(&log)?;
        let env = app_env(dir.path(), &db, &display, &bus.address)?;
        let mut driver = Driver::start(&env, &log)?;
        let driver_url = driver.url();
        let mut procs = Procs { driver: None, bus: Some(bus), xvfb: Some(xvfb) };
        driver.wait_ready(&log)?;
        procs.driver = Some(driver);

        let app = App(Arc::new(Inner {
            test: test.to_string(),
            dir,
            db,
            app_bin,
            log,
            display,
            env,
            driver_url: Mutex::new(driver_url),
            client: Mutex::new(None),
            step: Mutex::new("start".into()),
            procs: Mutex::new(Some(procs)),
        }));
        if let Err(e) = rt.block_on(app.new_session()) {
            let evidence = rt.block_on(app.save_evidence("start"));
            app.shutdown(rt);
            bail!("{e:#}\n{evidence}");
        }
        Ok(app)
    }

    /// Start the app again on the same database and HOME, after it was killed. A fresh
    /// tauri-driver is used: WebKitWebDriver keeps the dead app's session and refuses a second
    /// one ("Maximum number of active sessions").
    pub async fn relaunch(&self) -> Result<()> {
        self.0.client.lock().unwrap().take();
        {
            let mut guard = self.0.procs.lock().unwrap();
            let procs = guard.as_mut().ok_or_else(|| anyhow!("harness already shut down"))?;
            drop(procs.driver.take());
            let mut driver = Driver::start(&self.0.env, &self.0.log)?;
            driver.wait_ready(&self.0.log)?;
            *self.0.driver_url.lock().unwrap() = driver.url();
            procs.driver = Some(driver);
        }
        self.new_session().await
    }

    /// Open a WebDriver session, which launches the app.
    async fn new_session(&self) -> Result<()> {
        let url = self.0.driver_url.lock().unwrap().clone();
        // Extra arguments for the binary: only needed to check the harness itself against
        // another WebKitGTK program (MiniBrowser wants `--automation`); Tauri apps take none.
        let args: Vec<String> = std::env::var("E2E_APP_ARGS").unwrap_or_default().split_whitespace().map(String::from).collect();
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": self.0.app_bin, "args": args }));
        // The app starts during this call; a minute covers a cold debug start on a busy
        // machine, and a hang here must fail the test rather than block CI.
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps);
        let connect = builder.connect(&url);
        let client = tokio::time::timeout(Duration::from_secs(60), connect)
            .await
            .map_err(|_| anyhow!("no WebDriver session after 60 s (did the app start?)"))?
            .with_context(|| format!("new WebDriver session for {}", self.0.app_bin.display()))?;
        *self.0.client.lock().unwrap() = Some(client);
        Ok(())
    }

    pub fn client(&self) -> Client {
        self.0.client.lock().unwrap().clone().expect("no WebDriver session")
    }

    /// The database the app was started with (`GATEHOUSE_DB`).
    pub fn db(&self) -> &Path {
        &self.0.db
    }

    /// The app's database key file (`GATEHOUSE_KEY_FILE`).
    pub fn key_file(&self) -> PathBuf {
        key_file_for(&self.0.db)
    }

    /// Name the step that follows; a failure is reported and screenshotted under it.
    pub fn step(&self, name: &str) {
        eprintln!("e2e {}: step {name}", self.0.test);
        *self.0.step.lock().unwrap() = name.to_string();
    }

    fn current_step(&self) -> String {
        self.0.step.lock().unwrap().clone()
    }

    /// Saves the whole X screen as `test-artifacts/e2e/<name>.png` (for people to look at).
    /// Taken by `import` on the test's display, not through WebDriver, whose screenshot was
    /// seen to hang on the set-up screen's recovery key step (WebKitGTK 2.50 under Xvfb).
    pub fn screen_png(&self, name: &str) -> Result<()> {
        std::fs::create_dir_all(artifacts_dir())?;
        let file = artifacts_dir().join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-display", &self.0.display, "-window", "root"])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("run `import` (install imagemagick)")?;
        ensure!(status.success(), "`import` failed ({status}) for {}", file.display());
        Ok(())
    }

    /// Saves what is needed to see why a step failed; returns a line per file written.
    async fn save_evidence(&self, step: &str) -> String {
        let dir = artifacts_dir();
        let _ = std::fs::create_dir_all(&dir);
        let base = format!("{}-{}", self.0.test, step);
        let mut lines = Vec::new();

        let webview = dir.join(format!("{base}.png"));
        let client = self.0.client.lock().unwrap().clone();
        match client {
            Some(c) => match tokio::time::timeout(Duration::from_secs(10), c.screenshot()).await {
                Ok(Ok(png)) => match std::fs::write(&webview, png) {
                    Ok(()) => lines.push(format!("screenshot (webview): {}", webview.display())),
                    Err(e) => lines.push(format!("could not write {}: {e}", webview.display())),
                },
                Ok(Err(e)) => lines.push(format!("no webview screenshot: {e}")),
                Err(_) => lines.push("no webview screenshot: timed out".into()),
            },
            None => lines.push("no webview screenshot: no session".into()),
        }

        let screen = dir.join(format!("{base}-screen.png"));
        let status = Command::new("import")
            .args(["-display", &self.0.display, "-window", "root"])
            .arg(&screen)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => lines.push(format!("screenshot (screen): {}", screen.display())),
            Ok(s) => lines.push(format!("`import` failed ({s}) for {}", screen.display())),
            Err(e) => lines.push(format!("`import` not available ({e}): install imagemagick")),
        }
        let text = lines.join("\n");
        eprintln!("{text}");
        text
    }

    fn shutdown(&self, rt: &tokio::runtime::Runtime) {
        let client = self.0.client.lock().unwrap().take();
        if let Some(c) = client {
            // Ending the session closes the app politely; the process-group kill that follows
            // is the backstop when it hangs or is already dead.
            // (The timer must be created inside the runtime, hence the async block.)
            rt.block_on(async {
                let _ = tokio::time::timeout(Duration::from_secs(5), c.close()).await;
            });
        }
        drop(self.0.procs.lock().unwrap().take());
    }

    /// Pids of the app started for THIS test: same binary, and our database in its
    /// environment (the binary alone is not enough when tests or a dev copy run beside us).
    pub fn app_pids(&self) -> Vec<i32> {
        let want_env = format!("GATEHOUSE_DB={}", self.0.db.display());
        let mut pids = Vec::new();
        let Ok(entries) = std::fs::read_dir("/proc") else { return pids };
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
                continue;
            };
            let exe = std::fs::read_link(entry.path().join("exe")).ok();
            if exe.as_deref() != Some(self.0.app_bin.as_path()) {
                continue;
            }
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            if environ.split(|b| *b == 0).any(|var| var == want_env.as_bytes()) {
                pids.push(pid);
            }
        }
        pids
    }

    /// SIGKILL the app (no chance to flush or close anything) and wait until it is gone.
    pub async fn kill_app_hard(&self) -> Result<()> {
        let pids = self.app_pids();
        if pids.is_empty() {
            bail!("no running app process found for {}", self.0.db.display());
        }
        for &pid in &pids {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let deadline = Instant::now() + wait_timeout();
        while !self.app_pids().is_empty() {
            if Instant::now() > deadline {
                bail!("app still running after SIGKILL: {pids:?}");
            }
            tokio::time::sleep(POLL).await;
        }
        // The old session points at a dead app; forget it (see `relaunch`).
        self.0.client.lock().unwrap().take();
        Ok(())
    }

    /// Starts the app binary a second time, by hand, with the same environment (display,
    /// session bus, HOME, database), as a guard double-clicking the icon again would; waits
    /// for it to end (at most a minute) and returns how it ended.
    pub fn launch_again(&self) -> Result<std::process::ExitStatus> {
        let mut cmd = Command::new(&self.0.app_bin);
        cmd.env_clear().envs(std::env::vars().filter(|(k, _)| k == "PATH" || k == "LANG")).stdin(Stdio::null());
        for (k, v) in &self.0.env {
            cmd.env(k, v);
        }
        cmd.stdout(log_file(&self.0.log)?).stderr(log_file(&self.0.log)?);
        let mut second = Proc::spawn("second launch", cmd, Duration::from_secs(5))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = second.exited() {
                return Ok(status);
            }
            ensure!(Instant::now() < deadline, "the second launch still runs after 60 s (a second window?)");
            std::thread::sleep(POLL);
        }
    }

    /// A plain X window over the whole screen (`xmessage`), kept until the handle drops: what
    /// a second launch must bring the app in front of.
    pub fn cover_screen(&self) -> Result<impl Drop> {
        let mut cmd = Command::new("xmessage");
        cmd.args(["-display", &self.0.display, "-geometry", "1280x800+0+0", "covering the app"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file(&self.0.log)?);
        Proc::spawn("xmessage", cmd, Duration::from_secs(1))
    }

    /// The mapped top-level windows on the test's screen, bottom-most first, as (X window id,
    /// WM_CLASS instance), e.g. `gatehouse-desktop`, `xmessage`.
    pub fn top_level_windows(&self) -> Result<Vec<(String, String)>> {
        let out = Command::new("xwininfo").args(["-display", &self.0.display, "-root", "-children"]).output().context("run xwininfo (x11-utils)")?;
        ensure!(out.status.success(), "xwininfo: {}", String::from_utf8_lossy(&out.stderr));
        let mut windows = Vec::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let line = line.trim();
            let Some(id) = line.split_whitespace().next().filter(|w| w.starts_with("0x")) else { continue };
            // `0x600007 "title": ("instance" "Class")  WxH+X+Y  +X+Y`
            let Some(class) = line.split("(\"").nth(1).and_then(|rest| rest.split('"').next()) else { continue };
            let info = Command::new("xwininfo").args(["-display", &self.0.display, "-id", id]).output()?;
            if String::from_utf8_lossy(&info.stdout).contains("Map State: IsViewable") {
                windows.push((id.to_string(), class.to_string()));
            }
        }
        // xwininfo lists the top-most child first (seen with two overlapping windows).
        windows.reverse();
        Ok(windows)
    }

    // ---- explicit waits -------------------------------------------------------------------

    /// Poll `probe` until it yields `Some`, or fail after the wait timeout with `what` and the
    /// last error seen.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, mut probe: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + wait_timeout();
        let mut last_err = None;
        loop {
            match probe().await {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(e) => last_err = Some(e),
            }
            if Instant::now() >= deadline {
                return Err(match last_err {
                    Some(e) => anyhow!("timed out after {:?} waiting for {what}: {e:#}", wait_timeout()),
                    None => anyhow!("timed out after {:?} waiting for {what}", wait_timeout()),
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The visible element with `data-testid=id`, waiting for it to appear.
    pub async fn el(&self, id: &str) -> Result<Element> {
        let c = self.client();
        let css = testid(id);
        self.wait_for(&format!("visible [data-testid={id}]"), || {
            let c = c.clone();
            let css = css.clone();
            async move {
                for e in c.find_all(Locator::Css(&css)).await? {
                    if e.is_displayed().await.unwrap_or(false) {
                        return Ok(Some(e));
                    }
                }
                Ok(None)
            }
        })
        .await
    }

    /// Every element matching `data-testid=id` right now (no waiting).
    pub async fn all_now(&self, id: &str) -> Result<Vec<Element>> {
        Ok(self.client().find_all(Locator::Css(&testid(id))).await?)
    }

    /// Whether a visible element with `data-testid=id` exists right now (no waiting).
    pub async fn visible_now(&self, id: &str) -> Result<bool> {
        for e in self.all_now(id).await? {
            if e.is_displayed().await.unwrap_or(false) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Wait until no visible element has `data-testid=id`.
    pub async fn wait_gone(&self, id: &str) -> Result<()> {
        self.wait_for(&format!("[data-testid={id}] to disappear"), || async move { Ok(if self.visible_now(id).await? { None } else { Some(()) }) }).await
    }

    pub async fn click(&self, id: &str) -> Result<()> {
        self.el(id).await?.click().await.with_context(|| format!("click [data-testid={id}]"))
    }

    /// Visible text of the element, waiting for it and for the text to be non-empty (text
    /// often arrives a frame after the element).
    pub async fn text(&self, id: &str) -> Result<String> {
        self.wait_for(&format!("text of [data-testid={id}]"), || async move {
            let t = self.el(id).await?.text().await?;
            Ok(if t.trim().is_empty() { None } else { Some(t) })
        })
        .await
    }

    /// Replace the content of an input with `text` the way a user would (keystrokes), then
    /// check the field really holds it.
    pub async fn type_into(&self, id: &str, text: &str) -> Result<()> {
        note_typed(text);
        let e = self.el(id).await?;
        // A form disables its fields until its saved values are shown (typing earlier would be
        // overwritten by them): wait as a guard would.
        self.wait_for(&format!("[data-testid={id}] enabled"), || {
            let e = e.clone();
            async move { Ok(e.is_enabled().await?.then_some(())) }
        })
        .await?;
        e.clear().await.with_context(|| format!("clear [data-testid={id}]"))?;
        if !text.is_empty() {
            e.send_keys(text).await.with_context(|| format!("type into [data-testid={id}]"))?;
        }
        let value = e.prop("value").await?.unwrap_or_default();
        if value != text {
            bail!("[data-testid={id}] holds {value:?} after typing {text:?}");
        }
        Ok(())
    }

    pub async fn value(&self, id: &str) -> Result<String> {
        Ok(self.el(id).await?.prop("value").await?.unwrap_or_default())
    }

    /// Pick an option of a `<select>` by its value.
    pub async fn select(&self, id: &str, value: &str) -> Result<()> {
        self.el(id).await?.select_by_value(value).await.with_context(|| format!("select {value:?} in [data-testid={id}]"))
    }

    /// Run JavaScript in the page and return its result.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client().execute(script, vec![]).await?)
    }

    /// Whether a JavaScript dialog (alert/confirm/prompt) is open.
    pub async fn alert_open(&self) -> bool {
        self.client().get_alert_text().await.is_ok()
    }
}

/// Where the database key of the test's database `db` is kept: the app's own
/// `$XDG_CONFIG_HOME/gatehouse/database.key`, named explicitly through `GATEHOUSE_KEY_FILE`
/// for the app and for every CLI run on `db` (`flows::run_cli`), so the test knows it too.
pub fn key_file_for(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("config").join("gatehouse").join("database.key")
}

/// The app's environment: its own database, key file, HOME and XDG dirs, so that WebKit's
/// local storage and caches neither leak between tests nor touch the developer's.
fn app_env(dir: &Path, db: &Path, display: &str, bus: &str) -> Result<Vec<(String, String)>> {
    let sub = |name: &str| -> Result<String> {
        let p = dir.join(name);
        std::fs::create_dir_all(&p)?;
        Ok(p.display().to_string())
    };
    let runtime = sub("runtime")?;
    std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(vec![
        ("DISPLAY".into(), display.into()),
        ("GDK_BACKEND".into(), "x11".into()),
        ("GATEHOUSE_DB".into(), db.display().to_string()),
        ("GATEHOUSE_KEY_FILE".into(), key_file_for(db).display().to_string()),
        ("HOME".into(), sub("home")?),
        ("XDG_DATA_HOME".into(), sub("data")?),
        ("XDG_CONFIG_HOME".into(), sub("config")?),
        ("XDG_CACHE_HOME".into(), sub("cache")?),
        ("XDG_RUNTIME_DIR".into(), runtime),
        // The logs of the whole run in one place, for the check after the suite (logs.rs).
        ("XDG_STATE_HOME".into(), {
            std::fs::create_dir_all(state_dir())?;
            state_dir().display().to_string()
        }),
        ("DBUS_SESSION_BUS_ADDRESS".into(), bus.into()),
        // No accessibility bus here: without this GTK may wait for one at startup.
        ("NO_AT_BRIDGE".into(), "1".into()),
        // Not WEBKIT_DISABLE_COMPOSITING_MODE=1: it saves memory, but WebKitWebDriver's
        // screenshot then never returns (seen with WebKitGTK 2.50 under Xvfb).
    ])
}

fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

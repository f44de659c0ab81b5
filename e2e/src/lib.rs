//! What the real-window tests (`tests/`) and the app bench (`benches/app.rs`) both need to
//! run the desktop app: child processes in their own process group that die with the test,
//! a private Xvfb, a free port, and a tiny HTTP GET for tauri-driver's `/status`.
//!
//! Owns: `Proc`, `Xvfb`, `free_port`, `http_get`, `require_on_path`, `log_file`.
//! Must not: know anything about Gatehouse (the harness and the bench do).
//! Linux only: process groups, prctl(2), Xvfb.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// A free TCP port on loopback. The kernel picks it; the tiny race between closing the
/// listener and the driver binding it is acceptable for runs that start one app at a time.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Minimal HTTP/1.0 GET on loopback: enough for tauri-driver's `/status`, with no second
/// HTTP client.
pub fn http_get(port: u16, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

/// Fails with the package to install when `tool` is not on PATH.
pub fn require_on_path(tool: &str, package: &str) -> Result<()> {
    let found = std::env::var_os("PATH").map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file())).unwrap_or(false);
    if !found {
        bail!("`{tool}` is not on PATH: install {package} (`make deps` does)");
    }
    Ok(())
}

/// `path` opened for appending, for a child's stdout or stderr.
pub fn log_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new().create(true).append(true).open(path).with_context(|| format!("open log {}", path.display()))
}

/// A child process started in its own process group, so that killing the group also ends
/// what it started (tauri-driver -> WebKitWebDriver -> the app). SIGTERM first so the app
/// can close the database cleanly, SIGKILL when it takes longer than `grace`.
pub struct Proc {
    name: &'static str,
    pub child: Child,
    grace: Duration,
}

impl Proc {
    pub fn spawn(name: &'static str, mut cmd: Command, grace: Duration) -> Result<Self> {
        cmd.process_group(0);
        // If the test process itself is killed (Ctrl-C, a CI timeout), Drop never runs: have
        // the kernel kill our direct children then. Xvfb going away also ends the app window.
        // SAFETY: prctl is async-signal-safe, as required between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = cmd.spawn().with_context(|| format!("start {name} ({:?})", cmd.get_program()))?;
        Ok(Self { name, child, grace })
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// `Some(status)` when it has already exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    fn kill(&mut self) {
        let pgid = self.pid();
        // SAFETY: plain syscall on a process group we created; errors (ESRCH) are fine.
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + self.grace;
        while Instant::now() < deadline {
            if self.exited().is_some() && !group_alive(pgid) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("e2e: {} did not stop on SIGTERM; sending SIGKILL", self.name);
        // SAFETY: as above.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether any process is left in the group (kill with signal 0 only checks).
fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks that the group exists.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

/// A private Xvfb at 1280×800. `-displayfd` makes it pick a free display number and print
/// it once it accepts connections, so there is no guessing and no sleeping.
pub struct Xvfb {
    /// Held for its Drop, which stops the server.
    _proc: Proc,
    pub display: String,
}

impl Xvfb {
    /// Starts it with its stderr going to `stderr` (a log file, or `Stdio::null()`).
    pub fn start(stderr: Stdio) -> Result<Self> {
        require_on_path("Xvfb", "xvfb")?;
        let mut cmd = Command::new("Xvfb");
        cmd.args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"]).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(stderr);
        let mut proc = Proc::spawn("Xvfb", cmd, Duration::from_secs(2))?;
        let stdout = proc.child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        // Blocks until Xvfb is ready or dies (EOF): no timeout needed.
        BufReader::new(stdout).read_line(&mut line).context("read display number from Xvfb")?;
        let number = line.trim();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            bail!("Xvfb did not start (printed {line:?})");
        }
        Ok(Self { display: format!(":{number}"), _proc: proc })
    }
}

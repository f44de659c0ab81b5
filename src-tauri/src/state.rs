//! The app's state: the database (or why it could not be opened) and the guard on duty.
//!
//! A database that cannot be opened (corrupt, read-only directory, locked, a USB drive not
//! plugged in yet) must not crash the app at the desk: every command returns why, so the UI
//! can say what is wrong and what to do, and the next command tries to open it again (the
//! start screen's "retry"). Must not: hold business rules.

use std::sync::{Mutex, MutexGuard, OnceLock};

use gatehouse::actor::Actor;
use gatehouse::session::Session;
use gatehouse::{db, AppError, Clock, Db, KeyFile};

/// The open database and the lock the app holds on it while it runs (`gatehouse restore`
/// refuses to swap the file under us, and a second window on the same file is refused).
struct Opened {
    db: Db,
    _lock: gatehouse::backup::AppLock,
}

pub struct Desk {
    opened: OnceLock<Opened>,
    /// Serialises attempts to open, so two commands never open the file twice.
    opening: Mutex<()>,
    session: Mutex<Session>,
}

/// After `restore_backup` the old process may still be exiting when the new one starts:
/// wait this long for it to let go of the app lock (only while a restore is staged).
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(8);

fn open_default() -> gatehouse::Result<Opened> {
    let path = db::default_db_path()?;
    let keys = KeyFile::default_location()?;
    let started = std::time::Instant::now();
    let restarting = gatehouse::backup::staged_restore_path(&path).is_file();
    let lock = loop {
        match gatehouse::backup::lock_for_app(&path) {
            Err(err) if restarting && err.code() == gatehouse::ErrorCode::StorageBusy && started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            other => break other?,
        }
    };
    // A restore staged before the restart goes in place before anything opens the file.
    let applied = match gatehouse::backup::apply_staged_restore(&path, &keys) {
        Ok(applied) => applied,
        Err(err) => {
            eprintln!("gatehouse: the staged restore was not applied (kept as .restore-rejected): {err}");
            gatehouse::logs::error_fields("apply staged restore", &AppError::from(&err));
            None
        }
    };
    let db = Db::open(&path, Clock::System, &keys)?;
    if let Some(applied) = applied {
        gatehouse::backup::record_restore(&db, &applied)?;
    }
    Ok(Opened { db, _lock: lock })
}

impl Desk {
    /// Opens the database at `$GATEHOUSE_DB` or the OS data directory (or notes why not).
    pub fn open_default() -> Desk {
        let desk = Desk { opened: OnceLock::new(), opening: Mutex::new(()), session: Mutex::new(Session::new()) };
        if let Err(err) = desk.db() {
            eprintln!("gatehouse: cannot open the database: {}", err.message);
            gatehouse::logs::error_fields("open database", &err);
        }
        desk
    }

    /// The database, opening it if an earlier attempt failed.
    pub fn db(&self) -> Result<&Db, AppError> {
        if let Some(opened) = self.opened.get() {
            return Ok(&opened.db);
        }
        let _guard = self.opening.lock().unwrap_or_else(|p| p.into_inner());
        if self.opened.get().is_none() {
            let opened = open_default().map_err(AppError::from)?;
            let _ = self.opened.set(opened);
        }
        self.opened.get().map(|o| &o.db).ok_or_else(|| AppError::from(gatehouse::Error::internal("the database did not open")))
    }

    /// The guard on duty (locking the session if it idled out) and the database.
    pub fn actor(&self) -> Result<(Actor, &Db), AppError> {
        let (mut session, db) = self.session()?;
        Ok((session.actor(db)?, db))
    }

    /// The logged-in guard for the handover's own commands, which also serve a guard who
    /// must take over from the guard on duty first (see `Session::handover_actor`).
    pub fn handover_actor(&self) -> Result<(Actor, &Db), AppError> {
        let (mut session, db) = self.session()?;
        Ok((session.handover_actor(db)?, db))
    }

    /// Where the database key is kept (restores with a recovery key write it).
    pub fn key_file(&self) -> Result<KeyFile, AppError> {
        Ok(KeyFile::default_location()?)
    }

    /// Where printed files (PDF) are saved: `exports/` beside the database.
    pub fn exports_dir(&self) -> Result<std::path::PathBuf, AppError> {
        let db = self.db()?;
        Ok(gatehouse::retention::exports_dir(db.path()))
    }

    /// The session and the database together, for login, lock and unlock.
    pub fn session(&self) -> Result<(MutexGuard<'_, Session>, &Db), AppError> {
        let db = self.db()?;
        // A panic in another command cannot leave the session half-changed (its fields are
        // replaced whole), so a poisoned lock is safe to reuse.
        let session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        Ok((session, db))
    }
}

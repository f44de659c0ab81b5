//! The app's state: the database (or why it could not be opened) and the guard on duty.
//!
//! A database that cannot be opened (corrupt, read-only directory, locked) must not crash
//! the app at the desk: the error is kept and every command returns it, so the UI can say
//! what is wrong and what to do. Must not: hold business rules.

use std::sync::{Mutex, MutexGuard};

use gatehouse::guards::Actor;
use gatehouse::session::Session;
use gatehouse::{db, AppError, Clock, Db};

pub struct Desk {
    db: Result<Db, AppError>,
    session: Mutex<Session>,
    /// Held while the app runs: `gatehouse restore` refuses to swap the file under us, and
    /// a second window on the same database is refused.
    _lock: Option<gatehouse::backup::AppLock>,
}

impl Desk {
    /// Opens the database at `$GATEHOUSE_DB` or the OS data directory.
    pub fn open_default() -> Desk {
        let opened = db::default_db_path().and_then(|path| {
            let lock = gatehouse::backup::lock_for_app(&path)?;
            Ok((Db::open(&path, Clock::System)?, lock))
        });
        match opened {
            Ok((db, lock)) => Desk { db: Ok(db), session: Mutex::new(Session::new()), _lock: Some(lock) },
            Err(err) => {
                eprintln!("gatehouse: cannot open the database: {}", err.message());
                Desk { db: Err(AppError::from(err)), session: Mutex::new(Session::new()), _lock: None }
            }
        }
    }

    pub fn db(&self) -> Result<&Db, AppError> {
        self.db.as_ref().map_err(Clone::clone)
    }

    /// The guard on duty (locking the session if it idled out) and the database.
    pub fn actor(&self) -> Result<(Actor, &Db), AppError> {
        let (mut session, db) = self.session()?;
        Ok((session.actor(db)?, db))
    }

    /// Where printed files (PDF) are saved: `exports/` beside the database.
    pub fn exports_dir(&self) -> Result<std::path::PathBuf, AppError> {
        let db = self.db()?;
        Ok(db.path().parent().unwrap_or_else(|| std::path::Path::new(".")).join("exports"))
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

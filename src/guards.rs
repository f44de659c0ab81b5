//! Guards and supervisors: accounts, PINs, roles and the login throttle.
//!
//! PINs are stored as Argon2id hashes (64 MiB, 3 passes; see `PIN_HASH_MEMORY_KIB`). A hash
//! of an older, weaker strength still verifies with the cost written in it, and is re-hashed
//! at today's strength on the next good PIN, in the same transaction. The audit snapshot holds
//! the hash's SHA-256, never the hash (see `catalogue::GUARD`). Five wrong PINs in a row make the account wait
//! one minute, doubling with each further five, but never more than `MAX_DELAY_MS` (15
//! minutes; issue 15): the login screen is open to anyone, so a long lock-out would let
//! anyone keep the supervisor out for hours. A good PIN or a supervisor's unlock resets it.
//! The error says how long to wait (`waitMinutes`, `untilMs`). Every failed PIN is an audit event. The role is checked here, against the
//! database, on every privileged call: a guard disabled or demoted mid-shift loses the
//! right at once. Must not: keep session state (see `session`).
//! Called by: `site` (first supervisor), `session` (login), the shell and the CLI;
//! `Db::open` runs `commit_pin_hashes_once` after the migrations.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::clock::Clock;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::validate;

/// The guard's snapshot columns before schema 10, for `commit_pin_hashes_once`.
const SNAPSHOT_COLUMNS_BEFORE_0010: &[&str] = &["id", "uid", "name", "role", "pin_hash", "active", "created_at_ms", "created_by"];

/// Argon2id cost of a PIN hash: 64 MiB of memory and 3 passes, RFC 9106's second recommended
/// setting (its first, 2 GiB, is too much for a gate PC). A PIN has few values, so the cost
/// of each guess is all that stands between a copied file and the PINs: memory makes a guess
/// as dear on a GPU as here. One lane: the argon2 crate computes lanes one after another, so
/// more lanes would cost us time without costing an attacker more. About 0.25 s a log-in on
/// the development VM (`make bench`, "PIN check (log-in)"). The block is freed after each
/// hash; the desktop shell makes sure it goes back to the system (`mallopt` in src-tauri).
pub const PIN_HASH_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id passes over the memory for a PIN hash.
pub const PIN_HASH_PASSES: u32 = 3;
/// Argon2id lanes for a PIN hash.
pub const PIN_HASH_LANES: u32 = 1;

/// Wrong PINs in a row before the account locks.
pub const MAX_FAILED_PINS: i64 = 5;
/// The first wait; each further one doubles it, up to `MAX_DELAY_MS`.
const FIRST_LOCKOUT_MS: i64 = 60_000;
/// Wrong PINs for one account within `FAILURE_WINDOW_MS` that the supervisor's dashboard shows.
pub const REPEATED_FAILED_PINS: i64 = 3;
/// The window the dashboard counts wrong PINs in.
pub const FAILURE_WINDOW_MS: i64 = 24 * 3_600_000;
/// How long a wrong PIN is kept in `login_failure` (the audit chain keeps every one).
const FAILURE_KEPT_MS: i64 = 30 * 86_400_000;
/// The longest wait after wrong PINs: growing delays, never a long lock (issue 15).
pub const MAX_DELAY_MS: i64 = 15 * 60_000;
/// Doubling stops here (about 17 hours) so the arithmetic cannot overflow.
const MAX_LOCKOUT_DOUBLINGS: i64 = 10;
pub const NAME_MAX: usize = 30;

/// A guard in the login picker.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginGuard {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// A guard as a supervisor manages them.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GuardRow {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    #[ts(type = "number | null")]
    pub locked_until_ms: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewGuard {
    pub name: String,
    pub role: Role,
    pub pin: String,
}

/// A new PIN hash at today's strength, as a PHC string (`$argon2id$v=19$m=65536,t=3,p=1$…`).
pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    let params =
        Params::new(PIN_HASH_MEMORY_KIB, PIN_HASH_PASSES, PIN_HASH_LANES, None).map_err(|e| Error::internal(format!("bad PIN hash parameters: {e}")))?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("cannot hash the PIN: {e}")))
}

/// Checks `pin` against a stored hash with the algorithm, version and cost written in that
/// hash, so a hash made at an older strength (19 MiB, 2 passes before schema 10) still works.
fn pin_matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(pin.as_bytes(), &hash).is_ok())
}

/// A stored hash's algorithm and cost as `argon2id m=19456 t=2 p=1`, for the audit detail
/// of a re-hash (no secret: the PHC string's parameters, without its salt and output).
fn pin_hash_strength(stored: &str) -> String {
    match PasswordHash::new(stored) {
        Ok(hash) => format!("{} {}", hash.algorithm, hash.params),
        Err(_) => "unreadable".into(),
    }
}

/// True when `stored` is weaker than `hash_pin` makes today (another algorithm or version,
/// less memory, fewer passes): it is replaced at the next good PIN. A stronger one is kept.
fn pin_hash_is_weak(stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else { return true };
    let Ok(params) = Params::try_from(&hash) else { return true };
    hash.algorithm != Algorithm::Argon2id.ident()
        || hash.version != Some(u32::from(Version::V0x13))
        || params.m_cost() < PIN_HASH_MEMORY_KIB
        || params.t_cost() < PIN_HASH_PASSES
}

/// What the audit snapshot holds for a PIN hash: its hex SHA-256.
fn pin_hash_digest(pin_hash: &str) -> String {
    hex::encode(Sha256::digest(pin_hash.as_bytes()))
}

/// Stores a new hash for `guard_id` with its digest (the caller records the change).
fn store_pin_hash(tx: &Tx<'_>, guard_id: i64, pin_hash: &str) -> Result<()> {
    tx.execute("UPDATE guard SET pin_hash = ?2, pin_hash_sha256 = ?3 WHERE id = ?1", rusqlite::params![guard_id, pin_hash, pin_hash_digest(pin_hash)])?;
    Ok(())
}

/// Once per database written before schema 10 (cheap to call on every open: one query when
/// there is nothing to do): fills `pin_hash_sha256` and appends a `guard_pin_committed`
/// event per guard, whose snapshot holds the digest instead of the hash, so `verify` passes
/// on an upgraded database. The events before it still hold the old hashes: a hash chain
/// cannot be rewritten (see migrations/0010).
///
/// A guard whose row no longer matches its latest event (changed behind the app's back
/// before the upgrade) is left alone: a fresh snapshot would launder the change. `verify`
/// keeps reporting it.
pub(crate) fn commit_pin_hashes_once(conn: &mut Connection, clock: &Clock) -> Result<()> {
    let reason = "the snapshot holds the PIN hash's SHA-256 from schema 10 on";
    audit::resnapshot_once(
        conn,
        clock.now_ms(),
        &catalogue::GUARD,
        SNAPSHOT_COLUMNS_BEFORE_0010,
        "pin_hash_sha256 IS NULL",
        ("guard_pin_committed", reason),
        |tx, id| {
            let pin_hash: String = tx.query_row("SELECT pin_hash FROM guard WHERE id = ?1", [id], |r| r.get(0))?;
            tx.execute("UPDATE guard SET pin_hash_sha256 = ?2 WHERE id = ?1", rusqlite::params![id, pin_hash_digest(&pin_hash)])?;
            Ok(())
        },
    )
}

/// Inserts a guard (validated) and records it. Used by setup and by `add_guard`.
pub(crate) fn insert_guard(tx: &Tx<'_>, actor: Option<&Actor>, new: &NewGuard, field_prefix: NameField) -> Result<i64> {
    let name = validate::required_text(field_prefix.0, &new.name, NAME_MAX)?;
    let pin = validate::pin("pin", &new.pin)?;
    let taken: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM guard WHERE name = ?1)", [&name], |r| r.get(0))?;
    if taken {
        return Err(Error::new(ErrorCode::GuardNameTaken, "another guard already has this name: add a number or initial").on_field(field_prefix.0));
    }
    let pin_hash = hash_pin(&pin)?;
    tx.execute(
        "INSERT INTO guard (uid, name, role, pin_hash, pin_hash_sha256, created_at_ms, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            name,
            new.role.as_str(),
            pin_hash,
            pin_hash_digest(&pin_hash),
            tx.now_ms(),
            actor.map(|a| a.guard_id)
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::GUARD, id, Event::new("guard_added", actor))?;
    Ok(id)
}

/// Which form field a guard's name came from (`guard_name`, or `supervisor_name` at setup).
pub(crate) struct NameField(pub &'static str);

/// Active guards, for the login picker.
pub fn list_login_guards(db: &Db) -> Result<Vec<LoginGuard>> {
    db.read(|conn| {
        let mut stmt = conn.prepare("SELECT id, name, role FROM guard WHERE active = 1 ORDER BY role DESC, name")?;
        let rows = stmt.query_map([], |r| Ok(LoginGuard { id: r.get(0)?, name: r.get(1)?, role: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

/// Checks `pin` for `guard_id`, with the throttle, recording a failure in the audit chain.
/// This is the one place a PIN is checked (login, unlock, supervisor overrides later).
/// A good PIN whose stored hash is weaker than today's is re-hashed in the same transaction
/// (event `pin_rehashed`, with the old and new cost only), so every path that checks a PIN
/// upgrades it.
pub(crate) fn authenticate(db: &Db, guard_id: i64, pin: &str) -> Result<Actor> {
    let pin = validate::pin("pin", pin)?;
    let outcome = db.write(|tx| {
        let guard = tx
            .query_row("SELECT uid, name, role, pin_hash, active FROM guard WHERE id = ?1", [guard_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Role>(2)?, r.get::<_, String>(3)?, r.get::<_, bool>(4)?))
            })
            .optional()?;
        let Some((uid, name, role, pin_hash, active)) = guard else {
            return Ok(Err(Error::new(ErrorCode::GuardNotFound, "no such guard: pick one from the list")));
        };
        if !active {
            return Ok(Err(Error::new(ErrorCode::AccountDisabled, "this account is disabled: ask a supervisor")));
        }
        let (failed, lockouts, locked_until) = throttle(tx, guard_id)?;
        if let Some(until) = locked_until.filter(|until| *until > tx.now_ms()) {
            audit::append(tx, Event::new("login_refused_locked", None).detail(json!({ "guard": uid })))?;
            return Ok(Err(locked_error(until, tx.now_ms())));
        }
        let actor = Actor { guard_id, guard_uid: uid.clone(), name, role };
        if pin_matches(&pin, &pin_hash) {
            tx.execute("DELETE FROM login_throttle WHERE guard_id = ?1", [guard_id])?;
            if pin_hash_is_weak(&pin_hash) {
                let stronger = hash_pin(&pin)?;
                store_pin_hash(tx, guard_id, &stronger)?;
                let detail = json!({ "from": pin_hash_strength(&pin_hash), "to": pin_hash_strength(&stronger) });
                audit::record_change(tx, &catalogue::GUARD, guard_id, Event::new("pin_rehashed", Some(&actor)).detail(detail))?;
            }
            return Ok(Ok(actor));
        }
        let failed = failed + 1;
        let (failed_after, lockouts, locked_until) = if failed >= MAX_FAILED_PINS {
            let lockouts = lockouts + 1;
            let until = tx.now_ms() + (FIRST_LOCKOUT_MS * (1 << (lockouts - 1).min(MAX_LOCKOUT_DOUBLINGS))).min(MAX_DELAY_MS);
            (0, lockouts, Some(until))
        } else {
            (failed, lockouts, None)
        };
        tx.execute(
            "INSERT INTO login_throttle (guard_id, failed_count, lockouts, locked_until_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(guard_id) DO UPDATE SET failed_count = ?2, lockouts = ?3, locked_until_ms = ?4",
            rusqlite::params![guard_id, failed_after, lockouts, locked_until],
        )?;
        audit::append(tx, Event::new("login_failed", None).detail(json!({ "guard": uid, "failed_in_a_row": failed })))?;
        let now = tx.now_ms();
        tx.execute("INSERT INTO login_failure (guard_id, at_ms) VALUES (?1, ?2)", rusqlite::params![guard_id, now])?;
        tx.execute("DELETE FROM login_failure WHERE at_ms < ?1", [now - FAILURE_KEPT_MS])?;
        Ok(Err(match locked_until {
            Some(until) => locked_error(until, tx.now_ms()),
            None => Error::invalid("pin", ErrorCode::WrongPin, format!("wrong PIN: {} tries left before the account locks", MAX_FAILED_PINS - failed))
                .with_param("remaining", MAX_FAILED_PINS - failed),
        }))
    })?;
    outcome
}

/// The wait after too many wrong PINs, saying how long (whole minutes, rounded up).
fn locked_error(until_ms: i64, now_ms: i64) -> Error {
    let minutes = ((until_ms - now_ms).max(0) + 59_999) / 60_000;
    Error::new(ErrorCode::AccountLocked, format!("too many wrong PINs: wait {minutes} min and try again, or ask a supervisor to unlock the account"))
        .on_field("pin")
        .with_param("untilMs", until_ms)
        .with_param("waitMinutes", minutes)
}

fn throttle(conn: &Connection, guard_id: i64) -> Result<(i64, i64, Option<i64>)> {
    Ok(conn
        .query_row("SELECT failed_count, lockouts, locked_until_ms FROM login_throttle WHERE guard_id = ?1", [guard_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .unwrap_or((0, 0, None)))
}

/// Wrong PINs for one account in the last 24 hours (the supervisor's dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FailedLogins {
    #[ts(type = "number")]
    pub guard_id: i64,
    pub guard_name: String,
    #[ts(type = "number")]
    pub failures: i64,
    #[ts(type = "number")]
    pub last_at_ms: i64,
    /// The account is waiting now (until then).
    #[ts(type = "number | null")]
    pub waiting_until_ms: Option<i64>,
}

/// Accounts with `REPEATED_FAILED_PINS` or more wrong PINs in the 24 hours before `now_ms`,
/// most failures first.
pub(crate) fn repeated_failed_logins(conn: &Connection, now_ms: i64) -> Result<Vec<FailedLogins>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.guard_id, g.name, count(*), max(f.at_ms), t.locked_until_ms FROM login_failure f
         JOIN guard g ON g.id = f.guard_id LEFT JOIN login_throttle t ON t.guard_id = f.guard_id
         WHERE f.at_ms >= ?1 GROUP BY f.guard_id HAVING count(*) >= ?2 ORDER BY count(*) DESC, max(f.at_ms) DESC",
    )?;
    let rows = stmt.query_map(rusqlite::params![now_ms - FAILURE_WINDOW_MS, REPEATED_FAILED_PINS], |r| {
        Ok(FailedLogins {
            guard_id: r.get(0)?,
            guard_name: r.get(1)?,
            failures: r.get(2)?,
            last_at_ms: r.get(3)?,
            waiting_until_ms: r.get::<_, Option<i64>>(4)?.filter(|until| *until > now_ms),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Fails with `Forbidden` unless `actor` is still an active account with at least `role`.
pub(crate) fn authorize(conn: &Connection, actor: &Actor, role: Role) -> Result<()> {
    let current: Option<(Role, bool)> =
        conn.query_row("SELECT role, active FROM guard WHERE id = ?1", [actor.guard_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match current {
        Some((_, false)) | None => Err(Error::new(ErrorCode::AccountDisabled, "this account is disabled: ask a supervisor")),
        Some((Role::Guard, true)) if role == Role::Supervisor => Err(Error::forbidden("only a supervisor may do this")),
        Some(_) => Ok(()),
    }
}

fn guard_row(conn: &Connection, guard_id: i64, now_ms: i64) -> Result<GuardRow> {
    conn.query_row(
        "SELECT g.id, g.name, g.role, g.active, t.locked_until_ms FROM guard g
         LEFT JOIN login_throttle t ON t.guard_id = g.id WHERE g.id = ?1",
        [guard_id],
        |r| {
            Ok(GuardRow {
                id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                active: r.get(3)?,
                locked_until_ms: r.get::<_, Option<i64>>(4)?.filter(|until| *until > now_ms),
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::GuardNotFound, "no such guard"))
}

/// All guards, for a supervisor.
pub fn list_guards(db: &Db, actor: &Actor) -> Result<Vec<GuardRow>> {
    let now = db.clock().now_ms();
    db.read(|conn| {
        authorize(conn, actor, Role::Supervisor)?;
        let ids: Vec<i64> = conn.prepare("SELECT id FROM guard ORDER BY active DESC, name")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| guard_row(conn, id, now)).collect()
    })
}

pub fn add_guard(db: &Db, actor: &Actor, new: &NewGuard) -> Result<GuardRow> {
    db.write(|tx| {
        authorize(tx, actor, Role::Supervisor)?;
        let id = insert_guard(tx, Some(actor), new, NameField("guard_name"))?;
        guard_row(tx, id, tx.now_ms())
    })
}

/// Enables or disables an account. The last active supervisor can be neither disabled nor
/// left without a successor, or nobody could manage the post any more.
pub fn set_guard_active(db: &Db, actor: &Actor, guard_id: i64, active: bool) -> Result<GuardRow> {
    db.write(|tx| {
        authorize(tx, actor, Role::Supervisor)?;
        let row = guard_row(tx, guard_id, tx.now_ms())?;
        if row.active == active {
            return Ok(row);
        }
        if !active && row.role == Role::Supervisor {
            let others: i64 = tx.query_row("SELECT count(*) FROM guard WHERE role = 'supervisor' AND active = 1 AND id != ?1", [guard_id], |r| r.get(0))?;
            if others == 0 {
                return Err(Error::new(ErrorCode::LastSupervisor, "this is the last active supervisor: add another supervisor first"));
            }
        }
        tx.execute("UPDATE guard SET active = ?2 WHERE id = ?1", rusqlite::params![guard_id, active])?;
        audit::record_change(tx, &catalogue::GUARD, guard_id, Event::new(if active { "guard_enabled" } else { "guard_disabled" }, Some(actor)))?;
        guard_row(tx, guard_id, tx.now_ms())
    })
}

/// Sets a new PIN (a guard who forgot theirs) and clears any lock-out.
pub fn reset_guard_pin(db: &Db, actor: &Actor, guard_id: i64, pin: &str) -> Result<GuardRow> {
    let pin = validate::pin("pin", pin)?;
    db.write(|tx| {
        authorize(tx, actor, Role::Supervisor)?;
        guard_row(tx, guard_id, tx.now_ms())?;
        store_pin_hash(tx, guard_id, &hash_pin(&pin)?)?;
        tx.execute("DELETE FROM login_throttle WHERE guard_id = ?1", [guard_id])?;
        audit::record_change(tx, &catalogue::GUARD, guard_id, Event::new("guard_pin_reset", Some(actor)))?;
        guard_row(tx, guard_id, tx.now_ms())
    })
}

/// Lifts a lock-out before it runs out.
pub fn unlock_guard(db: &Db, actor: &Actor, guard_id: i64) -> Result<GuardRow> {
    db.write(|tx| {
        authorize(tx, actor, Role::Supervisor)?;
        let row = guard_row(tx, guard_id, tx.now_ms())?;
        tx.execute("DELETE FROM login_throttle WHERE guard_id = ?1", [guard_id])?;
        let uid: String = tx.query_row("SELECT uid FROM guard WHERE id = ?1", [guard_id], |r| r.get(0))?;
        audit::append(tx, Event::new("guard_unlocked", Some(actor)).detail(json!({ "guard": uid, "was_locked_until": row.locked_until_ms })))?;
        guard_row(tx, guard_id, tx.now_ms())
    })
}

/// A supervisor's approval at the desk (a watchlist override, an exit without the signed
/// slip): the supervisor picks their name, types their PIN and gives a reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SupervisorOverride {
    #[ts(type = "number")]
    pub supervisor_id: i64,
    pub pin: String,
    pub reason: String,
}

/// Checks an override: the PIN (with the same throttle as a login), the supervisor role and
/// a reason. Runs its own transaction, so call it before the write it approves.
pub(crate) fn approve_override(db: &Db, approval: &SupervisorOverride) -> Result<(Actor, String)> {
    let reason = validate::required_text("override_reason", &approval.reason, 200)?;
    let supervisor = authenticate(db, approval.supervisor_id, &approval.pin)?;
    db.read(|conn| authorize(conn, &supervisor, Role::Supervisor))?;
    Ok((supervisor, reason))
}

//! Search (查询): one box over visits, pick-ups, vehicle visits, passes and duty entries.
//!
//! Owns: the search index (`search_entry`, `search_text`, `search_bigram`, migration 0006),
//! keeping it in step with the records, the query (`search`), and the detail of one found
//! record (`record`). Must not: decide anything about the records themselves, or format
//! times for display. Called by: `visits`, `pickups`, `vehicles`, `passes`, `duty` and
//! `demo` (via `index_new`/`reindex` inside their write transaction), the retention purge
//! (`reindex` after it blanks a record), the shell (`commands/search.rs`) and the CLI.
//!
//! Design (decided here):
//! - The index is written in Rust, in the same transaction as the record write, never by
//!   SQL triggers: `trusted_schema=OFF`, and index text must be normalised exactly as the
//!   query is (`normalise`: full-width → ASCII, lower case, only letters and digits).
//! - `search_entry` holds one row per record (kind, record id, time, gate, guard) for the
//!   filters; its id is also the rowid of the record's row in `search_text`. The gate is
//!   this PC's gate number (`site.gate_number`, 1 when unset) when the record was first
//!   indexed: records carry no gate of their own; a reindex keeps it.
//! - `search_text` is an FTS5 table with the `trigram` tokenizer and `secure-delete` on. It
//!   answers every query of 3 or more characters as a substring match. A record's fields are
//!   joined with `|`, which normalised queries never contain, so no match spans two fields.
//!   It keeps its own copy of the normalised text (not contentless): a contentless table,
//!   even with `contentless_delete=1`, only marks a deleted row with a tombstone and keeps its
//!   tokens until segments merge, so a purged name stayed in the file (tested). With content,
//!   a delete removes the tokens; with `PRAGMA secure_delete=ON` on the purging connection
//!   the freed bytes are zeroed too (test `with_secure_delete_a_purged_name_leaves_no_bytes…`).
//! - Queries of exactly two characters (2-character Chinese names, a surname, any two
//!   characters of a name, a plate's province and letter such as 京A) go to `search_bigram`
//!   (gram, time, entry) WITHOUT ROWID, filled only from name fields and plates: trigrams
//!   cannot answer them and ID or phone pairs would match nearly everything.
//! - Newest first without sorting every match: entries are written in time order (the
//!   backfill and the demo sort by time, the app writes as things happen), so the trigram
//!   query walks `search_text` by descending rowid and stops at `LIMIT`; the bigram query
//!   walks its primary key by descending time. The page is then ordered by time. A reindex
//!   keeps the entry's id, so purged records do not jump to the front.
//! - ID numbers and phones are in their own column, `ident` (migration 0014), as
//!   `|id|phone|`, so that searching respects masking (issue 15): a guard could otherwise
//!   recover a whole masked number one digit at a time from fragment searches. A query that
//!   could be part of one (`identifier_shaped`: 3+ Latin letters and digits, 3+ digits) is
//!   matched against `ident` by a guard only as a whole value (`|…|`), and by the last 4
//!   characters together with a name (`name_and_last_four`: "张伟 1234", `…1234|` in the
//!   same entry); a guard's results then carry a notice saying why numbers were not matched
//!   by fragment. A supervisor's (and the admin CLI's) query also matches fragments, and each
//!   such search appends `search_identifier_fragment` to the audit chain with who and the
//!   query's shape ("6 digits"), never the digits. Names, plates, serials and text (`body`)
//!   match as before for everyone. The role is read from the database at each search.
//! - A query of only digits also finds a pass by its exact serial (serials are short).
//! - Results are capped at `LIMIT`; `truncated` says there are more (narrow the filters).
//! - Needs FTS5 with `trigram` (SQLite 3.34+): the bundled SQLite of rusqlite 0.40
//!   (libsqlite3-sys 0.38, SQLite 3.53) is built with `SQLITE_ENABLE_FTS5`; no extra feature.
//! - Measured by `make bench` (demo data, 1,000,000 visits): every query shape's p95 is a few
//!   ms; the index adds about a tenth to the file (most of the file is the audit chain).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::catalogue::{self, Table};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::validate::document;

/// Most results one search returns (all kinds together).
pub const LIMIT: usize = 100;
/// Most results one export of a search holds (`reports::export::export_search`).
pub const EXPORT_LIMIT: usize = 10_000;
/// The preference key set once the one-time backfill of existing records has run.
const BACKFILL_KEY: &str = "search_index";

/// What kind of record a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Visit,
    Pickup,
    Vehicle,
    Pass,
    Duty,
}

impl SearchKind {
    pub const ALL: [SearchKind; 5] = [SearchKind::Visit, SearchKind::Pickup, SearchKind::Vehicle, SearchKind::Pass, SearchKind::Duty];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Visit => "visit",
            SearchKind::Pickup => "pickup",
            SearchKind::Vehicle => "vehicle",
            SearchKind::Pass => "pass",
            SearchKind::Duty => "duty",
        }
    }

    pub fn parse(text: &str) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// The kind's table; where its text is, is the table's `catalogue::Search`.
    pub(crate) fn table(self) -> &'static Table {
        match self {
            SearchKind::Visit => &catalogue::VISIT,
            SearchKind::Pickup => &catalogue::PICKUP,
            SearchKind::Vehicle => &catalogue::VEHICLE_VISIT,
            SearchKind::Pass => &catalogue::PASS,
            SearchKind::Duty => &catalogue::DUTY_ENTRY,
        }
    }

    /// The kind whose records are `table`'s rows; none when the table is not searchable.
    pub(crate) fn of_table(table: &Table) -> Option<SearchKind> {
        SearchKind::ALL.into_iter().find(|kind| kind.table().table == table.table)
    }

    fn source(self) -> &'static catalogue::Search {
        self.table().search.as_ref().expect("every search kind's table has a catalogue::Search (test `search_kinds_are_the_searchable_tables`)")
    }
}

/// What the guard typed and picked.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchQuery {
    pub text: String,
    /// Only these kinds (empty: all).
    pub kinds: Vec<SearchKind>,
    /// From this instant (inclusive).
    #[ts(type = "number | null")]
    pub from_ms: Option<i64>,
    /// Until this instant (exclusive).
    #[ts(type = "number | null")]
    pub to_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub gate: Option<i64>,
    /// The guard who recorded it.
    #[ts(type = "number | null")]
    pub guard_id: Option<i64>,
}

/// One found record, as the results list shows it (no ID numbers or phones here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub kind: SearchKind,
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    /// The person's name, the plate, or the duty entry's text; empty when purged.
    pub title: String,
    pub subtitle: String,
    #[ts(type = "number | null")]
    pub gate: Option<i64>,
    pub guard_name: String,
}

/// The hits of one kind, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchGroup {
    pub kind: SearchKind,
    #[ts(type = "number")]
    pub count: i64,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// The text as it was matched (normalised).
    pub normalised: String,
    /// Groups in the fixed order visit, pick-up, vehicle, pass, duty; only kinds with hits.
    pub groups: Vec<SearchGroup>,
    #[ts(type = "number")]
    pub total: i64,
    /// More records match than were returned: narrow the search.
    pub truncated: bool,
    /// How ID numbers and phones were (not) matched, for the UI to say.
    pub notices: Vec<SearchNotice>,
}

/// A note on how a query was matched (the UI words it: `search.notice.<value>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchNotice {
    /// A guard's query looked like part of an ID number or phone and matched none in full:
    /// those match only in full, or by the last 4 digits with a name ("张伟 1234"); a
    /// fragment is searched by a supervisor (names, plates, serials and text were searched).
    IdentifierFragmentsForSupervisors,
    /// A supervisor's fragment search of ID numbers and phones: it was logged (who and the
    /// query's shape, not the query).
    IdentifierFragmentSearchLogged,
}

impl SearchResults {
    /// All hits, newest first.
    pub fn hits(&self) -> Vec<&SearchHit> {
        let mut all: Vec<&SearchHit> = self.groups.iter().flat_map(|g| g.hits.iter()).collect();
        all.sort_by(|a, b| b.at_ms.cmp(&a.at_ms).then(b.id.cmp(&a.id)));
        all
    }
}

/// One field of a record's detail. `key` names the label (`search.field.<key>` in the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchField {
    pub key: String,
    pub value: String,
    /// Set when the field is an instant (the UI formats it); `value` is then empty.
    #[ts(type = "number | null")]
    pub at_ms: Option<i64>,
}

/// A found record opened: its fields, ID numbers and phones masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SearchRecord {
    pub kind: SearchKind,
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    pub title: String,
    pub fields: Vec<SearchField>,
}

/// The text as it is indexed and matched: full-width forms to ASCII, lower case, and only
/// letters and digits (spaces, punctuation, quotes and `%_*` are dropped).
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every adjacent pair of characters of a normalised name.
fn bigrams(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// Splits a name field into names (companions are typed as "李四、王五" or "李四 王五").
fn names_in(field: &str) -> Vec<String> {
    field.split(|c: char| !c.is_alphanumeric()).map(normalise).filter(|n| !n.is_empty()).collect()
}

fn gate_now(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT coalesce(gate_number, 1) FROM site WHERE id = 1", [], |r| r.get(0)).optional()?)
}

/// Indexes a record just inserted, inside its write transaction.
pub(crate) fn index_new(conn: &Connection, kind: SearchKind, record_id: i64) -> Result<()> {
    index_record(conn, kind, record_id, None)
}

/// Rebuilds one record's index entries from its current row, deleting the old ones: call
/// it in the transaction that changed or blanked the record (e.g. the retention purge after
/// NULLing names, ID numbers and phones), so that text no longer in the record is no
/// longer findable. A record that no longer exists loses its entry.
pub fn reindex(tx: &rusqlite::Transaction<'_>, kind: SearchKind, record_id: i64) -> Result<()> {
    reindex_conn(tx, kind, record_id)
}

/// `reindex` for code that holds a `Tx` (it derefs to the connection).
pub(crate) fn reindex_conn(conn: &Connection, kind: SearchKind, record_id: i64) -> Result<()> {
    let existing: Option<(i64, Option<i64>)> = conn
        .query_row("SELECT id, gate FROM search_entry WHERE kind = ?1 AND record_id = ?2", params![kind.as_str(), record_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((entry_id, _)) = existing {
        remove_entry(conn, entry_id)?;
    }
    index_record(conn, kind, record_id, existing)
}

fn remove_entry(conn: &Connection, entry_id: i64) -> Result<()> {
    conn.execute("DELETE FROM search_text WHERE rowid = ?1", [entry_id])?;
    conn.execute("DELETE FROM search_bigram WHERE entry_id = ?1", [entry_id])?;
    conn.execute("DELETE FROM search_entry WHERE id = ?1", [entry_id])?;
    Ok(())
}

/// Writes the entry of one record; `keep` is (entry id, gate) of the entry it replaces.
fn index_record(conn: &Connection, kind: SearchKind, record_id: i64, keep: Option<(i64, Option<i64>)>) -> Result<()> {
    let source = kind.source();
    let columns: Vec<&str> = source.names.iter().chain(source.idents.iter()).chain(source.others.iter()).copied().collect();
    let sql = format!("SELECT {}, {}, {} FROM {} WHERE id = ?1", source.at, source.guard, columns.join(", "), kind.table().table);
    let row = conn
        .query_row(&sql, [record_id], |r| {
            let at: i64 = r.get(0)?;
            let guard: Option<i64> = r.get(1)?;
            let mut values = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                values.push(r.get::<_, Option<String>>(i + 2)?.unwrap_or_default());
            }
            Ok((at, guard, values))
        })
        .optional()?;
    let Some((at_ms, guard_id, values)) = row else { return Ok(()) };
    let gate = match keep {
        Some((_, gate)) => gate,
        None => gate_now(conn)?,
    };
    let (names, rest) = values.split_at(source.names.len());
    let (idents, others) = rest.split_at(source.idents.len());
    write_entry(conn, kind, record_id, keep.map(|(id, _)| id), at_ms, gate, guard_id, names, idents, others)
}

#[allow(clippy::too_many_arguments)]
fn write_entry(
    conn: &Connection,
    kind: SearchKind,
    record_id: i64,
    entry_id: Option<i64>,
    at_ms: i64,
    gate: Option<i64>,
    guard_id: Option<i64>,
    names: &[String],
    idents: &[String],
    others: &[String],
) -> Result<()> {
    conn.prepare_cached("INSERT INTO search_entry (id, kind, record_id, at_ms, gate, guard_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(params![
        entry_id,
        kind.as_str(),
        record_id,
        at_ms,
        gate,
        guard_id
    ])?;
    let entry_id = conn.last_insert_rowid();
    let mut parts: Vec<String> = Vec::new();
    let mut grams: Vec<String> = Vec::new();
    for field in names {
        for name in names_in(field) {
            grams.extend(bigrams(&name));
            parts.push(name);
        }
    }
    for field in others {
        let text = normalise(field);
        if !text.is_empty() {
            parts.push(text);
        }
    }
    let body = parts.join("|");
    // `|id|phone|`: the bars let a query ask for a whole value (`|…|`) or its end (`…|`).
    let values: Vec<String> = idents.iter().map(|v| normalise(v)).filter(|v| !v.is_empty()).collect();
    let ident = if values.is_empty() { String::new() } else { format!("|{}|", values.join("|")) };
    if !body.is_empty() || !ident.is_empty() {
        conn.prepare_cached("INSERT INTO search_text (rowid, body, ident) VALUES (?1, ?2, ?3)")?.execute(params![entry_id, body, ident])?;
    }
    grams.sort();
    grams.dedup();
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO search_bigram (gram, at_ms, entry_id) VALUES (?1, ?2, ?3)")?;
    for gram in grams {
        insert.execute(params![gram, at_ms, entry_id])?;
    }
    Ok(())
}

/// Indexes every record not yet indexed, oldest first (so entry order is time order), once
/// per database: the first open after migration 0006. Runs in its own transaction.
pub(crate) fn backfill_once(conn: &mut Connection) -> Result<()> {
    let done: Option<String> = conn.query_row("SELECT value FROM preference WHERE key = ?1", [BACKFILL_KEY], |r| r.get(0)).optional()?;
    if done.is_some() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut todo: Vec<(i64, SearchKind, i64)> = Vec::new();
    for kind in SearchKind::ALL {
        let source = kind.source();
        let sql = format!(
            "SELECT r.id, r.{} FROM {} r WHERE NOT EXISTS (SELECT 1 FROM search_entry e WHERE e.kind = ?1 AND e.record_id = r.id)",
            source.at,
            kind.table().table
        );
        let mut stmt = tx.prepare(&sql)?;
        let rows = stmt.query_map([kind.as_str()], |r| Ok((r.get::<_, i64>(1)?, kind, r.get::<_, i64>(0)?)))?;
        for row in rows {
            todo.push(row?);
        }
    }
    todo.sort();
    for (_, kind, id) in todo {
        index_new(&tx, kind, id)?;
    }
    tx.execute("INSERT INTO preference (key, value) VALUES (?1, '1') ON CONFLICT(key) DO UPDATE SET value = excluded.value", [BACKFILL_KEY])?;
    tx.commit()?;
    Ok(())
}

/// Merges the index's segments into one (after a bulk load such as the demo).
pub(crate) fn optimise(conn: &Connection) -> Result<()> {
    conn.execute("INSERT INTO search_text (search_text) VALUES ('optimize')", [])?;
    Ok(())
}

/// Checks the query text: at least two letters or digits once normalised.
fn valid_text(text: &str) -> Result<String> {
    let normalised = normalise(text);
    if normalised.chars().count() < 2 {
        return Err(Error::invalid("query", ErrorCode::QueryTooShort, "type at least 2 letters or digits to search").with_param("min", 2));
    }
    if normalised.chars().count() > 64 {
        return Err(Error::invalid("query", ErrorCode::TooLong, "type at most 64 letters or digits to search").with_param("max", 64));
    }
    Ok(normalised)
}

/// Who may match ID numbers and phones by fragment, and who is logged as having done so.
#[derive(Clone, Copy)]
enum Reach {
    /// A guard: ID numbers and phones match only in full, or by the last 4 digits with a name.
    Guard,
    /// A supervisor (or the admin CLI): fragments too; the caller audits each such search.
    Fragments,
}

/// Searches every kind of record (any guard on duty). A guard's query that looks like part
/// of an ID number or phone matches names, plates, serials and text as usual but not those
/// numbers, and the results say so (`SearchNotice`); a supervisor's matches them too and is
/// logged (`search_identifier_fragment`, with the query's shape, never its text).
pub fn search(db: &Db, actor: &Actor, query: &SearchQuery) -> Result<SearchResults> {
    search_by(db, actor, query, LIMIT, "search")
}

/// `search` with room for an export: the newest `EXPORT_LIMIT` matches (any guard), the
/// same rule for ID numbers and phones.
pub fn search_for_export(db: &Db, actor: &Actor, query: &SearchQuery) -> Result<SearchResults> {
    search_by(db, actor, query, EXPORT_LIMIT, "export")
}

fn search_by(db: &Db, actor: &Actor, query: &SearchQuery, cap: usize, purpose: &str) -> Result<SearchResults> {
    let text = valid_text(&query.text)?;
    if !identifier_shaped(&text) {
        return db.read(|conn| {
            guards::authorize(conn, actor, Role::Guard)?;
            run(conn, &text, query, cap, Reach::Guard)
        });
    }
    // The role decides, read from the database (a guard promoted or demoted mid-shift).
    let supervisor = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        Ok(guards::authorize(conn, actor, Role::Supervisor).is_ok())
    })?;
    if !supervisor {
        return db.read(|conn| run(conn, &text, query, cap, Reach::Guard));
    }
    db.write(|tx| {
        log_fragment_search(tx, Some(actor), &text, purpose)?;
        run(tx, &text, query, cap, Reach::Fragments)
    })
}

/// `search` for the admin CLI, whose user holds the database file itself (like `verify`):
/// fragments of ID numbers and phones match, and such a search is logged (no guard).
pub fn search_as_admin(db: &Db, query: &SearchQuery) -> Result<SearchResults> {
    let text = valid_text(&query.text)?;
    if !identifier_shaped(&text) {
        return db.read(|conn| run(conn, &text, query, LIMIT, Reach::Fragments));
    }
    db.write(|tx| {
        log_fragment_search(tx, None, &text, "cli")?;
        run(tx, &text, query, LIMIT, Reach::Fragments)
    })
}

/// The audit event of a fragment search of ID numbers and phones: who, where, and the
/// query's shape ("6 digits"), never the query.
fn log_fragment_search(tx: &crate::db::Tx<'_>, actor: Option<&Actor>, text: &str, purpose: &str) -> Result<()> {
    let (digits, letters) = shape_of(text);
    let shape = match (digits, letters) {
        (d, 0) => format!("{d} digits"),
        (d, 1) => format!("{d} digits, 1 letter"),
        (d, l) => format!("{d} digits, {l} letters"),
    };
    let detail = serde_json::json!({ "shape": shape, "digits": digits, "letters": letters, "purpose": purpose });
    crate::audit::append(tx, crate::audit::Event::new("search_identifier_fragment", actor).detail(detail))?;
    Ok(())
}

/// (digits, letters) in a normalised query.
fn shape_of(text: &str) -> (usize, usize) {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (digits, text.chars().count() - digits)
}

/// A normalised query that could be part of an ID number or phone: 3 or more Latin letters
/// and digits, at least 3 of them digits ("440301", "13912", "e1234567", "19850312").
/// Only such a query is looked up in the `ident` column at all.
pub(crate) fn identifier_shaped(text: &str) -> bool {
    text.chars().count() >= 3 && text.chars().all(|c| c.is_ascii_alphanumeric()) && shape_of(text).0 >= 3
}

/// The last 4 characters of an ID number or phone (the last may be the ID's check letter X).
fn is_last_four(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    chars.len() == 4 && chars[..3].iter().all(char::is_ascii_digit) && (chars[3].is_ascii_digit() || chars[3] == 'x')
}

fn is_name(token: &str) -> bool {
    token.chars().count() >= 2 && !token.chars().any(|c| c.is_ascii_digit())
}

/// A name with the last 4 digits of that person's ID number or phone: "张伟 1234",
/// "1234 张伟", "zhang 1234", or "张伟1234" glued (only a name in Chinese characters: a plate
/// such as 京A1234 has a Latin letter before its digits). Returns the normalised (name, 4).
pub(crate) fn name_and_last_four(raw: &str) -> Option<(String, String)> {
    let tokens: Vec<String> = raw.split(|c: char| !c.is_alphanumeric()).map(normalise).filter(|t| !t.is_empty()).collect();
    match tokens.as_slice() {
        [a, b] if is_name(a) && is_last_four(b) => Some((a.clone(), b.clone())),
        [a, b] if is_last_four(a) && is_name(b) => Some((b.clone(), a.clone())),
        [glued] => {
            let chars: Vec<char> = glued.chars().collect();
            let (name, four) = chars.split_at(chars.len().checked_sub(4)?);
            let name: String = name.iter().collect();
            let four: String = four.iter().collect();
            (is_name(&name) && !name.chars().any(|c| c.is_ascii()) && is_last_four(&four)).then_some((name, four))
        }
        _ => None,
    }
}

/// One way of finding entries; `run` merges what each finds.
enum Matcher {
    /// Entries with this 2-character gram (names and plates).
    Bigram(String),
    /// A 2-character name whose entry also matches this FTS5 expression.
    BigramAnd(String, String),
    /// An FTS5 expression over `search_text` (columns `body`, `ident`).
    Fts(String),
}

type Found = (SearchKind, i64, i64, Option<i64>, Option<i64>);

/// The newest `cap` records that match, grouped by kind.
fn run(conn: &Connection, text: &str, query: &SearchQuery, cap: usize, reach: Reach) -> Result<SearchResults> {
    // Filters on the entry, shared by every matcher; ?1 is the matcher's text, ?2.. the filter values.
    let mut filter = String::new();
    let mut values: Vec<rusqlite::types::Value> = vec![text.to_string().into()];
    let mut push = |sql: &str, value: rusqlite::types::Value, values: &mut Vec<rusqlite::types::Value>| {
        values.push(value);
        filter.push_str(&format!(" AND {sql}?{}", values.len()));
    };
    if let Some(from) = query.from_ms {
        push("e.at_ms >= ", from.into(), &mut values);
    }
    if let Some(to) = query.to_ms {
        push("e.at_ms < ", to.into(), &mut values);
    }
    if let Some(gate) = query.gate {
        push("e.gate = ", gate.into(), &mut values);
    }
    if let Some(guard) = query.guard_id {
        push("e.guard_id = ", guard.into(), &mut values);
    }
    let kinds: Vec<SearchKind> = if query.kinds.is_empty() { SearchKind::ALL.to_vec() } else { query.kinds.clone() };
    if kinds.len() < SearchKind::ALL.len() {
        let list = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect::<Vec<_>>().join(", ");
        filter.push_str(&format!(" AND e.kind IN ({list})"));
    }
    let limit = cap + 1;
    // Normalised text has only letters and digits (and the bars we add): as a quoted phrase
    // it is a substring query for the trigram tokenizer, never FTS syntax.
    let mut matchers: Vec<Matcher> = Vec::new();
    if let Some((name, four)) = name_and_last_four(&query.text) {
        let ends = format!("ident : \"{four}|\"");
        matchers.push(if name.chars().count() == 2 { Matcher::BigramAnd(name, ends) } else { Matcher::Fts(format!("body : \"{name}\" AND {ends}")) });
    }
    matchers.push(if text.chars().count() == 2 { Matcher::Bigram(text.to_string()) } else { Matcher::Fts(format!("body : \"{text}\"")) });
    let mut notices = Vec::new();
    let whole_value = identifier_shaped(text).then(|| match reach {
        Reach::Fragments => Matcher::Fts(format!("ident : \"{text}\"")),
        Reach::Guard => Matcher::Fts(format!("ident : \"|{text}|\"")),
    });
    let mut found: Vec<Found> = Vec::new();
    for matcher in matchers {
        found_by(conn, &matcher, &values, &filter, limit, &mut found)?;
    }
    if let Some(matcher) = whole_value {
        let before = found.len();
        found_by(conn, &matcher, &values, &filter, limit, &mut found)?;
        match reach {
            Reach::Fragments => notices.push(SearchNotice::IdentifierFragmentSearchLogged),
            // A whole ID number or phone that matched needs no explanation; anything else
            // does: an empty list must not read as "no such number".
            Reach::Guard if found.len() == before => notices.push(SearchNotice::IdentifierFragmentsForSupervisors),
            Reach::Guard => {}
        }
    }
    // A pass by its exact serial (too short for the trigram index).
    if kinds.contains(&SearchKind::Pass) && text.len() <= 9 && text.chars().all(|c| c.is_ascii_digit()) {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT e.kind, e.record_id, e.at_ms, e.gate, e.guard_id FROM pass p JOIN search_entry e ON e.kind = 'pass' AND e.record_id = p.id
             WHERE p.serial = CAST(?1 AS INTEGER){filter}"
        ))?;
        let mut serial_values = values.clone();
        serial_values[0] = text.to_string().into();
        let rows = stmt.query_map(rusqlite::params_from_iter(serial_values.iter()), |r| Ok((SearchKind::Pass, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        for row in rows {
            let row = row?;
            if !found.iter().any(|f| f.0 == row.0 && f.1 == row.1) {
                found.push(row);
            }
        }
    }
    let truncated = found.len() > cap;
    found.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)));
    found.truncate(cap);
    let mut groups: Vec<SearchGroup> = Vec::new();
    for kind in SearchKind::ALL {
        let hits = found
            .iter()
            .filter(|f| f.0 == kind)
            .map(|&(kind, id, at_ms, gate, guard_id)| hit(conn, kind, id, at_ms, gate, guard_id))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        if !hits.is_empty() {
            groups.push(SearchGroup { kind, count: hits.len() as i64, hits });
        }
    }
    let total = groups.iter().map(|g| g.count).sum();
    Ok(SearchResults { normalised: text.to_string(), groups, total, truncated, notices })
}

/// Adds the entries `matcher` finds (newest first, at most `limit`) to `found`, once each.
fn found_by(conn: &Connection, matcher: &Matcher, values: &[rusqlite::types::Value], filter: &str, limit: usize, found: &mut Vec<Found>) -> Result<()> {
    let mut values = values.to_vec();
    let sql = match matcher {
        Matcher::Bigram(gram) | Matcher::BigramAnd(gram, _) => {
            values[0] = gram.clone().into();
            let within = match matcher {
                Matcher::BigramAnd(_, expr) => {
                    values.push(expr.clone().into());
                    format!(" AND b.entry_id IN (SELECT rowid FROM search_text WHERE search_text MATCH ?{})", values.len())
                }
                _ => String::new(),
            };
            format!(
                "SELECT e.kind, e.record_id, e.at_ms, e.gate, e.guard_id FROM search_bigram b JOIN search_entry e ON e.id = b.entry_id
                 WHERE b.gram = ?1{}{within} ORDER BY b.at_ms DESC, b.entry_id DESC LIMIT {limit}",
                filter.replace("e.at_ms", "b.at_ms")
            )
        }
        Matcher::Fts(expr) => {
            values[0] = expr.clone().into();
            format!(
                "SELECT e.kind, e.record_id, e.at_ms, e.gate, e.guard_id FROM search_text JOIN search_entry e ON e.id = search_text.rowid
                 WHERE search_text MATCH ?1{filter} ORDER BY search_text.rowid DESC LIMIT {limit}"
            )
        }
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| {
        let kind: String = r.get(0)?;
        Ok((SearchKind::parse(&kind).unwrap_or(SearchKind::Duty), r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    for row in rows {
        let row: Found = row?;
        if !found.iter().any(|f| f.0 == row.0 && f.1 == row.1) {
            found.push(row);
        }
    }
    Ok(())
}

fn guard_name(conn: &Connection, guard_id: Option<i64>) -> Result<String> {
    let Some(id) = guard_id else { return Ok(String::new()) };
    Ok(conn.prepare_cached("SELECT name FROM guard WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?.unwrap_or_default())
}

fn joined(parts: &[Option<String>]) -> String {
    parts.iter().flatten().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(" · ")
}

fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max).collect::<String>() + "…"
    }
}

/// How one field of an opened record is read (from column `.1` of the row) and shown.
#[derive(Clone, Copy)]
enum Shape {
    Text,
    /// An integer shown as text.
    Number,
    /// An ID number, masked as everywhere else.
    Masked,
    Phone,
    /// An instant (ms); the UI formats it.
    Time,
    /// A guard's id, shown as the guard's name.
    Guard,
}

/// One field of an opened record: the key the UI labels it by, its column, its shape.
struct Field(&'static str, &'static str, Shape);

impl Field {
    fn sql(&self) -> String {
        let column = self.1;
        match self.2 {
            Shape::Number => format!("CAST(r.{column} AS TEXT)"),
            Shape::Guard => format!("(SELECT name FROM guard WHERE id = r.{column})"),
            _ => format!("r.{column}"),
        }
    }
}

/// One kind of record as search shows it: the list line (title and two subtitle SQL
/// expressions over `r`) and the fields of the opened record, in the order shown (in
/// groups, so a group two kinds share is written once).
/// The table and the time column are the kind's catalogue entry (`SearchKind::table`, `source`).
struct Described {
    title: &'static str,
    subtitle: [&'static str; 2],
    fields: &'static [&'static [Field]],
}

impl Described {
    fn fields(&self) -> impl Iterator<Item = &'static Field> + '_ {
        self.fields.iter().flat_map(|group| group.iter())
    }
}

/// Check-in and check-out, the same for visits and vehicle visits.
const CHECKED_IN_OUT: &[Field] = &[
    Field("checked_in_at", "checked_in_at_ms", Shape::Time),
    Field("checked_in_by", "checked_in_by", Shape::Guard),
    Field("checked_out_at", "checked_out_at_ms", Shape::Time),
    Field("checked_out_by", "checked_out_by", Shape::Guard),
];

impl SearchKind {
    fn described(self) -> &'static Described {
        use Shape::*;
        match self {
            SearchKind::Visit => &Described {
                title: "name",
                subtitle: ["r.host", "r.purpose"],
                fields: &[
                    &[
                        Field("name", "name", Text),
                        Field("id_number", "id_number", Masked),
                        Field("phone", "phone", Phone),
                        Field("organisation", "organisation", Text),
                        Field("companions", "companions", Number),
                        Field("companion_names", "companion_names", Text),
                        Field("host", "host", Text),
                        Field("purpose", "purpose", Text),
                        Field("plate", "plate", Text),
                        Field("items_in", "items_in", Text),
                        Field("notes", "notes", Text),
                    ],
                    CHECKED_IN_OUT,
                    &[Field("items_out", "items_out", Text)],
                ],
            },
            SearchKind::Pickup => &Described {
                title: "child_name",
                subtitle: ["r.picker_name", "r.class_name"],
                fields: &[&[
                    Field("child_name", "child_name", Text),
                    Field("class_name", "class_name", Text),
                    Field("picker_name", "picker_name", Text),
                    Field("relation", "relation", Text),
                    Field("id_number", "picker_id_number", Masked),
                    Field("phone", "picker_phone", Phone),
                    Field("teacher", "teacher", Text),
                    Field("picked_up_at", "picked_up_at_ms", Time),
                    Field("recorded_by", "recorded_by", Guard),
                ]],
            },
            SearchKind::Vehicle => &Described {
                title: "plate",
                subtitle: ["r.driver_name", "r.purpose"],
                fields: &[
                    &[
                        Field("plate", "plate", Text),
                        Field("vehicle_type", "vehicle_type", Text),
                        Field("colour", "colour", Text),
                        Field("driver_name", "driver_name", Text),
                        Field("id_number", "driver_id_number", Masked),
                        Field("phone", "driver_phone", Phone),
                        Field("organisation", "organisation", Text),
                        Field("purpose", "purpose", Text),
                        Field("passengers", "passengers", Number),
                        Field("notes", "notes", Text),
                    ],
                    CHECKED_IN_OUT,
                ],
            },
            SearchKind::Pass => &Described {
                title: "holder_name",
                subtitle: ["'#' || r.serial", "r.department"],
                fields: &[&[
                    Field("serial", "serial", Number),
                    Field("pass_kind", "kind", Text),
                    Field("holder_name", "holder_name", Text),
                    Field("id_number", "holder_id_number", Masked),
                    Field("phone", "holder_phone", Phone),
                    Field("department", "department", Text),
                    Field("valid_from", "valid_from_ms", Time),
                    Field("valid_to", "valid_to_ms", Time),
                    Field("approved_by", "approved_by", Text),
                    Field("issued_at", "issued_at_ms", Time),
                    Field("issued_by", "issued_by", Guard),
                    Field("revoked_at", "revoked_at_ms", Time),
                    Field("revoke_reason", "revoke_reason", Text),
                ]],
            },
            SearchKind::Duty => &Described {
                title: "text",
                subtitle: ["r.place", "NULL"],
                fields: &[&[
                    Field("duty_day", "duty_day", Text),
                    Field("entry_kind", "kind", Text),
                    Field("occurred_at", "occurred_at_ms", Time),
                    Field("recorded_at", "recorded_at_ms", Time),
                    Field("place", "place", Text),
                    Field("text", "text", Text),
                    Field("reported_to", "reported_to", Text),
                    Field("severity", "severity", Text),
                    Field("spot_check_by", "spot_check_by", Text),
                    Field("replacement_guard", "replacement_guard", Text),
                    Field("void_reason", "void_reason", Text),
                    Field("guard", "guard_id", Guard),
                ]],
            },
        }
    }

    /// The title as listed and opened: a duty entry's text is cut to 40 characters.
    fn title(self, title: Option<String>) -> String {
        let title = title.unwrap_or_default();
        if self == SearchKind::Duty {
            shortened(&title, 40)
        } else {
            title
        }
    }
}

/// The list line of one record (`None` if the record is gone).
fn hit(conn: &Connection, kind: SearchKind, id: i64, at_ms: i64, gate: Option<i64>, guard_id: Option<i64>) -> Result<Option<SearchHit>> {
    let Described { title, subtitle: [b, c], .. } = kind.described();
    let table = kind.table().table;
    let row = conn
        .prepare_cached(&format!("SELECT r.uid, r.{title}, {b}, {c} FROM {table} r WHERE r.id = ?1"))?
        .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, Option<String>>(3)?)))
        .optional()?;
    let Some((uid, a, b, c)) = row else { return Ok(None) };
    Ok(Some(SearchHit { kind, id, uid, at_ms, title: kind.title(a), subtitle: joined(&[b, c]), gate, guard_name: guard_name(conn, guard_id)? }))
}

/// Opens one found record: its fields, ID numbers and phones masked as everywhere else.
pub fn record(db: &Db, actor: &Actor, kind: SearchKind, record_id: i64) -> Result<SearchRecord> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        record_in(conn, kind, record_id)
    })
}

fn record_in(conn: &Connection, kind: SearchKind, record_id: i64) -> Result<SearchRecord> {
    let described = kind.described();
    let (table, at, title) = (kind.table().table, kind.source().at, described.title);
    let list = described.fields().map(Field::sql).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT r.uid, r.{at}, r.{title}, {list} FROM {table} r WHERE r.id = ?1");
    let found = conn
        .query_row(&sql, [record_id], |r| {
            let uid: String = r.get(0)?;
            let at_ms: i64 = r.get(1)?;
            let title: Option<String> = r.get(2)?;
            let mut fields = Vec::new();
            for (i, Field(key, _, shape)) in described.fields().enumerate() {
                let field = match shape {
                    Shape::Time => r.get::<_, Option<i64>>(i + 3)?.map(|at| SearchField { key: (*key).into(), value: String::new(), at_ms: Some(at) }),
                    _ => r.get::<_, Option<String>>(i + 3)?.filter(|v| !v.is_empty()).map(|v| {
                        let value = match shape {
                            Shape::Masked => document::mask(&v),
                            Shape::Phone => crate::visits::mask_phone(&v),
                            _ => v,
                        };
                        SearchField { key: (*key).into(), value, at_ms: None }
                    }),
                };
                fields.extend(field);
            }
            Ok((uid, at_ms, title, fields))
        })
        .optional()?;
    let (uid, at_ms, title, fields) =
        found.ok_or_else(|| Error::new(ErrorCode::RecordNotFound, format!("there is no {} number {record_id}: search again", kind.as_str())))?;
    Ok(SearchRecord { kind, id: record_id, uid, at_ms, title: kind.title(title), fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_kinds_are_the_searchable_tables() {
        let searchable: Vec<&str> = catalogue::ALL.iter().filter(|t| t.search.is_some()).map(|t| t.table).collect();
        let kinds: Vec<&str> = SearchKind::ALL.iter().map(|k| k.table().table).collect();
        assert_eq!(searchable.len(), kinds.len());
        for table in searchable {
            assert!(kinds.contains(&table), "`{table}` has a catalogue::Search but no SearchKind");
        }
        for kind in SearchKind::ALL {
            assert_eq!(SearchKind::of_table(kind.table()), Some(kind));
        }
    }

    #[test]
    fn normalise_folds_full_width_case_and_drops_punctuation() {
        assert_eq!(normalise("  Ｚｈａｎｇ 伟，１２３x "), "zhang伟123x");
        assert_eq!(normalise("京A·12345"), "京a12345");
        assert_eq!(normalise("%_'\""), "");
    }

    #[test]
    fn companions_are_split_into_names() {
        assert_eq!(names_in("李四、王五 赵六"), vec!["李四", "王五", "赵六"]);
        assert_eq!(bigrams("欧阳娜娜"), vec!["欧阳", "阳娜", "娜娜"]);
    }

    #[test]
    fn short_and_punctuation_only_queries_are_invalid_on_the_query_field() {
        for text in ["", "张", "%_'\"", " . ", "Ａ"] {
            let err = valid_text(text).unwrap_err();
            assert_eq!((err.field(), err.code()), (Some("query"), ErrorCode::QueryTooShort), "{text:?}");
        }
        assert_eq!(valid_text("张伟").unwrap(), "张伟");
    }
}

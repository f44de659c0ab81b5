//! Only our own schema is opened or restored: a file's tables, columns, indexes, triggers and
//! views must be exactly what our migrations produce at the file's `user_version`.
//!
//! Why: the audit chain proves the records, not the code around them. A hostile file with an
//! extra trigger (which runs inside every later write), an extra view or table, or a
//! `user_version` from the future would otherwise be opened, migrated and trusted. SQLite
//! keeps each object's `CREATE` text in `sqlite_schema`; migrations applied in order always
//! write the same text, so the check compares those texts (whitespace runs folded) with a
//! reference schema built in memory from the embedded migrations.
//!
//! Owns: `check`. Must not: change the file. Called by: `db` (every open, before migrating)
//! and `backup` (every file to restore).

use rusqlite::Connection;

use crate::error::{Error, ErrorCode, Result};

/// One object of `sqlite_schema`: (type, name, table, normalised SQL).
type Object = (String, String, String, Option<String>);

/// The objects that describe code and structure. `sqlite_sequence` and the `sqlite_stat*`
/// tables hold only data SQLite writes itself (`AUTOINCREMENT`, `ANALYZE`).
fn objects(conn: &Connection) -> Result<Vec<Object>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema
         WHERE name <> 'sqlite_sequence' AND name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'
         ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| {
        let sql: Option<String> = r.get(3)?;
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, sql.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What our migrations produce at `version`.
fn reference(version: usize) -> Result<Vec<Object>> {
    let mut conn = crate::cipher::connect(":memory:", rusqlite::OpenFlags::default())?;
    crate::db::migrations().to_version(&mut conn, version)?;
    objects(&conn)
}

fn foreign(difference: String) -> Error {
    Error::new(ErrorCode::SchemaForeign, format!("this file's structure is not Gatehouse's ({difference}): it was changed outside Gatehouse and is not used"))
        .with_param("difference", difference)
}

/// The first difference between the file's schema and ours at its version, described for a
/// person: "extra trigger `x` on `visit`", "table `visit` differs", "missing index `i`".
fn first_difference(expected: &[Object], actual: &[Object]) -> Option<String> {
    let describe = |o: &Object| if o.1 == o.2 { format!("{} `{}`", o.0, o.1) } else { format!("{} `{}` on `{}`", o.0, o.1, o.2) };
    let mut expected = expected.iter().peekable();
    let mut actual = actual.iter().peekable();
    loop {
        match (expected.peek(), actual.peek()) {
            (None, None) => return None,
            (Some(e), None) => return Some(format!("missing {}", describe(e))),
            (None, Some(a)) => return Some(format!("extra {}", describe(a))),
            (Some(e), Some(a)) => match (&e.0, &e.1).cmp(&(&a.0, &a.1)) {
                std::cmp::Ordering::Less => return Some(format!("missing {}", describe(e))),
                std::cmp::Ordering::Greater => return Some(format!("extra {}", describe(a))),
                std::cmp::Ordering::Equal if e != a => return Some(format!("{} differs", describe(a))),
                std::cmp::Ordering::Equal => {
                    expected.next();
                    actual.next();
                }
            },
        }
    }
}

/// Refuses a file whose `user_version` is newer than this build knows, or whose schema is not
/// exactly ours at its version. Returns the file's version.
pub(crate) fn check(conn: &Connection) -> Result<usize> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = crate::db::latest_version();
    let Some(version) = usize::try_from(version).ok().filter(|v| *v <= latest) else {
        return Err(Error::new(
            ErrorCode::SchemaNewer,
            format!("this file was written by a newer Gatehouse (schema {version}, this one knows up to {latest}): update Gatehouse first"),
        )
        .with_param("version", version)
        .with_param("latest", latest));
    };
    match first_difference(&reference(version)?, &objects(conn)?) {
        Some(difference) => Err(foreign(difference)),
        None => Ok(version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latest() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrations().to_latest(&mut conn).unwrap();
        conn
    }

    #[test]
    fn our_own_schema_passes_at_every_version() {
        for version in 0..=crate::db::latest_version() {
            let mut conn = Connection::open_in_memory().unwrap();
            crate::db::migrations().to_version(&mut conn, version).unwrap();
            assert_eq!(check(&conn).unwrap(), version);
        }
    }

    #[test]
    fn an_extra_trigger_view_table_or_index_is_named() {
        for (sql, named) in [
            ("CREATE TRIGGER sneaky AFTER INSERT ON guard BEGIN SELECT 1; END", "extra trigger `sneaky` on `guard`"),
            ("CREATE VIEW v AS SELECT 1", "extra view `v`"),
            ("CREATE TABLE extra (x)", "extra table `extra`"),
            ("CREATE INDEX extra_idx ON guard (name)", "extra index `extra_idx` on `guard`"),
            ("ALTER TABLE guard ADD COLUMN backdoor TEXT", "table `guard` differs"),
        ] {
            let conn = latest();
            conn.execute_batch(sql).unwrap();
            let err = check(&conn).unwrap_err();
            assert_eq!((err.kind(), err.code()), (crate::ErrorKind::Tampered, ErrorCode::SchemaForeign), "{sql}");
            assert_eq!(err.params()["difference"], named, "{sql}");
        }
    }

    #[test]
    fn a_dropped_trigger_is_missing() {
        let conn = latest();
        let trigger: String = conn.query_row("SELECT name FROM sqlite_schema WHERE type = 'trigger' LIMIT 1", [], |r| r.get(0)).unwrap();
        conn.execute_batch(&format!("DROP TRIGGER {trigger}")).unwrap();
        assert!(check(&conn).unwrap_err().params()["difference"].starts_with("missing trigger"));
    }

    #[test]
    fn a_newer_version_is_refused() {
        let conn = latest();
        conn.pragma_update(None, "user_version", crate::db::latest_version() as i64 + 1).unwrap();
        assert_eq!(check(&conn).unwrap_err().code(), ErrorCode::SchemaNewer);
    }
}

//! The catalogue of tables: one description of each table whose rows are records, and the
//! list of the others with the reason they are not records.
//!
//! A table's entry says everything the cross-cutting modules need to know about it: the
//! entity name its audit events carry, the columns of its audit snapshot, its personal-data
//! columns (kept beside a salted commitment, see `pii`), the values bound to the snapshot
//! through a digest, where its searchable text is, and when its personal data is purged.
//! `audit` (record changes and `verify`), `retention` and `search` loop over `ALL`; a domain
//! module passes its entry to `audit::record_change`. A new table gets an entry here (or a
//! line in `NOT_RECORDS`), and the test below fails until it does.
//!
//! Owns: `Table`, `Search`, `Retention`, `ALL`, `NOT_RECORDS`. Must not: import a domain
//! module, or run a query (it is data only). Called by: `audit`, `retention`, `search`,
//! `db` (the one-time fix-ups), and every module that writes a record.

/// A table whose rows are records under the audit chain.
pub struct Table {
    /// Entity name in events, e.g. "visit".
    pub entity: &'static str,
    pub table: &'static str,
    /// The columns that make the snapshot (must include `id` and `uid`; never personal data).
    pub columns: &'static [&'static str],
    /// Personal columns covered by `pii_commitment` (with `pii_salt`); empty if none.
    pub pii_columns: &'static [&'static str],
    /// (column, column holding its hex SHA-256): values kept out of the snapshot but bound to
    /// it through their digest: large images, and secrets whose digest hides them (a PIN's
    /// Argon2 hash, which carries its own random salt).
    pub blob_digests: &'static [(&'static str, &'static str)],
    /// Where its text is for the search box (`search`); none: not searchable.
    pub search: Option<Search>,
    /// What happens to its personal data as it ages (`retention`).
    pub retention: Retention,
}

/// Where a table's searchable text lives.
pub struct Search {
    /// The record's time, which results are ordered by.
    pub at: &'static str,
    /// The guard who wrote the record, for the guard filter.
    pub guard: &'static str,
    /// Name fields and plates: indexed as trigrams and as bigrams.
    pub names: &'static [&'static str],
    /// ID numbers and phones: the `ident` column, matched by fragment only for supervisors.
    pub idents: &'static [&'static str],
    /// Other fields (serials, places, free text): trigrams only.
    pub others: &'static [&'static str],
}

/// What the retention purge does with a table's personal data.
pub enum Retention {
    /// The table holds no personal data.
    NoPersonalData,
    /// The personal columns and the salt are cleared once the record ended before the cutoff.
    PurgeWhenEnded {
        /// SQL condition on the table, `?1` = cutoff: the record ended before the cutoff.
        ended_before: &'static str,
        /// Its count in the `retention_purged` event and in `PurgeReport`.
        count_key: &'static str,
    },
    /// Personal data that the purge keeps, and why.
    Kept { why: &'static str },
}

pub const SITE: Table = Table {
    entity: "site",
    table: "site",
    columns: &[
        "id",
        "uid",
        "site_name",
        "gate_name",
        "idle_lock_minutes",
        "duty_day_start_hour",
        "created_at_ms",
        "slip_required",
        "closing_time",
        "privacy_notice",
        "min_patrols_per_day",
        "gate_number",
        "retention_days",
        "backup_dir",
        "backup_keep",
    ],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

/// The snapshot holds `pin_hash_sha256`, not `pin_hash` (since schema 10): a PIN hash in
/// the chain could be copied out with it and ground offline (a 6-digit PIN has only a million
/// values). The digest hides the PIN, because the PHC string it is taken of carries its own
/// 16-byte random salt, and `verify` still proves `pin_hash` is what the app wrote.
pub const GUARD: Table = Table {
    entity: "guard",
    table: "guard",
    columns: &["id", "uid", "name", "role", "pin_hash_sha256", "active", "created_at_ms", "created_by"],
    pii_columns: &[],
    blob_digests: &[("pin_hash", "pin_hash_sha256")],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const STAFF: Table = Table {
    entity: "staff",
    table: "staff",
    columns: &["id", "uid", "name", "department", "extension", "active", "created_at_ms"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const WATCHLIST: Table = Table {
    entity: "watchlist",
    table: "watchlist",
    columns: &["id", "uid", "pii_commitment", "plate", "reason", "action", "active", "created_at_ms", "created_by"],
    pii_columns: &["name", "name_pinyin", "id_number"],
    blob_digests: &[],
    search: None,
    retention: Retention::Kept {
        why: "an active entry is in use, and a deactivated one has no recorded time of deactivation and may be enabled again; \
              its name and ID number are under a commitment, so they are not in the chain",
    },
};

pub const CHECKLIST_ITEM: Table = Table {
    entity: "checklist_item",
    table: "checklist_item",
    columns: &["id", "uid", "list", "label", "position", "active", "created_at_ms"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const VISIT: Table = Table {
    entity: "visit",
    table: "visit",
    columns: &[
        "id",
        "uid",
        "pii_commitment",
        "doc_type",
        "organisation",
        "host",
        "host_staff_id",
        "purpose",
        "companions",
        "items_in",
        "plate",
        "expected_minutes",
        "notes",
        "host_confirmed_by",
        "host_confirmed_at_ms",
        "checked_in_at_ms",
        "checked_in_by",
        "watchlist_override_by",
        "watchlist_override_reason",
        "checked_out_at_ms",
        "checked_out_by",
        "items_out",
        "slip_returned",
        "id_card_read_at_ms",
        "id_card_valid_until",
        "exit_override_by",
        "exit_override_reason",
    ],
    pii_columns: &["name", "id_number", "phone", "companion_names", "photo"],
    blob_digests: &[],
    search: Some(Search {
        at: "checked_in_at_ms",
        guard: "checked_in_by",
        names: &["name", "companion_names", "plate"],
        idents: &["id_number", "phone"],
        others: &[],
    }),
    retention: Retention::PurgeWhenEnded { ended_before: "checked_out_at_ms IS NOT NULL AND checked_out_at_ms < ?1", count_key: "visits" },
};

pub const AUTHORISED_PICKER: Table = Table {
    entity: "authorised_picker",
    table: "authorised_picker",
    columns: &["id", "uid", "pii_commitment", "class_name", "relation", "added_at_ms", "added_by", "removed_at_ms", "removed_by"],
    pii_columns: &["child_name", "picker_name", "phone", "id_last4"],
    blob_digests: &[],
    search: None,
    retention: Retention::PurgeWhenEnded { ended_before: "removed_at_ms IS NOT NULL AND removed_at_ms < ?1", count_key: "authorised_pickers" },
};

pub const PICKUP: Table = Table {
    entity: "pickup",
    table: "pickup",
    columns: &[
        "id",
        "uid",
        "pii_commitment",
        "class_name",
        "relation",
        "teacher",
        "picked_up_at_ms",
        "recorded_by",
        "authorised_picker_id",
        "teacher_confirmation",
        "watchlist_override_by",
        "watchlist_override_reason",
    ],
    pii_columns: &["child_name", "picker_name", "picker_id_number", "picker_phone"],
    blob_digests: &[],
    search: Some(Search {
        at: "picked_up_at_ms",
        guard: "recorded_by",
        names: &["child_name", "picker_name"],
        idents: &["picker_id_number", "picker_phone"],
        others: &[],
    }),
    retention: Retention::PurgeWhenEnded { ended_before: "picked_up_at_ms < ?1", count_key: "pickups" },
};

pub const REGISTERED_VEHICLE: Table = Table {
    entity: "registered_vehicle",
    table: "registered_vehicle",
    columns: &["id", "uid", "plate", "owner", "department", "valid_until", "active", "created_at_ms", "created_by"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const VEHICLE_VISIT: Table = Table {
    entity: "vehicle_visit",
    table: "vehicle_visit",
    columns: &[
        "id",
        "uid",
        "plate",
        "plate_kind",
        "vehicle_type",
        "colour",
        "registered_vehicle_id",
        "pii_commitment",
        "organisation",
        "purpose",
        "passengers",
        "inspection",
        "notes",
        "checked_in_at_ms",
        "checked_in_by",
        "checked_out_at_ms",
        "checked_out_by",
        "watchlist_override_by",
        "watchlist_override_reason",
    ],
    pii_columns: &["driver_name", "driver_phone", "driver_id_number", "photo"],
    blob_digests: &[],
    search: Some(Search {
        at: "checked_in_at_ms",
        guard: "checked_in_by",
        names: &["driver_name", "plate"],
        idents: &["driver_id_number", "driver_phone"],
        others: &[],
    }),
    retention: Retention::PurgeWhenEnded { ended_before: "checked_out_at_ms IS NOT NULL AND checked_out_at_ms < ?1", count_key: "vehicle_visits" },
};

pub const DELIVERY: Table = Table {
    entity: "delivery",
    table: "delivery",
    columns: &["id", "uid", "vehicle_visit_id", "description", "quantity", "unit", "recipient", "received_at_ms", "received_by"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const EXIT_PERMIT: Table = Table {
    entity: "exit_permit",
    table: "exit_permit",
    columns: &[
        "id",
        "uid",
        "permit_number",
        "department",
        "issued_by",
        "issued_on",
        "returnable",
        "due_on",
        "vehicle_visit_id",
        "items",
        "outcome",
        "status",
        "discrepancy_note",
        "released_by",
        "release_reason",
        "checked_at_ms",
        "checked_by",
        "returned_at_ms",
        "returned_by",
    ],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const KEY_PLACE: Table = Table {
    entity: "key_place",
    table: "key_place",
    columns: &["id", "uid", "name", "position", "active", "created_at_ms"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const DUTY_ENTRY: Table = Table {
    entity: "duty_entry",
    table: "duty_entry",
    columns: &[
        "id",
        "uid",
        "duty_day",
        "kind",
        "occurred_at_ms",
        "recorded_at_ms",
        "place",
        "text",
        "guard_id",
        "reported_to",
        "severity",
        "spot_check_by",
        "spot_check_mode",
        "replacement_guard",
        "replacement_from_ms",
        "replacement_to_ms",
        "patrol_places",
        "voids_entry_id",
        "void_reason",
        "closes_item_id",
        "spot_check_supervisor_id",
        "spot_check_verified",
        "incident_category",
        "reported_at_ms",
    ],
    pii_columns: &[],
    blob_digests: &[],
    search: Some(Search {
        at: "occurred_at_ms",
        guard: "guard_id",
        names: &["reported_to", "spot_check_by", "replacement_guard"],
        idents: &[],
        others: &["place", "text"],
    }),
    retention: Retention::NoPersonalData,
};

pub const FOLLOW_UP: Table = Table {
    entity: "follow_up",
    table: "follow_up",
    columns: &[
        "id",
        "uid",
        "title",
        "owner",
        "deadline",
        "opened_at_ms",
        "opened_by",
        "opened_by_entry_id",
        "opened_by_handover_id",
        "closed_at_ms",
        "closed_by_entry_id",
        "reported_to",
        "reported_at_ms",
        "done_at_ms",
        "done_by",
        "closed_by",
    ],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const FOLLOW_UP_REVIEW: Table = Table {
    entity: "follow_up_review",
    table: "follow_up_review",
    columns: &["id", "uid", "follow_up_id", "outcome", "note", "reviewed_by", "reviewed_at_ms"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const DUTY_DAY_CLOSE: Table = Table {
    entity: "duty_day_close",
    table: "duty_day_close",
    columns: &["id", "uid", "duty_day", "closed_at_ms", "closed_by"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const HANDOVER: Table = Table {
    entity: "handover",
    table: "handover",
    columns: &[
        "id",
        "uid",
        "duty_day",
        "outgoing_guard_id",
        "incoming_guard_id",
        "period_from_ms",
        "sealed_at_ms",
        "summary",
        "checklist",
        "handed_over",
        "notes",
        "outgoing_signature_sha256",
        "incoming_signature_sha256",
    ],
    pii_columns: &[],
    // The signature images are too big for every event body: the snapshot holds their
    // SHA-256, and verify checks the images against it.
    blob_digests: &[("outgoing_signature", "outgoing_signature_sha256"), ("incoming_signature", "incoming_signature_sha256")],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const DUTY_WATCH: Table = Table {
    entity: "duty_watch",
    table: "duty_watch",
    columns: &["id", "uid", "guard_id", "began_at_ms", "how", "previous_guard_id", "approved_by", "reason"],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const PASS_KEY: Table = Table {
    entity: "pass_key",
    table: "pass_key",
    // The secret half stays out of every event body.
    columns: &[
        "id",
        "uid",
        "key_id",
        "label",
        "public_key",
        "current",
        "created_at_ms",
        "retired_at_ms",
        "distrusted_at_ms",
        "distrusted_by",
        "distrust_reason",
    ],
    pii_columns: &[],
    blob_digests: &[],
    search: None,
    retention: Retention::NoPersonalData,
};

pub const PASS: Table = Table {
    entity: "pass",
    table: "pass",
    columns: &[
        "id",
        "uid",
        "serial",
        "key_id",
        "kind",
        "pii_commitment",
        "department",
        "valid_from_ms",
        "valid_to_ms",
        "window_start_min",
        "window_end_min",
        "gates",
        "max_uses",
        "approved_by",
        "code",
        "issued_at_ms",
        "issued_by",
        "revoked_at_ms",
        "revoked_by",
        "revoke_reason",
    ],
    pii_columns: &["holder_name", "holder_phone", "holder_id_number", "photo"],
    blob_digests: &[],
    search: Some(Search {
        at: "issued_at_ms",
        guard: "issued_by",
        names: &["holder_name"],
        idents: &["holder_id_number", "holder_phone"],
        others: &["CAST(serial AS TEXT)"],
    }),
    // Ended: expired or revoked, whichever came first.
    retention: Retention::PurgeWhenEnded { ended_before: "(valid_to_ms < ?1 OR revoked_at_ms < ?1)", count_key: "passes" },
};

pub const PASS_SCAN: Table = Table {
    entity: "pass_scan",
    table: "pass_scan",
    columns: &[
        "id",
        "uid",
        "key_id",
        "serial",
        "outcome",
        "accepted",
        "direction",
        "gate_number",
        "guard_id",
        "scanned_at_ms",
        "pii_commitment",
        "override_by",
        "override_reason",
    ],
    pii_columns: &["holder_hint"],
    blob_digests: &[],
    search: None,
    // A scan past the cutoff, unless it is of a pass this database issued that has not ended
    // before the cutoff.
    retention: Retention::PurgeWhenEnded {
        ended_before: "scanned_at_ms < ?1 AND NOT EXISTS (SELECT 1 FROM pass p WHERE p.key_id = pass_scan.key_id AND p.serial = pass_scan.serial
                           AND p.valid_to_ms >= ?1 AND (p.revoked_at_ms IS NULL OR p.revoked_at_ms >= ?1))",
        count_key: "pass_scans",
    },
};

/// Every record table, in the order `verify` checks them.
pub const ALL: &[&Table] = &[
    &SITE,
    &GUARD,
    &STAFF,
    &WATCHLIST,
    &CHECKLIST_ITEM,
    &VISIT,
    &AUTHORISED_PICKER,
    &PICKUP,
    &REGISTERED_VEHICLE,
    &VEHICLE_VISIT,
    &DELIVERY,
    &EXIT_PERMIT,
    &KEY_PLACE,
    &DUTY_ENTRY,
    &FOLLOW_UP,
    &FOLLOW_UP_REVIEW,
    &DUTY_DAY_CLOSE,
    &HANDOVER,
    &DUTY_WATCH,
    &PASS_KEY,
    &PASS,
    &PASS_SCAN,
];

/// The tables that are not records under the chain, each with the reason.
pub const NOT_RECORDS: &[(&str, &str)] = &[
    ("audit_event", "the chain itself"),
    ("preference", "this PC's preferences (the UI language, the last purge run), not records"),
    ("login_throttle", "bookkeeping of wrong PINs; each wrong PIN is an event in the chain"),
    ("login_failure", "bookkeeping of wrong PINs for the status bar; each is an event in the chain"),
    ("clock_high_water", "the latest instant written, to notice a clock set back"),
    ("backup_attempt", "an operational log: a backup changes no record, and a failed one must be written even when nothing else can"),
    ("search_entry", "the search index, rebuilt from the records"),
    ("search_bigram", "the search index, rebuilt from the records"),
    ("search_text", "the search index (FTS5), rebuilt from the records"),
    ("imported_revocation", "other gates' revocations, taken from their signed lists, which are the proof"),
    ("revocation_list_seen", "the newest signed list number seen from each issuer, from the lists themselves"),
    ("handover_print", "a log of slip prints (reprints are marked 补打); not part of the sealed handover"),
    ("vehicle_visitor", "links a vehicle visit to the visits of the people in it; not yet under the chain"),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rusqlite::Connection;

    use super::*;

    fn latest_schema() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrations().to_latest(&mut conn).unwrap();
        conn
    }

    fn columns_of(conn: &Connection, table: &str) -> BTreeSet<String> {
        let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    /// Tables of our schema, without SQLite's own and FTS5's shadow tables.
    fn schema_tables(conn: &Connection) -> BTreeSet<String> {
        let mut stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").unwrap();
        let all: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
        let virtual_tables: Vec<String> = {
            let mut stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
        };
        all.into_iter().filter(|name| !virtual_tables.iter().any(|v| name.starts_with(&format!("{v}_")))).collect()
    }

    #[test]
    fn every_table_is_a_record_or_says_why_not() {
        let conn = latest_schema();
        let catalogued: BTreeSet<String> = ALL.iter().map(|t| t.table.to_owned()).chain(NOT_RECORDS.iter().map(|(t, _)| (*t).to_owned())).collect();
        let in_schema = schema_tables(&conn);
        let missing: Vec<&String> = in_schema.difference(&catalogued).collect();
        assert!(missing.is_empty(), "tables in neither catalogue::ALL nor NOT_RECORDS: {missing:?}");
        let gone: Vec<&String> = catalogued.difference(&in_schema).collect();
        assert!(gone.is_empty(), "catalogued tables that the schema does not have: {gone:?}");
        for table in in_schema.iter().filter(|t| columns_of(&conn, t).contains("uid")) {
            let said_why = NOT_RECORDS.iter().any(|(t, _)| t == table);
            assert!(ALL.iter().any(|t| t.table == table) || said_why, "`{table}` has a uid (it looks like a record) but is not in catalogue::ALL");
        }
    }

    #[test]
    fn every_listed_column_exists() {
        let conn = latest_schema();
        for table in ALL {
            let columns = columns_of(&conn, table.table);
            let mut listed: Vec<&str> = table.columns.to_vec();
            listed.extend(table.pii_columns);
            listed.extend(table.blob_digests.iter().flat_map(|(blob, digest)| [*blob, *digest]));
            if let Some(search) = &table.search {
                listed.extend([search.at, search.guard]);
                listed.extend(search.names.iter().chain(search.idents));
                // `others` may be SQL expressions (`CAST(serial AS TEXT)`): their column is the word inside.
                listed.extend(search.others.iter().map(|o| o.trim_start_matches("CAST(").split_whitespace().next().unwrap_or(o)));
            }
            if !table.pii_columns.is_empty() {
                listed.extend(["pii_salt", "pii_commitment"]);
            }
            for column in listed {
                assert!(columns.contains(column), "catalogue: `{}.{column}` is not a column of the schema", table.table);
            }
            assert!(table.columns.starts_with(&["id", "uid"]), "`{}`: a snapshot starts with id and uid", table.table);
            assert!(!table.columns.iter().any(|c| table.pii_columns.contains(c)), "`{}`: a personal column is in the snapshot", table.table);
        }
    }

    #[test]
    fn personal_data_has_a_retention_rule_and_only_personal_data_does() {
        for table in ALL {
            match (&table.retention, table.pii_columns.is_empty()) {
                (Retention::NoPersonalData, false) => panic!("`{}` has personal columns but says it has none", table.table),
                (Retention::PurgeWhenEnded { .. } | Retention::Kept { .. }, true) => {
                    panic!("`{}` has no personal columns but a retention rule", table.table)
                }
                _ => {}
            }
        }
    }

    #[test]
    fn entities_and_tables_are_listed_once() {
        let entities: BTreeSet<&str> = ALL.iter().map(|t| t.entity).collect();
        let tables: BTreeSet<&str> = ALL.iter().map(|t| t.table).collect();
        assert_eq!((entities.len(), tables.len()), (ALL.len(), ALL.len()));
    }
}

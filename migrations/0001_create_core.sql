-- Gatehouse schema 1: site, guards, visits and the audit hash chain.
-- Forward-only. Never edit this file once landed: add 0002_*.sql instead.
-- Instants are UTC milliseconds (INTEGER). Every record has an INTEGER id and a UUIDv7 uid.

-- One row: the site this database belongs to, and its settings.
CREATE TABLE site (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    uid                   TEXT    NOT NULL UNIQUE,
    site_name             TEXT    NOT NULL,
    gate_name             TEXT    NOT NULL,
    idle_lock_minutes     INTEGER NOT NULL DEFAULT 5,
    duty_day_start_hour   INTEGER NOT NULL DEFAULT 8,
    created_at_ms         INTEGER NOT NULL
) STRICT;

-- Preferences of this PC that are not records (the UI language): no audit event.
CREATE TABLE preference (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE guard (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role           TEXT    NOT NULL CHECK (role IN ('guard', 'supervisor')),
    pin_hash       TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms  INTEGER NOT NULL,
    created_by     INTEGER REFERENCES guard(id)
) STRICT;

-- Operational login throttle (failed attempts, lock-out). Not a record: it changes on every
-- failed PIN; the failures themselves go into the audit chain as events.
CREATE TABLE login_throttle (
    guard_id         INTEGER PRIMARY KEY REFERENCES guard(id),
    failed_count     INTEGER NOT NULL DEFAULT 0,
    lockouts         INTEGER NOT NULL DEFAULT 0,
    locked_until_ms  INTEGER
) STRICT;

CREATE TABLE visit (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    -- personal data (PIPL): purged after the retention period, together with pii_salt.
    name               TEXT,
    id_number          TEXT,
    pii_salt           BLOB,
    -- SHA-256(salt ‖ personal fields): what the audit chain sees instead of the data.
    pii_commitment     TEXT    NOT NULL,
    host               TEXT    NOT NULL,
    purpose            TEXT    NOT NULL,
    checked_in_at_ms   INTEGER NOT NULL,
    checked_in_by      INTEGER NOT NULL REFERENCES guard(id),
    checked_out_at_ms  INTEGER,
    checked_out_by     INTEGER REFERENCES guard(id)
) STRICT;
CREATE INDEX visit_on_site ON visit(checked_in_at_ms) WHERE checked_out_at_ms IS NULL;

-- The hash chain. hash = SHA-256("gatehouse/audit/v1" ‖ 0x00 ‖ seq as 8 bytes BE ‖ body ‖ prev_hash).
-- body is canonical JSON (sorted keys) holding the event and, for record changes, the
-- record's snapshot after the change; `gatehouse verify` compares snapshots with the tables.
CREATE TABLE audit_event (
    seq        INTEGER PRIMARY KEY,
    uid        TEXT    NOT NULL UNIQUE,
    at_ms      INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    entity     TEXT,
    entity_uid TEXT,
    body       TEXT    NOT NULL,
    prev_hash  BLOB    NOT NULL,
    hash       BLOB    NOT NULL
) STRICT;
CREATE INDEX audit_event_entity ON audit_event(entity, entity_uid, seq);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are sealed'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are sealed'); END;

-- Largest instant ever written: a clock that goes back behind it is flagged.
CREATE TABLE clock_high_water (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    at_ms  INTEGER NOT NULL
) STRICT;

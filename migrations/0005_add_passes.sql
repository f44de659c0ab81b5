-- Gatehouse schema 5: holiday access control (假期出入管理): signing keys, passes, every
-- scan, and revocation lists shared between gates.

-- This PC's gate number (1-16) as passes name the gates they open. NULL: 1.
ALTER TABLE site ADD COLUMN gate_number INTEGER CHECK (gate_number BETWEEN 1 AND 16);

-- Ed25519 keys. This site's keys carry their secret half (readable through supervisor
-- commands only); other gates' keys are imported with the public half alone.
CREATE TABLE pass_key (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    key_id         INTEGER NOT NULL UNIQUE,       -- carried in every code (u32)
    label          TEXT    NOT NULL,              -- the issuing site, for people
    public_key     BLOB    NOT NULL CHECK (length(public_key) = 32),
    secret_key     BLOB    CHECK (secret_key IS NULL OR length(secret_key) = 32),
    current        INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1)),  -- signs new passes
    created_at_ms  INTEGER NOT NULL,
    retired_at_ms  INTEGER
) STRICT;
CREATE UNIQUE INDEX pass_key_current ON pass_key(current) WHERE current = 1;

CREATE TABLE pass (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    serial             INTEGER NOT NULL,
    key_id             INTEGER NOT NULL REFERENCES pass_key(key_id),
    kind               TEXT    NOT NULL CHECK (kind IN ('holiday_resident', 'staff', 'contractor', 'temporary_visitor')),
    -- personal (PIPL)
    holder_name        TEXT,
    holder_phone       TEXT,
    holder_id_number   TEXT,                      -- kept here, never in the code
    photo              BLOB,
    pii_salt           BLOB,
    pii_commitment     TEXT    NOT NULL,
    department         TEXT    NOT NULL,          -- department or class
    valid_from_ms      INTEGER NOT NULL,
    valid_to_ms        INTEGER NOT NULL,
    window_start_min   INTEGER,                   -- daily window, local minutes of the day
    window_end_min     INTEGER,
    gates              INTEGER NOT NULL,          -- bit i-1 set: opens gate i; 0: every gate
    max_uses           INTEGER,
    approved_by        TEXT    NOT NULL,
    code               TEXT    NOT NULL,          -- the digits printed as the QR code
    issued_at_ms       INTEGER NOT NULL,
    issued_by          INTEGER NOT NULL REFERENCES guard(id),
    revoked_at_ms      INTEGER,
    revoked_by         INTEGER REFERENCES guard(id),
    revoke_reason      TEXT,
    UNIQUE (key_id, serial),
    CHECK (valid_to_ms > valid_from_ms)
) STRICT;

-- Every scan at the gate, accepted or refused. Sealed.
CREATE TABLE pass_scan (
    id                INTEGER PRIMARY KEY,
    uid               TEXT    NOT NULL UNIQUE,
    key_id            INTEGER,
    serial            INTEGER,
    outcome           TEXT    NOT NULL,
    accepted          INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    direction         TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    gate_number       INTEGER NOT NULL,
    guard_id          INTEGER NOT NULL REFERENCES guard(id),
    scanned_at_ms     INTEGER NOT NULL,
    holder_hint       TEXT,
    override_by       INTEGER REFERENCES guard(id),   -- a supervisor letting a refused holder in
    override_reason   TEXT
) STRICT;
CREATE INDEX pass_scan_pass ON pass_scan(key_id, serial, scanned_at_ms);
CREATE INDEX pass_scan_time ON pass_scan(scanned_at_ms);
CREATE TRIGGER pass_scan_no_update BEFORE UPDATE ON pass_scan
BEGIN SELECT RAISE(ABORT, 'pass scans are sealed'); END;
CREATE TRIGGER pass_scan_no_delete BEFORE DELETE ON pass_scan
BEGIN SELECT RAISE(ABORT, 'pass scans are sealed'); END;

-- Revocations received from other gates' signed lists (this site's own are in `pass`).
CREATE TABLE imported_revocation (
    key_id         INTEGER NOT NULL,
    serial         INTEGER NOT NULL,
    reason         TEXT    NOT NULL,
    revoked_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (key_id, serial)
) STRICT;

-- The newest list number accepted from each issuing key: an older list never replaces it.
CREATE TABLE revocation_list_seen (
    issuer_key_id  INTEGER PRIMARY KEY,
    list_number    INTEGER NOT NULL,
    imported_at_ms INTEGER NOT NULL
) STRICT;

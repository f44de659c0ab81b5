-- Gatehouse schema 3: vehicles and goods (issue 4): vehicle check-in/out with inspection,
-- registered staff vehicles, deliveries, exit permits (出门证/放行条) checked at the gate,
-- returnable goods.

-- Configurable checklists (vehicle inspection now, the handover's joint check later).
CREATE TABLE checklist_item (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    list           TEXT    NOT NULL CHECK (list IN ('vehicle', 'handover')),
    label          TEXT    NOT NULL,
    position       INTEGER NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms  INTEGER NOT NULL,
    UNIQUE (list, label)
) STRICT;

-- Staff and resident vehicles that pass with one action.
CREATE TABLE registered_vehicle (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    plate          TEXT    NOT NULL UNIQUE,
    owner          TEXT    NOT NULL,
    department     TEXT    NOT NULL DEFAULT '',
    valid_until    TEXT,                 -- local date YYYY-MM-DD, NULL: no end
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms  INTEGER NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES guard(id)
) STRICT;

-- One vehicle's stay on site.
CREATE TABLE vehicle_visit (
    id                     INTEGER PRIMARY KEY,
    uid                    TEXT    NOT NULL UNIQUE,
    plate                  TEXT    NOT NULL,
    plate_kind             TEXT    NOT NULL CHECK (plate_kind IN ('standard', 'new_energy', 'special')),
    vehicle_type           TEXT    NOT NULL CHECK (vehicle_type IN ('car', 'van', 'truck', 'bus', 'motorcycle', 'other')),
    colour                 TEXT,
    registered_vehicle_id  INTEGER REFERENCES registered_vehicle(id),
    -- personal (PIPL), under pii_commitment like a visitor's
    driver_name            TEXT,
    driver_phone           TEXT,
    driver_id_number       TEXT,
    photo                  BLOB,
    pii_salt               BLOB,
    pii_commitment         TEXT    NOT NULL,
    organisation           TEXT,
    purpose                TEXT,
    passengers             INTEGER NOT NULL DEFAULT 0,
    -- JSON array of {"item": label, "ok": bool, "note": text}
    inspection             TEXT    NOT NULL DEFAULT '[]',
    notes                  TEXT,
    checked_in_at_ms       INTEGER NOT NULL,
    checked_in_by          INTEGER NOT NULL REFERENCES guard(id),
    checked_out_at_ms      INTEGER,
    checked_out_by         INTEGER REFERENCES guard(id),
    watchlist_override_by      INTEGER REFERENCES guard(id),
    watchlist_override_reason  TEXT
) STRICT;
CREATE INDEX vehicle_visit_on_site ON vehicle_visit(plate) WHERE checked_out_at_ms IS NULL;
CREATE INDEX vehicle_visit_time ON vehicle_visit(checked_in_at_ms);

-- Visitors who came in the vehicle.
CREATE TABLE vehicle_visitor (
    vehicle_visit_id  INTEGER NOT NULL REFERENCES vehicle_visit(id),
    visit_id          INTEGER NOT NULL REFERENCES visit(id),
    PRIMARY KEY (vehicle_visit_id, visit_id)
) STRICT;

-- Goods coming in.
CREATE TABLE delivery (
    id                INTEGER PRIMARY KEY,
    uid               TEXT    NOT NULL UNIQUE,
    vehicle_visit_id  INTEGER REFERENCES vehicle_visit(id),
    description       TEXT    NOT NULL,
    quantity          REAL    NOT NULL CHECK (quantity > 0),
    unit              TEXT    NOT NULL,
    recipient         TEXT    NOT NULL,
    received_at_ms    INTEGER NOT NULL,
    received_by       INTEGER NOT NULL REFERENCES guard(id)
) STRICT;

-- Goods going out on an exit permit, checked item by item at the gate.
CREATE TABLE exit_permit (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    permit_number      TEXT    NOT NULL,
    department         TEXT    NOT NULL,
    issued_by          TEXT    NOT NULL,
    issued_on          TEXT    NOT NULL,          -- local date YYYY-MM-DD
    returnable         INTEGER NOT NULL CHECK (returnable IN (0, 1)),
    due_on             TEXT,                      -- local date, returnable goods only
    vehicle_visit_id   INTEGER REFERENCES vehicle_visit(id),
    -- JSON array of {"description", "quantity", "unit", "matched": bool, "note"}: written once
    -- with the permit, so the audit snapshot covers every item.
    items              TEXT    NOT NULL,
    outcome            TEXT    NOT NULL CHECK (outcome IN ('all_match', 'discrepancy')),
    status             TEXT    NOT NULL CHECK (status IN ('released', 'held')),
    discrepancy_note   TEXT,
    released_by        INTEGER REFERENCES guard(id),   -- a supervisor letting a discrepancy out
    release_reason     TEXT,
    checked_at_ms      INTEGER NOT NULL,
    checked_by         INTEGER NOT NULL REFERENCES guard(id),
    returned_at_ms     INTEGER,
    returned_by        INTEGER REFERENCES guard(id),
    CHECK (returnable = 1 OR due_on IS NULL)
) STRICT;
CREATE INDEX exit_permit_out ON exit_permit(due_on) WHERE returnable = 1 AND returned_at_ms IS NULL;

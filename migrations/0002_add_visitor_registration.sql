-- Gatehouse schema 2: complete visitor registration (issue 3): documents, phone, host from
-- the staff directory, companions, items, slips (回执), watchlist (关注名单), pick-ups
-- (中途离园登记) and the site settings they need.
-- Columns added to audited tables are NULL in older rows: the audit snapshot of an older
-- row has no such key, which `audit::verify` reads as NULL.

-- Site settings. NULL means the default shown beside each.
ALTER TABLE site ADD COLUMN slip_required INTEGER CHECK (slip_required IN (0, 1));   -- 0
ALTER TABLE site ADD COLUMN closing_time TEXT;                                        -- none ("HH:MM")
ALTER TABLE site ADD COLUMN privacy_notice TEXT;                                      -- the built-in notice

-- The staff directory: whom visitors come to see (被访人). Kept by supervisors.
CREATE TABLE staff (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    department     TEXT    NOT NULL DEFAULT '',
    extension      TEXT    NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms  INTEGER NOT NULL,
    UNIQUE (name, department)
) STRICT;

-- Visits: what the desk asks beyond issue 2's name, ID, host and purpose.
ALTER TABLE visit ADD COLUMN doc_type TEXT CHECK (doc_type IN ('resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'));
ALTER TABLE visit ADD COLUMN phone TEXT;                 -- personal
ALTER TABLE visit ADD COLUMN organisation TEXT;
ALTER TABLE visit ADD COLUMN host_staff_id INTEGER REFERENCES staff(id);
ALTER TABLE visit ADD COLUMN companions INTEGER;
ALTER TABLE visit ADD COLUMN companion_names TEXT;       -- personal
ALTER TABLE visit ADD COLUMN items_in TEXT;
ALTER TABLE visit ADD COLUMN plate TEXT;
ALTER TABLE visit ADD COLUMN expected_minutes INTEGER;
ALTER TABLE visit ADD COLUMN notes TEXT;
ALTER TABLE visit ADD COLUMN photo BLOB;                 -- personal (JPEG/PNG bytes)
ALTER TABLE visit ADD COLUMN host_confirmed_by TEXT;
ALTER TABLE visit ADD COLUMN host_confirmed_at_ms INTEGER;
ALTER TABLE visit ADD COLUMN items_out TEXT;
ALTER TABLE visit ADD COLUMN slip_returned INTEGER CHECK (slip_returned IN (0, 1));
ALTER TABLE visit ADD COLUMN exit_override_by INTEGER REFERENCES guard(id);
ALTER TABLE visit ADD COLUMN exit_override_reason TEXT;
ALTER TABLE visit ADD COLUMN watchlist_override_by INTEGER REFERENCES guard(id);
ALTER TABLE visit ADD COLUMN watchlist_override_reason TEXT;
-- Returning visitors are found by ID number or phone.
CREATE INDEX visit_id_number ON visit(id_number) WHERE id_number IS NOT NULL;
CREATE INDEX visit_phone ON visit(phone) WHERE phone IS NOT NULL;

-- The watchlist: people (by name or ID number) and plates to stop or to watch.
CREATE TABLE watchlist (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    name           TEXT,
    -- Toneless pinyin of the name, so 张伟 also matches 章伟.
    name_pinyin    TEXT,
    id_number      TEXT,
    plate          TEXT,
    reason         TEXT    NOT NULL,
    action         TEXT    NOT NULL CHECK (action IN ('deny', 'alert')),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms  INTEGER NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES guard(id),
    CHECK (name IS NOT NULL OR id_number IS NOT NULL OR plate IS NOT NULL)
) STRICT;

-- Kindergarten mid-day pick-ups (中途离园登记).
CREATE TABLE pickup (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    child_name         TEXT,            -- personal
    class_name         TEXT    NOT NULL,
    picker_name        TEXT,            -- personal
    relation           TEXT    NOT NULL,
    picker_id_number   TEXT,            -- personal
    picker_phone       TEXT,            -- personal
    pii_salt           BLOB,
    pii_commitment     TEXT    NOT NULL,
    teacher            TEXT    NOT NULL,
    picked_up_at_ms    INTEGER NOT NULL,
    recorded_by        INTEGER NOT NULL REFERENCES guard(id)
) STRICT;
CREATE INDEX pickup_time ON pickup(picked_up_at_ms);

-- Gatehouse schema 4: the 24-hour duty log (值班记录), follow-up items (限期整改), key places
-- for patrols (重点部位) and the shift handover (交接班) signed by both guards.
-- Entries and handovers are sealed: triggers refuse any UPDATE or DELETE; a correction is a
-- new entry that voids the old one. The audit chain covers them as every record.

-- Minimum patrols per duty day (NULL: 2).
ALTER TABLE site ADD COLUMN min_patrols_per_day INTEGER;

CREATE TABLE key_place (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL UNIQUE,
    position       INTEGER NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at_ms  INTEGER NOT NULL
) STRICT;

CREATE TABLE duty_entry (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT    NOT NULL UNIQUE,
    duty_day            TEXT    NOT NULL,          -- YYYY-MM-DD, the local date the duty day started
    kind                TEXT    NOT NULL CHECK (kind IN ('patrol', 'incident', 'call', 'spot_check', 'replacement', 'equipment_check', 'other')),
    occurred_at_ms      INTEGER NOT NULL,
    recorded_at_ms      INTEGER NOT NULL,
    place               TEXT,
    text                TEXT    NOT NULL,
    guard_id            INTEGER NOT NULL REFERENCES guard(id),
    reported_to         TEXT,
    severity            TEXT    CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    spot_check_by       TEXT,                      -- the supervisor who checked the post
    spot_check_mode     TEXT    CHECK (spot_check_mode IN ('in_person', 'phone')),
    replacement_guard   TEXT,                      -- who covered the post
    replacement_from_ms INTEGER,
    replacement_to_ms   INTEGER,
    patrol_places       TEXT,                      -- JSON [{"item": place, "ok": bool, "note": text}]
    voids_entry_id      INTEGER REFERENCES duty_entry(id),
    void_reason         TEXT,
    closes_item_id      INTEGER,                   -- the follow-up item this entry closes
    CHECK (recorded_at_ms >= occurred_at_ms)
) STRICT;
CREATE INDEX duty_entry_day ON duty_entry(duty_day, occurred_at_ms);
CREATE UNIQUE INDEX duty_entry_voided_once ON duty_entry(voids_entry_id) WHERE voids_entry_id IS NOT NULL;

CREATE TRIGGER duty_entry_no_update BEFORE UPDATE ON duty_entry
BEGIN SELECT RAISE(ABORT, 'duty log entries are sealed: void the entry with a new one'); END;
CREATE TRIGGER duty_entry_no_delete BEFORE DELETE ON duty_entry
BEGIN SELECT RAISE(ABORT, 'duty log entries are sealed: void the entry with a new one'); END;

-- Follow-up items (限期整改): opened by a duty entry or a handover's joint check, closed by
-- a later entry.
CREATE TABLE follow_up (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT    NOT NULL UNIQUE,
    title               TEXT    NOT NULL,
    owner               TEXT    NOT NULL,
    deadline            TEXT    NOT NULL,          -- local date YYYY-MM-DD
    opened_at_ms        INTEGER NOT NULL,
    opened_by           INTEGER NOT NULL REFERENCES guard(id),
    opened_by_entry_id  INTEGER REFERENCES duty_entry(id),
    opened_by_handover_id INTEGER,
    closed_at_ms        INTEGER,
    closed_by_entry_id  INTEGER REFERENCES duty_entry(id)
) STRICT;
CREATE INDEX follow_up_open ON follow_up(deadline) WHERE closed_at_ms IS NULL;

-- Only the closing fields of a follow-up item may change, once.
CREATE TRIGGER follow_up_close_only BEFORE UPDATE ON follow_up
WHEN OLD.closed_at_ms IS NOT NULL
  OR NEW.title IS NOT OLD.title OR NEW.owner IS NOT OLD.owner OR NEW.deadline IS NOT OLD.deadline
  OR NEW.opened_at_ms IS NOT OLD.opened_at_ms OR NEW.opened_by IS NOT OLD.opened_by
  OR NEW.opened_by_entry_id IS NOT OLD.opened_by_entry_id OR NEW.opened_by_handover_id IS NOT OLD.opened_by_handover_id
  OR NEW.uid IS NOT OLD.uid OR NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'follow-up items can only be closed, once'); END;
CREATE TRIGGER follow_up_no_delete BEFORE DELETE ON follow_up
BEGIN SELECT RAISE(ABORT, 'follow-up items are never deleted'); END;

CREATE TABLE handover (
    id                        INTEGER PRIMARY KEY,
    uid                       TEXT    NOT NULL UNIQUE,
    duty_day                  TEXT    NOT NULL,
    outgoing_guard_id         INTEGER NOT NULL REFERENCES guard(id),
    incoming_guard_id         INTEGER NOT NULL REFERENCES guard(id),
    period_from_ms            INTEGER NOT NULL,   -- the shift the summary covers
    sealed_at_ms              INTEGER NOT NULL,
    summary                   TEXT    NOT NULL,   -- JSON, built by the core at sealing
    checklist                 TEXT    NOT NULL,   -- JSON [{"item", "ok", "note"}]
    handed_over               TEXT    NOT NULL,   -- JSON [{"item", "count"}]
    notes                     TEXT,
    outgoing_signature        BLOB    NOT NULL,   -- normalised PNG
    incoming_signature        BLOB    NOT NULL,
    outgoing_signature_sha256 TEXT    NOT NULL,
    incoming_signature_sha256 TEXT    NOT NULL,
    CHECK (outgoing_guard_id != incoming_guard_id)
) STRICT;
CREATE INDEX handover_time ON handover(sealed_at_ms);

CREATE TRIGGER handover_no_update BEFORE UPDATE ON handover
BEGIN SELECT RAISE(ABORT, 'a signed handover can never be changed'); END;
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
BEGIN SELECT RAISE(ABORT, 'a signed handover can never be deleted'); END;

-- Each print of a handover slip; the second and later are reprints (补打).
CREATE TABLE handover_print (
    id            INTEGER PRIMARY KEY,
    handover_id   INTEGER NOT NULL REFERENCES handover(id),
    printed_at_ms INTEGER NOT NULL,
    printed_by    INTEGER NOT NULL REFERENCES guard(id)
) STRICT;

-- A closed duty day takes no more entries.
CREATE TABLE duty_day_close (
    id            INTEGER PRIMARY KEY,
    uid           TEXT    NOT NULL UNIQUE,
    duty_day      TEXT    NOT NULL UNIQUE,
    closed_at_ms  INTEGER NOT NULL,
    closed_by     INTEGER NOT NULL REFERENCES guard(id)
) STRICT;
CREATE TRIGGER duty_day_close_no_update BEFORE UPDATE ON duty_day_close
BEGIN SELECT RAISE(ABORT, 'a closed duty day stays closed'); END;
CREATE TRIGGER duty_day_close_no_delete BEFORE DELETE ON duty_day_close
BEGIN SELECT RAISE(ABORT, 'a closed duty day stays closed'); END;

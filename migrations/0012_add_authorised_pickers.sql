-- Gatehouse schema 12: kindergarten authorised pickers (接送人名单, issue 14 item 8).
-- (0011 and 0013 are other branches' migrations.)
--
-- Each class's list of who may pick up which child, imported from the class's sheet. An
-- import of a class replaces its list: the old entries are marked removed (kept, so the
-- pick-ups that named them and the audit chain still resolve) and the retention purge
-- clears their personal data once they have been removed for the retention period.
-- Personal columns sit beside a salted commitment, like every record (see `pii`).
CREATE TABLE authorised_picker (
    id              INTEGER PRIMARY KEY,
    uid             TEXT    NOT NULL UNIQUE,
    class_name      TEXT    NOT NULL,
    child_name      TEXT,            -- personal
    picker_name     TEXT,            -- personal
    relation        TEXT    NOT NULL,
    phone           TEXT,            -- personal
    id_last4        TEXT,            -- personal: the last four characters of the ID number
    pii_salt        BLOB,
    pii_commitment  TEXT    NOT NULL,
    added_at_ms     INTEGER NOT NULL,
    added_by        INTEGER NOT NULL REFERENCES guard(id),
    removed_at_ms   INTEGER,         -- replaced by a later import of its class
    removed_by      INTEGER REFERENCES guard(id)
) STRICT;
-- The desk's look-up: the current list of a class, by child.
CREATE INDEX authorised_picker_current ON authorised_picker(class_name, child_name) WHERE removed_at_ms IS NULL;
-- The retention purge: removed entries that still hold personal data.
CREATE INDEX authorised_picker_retention ON authorised_picker(removed_at_ms) WHERE pii_salt IS NOT NULL AND removed_at_ms IS NOT NULL;
-- A removed entry stays removed (a new import adds new rows).
CREATE TRIGGER authorised_picker_removal_is_final BEFORE UPDATE OF removed_at_ms, removed_by ON authorised_picker
WHEN OLD.removed_at_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a removed authorised picker stays removed'); END;

-- A pick-up says whether its picker was on the list (and which entry), and for a picker who
-- was not, how the class teacher confirmed (`teacher` holds the teacher's name). A watchlist
-- hit let through by a supervisor is recorded as a visit's is.
ALTER TABLE pickup ADD COLUMN authorised_picker_id INTEGER REFERENCES authorised_picker(id);
ALTER TABLE pickup ADD COLUMN teacher_confirmation TEXT CHECK (teacher_confirmation IN ('phone', 'in_person', 'video'));
ALTER TABLE pickup ADD COLUMN watchlist_override_by INTEGER REFERENCES guard(id);
ALTER TABLE pickup ADD COLUMN watchlist_override_reason TEXT;

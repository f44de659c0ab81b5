-- Gatehouse schema 7: retention of personal data (PIPL) and automatic backups (issue 7).
-- (0006 is the search index, landed by another branch.)

-- Site settings. NULL means the default shown beside each.
ALTER TABLE site ADD COLUMN retention_days INTEGER CHECK (retention_days >= 30);   -- 180
ALTER TABLE site ADD COLUMN backup_dir TEXT;                                         -- none: no automatic backup
ALTER TABLE site ADD COLUMN backup_keep INTEGER CHECK (backup_keep BETWEEN 1 AND 365); -- 7

-- Every backup attempt, automatic or on demand, good or failed. An operational log like
-- login_throttle, not a record under the chain: a backup changes no record, and a failed
-- attempt (a USB drive pulled out) must be written even when nothing else can be.
CREATE TABLE backup_attempt (
    id            INTEGER PRIMARY KEY,
    at_ms         INTEGER NOT NULL,
    trigger       TEXT    NOT NULL CHECK (trigger IN ('automatic', 'manual')),
    guard_id      INTEGER REFERENCES guard(id),   -- who pressed "back up now"; NULL: automatic
    path          TEXT    NOT NULL,
    ok            INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error_code    TEXT,                           -- ErrorCode of a failed attempt (snake_case)
    message       TEXT,
    bytes         INTEGER
) STRICT;
CREATE INDEX backup_attempt_time ON backup_attempt(at_ms);

-- The retention purge finds records not yet purged (they still have their salt) by time.
CREATE INDEX visit_retention ON visit(checked_out_at_ms) WHERE pii_salt IS NOT NULL;
CREATE INDEX pickup_retention ON pickup(picked_up_at_ms) WHERE pii_salt IS NOT NULL;
CREATE INDEX vehicle_visit_retention ON vehicle_visit(checked_out_at_ms) WHERE pii_salt IS NOT NULL;

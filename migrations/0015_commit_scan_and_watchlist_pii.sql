-- Gatehouse schema 15: the pass scan log's holder hint and the watchlist's names and ID
-- numbers leave the audit snapshots (issue 15 item 7).
--
-- Until now `pass_scan`'s snapshot held `holder_hint` (the holder's name carried in the
-- code) and `watchlist`'s held `name`, `name_pinyin` and `id_number`, in clear, in every
-- event about them: a retention purge could never remove them, and anyone holding a copy of
-- the chain read them. From this schema on they are personal columns like a visitor's name
-- (`Audited::pii_columns`): each row keeps them beside a random `pii_salt`, and the snapshot
-- holds only `pii_commitment` (see src/pii.rs). Rows written before this schema have both
-- NULL; `Db::open` then runs `audit::commit_personal_data_once`, which fills them and appends
-- one event per row whose snapshot carries the commitment instead of the data. A row that no
-- longer matches its latest event (changed behind the app before the upgrade) is left as it
-- is, so that `verify` keeps reporting it instead of the fix-up laundering the change.
--
-- The events written before this schema still hold the hints, names and ID numbers in their
-- bodies: a hash chain cannot be rewritten without breaking it and every checkpoint printed
-- on a handover slip. The purge removes them from the rows; those old events remain until
-- the database itself is retired.

ALTER TABLE pass_scan ADD COLUMN pii_salt BLOB;
ALTER TABLE pass_scan ADD COLUMN pii_commitment TEXT;
ALTER TABLE watchlist ADD COLUMN pii_salt BLOB;
ALTER TABLE watchlist ADD COLUMN pii_commitment TEXT;

-- Pass scans stay sealed, with two exceptions, each of which the chain still covers:
-- (a) the one-time commitment of a row written before this schema: `pii_salt` and
--     `pii_commitment` go from NULL to a value, nothing else changes;
-- (b) the retention purge: `holder_hint` and `pii_salt` go to NULL (the commitment stays,
--     so the snapshot still matches its event), nothing else changes.
-- Any other update, and every delete, is still refused.
DROP TRIGGER pass_scan_no_update;
CREATE TRIGGER pass_scan_no_update BEFORE UPDATE ON pass_scan
WHEN NOT (
    NEW.id IS OLD.id AND NEW.uid IS OLD.uid AND NEW.key_id IS OLD.key_id AND NEW.serial IS OLD.serial
    AND NEW.outcome IS OLD.outcome AND NEW.accepted IS OLD.accepted AND NEW.direction IS OLD.direction
    AND NEW.gate_number IS OLD.gate_number AND NEW.guard_id IS OLD.guard_id AND NEW.scanned_at_ms IS OLD.scanned_at_ms
    AND NEW.override_by IS OLD.override_by AND NEW.override_reason IS OLD.override_reason
    AND (
        (OLD.pii_salt IS NULL AND OLD.pii_commitment IS NULL AND NEW.pii_salt IS NOT NULL AND NEW.pii_commitment IS NOT NULL
            AND NEW.holder_hint IS OLD.holder_hint)
        OR (OLD.pii_salt IS NOT NULL AND NEW.pii_salt IS NULL AND NEW.holder_hint IS NULL
            AND NEW.pii_commitment IS OLD.pii_commitment)
    )
)
BEGIN SELECT RAISE(ABORT, 'pass scans are sealed'); END;

-- The retention purge finds what it has not purged yet (rows with their salt) by time.
CREATE INDEX pass_retention ON pass(valid_to_ms) WHERE pii_salt IS NOT NULL;
CREATE INDEX pass_scan_retention ON pass_scan(scanned_at_ms) WHERE pii_salt IS NOT NULL;
-- `Db::open` asks on every start whether a scan still waits for its commitment: answered from
-- this (empty once the one-time fix-up ran) instead of a walk over the whole scan log.
CREATE INDEX pass_scan_uncommitted ON pass_scan(id) WHERE pii_commitment IS NULL;

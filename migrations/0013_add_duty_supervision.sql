-- Gatehouse schema 13: supervision of the post (issue 14, items 4-7).
-- (0011 and 0012 land from other branches.)
--
-- Spot checks (查岗): a check at the desk names the supervisor by guard id and is confirmed
-- by that supervisor's PIN (verified = 1); a phone check records the caller in
-- `spot_check_by` and is unverified (verified = 0). Rows written before this schema keep
-- `spot_check_verified` NULL: a free-text name the post wrote down, counted apart in reports.
ALTER TABLE duty_entry ADD COLUMN spot_check_supervisor_id INTEGER REFERENCES guard(id);
ALTER TABLE duty_entry ADD COLUMN spot_check_verified INTEGER CHECK (spot_check_verified IN (0, 1));

-- Serious incidents (fire, fight, forced entry, injury, theft) say whom they were reported to
-- and when. Older incidents have no category (NULL) and no time reported.
ALTER TABLE duty_entry ADD COLUMN incident_category TEXT
    CHECK (incident_category IN ('fire', 'fight', 'forced_entry', 'injury', 'theft', 'other'));
ALTER TABLE duty_entry ADD COLUMN reported_at_ms INTEGER;

-- Follow-up items (限期整改): open -> done (a guard marked it corrected, 已整改待复查) ->
-- closed by a supervisor's re-check (复查, PIN) or reopened by it (back to open). A problem
-- found at handover also says whom it was reported to and when. `closed_at_ms` keeps its
-- meaning: items closed before this schema (by a guard's entry) stay closed.
ALTER TABLE follow_up ADD COLUMN reported_to TEXT;
ALTER TABLE follow_up ADD COLUMN reported_at_ms INTEGER;
ALTER TABLE follow_up ADD COLUMN done_at_ms INTEGER;
ALTER TABLE follow_up ADD COLUMN done_by INTEGER REFERENCES guard(id);
ALTER TABLE follow_up ADD COLUMN closed_by INTEGER REFERENCES guard(id);

-- Only the status fields of an item change, and a closed item never again.
DROP TRIGGER follow_up_close_only;
CREATE TRIGGER follow_up_status_only BEFORE UPDATE ON follow_up
WHEN OLD.closed_at_ms IS NOT NULL
  OR NEW.title IS NOT OLD.title OR NEW.owner IS NOT OLD.owner OR NEW.deadline IS NOT OLD.deadline
  OR NEW.opened_at_ms IS NOT OLD.opened_at_ms OR NEW.opened_by IS NOT OLD.opened_by
  OR NEW.opened_by_entry_id IS NOT OLD.opened_by_entry_id OR NEW.opened_by_handover_id IS NOT OLD.opened_by_handover_id
  OR NEW.reported_to IS NOT OLD.reported_to OR NEW.reported_at_ms IS NOT OLD.reported_at_ms
  OR NEW.uid IS NOT OLD.uid OR NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a follow-up item only changes its status, and a closed one never'); END;

-- Each supervisor's re-check (复查) of an item: closed or reopened, with a note. Never
-- changed; the number of reopenings makes an item a repeat problem (屡查屡犯).
CREATE TABLE follow_up_review (
    id              INTEGER PRIMARY KEY,
    uid             TEXT    NOT NULL UNIQUE,
    follow_up_id    INTEGER NOT NULL REFERENCES follow_up(id),
    outcome         TEXT    NOT NULL CHECK (outcome IN ('closed', 'reopened')),
    note            TEXT    NOT NULL,
    reviewed_by     INTEGER NOT NULL REFERENCES guard(id),
    reviewed_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX follow_up_review_item ON follow_up_review(follow_up_id);
CREATE TRIGGER follow_up_review_no_update BEFORE UPDATE ON follow_up_review
BEGIN SELECT RAISE(ABORT, 'a re-check is never changed'); END;
CREATE TRIGGER follow_up_review_no_delete BEFORE DELETE ON follow_up_review
BEGIN SELECT RAISE(ABORT, 'a re-check is never deleted'); END;

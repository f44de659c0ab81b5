-- Gatehouse schema 11: who is on duty at this gate's desk (值班), issue 14 item 3.
--
-- The guard on duty is the incoming guard of the newest sealed handover, or the guard of the
-- newest watch below, whichever was recorded last (by the audit chain, not the clock). A
-- watch begins without a handover in two ways: the first guard to log in when nobody is on
-- duty, and a takeover without handover
-- (接班未交接): another guard logs in while the guard on duty has not handed over, and a
-- supervisor approves with PIN and reason. Such a takeover is flagged on the duty report and
-- the dashboard. Watches are sealed like the other records of the desk.
CREATE TABLE duty_watch (
    id                 INTEGER PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    guard_id           INTEGER NOT NULL REFERENCES guard(id),
    began_at_ms        INTEGER NOT NULL,
    how                TEXT    NOT NULL CHECK (how IN ('first_login', 'without_handover')),
    -- The guard who was on duty and did not hand over (takeovers only).
    previous_guard_id  INTEGER REFERENCES guard(id),
    approved_by        INTEGER REFERENCES guard(id),
    reason             TEXT,
    CHECK (how = 'first_login' OR (previous_guard_id IS NOT NULL AND approved_by IS NOT NULL AND reason IS NOT NULL))
) STRICT;
CREATE INDEX duty_watch_time ON duty_watch(began_at_ms);
CREATE TRIGGER duty_watch_no_update BEFORE UPDATE ON duty_watch
BEGIN SELECT RAISE(ABORT, 'duty watches are sealed'); END;
CREATE TRIGGER duty_watch_no_delete BEFORE DELETE ON duty_watch
BEGIN SELECT RAISE(ABORT, 'duty watches are sealed'); END;

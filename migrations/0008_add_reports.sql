-- Gatehouse schema 8: reports (统计报表). Indexes only; no table changes.
-- Visitor statistics group a date range of visits by hour, day, host and purpose: this
-- index covers those queries, so a month of a busy gate is read from the index alone.
-- (It also serves any query on visit(checked_in_at_ms) alone.)
CREATE INDEX IF NOT EXISTS visit_report ON visit(checked_in_at_ms, host, purpose);
-- Refused pass scans of a range (pass_scan_time covers the time; this skips accepted ones).
CREATE INDEX IF NOT EXISTS pass_scan_refused ON pass_scan(scanned_at_ms) WHERE accepted = 0;
-- Vehicles leaving in a range (check-outs per day).
CREATE INDEX IF NOT EXISTS vehicle_visit_out ON vehicle_visit(checked_out_at_ms) WHERE checked_out_at_ms IS NOT NULL;

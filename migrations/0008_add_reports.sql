-- Gatehouse schema 8: reports (统计报表). Indexes only; no table changes.
-- Visitor statistics read a date range of visits once (hour, day, host, purpose, companions,
-- checked out or not): this index covers that read, so a month of a busy gate comes from the
-- index alone. (It also serves any query on visit(checked_in_at_ms) alone.)
CREATE INDEX IF NOT EXISTS visit_report ON visit(checked_in_at_ms, host, purpose, companions, checked_out_at_ms);
-- Refused pass scans of a range (pass_scan_time covers the time; this skips accepted ones).
CREATE INDEX IF NOT EXISTS pass_scan_refused ON pass_scan(scanned_at_ms) WHERE accepted = 0;
-- Vehicles leaving in a range (check-outs per day).
CREATE INDEX IF NOT EXISTS vehicle_visit_out ON vehicle_visit(checked_out_at_ms) WHERE checked_out_at_ms IS NOT NULL;

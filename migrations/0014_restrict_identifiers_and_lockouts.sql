-- Search respects masking (issue 15 item 3): ID numbers and phones move out of the text every
-- guard's query matches as a substring into their own column, `ident`, so that the query can
-- choose: a guard's matches them only in full or by the last 4 digits with a name, a
-- supervisor's also by fragment (audited). See src/search.rs. The same migration caps log-in waits (at the end).
--
-- FTS5 tables cannot gain a column: the index is dropped and made again, and emptied with
-- its entries; the one-time backfill (preference `search_index`, cleared here) rebuilds it
-- from the records at the next open, oldest first, in Rust (the text must be normalised
-- exactly as queries are, which SQL cannot do).
DROP TABLE search_text;
CREATE VIRTUAL TABLE search_text USING fts5(body, ident, tokenize = 'trigram');
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
DELETE FROM search_bigram;
DELETE FROM search_entry;
DELETE FROM preference WHERE key = 'search_index';

-- Log-in throttling (issue 15 item 6): the wait after wrong PINs is now capped at 15
-- minutes (src/guards.rs). Waits set by the earlier rule could run for hours: they end now;
-- the count of lock-outs stays, so the next wrong PINs wait as long as the new rule says.
UPDATE login_throttle SET locked_until_ms = NULL WHERE locked_until_ms IS NOT NULL;

-- Each wrong PIN, for the supervisor's dashboard (repeated failures per account in the last
-- 24 hours). Not a record under the chain (the chain has `login_failed` for each): a
-- bookkeeping table like login_throttle, with the time indexed so the status bar reads a day
-- without scanning the audit chain. Rows older than 30 days are removed as new ones come.
CREATE TABLE login_failure (
    id        INTEGER PRIMARY KEY,
    guard_id  INTEGER NOT NULL REFERENCES guard(id),
    at_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failure_at ON login_failure(at_ms);

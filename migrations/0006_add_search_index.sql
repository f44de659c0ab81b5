-- Search (查询): one index over visits, pick-ups, vehicle visits, passes and duty entries.
-- Maintained in Rust (src/search.rs) in the same transaction as each record write; no
-- triggers (trusted_schema=OFF, and the text must be normalised the way queries are).
-- Existing rows are indexed by a one-time backfill at open (preference `search_index`).

-- One row per searchable record: what the filters need without touching the record.
CREATE TABLE search_entry (
    id         INTEGER PRIMARY KEY,                -- also the rowid of its search_text row
    kind       TEXT    NOT NULL CHECK (kind IN ('visit', 'pickup', 'vehicle', 'pass', 'duty')),
    record_id  INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    gate       INTEGER,
    guard_id   INTEGER,
    UNIQUE (kind, record_id)
) STRICT;

-- Fragments of 3+ characters: trigram substrings of the normalised text. Not contentless:
-- a contentless table cannot remove a deleted row's tokens (it only marks the row deleted
-- until segments merge), so a purged name would stay in the file. With its own content
-- and `secure-delete`, a delete removes the tokens and (with PRAGMA secure_delete) the bytes.
CREATE VIRTUAL TABLE search_text USING fts5(body, tokenize = 'trigram');
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);

-- Queries of exactly two characters (a 2-character Chinese name, or any two characters of
-- a name): every adjacent pair of each name field, newest first within a pair.
CREATE TABLE search_bigram (
    gram      TEXT    NOT NULL,
    at_ms     INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL,
    PRIMARY KEY (gram, at_ms, entry_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_bigram_entry ON search_bigram(entry_id);

-- "One day's visits" and date-range browsing.
CREATE INDEX visit_time ON visit(checked_in_at_ms);
